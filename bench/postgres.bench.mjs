// PostgreSQL storage figures (issue 15): how many commits per second a throwaway PostgreSQL on
// this machine takes — single-row commits (the ceiling), PostgresStorage commits spread over 100
// workspaces, and one workspace committing one command at a time as its hub does — with the same
// run's SQLite figure beside them. Durable settings (fsync, synchronous commit), as in production.
// Each figure runs for a fixed time; the whole bench takes well under two minutes.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pg = createRequire(join(root, 'packages/server/package.json'))('pg');
const fromServer = (path) => import(pathToFileURL(join(root, 'packages/server/dist', path)).href);

const SECONDS = Number(process.env.BENCH_PG_SECONDS ?? 5);
/** Connections committing at once: what a few server processes would hold. */
const CONNECTIONS = 8;
const WORKSPACES = 100;
/** A Confab-shaped command: a few events (message, conversation, contact) and its outcome. */
const EVENTS_PER_COMMAND = 3;

const round = (value) => Math.round(value);

/** Runs `work(worker)` in `workers` loops until the time is up; resolves with completions per second. */
async function perSecond(workers, work) {
  const end = performance.now() + SECONDS * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (performance.now() < end) {
        await work(worker);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

/** A command's record numbered after `head`. */
function record(commandId, head) {
  const events = Array.from({ length: EVENTS_PER_COMMAND }, (_, index) => ({
    seq: head + index + 1,
    cause: commandId,
    event: { type: 'view.removed', viewId: `${commandId}-${index}` },
  }));
  return {
    principalKey: 'agent:bench',
    commandId,
    events,
    outcome: { ok: true, seq: head + EVENTS_PER_COMMAND },
    at: Date.now(),
  };
}

/** Commits per second of one storage committing one command at a time, as a hub does. */
async function oneWorkspace(storage) {
  let head = 0;
  let n = 0;
  return perSecond(1, async () => {
    await storage.commit(record(`c${++n}`, head));
    head += EVENTS_PER_COMMAND;
  });
}

export async function run() {
  const { startThrowawayPostgres } = await fromServer('testing/postgres.test-util.js');
  const { openPostgresStorage } = await fromServer('storage/postgres-storage.js');
  const { createSqliteStorage } = await fromServer('storage/sqlite-storage.js');
  const cluster = await startThrowawayPostgres({ durable: true });
  const sqliteDir = mkdtempSync(join(tmpdir(), 'confab-bench-sqlite-'));
  try {
    const pool = new pg.Pool({ connectionString: await cluster.createDatabase(), max: CONNECTIONS });

    await pool.query('CREATE TABLE raw_commits (id bigserial PRIMARY KEY, body text NOT NULL)');
    const raw = await perSecond(CONNECTIONS, () => pool.query('INSERT INTO raw_commits (body) VALUES ($1)', ['x']));

    const storages = [];
    for (let index = 0; index < WORKSPACES; index++)
      storages.push(await openPostgresStorage({ pool, workspaceId: `w${index}` }));
    const heads = storages.map(() => 0);
    let commands = 0;
    // Every workspace commits one command at a time (its hub's order); the workspaces run side by side.
    const spread = await perSecond(WORKSPACES, async (worker) => {
      await storages[worker].commit(record(`c${++commands}`, heads[worker]));
      heads[worker] += EVENTS_PER_COMMAND;
    });
    await Promise.all(storages.map((storage) => storage.close()));

    const hot = await openPostgresStorage({ pool, workspaceId: 'hot' });
    const hotRate = await oneWorkspace(hot);
    await hot.close();
    await pool.end();

    const sqlite = createSqliteStorage(sqliteDir);
    const sqliteRate = await oneWorkspace(sqlite);
    await sqlite.close();

    return [
      { metric: 'pg.rawCommitsPerSec', value: round(raw), unit: 'commits/s' },
      { metric: `pg.storage.commitsPerSec.${WORKSPACES}Workspaces`, value: round(spread), unit: 'commits/s' },
      { metric: 'pg.storage.commitsPerSec.oneWorkspace', value: round(hotRate), unit: 'commits/s' },
      { metric: 'sqlite.storage.commitsPerSec.oneWorkspace', value: round(sqliteRate), unit: 'commits/s' },
    ];
  } finally {
    await cluster.stop();
    rmSync(sqliteDir, { recursive: true, force: true });
  }
}

// `node bench/postgres.bench.mjs` runs it alone.
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await run()) console.log(JSON.stringify(line));
}

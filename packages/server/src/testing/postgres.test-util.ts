// Test helper: a throwaway PostgreSQL cluster on a free loopback port, one per test file, with a
// fresh database per test. Its directory and processes are gone once it stops, or once the test
// process ends in any way (throwaway-process.test-util.ts).
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startOnFreePort, type ThrowawayProcess } from './throwaway-process.test-util.js';

/** Debian installs each major version under /usr/lib/postgresql/<major>/bin, off the PATH. */
const DEBIAN_ROOT = '/usr/lib/postgresql';

/** The newest installed PostgreSQL's bin directory (CONFAB_POSTGRES_BIN overrides it). */
export function postgresBinDir(): string {
  const override = process.env.CONFAB_POSTGRES_BIN;
  if (override) return override;
  const majors = existsSync(DEBIAN_ROOT)
    ? readdirSync(DEBIAN_ROOT)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(DEBIAN_ROOT, name, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!majors.length)
    throw new Error(
      `PostgreSQL is not installed (no ${DEBIAN_ROOT}/<version>/bin/postgres): apt-get install postgresql (.ci/run does), or set CONFAB_POSTGRES_BIN.`,
    );
  return join(DEBIAN_ROOT, majors[0]!, 'bin');
}

export interface ThrowawayPostgres {
  port: number;
  /** The cluster's own `postgres` database (for creating others; tests use createDatabase). */
  adminUrl: string;
  /** A new, empty database; resolves with its URL. */
  createDatabase(): Promise<string>;
  /** The guardian and the cluster's directory. */
  process: ThrowawayProcess;
  /**
   * `pg_ctl stop -m immediate` (SIGQUIT to the postmaster: no checkpoint, every session cut), down
   * for `downMs`, then started again on the same data and port; resolves once it answers again.
   */
  restartImmediately(downMs: number): Promise<void>;
  /** Stops the cluster and removes its directory. */
  stop(): Promise<void>;
}

export interface ThrowawayPostgresOptions {
  /**
   * Whether commits wait for the disk (fsync, synchronous commit) as in production. Off for tests,
   * where nothing survives the run anyway; on for benchmarks.
   */
  durable?: boolean;
  /** More `-c name=value` settings (a benchmark's `shared_preload_libraries=pg_stat_statements`). */
  settings?: string[];
}

const urlOf = (port: number, database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `initdb` into a temporary directory and `postgres` on a free loopback port (TCP only, trust
 * authentication, user `postgres`), both as `nobody` when the tests run as root: PostgreSQL refuses
 * to run as root.
 *
 * @example
 * const cluster = await startThrowawayPostgres();
 * after(() => cluster.stop());
 * const url = await cluster.createDatabase();
 */
export async function startThrowawayPostgres(options: ThrowawayPostgresOptions = {}): Promise<ThrowawayPostgres> {
  const bin = postgresBinDir();
  const settings = [
    'listen_addresses=127.0.0.1',
    'unix_socket_directories=',
    'max_connections=60',
    'shared_buffers=32MB',
    ...(options.durable ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']),
    ...(options.settings ?? []),
  ];
  // The shell stays the program so that a crash (restartImmediately) can be followed by a start
  // on the same data: while `$1/hold` exists it waits, then starts postgres again. Any other end of
  // postgres ends the program, as before. A stop (SIGTERM from the guardian: a background shell
  // cannot trap SIGQUIT) stops postgres with SIGQUIT, its immediate shutdown.
  const script = `
    "${bin}/initdb" -D "$1/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null || exit 1
    trap 'kill -QUIT "$pid" 2>/dev/null; wait "$pid"; exit 0' TERM
    while :; do
      "${bin}/postgres" -D "$1/data" -p "$2" ${settings.map((setting) => `-c ${setting}`).join(' ')} &
      pid=$!
      wait "$pid"
      status=$?
      [ -e "$1/hold" ] || exit "$status"
      while [ -e "$1/hold" ]; do sleep 0.05; done
    done`;
  const { process, port } = await startOnFreePort({
    name: 'postgres',
    command: (port) => ['sh', '-c', script, 'postgres', '{dir}', String(port)],
    stopSignal: 'SIGTERM',
    unprivileged: true,
    answers: (port) => answers(urlOf(port, 'postgres')),
    portTaken: (output) => /could not bind|Address already in use/i.test(output),
  });
  const adminUrl = urlOf(port, 'postgres');
  const admin = new pg.Pool({ connectionString: adminUrl, max: 1 });
  admin.on('error', () => undefined); // its idle connection drops when the cluster restarts
  let databases = 0;
  return {
    port,
    adminUrl,
    process,
    async createDatabase() {
      const name = `test_${++databases}`;
      // From template0, copied as files: a few tens of milliseconds with fsync off.
      await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 STRATEGY FILE_COPY`);
      return urlOf(port, name);
    },
    async restartImmediately(downMs) {
      const hold = join(process.dir, 'hold');
      writeFileSync(hold, '');
      const postmaster = Number(readFileSync(join(process.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      globalThis.process.kill(postmaster, 'SIGQUIT');
      await new Promise((resolve) => setTimeout(resolve, downMs));
      rmSync(hold);
      const deadline = Date.now() + 30_000;
      while (!(await answers(adminUrl).catch(() => false))) {
        if (Date.now() > deadline) throw new Error(`postgres did not start again: ${process.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      await admin.end().catch(() => undefined);
      await process.stop();
    },
  };
}

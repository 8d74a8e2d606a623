// What PostgresStorage promises beyond the storage contract: many workspaces in one database,
// many processes committing to one workspace, and its schema migrations.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { CommitRecord } from '@confab/core/backend';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../testing/postgres.test-util.js';
import { CommitRefusedError } from './commit-refused.js';
import { NewerPostgresSchemaError, POSTGRES_SCHEMA_VERSION } from './postgres-migrations.js';
import { openPostgresPool, poolCounts } from './postgres-pool.js';
import { oneStepCommits } from './postgres-one-step.js';
import { openPostgresStorage, type PostgresStorage } from './postgres-storage.js';

let cluster: ThrowawayPostgres;
before(async () => {
  cluster = await startThrowawayPostgres();
});
after(() => cluster.stop());

function record(commandId: string, firstSeq: number, count: number, principalKey = 'agent:a1', at = 1): CommitRecord {
  const events = Array.from({ length: count }, (_, index) => ({
    seq: firstSeq + index,
    cause: commandId,
    event: { type: 'view.removed' as const, viewId: `${commandId}/${index}` },
  }));
  return { principalKey, commandId, events, outcome: { ok: true, seq: firstSeq + count - 1 }, at };
}

test('two workspaces in one database never see each other’s events, outcomes, snapshots or epoch', async () => {
  const pool = new pg.Pool({ connectionString: await cluster.createDatabase(), max: 4 });
  try {
    const shop = await openPostgresStorage({ pool, workspaceId: 'shop' });
    const clinic = await openPostgresStorage({ pool, workspaceId: 'clinic' });
    // The same command ids and sequence numbers in both: each workspace numbers its own log.
    await shop.commit(record('c1', 1, 3, 'agent:a1', 1_000));
    await clinic.commit(record('c1', 1, 2, 'agent:a1', 1_000));
    await shop.saveSnapshot({ seq: 2, at: 5, engine: ['shop-engine'], streams: [] });

    const shopLog = await shop.load({ recent: 10 });
    const clinicLog = await clinic.load({ recent: 10 });
    assert.deepEqual(
      shopLog.events.map((event) => event.seq),
      [1, 2, 3],
    );
    assert.deepEqual(
      clinicLog.events.map((event) => event.seq),
      [1, 2],
    );
    assert.equal(shopLog.snapshot?.engine[0], 'shop-engine');
    assert.equal(clinicLog.snapshot, null, "the shop's snapshot is not the clinic's");
    assert.notEqual(shopLog.epoch, clinicLog.epoch);
    assert.deepEqual((await clinic.outcomes('agent:a1', ['c1'])).get('c1'), { ok: true, seq: 2 });

    assert.equal(await clinic.forgetOutcomes(2_000), 1, "forgetting the clinic's outcomes…");
    assert.equal((await shop.outcomes('agent:a1', ['c1'])).size, 1, "…leaves the shop's");
    assert.deepEqual(await shop.head(), { seq: 3, epoch: shopLog.epoch });

    // Closing a storage leaves a pool it was given open for the others.
    await shop.close();
    assert.equal((await clinic.head()).seq, 2);
    await clinic.close();
  } finally {
    await pool.end();
  }
});

test('four processes committing to one workspace at once get one gap-free sequence in commit order', async () => {
  const url = await cluster.createDatabase();
  // Four storages with pools of their own: four processes as far as PostgreSQL can tell.
  const processes = await Promise.all([1, 2, 3, 4].map(() => openPostgresStorage({ url, workspaceId: 'busy' })));
  const COMMANDS_EACH = 25;
  const refusals = { overlap: 0 };
  // The first commands all start from the same head: they surely race (later ones race as it happens).
  let readFirstHead = 0;
  let allReadFirstHead!: () => void;
  const firstHeadRead = new Promise<void>((resolve) => (allReadFirstHead = resolve));
  try {
    await Promise.all(
      processes.map(async (storage, index) => {
        for (let n = 0; n < COMMANDS_EACH; n++) {
          const commandId = `p${index}-c${n}`;
          // As a process does: read the head, number the events after it, and on a lost race read again.
          for (let attempt = 1; ; attempt++) {
            const { seq } = await storage.head();
            if (n === 0 && attempt === 1) {
              if (++readFirstHead === processes.length) allReadFirstHead();
              await firstHeadRead;
            }
            try {
              await storage.commit(record(commandId, seq + 1, 1 + (n % 3), `agent:p${index}`));
              break;
            } catch (error) {
              if (!(error instanceof CommitRefusedError) || error.reason !== 'overlap') throw error;
              refusals.overlap++;
            }
          }
        }
      }),
    );
    const log = await processes[0]!.load({ recent: Number.MAX_SAFE_INTEGER });
    const expected = 4 * [...Array(COMMANDS_EACH).keys()].reduce((sum, n) => sum + 1 + (n % 3), 0);
    assert.deepEqual(
      log.events.map((event) => event.seq),
      Array.from({ length: expected }, (_, index) => index + 1),
      'every number once, none missing',
    );
    // A command's events sit together: no other commit got between them.
    const runs = log.events.filter((event, index) => index === 0 || event.cause !== log.events[index - 1]!.cause);
    assert.equal(runs.length, 4 * COMMANDS_EACH, 'each command committed once, its events in one run');
    assert.equal((await processes[3]!.head()).seq, expected);
    assert.ok(refusals.overlap >= processes.length - 1, 'the processes raced for the head, and all but one lost');
  } finally {
    await Promise.all(processes.map((storage) => storage.close()));
  }
});

test('a new database is migrated once even when several processes open it at once', async () => {
  const url = await cluster.createDatabase();
  const storages: PostgresStorage[] = await Promise.all(
    ['a', 'b', 'c'].map((workspaceId) => openPostgresStorage({ url, workspaceId })),
  );
  try {
    for (const storage of storages) assert.equal(await storage.schemaVersion(), POSTGRES_SCHEMA_VERSION);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query('SELECT version FROM confab_schema ORDER BY version');
    const heads = await client.query('SELECT workspace_id FROM workspace_heads ORDER BY workspace_id');
    await client.end();
    assert.deepEqual(
      rows.map((row: { version: number }) => row.version),
      Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, index) => index + 1),
      'each step once',
    );
    assert.deepEqual(
      heads.rows.map((row: { workspace_id: string }) => row.workspace_id),
      ['a', 'b', 'c'],
    );
  } finally {
    await Promise.all(storages.map((storage) => storage.close()));
  }
});

test('a database from a newer server is refused before anything in it changes', async () => {
  const url = await cluster.createDatabase();
  await (await openPostgresStorage({ url, workspaceId: 'default' })).close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("INSERT INTO confab_schema (version, description) VALUES ($1, 'from the future')", [
      POSTGRES_SCHEMA_VERSION + 1,
    ]);
    await assert.rejects(
      openPostgresStorage({ url, workspaceId: 'newcomer' }),
      (error) => error instanceof NewerPostgresSchemaError && error.found === POSTGRES_SCHEMA_VERSION + 1,
    );
    const { rows } = await client.query(
      "SELECT count(*)::int AS n FROM workspace_heads WHERE workspace_id = 'newcomer'",
    );
    assert.equal(rows[0].n, 0);
  } finally {
    await client.end();
  }
});

test('a bad workspace id, a missing database and an unreachable server are refused with a clear error', async () => {
  const url = await cluster.createDatabase();
  for (const workspaceId of ['', 'a b', 'x'.repeat(101), 'tab\there', "it's"])
    await assert.rejects(openPostgresStorage({ url, workspaceId }), RangeError, JSON.stringify(workspaceId));
  await assert.rejects(openPostgresStorage({ workspaceId: 'default' }), TypeError);
  await assert.rejects(
    openPostgresStorage({
      url: `${cluster.adminUrl.replace(/\/postgres$/, '')}/no_such_database`,
      workspaceId: 'default',
    }),
    /no_such_database/,
  );
  // Port 1 on loopback: nothing listens there.
  await assert.rejects(
    openPostgresStorage({ url: 'postgres://postgres@127.0.0.1:1/confab', workspaceId: 'default' }),
    /ECONNREFUSED/,
  );
});

test('a command transaction is two round trips, whatever it catches up on and however many commands it holds', async () => {
  const pool = openPostgresPool({ url: await cluster.createDatabase(), max: 2 });
  try {
    const other = await openPostgresStorage({ pool, workspaceId: 'shop' });
    const storage = await openPostgresStorage({ pool, workspaceId: 'shop' });
    await other.commit(record('elsewhere', 1, 2));
    const before = poolCounts(pool);
    let missed: number[] = [];
    await storage.commitLocked!(
      { commands: ['c1', 'c2'].map((commandId) => ({ principalKey: 'agent:a1', commandId })), seq: 0 },
      (log) => {
        missed = log.missed.map((event) => event.seq);
        return [record('c1', 3, 1), record('c2', 4, 2)];
      },
    );
    const after = poolCounts(pool);
    assert.deepEqual(missed, [1, 2], 'the other commit was read under the lock');
    assert.equal(after.queries - before.queries, 2, 'BEGIN rides with the lock, COMMIT with the writes');
    assert.equal(after.connectWaits - before.connectWaits, 1);
    assert.deepEqual(
      (await storage.eventsAfter(0)).map((event) => event.seq),
      [1, 2, 3, 4, 5],
    );
    // A command id with an outcome already: refused, and none of the transaction is kept.
    await assert.rejects(
      storage.commitLocked!({ commands: [{ principalKey: 'agent:a1', commandId: 'c9' }], seq: 5 }, () => [
        record('c9', 6, 1),
        record('c1', 7, 1),
      ]),
      (error) => error instanceof CommitRefusedError && error.reason === 'command-done',
    );
    assert.equal((await storage.head()).seq, 5);
    await other.close();
    await storage.close();
  } finally {
    await pool.end();
  }
});

test('a one-command commit at the head it was decided at is one round trip; a moved head or a known command id writes nothing', async () => {
  const pool = openPostgresPool({ url: await cluster.createDatabase(), max: 2 });
  try {
    const other = await openPostgresStorage({ pool, workspaceId: 'shop' });
    const storage = await openPostgresStorage({ pool, workspaceId: 'shop' });
    const before = poolCounts(pool);
    assert.equal(await storage.commitAt(0, record('c1', 1, 2)), true);
    assert.equal(poolCounts(pool).queries - before.queries, 1, 'one statement, its own transaction');
    assert.deepEqual((await storage.outcomes('agent:a1', ['c1'])).get('c1'), { ok: true, seq: 2 });

    // Another process wrote meanwhile: this process's decision (made at 2) is not written.
    await other.commit(record('elsewhere', 3, 1));
    assert.equal(await storage.commitAt(2, record('c2', 3, 1)), false);
    assert.deepEqual(
      (await storage.eventsAfter(0)).map((event) => event.cause),
      ['c1', 'c1', 'elsewhere'],
    );
    assert.equal((await storage.outcomes('agent:a1', ['c2'])).size, 0);

    // The command id has an outcome (it ran before, here or elsewhere): not run again.
    assert.equal(await storage.commitAt(3, record('c1', 4, 1)), false);
    assert.equal((await storage.head()).seq, 3);
    // A refusal stores its outcome and moves nothing but the row's version.
    const refusal: CommitRecord = {
      principalKey: 'agent:a1',
      commandId: 'c3',
      events: [],
      outcome: { ok: false, error: { code: 'rule', message: 'Refused.' } },
      at: 1,
    };
    assert.equal(await storage.commitAt(3, refusal), true);
    assert.equal((await storage.head()).seq, 3);
    assert.equal(await storage.commitAt(3, refusal), false, 'the refusal is not stored twice');
    await assert.rejects(storage.commitAt(3, record('c4', 9, 1)), (error) => error instanceof CommitRefusedError);
    await other.close();
    await storage.close();
  } finally {
    await pool.end();
  }
});

test('one-command commits of several workspaces asked for in one turn share one statement, each with its own answer', async () => {
  const pool = openPostgresPool({ url: await cluster.createDatabase(), max: 4 });
  try {
    const shops = await Promise.all(
      ['d', 'a', 'c', 'b'].map((workspaceId) => openPostgresStorage({ pool, workspaceId })),
    );
    const [d, a, c, b] = shops as [PostgresStorage, PostgresStorage, PostgresStorage, PostgresStorage];
    await c.commit(record('moved', 1, 1)); // c's head is at 1: a commit decided at 0 is not written
    const before = poolCounts(pool);
    const answers = await Promise.all([
      d.commitAt(0, record('d1', 1, 2)),
      a.commitAt(0, record('a1', 1, 1)),
      c.commitAt(0, record('c1', 1, 1)),
      b.commitAt(0, record('b1', 1, 3)),
    ]);
    assert.deepEqual(answers, [true, true, false, true]);
    assert.equal(poolCounts(pool).queries - before.queries, 1, 'one round trip for four workspaces');
    assert.deepEqual(
      await Promise.all(
        shops.map(async (shop) => (await shop.eventsAfter(0)).map((event) => `${event.seq}:${event.cause}`)),
      ),
      [['1:d1', '2:d1'], ['1:a1'], ['1:moved'], ['1:b1', '2:b1', '3:b1']],
    );
    assert.equal((await c.outcomes('agent:a1', ['c1'])).size, 0);

    // A statement that fails writes nothing: each call is sent again alone and answered for itself.
    const [good, bad] = await Promise.allSettled([
      a.commitAt(1, record('a2', 2, 1)),
      oneStepCommits(pool)({ workspaceId: 'b', seq: 3, events: '[', answers: '[]' }),
    ]);
    assert.deepEqual(good, { status: 'fulfilled', value: true });
    assert.match(String((bad as PromiseRejectedResult).reason), /invalid input syntax for type json/);
    assert.deepEqual((await a.outcomes('agent:a1', ['a2'])).get('a2'), { ok: true, seq: 2 });
    assert.equal((await b.head()).seq, 3);
    await Promise.all(shops.map((shop) => shop.close()));
  } finally {
    await pool.end();
  }
});

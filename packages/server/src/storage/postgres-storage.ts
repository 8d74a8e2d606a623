import pg from 'pg';
import type {
  BackendStorage,
  CommitRecord,
  SharedLog,
  HubSnapshot,
  StoredEvent,
  StoredLog,
  StoredOutcome,
} from '@confab/core/backend';
import type { ConfabEvent } from '@confab/core';
import { CommitRefusedError } from './commit-refused.js';
import { migratePostgres, postgresSchemaVersion } from './postgres-migrations.js';
import { randomEpoch } from './migrations.js';
import { connectCounted, isUnreachable, openPostgresPool, unreachable } from './postgres-pool.js';
import { oneStepCommits } from './postgres-one-step.js';

/** One workspace's log in a PostgreSQL database that may hold many workspaces. */
export interface PostgresStorage extends BackendStorage {
  commitLocked: SharedLog['commitLocked'];
  eventsAfter: SharedLog['eventsAfter'];
  commitAt: NonNullable<SharedLog['commitAt']>;
  readonly kind: 'postgres';
  readonly workspaceId: string;
  /** The workspace's head as the database has it now: its last sequence number and its epoch. */
  head(): Promise<{ seq: number; epoch: string }>;
  /** The schema version the database holds (postgres-migrations.ts). */
  schemaVersion(): Promise<number>;
}

export interface PostgresStorageOptions {
  /** Which workspace's log this storage reads and writes. */
  workspaceId: string;
  /** A pool shared with other workspaces' storages (not ended by close), or… */
  pool?: pg.Pool;
  /** …a `postgres://` URL: the storage opens its own pool and ends it on close. */
  url?: string;
}

/** Workspace ids are names, not text: no control characters, and short enough to index. */
const WORKSPACE_ID = /^[\w.-]{1,100}$/;

type EventRow = { seq: string; cause: string | null; event: string; principal_key: string | null };
/** A stored outcome as confab_lock_and_read returns it: principal key, command id, outcome JSON. */
type KnownRow = [string, string, string];
/** What confab_lock_and_read returns (postgres-migrations.ts, version 8): the head, the known outcomes, the missed events. */
type Locked = [number, KnownRow[], [number, string | null, string, string | null][]] | null;

/** SQLSTATE that confab_write_commit raises when a command id has an outcome already. */
const COMMAND_DONE = 'CF001';

/**
 * Checks what a commit record must be whatever the log holds: numbered without gaps from its first
 * event, answered with the last of them, keyed and dated. Refused before any query.
 */
function checkShape(record: CommitRecord): void {
  const malformed = (why: string) => new CommitRefusedError('malformed', `The commit record is malformed: ${why}.`);
  if (typeof record.principalKey !== 'string' || !record.principalKey) throw malformed('no principal key');
  if (typeof record.commandId !== 'string' || !record.commandId) throw malformed('no command id');
  if (!Number.isSafeInteger(record.at)) throw malformed('`at` is not a time in whole milliseconds');
  if (!Array.isArray(record.events)) throw malformed('`events` is not a list');
  record.events.forEach((sequenced, index) => {
    if (!Number.isSafeInteger(sequenced.seq) || sequenced.seq < 1) throw malformed(`event ${index} has no valid seq`);
    if (index > 0 && sequenced.seq !== record.events[index - 1]!.seq + 1)
      throw malformed(`event ${index} does not follow event ${index - 1}`);
    if (typeof sequenced.event?.type !== 'string') throw malformed(`event ${index} has no type`);
  });
  const { outcome } = record;
  if (outcome?.ok !== true && outcome?.ok !== false) throw malformed('no outcome');
  if (!outcome.ok && record.events.length) throw malformed('a refusal has events');
  const last = record.events[record.events.length - 1];
  if (outcome.ok && last && outcome.seq !== last.seq)
    throw malformed(`the outcome names seq ${outcome.seq}, the last event is ${last.seq}`);
}

/**
 * Runs `work` in one transaction on one pooled connection; rolls back when it throws. A
 * connection that failed is destroyed rather than given back to the pool (and not asked to roll
 * back: PostgreSQL does when the connection ends, or when the session idles past its timeout).
 * A database that went away is a StorageUnreachableError: after COMMIT was sent its outcome is
 * unknown, so no caller may answer "nothing was changed".
 */
async function inTransaction<T>(pool: pg.Pool, begin: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await connectCounted(pool);
  let broken: Error | undefined;
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (isUnreachable(error)) {
      broken = error as Error;
      throw unreachable(error);
    }
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * A command transaction in two round trips (node-postgres sends a statement only once the one
 * before answered, so BEGIN and COMMIT ride in the same simple query as the statement next to
 * them): `BEGIN; SELECT confab_lock_and_read(…)`, then the writes `finish` returns for what was
 * read, followed by COMMIT in the same query. The values go in as literals (simple queries take no
 * parameters), escaped by the driver; a workspace id is a name (WORKSPACE_ID) and numbers are
 * checked integers. Failures are handled as in inTransaction.
 */
async function lockedTransaction(
  pool: pg.Pool,
  lock: string,
  finish: (locked: Locked) => string | null,
): Promise<void> {
  const client = await connectCounted(pool);
  let broken: Error | undefined;
  try {
    const results = (await client.query(`BEGIN; ${lock}`)) as unknown as pg.QueryResult[];
    const writes = finish(results[1]!.rows[0]!.locked as Locked);
    await client.query(writes === null ? 'COMMIT' : `${writes}; COMMIT`);
  } catch (error) {
    if (isUnreachable(error)) {
      broken = error as Error;
      throw unreachable(error);
    }
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    if (error instanceof pg.DatabaseError && error.code === COMMAND_DONE)
      throw new CommitRefusedError('command-done', 'A command of this commit has an outcome already.');
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * Durable storage of one workspace in PostgreSQL (node-postgres). Every table is keyed by
 * `workspace_id`; the workspace's row in `workspace_heads` holds its last sequence number and epoch.
 *
 * A commit is one transaction that locks the head row (`FOR UPDATE`), checks that the events
 * continue from the head (a gap or an overlap is refused with CommitRefusedError), inserts the
 * events and the outcome, and moves the head. So sequence numbers are gap-free per workspace and in
 * commit order whichever process commits: a PostgreSQL sequence (`nextval`) is not transactional
 * and would give neither. It resolves once PostgreSQL has committed (durable with the server's
 * default `synchronous_commit = on`).
 *
 * @example
 * const storage = await openPostgresStorage({ url: process.env.CONFAB_DATABASE_URL, workspaceId: 'default' });
 * const backend = createBackend({ storage, auth });
 */
export async function openPostgresStorage(options: PostgresStorageOptions): Promise<PostgresStorage> {
  const { workspaceId } = options;
  if (typeof workspaceId !== 'string' || !WORKSPACE_ID.test(workspaceId))
    throw new RangeError(
      `A workspace id is 1 to 100 letters, digits, '_', '-' or '.'; got ${JSON.stringify(workspaceId)}.`,
    );
  if (!options.pool === !options.url) throw new TypeError('Give PostgresStorage either a pool or a url.');
  const ownsPool = !options.pool;
  const pool = options.pool ?? openPostgresPool({ url: options.url!, max: 4 });
  try {
    await migratePostgres(pool);
    await pool.query(
      'INSERT INTO workspace_heads (workspace_id, seq, epoch) VALUES ($1, 0, $2) ON CONFLICT (workspace_id) DO NOTHING',
      [workspaceId, randomEpoch()],
    );
  } catch (error) {
    if (ownsPool) await pool.end().catch(() => undefined);
    throw error;
  }

  const workspaceLiteral = pg.escapeLiteral(workspaceId);
  /** Shared by every workspace on this pool: lone commands of several workspaces go in one statement. */
  const commitOneStep = oneStepCommits(pool);
  let closed = false;
  const inFlight = new Set<Promise<unknown>>();
  /** Runs an operation unless closed; close() waits for the ones under way. */
  function operation<T>(work: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new Error('The storage is closed.'));
    const running = work().catch((error: unknown) => {
      throw unreachable(error);
    });
    const settled = running.catch(() => undefined);
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
    return running;
  }

  async function readHead(db: pg.Pool | pg.PoolClient): Promise<{ seq: number; epoch: string }> {
    const { rows } = await db.query<{ seq: string; epoch: string }>({
      name: 'confab-read-head',
      text: 'SELECT seq, epoch FROM workspace_heads WHERE workspace_id = $1',
      values: [workspaceId],
    });
    if (!rows[0]) throw new Error(`The workspace ${workspaceId} has no head row (was it deleted?).`);
    return { seq: Number(rows[0].seq), epoch: rows[0].epoch };
  }

  async function readEvents(db: pg.Pool | pg.PoolClient, after: number): Promise<StoredEvent[]> {
    const { rows } = await db.query<EventRow>({
      name: 'confab-events-after',
      text: 'SELECT seq, cause, event, principal_key FROM events WHERE workspace_id = $1 AND seq > $2 ORDER BY seq',
      values: [workspaceId, after],
    });
    return rows.map((row) => ({
      seq: Number(row.seq),
      cause: row.cause,
      event: JSON.parse(row.event) as ConfabEvent,
      by: row.principal_key,
    }));
  }

  /**
   * Checked records' events and outcomes as the two JSON arguments of the functions that insert
   * them and move the head past `head` (confab_write_commit, confab_commit_at).
   */
  function recordsJson(head: number, records: readonly CommitRecord[]): { events: string; answers: string } {
    let next = head + 1;
    for (const record of records) {
      const first = record.events[0]?.seq;
      if (first !== undefined && first > next)
        throw new CommitRefusedError('gap', `The events start at ${first}; the log's head is ${next - 1}.`);
      if (first !== undefined && first < next)
        throw new CommitRefusedError('overlap', `The events start at ${first}; the log already holds ${next - 1}.`);
      next += record.events.length;
    }
    const events = records.flatMap((record) =>
      record.events.map((sequenced) => ({
        seq: sequenced.seq,
        type: sequenced.event.type,
        cause: sequenced.cause,
        principal_key: record.principalKey,
        event: JSON.stringify(sequenced.event),
      })),
    );
    const answers = records.map((record) => ({
      principal_key: record.principalKey,
      command_id: record.commandId,
      outcome: JSON.stringify(record.outcome),
      at: record.at,
    }));
    return { events: JSON.stringify(events), answers: JSON.stringify(answers) };
  }

  /**
   * The statement that inserts the records and moves the head, in the caller's transaction (an
   * outcome there already rolls it all back).
   */
  function writeRecords(head: number, records: readonly CommitRecord[]): string {
    const { events, answers } = recordsJson(head, records);
    return `SELECT confab_write_commit(${workspaceLiteral}, ${pg.escapeLiteral(events)}::json, ${pg.escapeLiteral(answers)}::json)`;
  }

  /** The statement that locks the head row and reads the commands' outcomes and the events after `after` (none when null). */
  function lockAndRead(after: number | null, commands: readonly { principalKey: string; commandId: string }[]): string {
    if (after !== null && !Number.isSafeInteger(after)) throw new RangeError(`Not a sequence number: ${after}.`);
    const keyed = commands.map((command) => ({ principal_key: command.principalKey, command_id: command.commandId }));
    const literal = pg.escapeLiteral(JSON.stringify(keyed));
    return `SELECT confab_lock_and_read(${workspaceLiteral}, ${after ?? 'NULL'}, ${literal}::json) AS locked`;
  }

  async function readSnapshot(client: pg.PoolClient, head: number): Promise<HubSnapshot | null> {
    const { rows } = await client.query<{ seq: string; at: string }>(
      'SELECT seq, at FROM snapshots WHERE workspace_id = $1',
      [workspaceId],
    );
    const seq = Number(rows[0]?.seq ?? 0);
    // A snapshot ahead of the log (a hand-made restore could pair them so): replay instead.
    if (seq <= 0 || seq > head) return null;
    const snapshot: HubSnapshot = { seq, at: Number(rows[0]!.at), engine: [], streams: [] };
    const chunks = await client.query<{ part: 'engine' | 'streams'; text: string }>(
      'SELECT part, text FROM snapshot_chunks WHERE workspace_id = $1 ORDER BY part, idx',
      [workspaceId],
    );
    for (const row of chunks.rows) snapshot[row.part].push(row.text);
    return snapshot;
  }

  return {
    kind: 'postgres',
    workspaceId,

    head: () => operation(() => readHead(pool)),
    schemaVersion: () => operation(() => postgresSchemaVersion(pool)),

    load({ recent }) {
      // One snapshot of the database: the head, the snapshot and the events agree even while
      // another process commits.
      return operation(() =>
        inTransaction(pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (client): Promise<StoredLog> => {
          const head = await readHead(client);
          const snapshot = await readSnapshot(client, head.seq);
          const from = Math.max(0, Math.min(snapshot?.seq ?? 0, head.seq - recent));
          return { epoch: head.epoch, snapshot, events: await readEvents(client, from) };
        }),
      );
    },

    commit(record) {
      return operation(async () => {
        checkShape(record);
        await lockedTransaction(pool, lockAndRead(null, []), (locked) => {
          if (!locked) throw new Error(`The workspace ${workspaceId} has no head row (was it deleted?).`);
          return writeRecords(locked[0], [record]);
        });
      });
    },

    commitLocked(batch, decide) {
      // async: a bad batch (lockAndRead throws) rejects, as every storage call does.
      return operation(async () =>
        // The head row's lock is held to COMMIT: every other process's command on this workspace waits for it.
        lockedTransaction(pool, lockAndRead(batch.seq, batch.commands), (locked) => {
          if (!locked) throw new Error(`The workspace ${workspaceId} has no head row (was it deleted?).`);
          const [head, known, missed] = locked;
          if (head < batch.seq)
            throw new Error(`The log's head (${head}) is behind this process (${batch.seq}): was it restored?`);
          const outcomes = new Map(known.map(([key, id, outcome]) => [`${key}\n${id}`, outcome]));
          const records = decide({
            missed: missed.map(([seq, cause, event, by]) => ({
              seq: Number(seq),
              cause,
              event: JSON.parse(event) as ConfabEvent,
              by,
            })),
            outcomeOf(principalKey, commandId) {
              const outcome = outcomes.get(`${principalKey}\n${commandId}`);
              return outcome === undefined ? null : (JSON.parse(outcome) as StoredOutcome);
            },
          });
          if (!records.length) return null;
          records.forEach(checkShape);
          return writeRecords(head, records);
        }),
      );
    },

    commitAt(seq, record) {
      return operation(async () => {
        checkShape(record);
        if (!Number.isSafeInteger(seq)) throw new RangeError(`Not a sequence number: ${seq}.`);
        return commitOneStep({ workspaceId, seq, ...recordsJson(seq, [record]) });
      });
    },

    eventsAfter(seq) {
      return operation(() => readEvents(pool, seq));
    },

    outcomes(principalKey, commandIds) {
      return operation(async () => {
        const { rows } = await pool.query<{ command_id: string; outcome: string }>(
          'SELECT command_id, outcome FROM outcomes WHERE workspace_id = $1 AND principal_key = $2 AND command_id = ANY($3::text[])',
          [workspaceId, principalKey, [...commandIds]],
        );
        return new Map(rows.map((row) => [row.command_id, JSON.parse(row.outcome) as StoredOutcome]));
      });
    },

    saveSnapshot(snapshot) {
      return operation(() =>
        // Its own row lock (snapshots), not the head's: a large snapshot never holds up commits.
        inTransaction(pool, 'BEGIN', async (client) => {
          // Several processes write snapshots of one workspace: a later one never gives way to an
          // earlier one (the row is locked, so its chunks change with it).
          const { rowCount } = await client.query(
            `INSERT INTO snapshots (workspace_id, seq, at) VALUES ($1, $2, $3)
             ON CONFLICT (workspace_id) DO UPDATE SET seq = excluded.seq, at = excluded.at
             WHERE snapshots.seq < excluded.seq`,
            [workspaceId, snapshot.seq, snapshot.at],
          );
          if (rowCount === 0) return;
          await client.query('DELETE FROM snapshot_chunks WHERE workspace_id = $1', [workspaceId]);
          const parts = (['engine', 'streams'] as const).flatMap((part) =>
            snapshot[part].map((text, idx) => ({ part, idx, text })),
          );
          await client.query(
            `INSERT INTO snapshot_chunks (workspace_id, part, idx, text)
             SELECT $1, part, idx, text FROM unnest($2::text[], $3::int[], $4::text[]) AS c(part, idx, text)`,
            [workspaceId, parts.map((c) => c.part), parts.map((c) => c.idx), parts.map((c) => c.text)],
          );
        }),
      );
    },

    forgetOutcomes(before) {
      if (closed) return Promise.resolve(0);
      return operation(async () => {
        const deleted = await pool.query('DELETE FROM outcomes WHERE workspace_id = $1 AND at < $2', [
          workspaceId,
          before,
        ]);
        return deleted.rowCount ?? 0;
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(inFlight);
      if (ownsPool) await pool.end();
    },
  };
}

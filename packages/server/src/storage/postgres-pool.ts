import pg from 'pg';
import { StorageUnreachableError } from '@confab/core/backend';

/** How long a query, a connection or a wait for a pooled connection may take by default (CONFAB_DATABASE_TIMEOUT_MS). */
export const DEFAULT_DATABASE_TIMEOUT_MS = 5_000;

export interface PostgresPoolOptions {
  url: string;
  max: number;
  timeoutMs?: number;
}

/** What a pool made by openPostgresPool counts: queries sent, and transactions' waits for a connection. */
export interface PoolCounts {
  /** node-postgres sends a query only once the one before answered: each is a round trip. */
  queries: number;
  connectWaits: number;
  connectWaitSeconds: number;
}
const counts = new WeakMap<pg.Pool, PoolCounts>();

/** What a pool made by openPostgresPool counted so far (zeros for another pool). */
export function poolCounts(pool: pg.Pool): PoolCounts {
  return { ...(counts.get(pool) ?? { queries: 0, connectWaits: 0, connectWaitSeconds: 0 }) };
}

/**
 * A pooled connection for a transaction, the wait for it counted (how long commits queue for the
 * pool); a database that cannot be reached is a StorageUnreachableError.
 */
export async function connectCounted(pool: pg.Pool): Promise<pg.PoolClient> {
  const started = performance.now();
  try {
    return await pool.connect();
  } catch (error) {
    throw unreachable(error);
  } finally {
    const counted = counts.get(pool);
    if (counted) {
      counted.connectWaits++;
      counted.connectWaitSeconds += (performance.now() - started) / 1000;
    }
  }
}

/**
 * A pool whose every wait is bounded: connecting, waiting for a free connection and each query
 * give up after `timeoutMs`, so a process cut off from the database stops acknowledging rather
 * than hanging. PostgreSQL ends a session left idle inside a transaction after half of it: a
 * process cut off while holding a workspace's head lock must not hold up the other processes for
 * longer than their own queries wait.
 */
export function openPostgresPool(options: PostgresPoolOptions): pg.Pool {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    idle_in_transaction_session_timeout: Math.max(1, Math.floor(timeoutMs / 2)),
  });
  // An idle connection that drops (a database restart) is replaced on next use; the query that
  // then fails reports it. Without a listener the pool's 'error' event would end the process.
  pool.on('error', () => undefined);
  // The pool listens only to idle connections: one that drops while checked out (mid-transaction)
  // emits 'error' on the client too, which would end the process. The query under way fails instead.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    // Counted where every query passes, the pool's own included: each is one round trip.
    const send = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      counted.queries++;
      return send(...args);
    }) as typeof client.query;
  });
  const counted: PoolCounts = { queries: 0, connectWaits: 0, connectWaitSeconds: 0 };
  counts.set(pool, counted);
  // Every store's query then fails as StorageUnreachableError when the database is gone: a hello
  // that cannot check its token closes the link (1012) rather than refusing the client.
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  pool.query = ((...args: unknown[]) =>
    query(...args).catch((error: unknown) => {
      throw unreachable(error);
    })) as typeof pool.query;
  return pool;
}

/** What node-postgres says when a connection failed, timed out or was already lost. */
const CONNECTION_FAILED =
  /^(Connection terminated|Query read timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed)/;

/**
 * Whether an error means the database was not reached or did not answer (a dropped or refused
 * connection, a timeout) rather than an answer from PostgreSQL or a refusal of ours. PostgreSQL's
 * own errors carry a SQLSTATE: of those, only classes 57P (shutdown, crash, a session ended for
 * idling in a transaction) and 08 (connection) say the database went away.
 */
export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (error instanceof pg.DatabaseError)
    return typeof code === 'string' && (code.startsWith('57P') || code.startsWith('08'));
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, …
  return CONNECTION_FAILED.test(error.message);
}

/** The error a storage operation rethrows when the database was not reached: the hub closes the link on it. */
export function unreachable(error: unknown): unknown {
  if (!isUnreachable(error) || error instanceof StorageUnreachableError) return error;
  return new StorageUnreachableError('The database did not answer; reconnect and send again.', { cause: error });
}

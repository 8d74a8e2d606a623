import { openPostgresPool, poolCounts, type PoolCounts } from './postgres-pool.js';
import { renewAllEpochs, renewEpochsIfRestored } from './postgres-origin.js';
import { openPostgresStorage, type PostgresStorage } from './postgres-storage.js';
import { createPostgresDirectory, createPostgresWorkspaceStores } from './postgres-stores.js';
import { SessionHandoff } from './session-handoff.js';
import { POSTGRES_SCHEMA_VERSION, migratePostgres, postgresSchemaVersion } from './postgres-migrations.js';
import { SCHEMA_VERSION } from './migrations.js';
import { createDiskFileStore } from '../files/disk-file-store.js';
import type { FileStore } from '../files/file-store.js';
import { createPostgresFileStore } from '../files/postgres-file-store.js';
import { createSqliteStorage, type SqliteStorage, type WorkspaceStorage } from './sqlite-storage.js';
import { DEFAULT_WORKSPACE, UnknownWorkspaceError, type WorkspaceDirectory } from './workspace-directory.js';
import { createPostgresWebhookStore } from '../webhooks/postgres-webhook-store.js';
import { createSqliteWebhookStore } from '../webhooks/sqlite-webhook-store.js';
import type { WebhookStore } from '../webhooks/webhook-store.js';
import { createPostgresApiKeyStore, createSqliteApiKeyStore, type ApiKeyStore } from '../api/api-keys.js';

/** The workspace of a server that hosts one team: the embedded default. */
export const DEFAULT_WORKSPACE_ID = DEFAULT_WORKSPACE;
/** Connections a process keeps to PostgreSQL (CONFAB_DATABASE_POOL_SIZE), shared by all its workspaces. */
export const DEFAULT_POOL_SIZE = 10;

export interface ServerStoreOptions {
  /** Where `confab.sqlite` lives (the embedded store, and the control file beside it). */
  dataDir: string;
  /** CONFAB_DATABASE_URL: a `postgres://` or `postgresql://` URL. Unset or empty: everything stays in SQLite. */
  databaseUrl?: string | undefined;
  /** Connections in the one pool of this process. Default DEFAULT_POOL_SIZE. */
  poolSize?: number;
  /** CONFAB_DATABASE_TIMEOUT_MS: how long a query or a connection may take. Default DEFAULT_DATABASE_TIMEOUT_MS. */
  timeoutMs?: number;
}

/**
 * Everything the server stores, behind one interface whichever database holds it: the workspace
 * directory, and per workspace its log, tokens, sessions, accounts and deliveries.
 */
export interface ServerStore {
  readonly kind: 'sqlite' | 'postgres';
  /** The data directory's SQLite file. With PostgreSQL it holds no workspace's data. */
  readonly local: SqliteStorage;
  readonly directory: WorkspaceDirectory;
  /** Every workspace's webhook endpoints and deliveries, in the same database as their logs. */
  readonly webhooks: WebhookStore;
  /** Every workspace's REST API keys. */
  readonly apiKeys: ApiKeyStore;
  /**
   * PostgreSQL: whether this start found the database restored, recovered or failed over (another
   * origin than recorded) and gave every workspace a new epoch. SQLite renews them itself (backup.ts).
   */
  readonly epochsRenewed: boolean;
  /** `confab-server renew-epochs`: a new epoch for every workspace (PostgreSQL; after a restore it cannot tell). */
  renewEpochs(): Promise<number>;
  /** A workspace's storage; rejects with UnknownWorkspaceError for a workspace not in the directory. */
  forWorkspace(workspaceId: string): Promise<WorkspaceStorage>;
  /** A workspace's uploaded files: on disk under the data directory, or in PostgreSQL. */
  files(workspaceId: string): FileStore;
  /**
   * The last sequence number of each of these workspaces as the database has it now (one query):
   * a process compares them with its replicas to learn what other processes committed. Only
   * PostgreSQL has other writers; SQLite answers null.
   */
  heads(workspaceIds: readonly string[]): Promise<Map<string, number> | null>;
  /** PostgreSQL: queries sent so far (each one round trip), and transactions' waits for a pooled connection. SQLite: null. */
  databaseCounts(): PoolCounts | null;
  /** Readiness: whether a write commits now, and whether the schema is the one this server knows. */
  probe(): Promise<{ writable: boolean; migrations: boolean }>;
  close(): Promise<void>;
}

/**
 * Opens the server's store: the SQLite file in the data directory, and with a database URL one
 * PostgreSQL pool that every workspace's storage shares. Several processes on the same database
 * see the same workspaces, tokens, sessions and logs.
 *
 * @example
 * const store = await openServerStore({ dataDir: '.data', databaseUrl: process.env.CONFAB_DATABASE_URL });
 * const backend = createBackend({ storage: await store.forWorkspace('default'), auth });
 */
export async function openServerStore(options: ServerStoreOptions): Promise<ServerStore> {
  const { databaseUrl } = options;
  if (databaseUrl && !isPostgresUrl(databaseUrl))
    // The URL itself is not repeated: it may hold a password.
    throw new RangeError('CONFAB_DATABASE_URL must be a postgres:// or postgresql:// URL.');
  const local = createSqliteStorage(options.dataDir);
  if (!databaseUrl) return sqliteStore(local);
  try {
    return await postgresStore(local, databaseUrl, options.poolSize ?? DEFAULT_POOL_SIZE, options.timeoutMs);
  } catch (error) {
    await local.close();
    throw error;
  }
}

function isPostgresUrl(text: string): boolean {
  return URL.canParse(text) && ['postgres:', 'postgresql:'].includes(new URL(text).protocol);
}

function sqliteStore(local: SqliteStorage): ServerStore {
  const webhooks = createSqliteWebhookStore(local.file);
  const apiKeys = createSqliteApiKeyStore(local.file);
  return {
    kind: 'sqlite',
    local,
    directory: local,
    webhooks,
    apiKeys,
    epochsRenewed: false,
    async renewEpochs() {
      throw new Error(
        'renew-epochs is for PostgreSQL: a SQLite copy restored from `confab-server backup` renews its epochs itself.',
      );
    },
    async forWorkspace(workspaceId) {
      return local.forWorkspace(workspaceId);
    },
    files: (workspaceId) => createDiskFileStore(local.dir, workspaceId),
    async heads() {
      return null;
    },
    databaseCounts: () => null,
    async probe() {
      return { writable: local.writable(), migrations: local.schemaVersion() === SCHEMA_VERSION };
    },
    async close() {
      webhooks.close();
      apiKeys.close();
      await local.close();
    },
  };
}

async function postgresStore(
  local: SqliteStorage,
  url: string,
  poolSize: number,
  timeoutMs: number | undefined,
): Promise<ServerStore> {
  const pool = openPostgresPool({ url, max: poolSize, ...(timeoutMs ? { timeoutMs } : {}) });
  let directory: WorkspaceDirectory;
  let epochsRenewed: boolean;
  /** A visitor session read to route a hello, handed to the hub that checks it (one read, not two). */
  const handoff = new SessionHandoff();
  try {
    await migratePostgres(pool);
    epochsRenewed = await renewEpochsIfRestored(pool);
    directory = await createPostgresDirectory(pool, Date.now(), handoff);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const logs = new Set<PostgresStorage>();
  // Readiness and the watchdog ask on a connection of their own: queued behind the pool's work (a
  // reconnect storm's session reads) a probe can wait past the timeout, and the watchdog would take
  // a busy pool for a lost database and close every socket, which reconnect into the same queue.
  const probePool = openPostgresPool({ url, max: 1, ...(timeoutMs ? { timeoutMs } : {}) });
  return {
    kind: 'postgres',
    local,
    directory,
    webhooks: createPostgresWebhookStore(pool),
    apiKeys: createPostgresApiKeyStore(pool),
    epochsRenewed,
    renewEpochs: () => renewAllEpochs(pool),
    async forWorkspace(workspaceId) {
      if (!(await directory.workspace(workspaceId))) throw new UnknownWorkspaceError(workspaceId);
      const log = await openPostgresStorage({ pool, workspaceId });
      logs.add(log);
      return {
        ...createPostgresWorkspaceStores(pool, workspaceId, handoff),
        ...log,
        async close() {
          logs.delete(log);
          await log.close();
        },
      };
    },
    files: (workspaceId) => createPostgresFileStore(pool, workspaceId),
    async heads(workspaceIds) {
      const { rows } = await pool.query<{ workspace_id: string; seq: string }>(
        'SELECT workspace_id, seq FROM workspace_heads WHERE workspace_id = ANY($1::text[])',
        [[...workspaceIds]],
      );
      return new Map(rows.map((row) => [row.workspace_id, Number(row.seq)]));
    },
    databaseCounts: () => poolCounts(pool),
    async probe() {
      try {
        // A standby (in recovery) answers but takes no writes.
        const { rows } = await probePool.query<{ recovering: boolean }>('SELECT pg_is_in_recovery() AS recovering');
        const version = await postgresSchemaVersion(probePool);
        return { writable: !rows[0]!.recovering, migrations: version === POSTGRES_SCHEMA_VERSION };
      } catch {
        return { writable: false, migrations: false };
      }
    },
    async close() {
      await Promise.all([...logs].map((log) => log.close()));
      await pool.end();
      await probePool.end();
      await local.close();
    },
  };
}

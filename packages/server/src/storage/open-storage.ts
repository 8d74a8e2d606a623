import type { BackendStorage } from '@confab/core/backend';
import { openPostgresStorage } from './postgres-storage.js';

/** The workspace of a server that hosts one team: the embedded default. */
export const DEFAULT_WORKSPACE_ID = 'default';

export interface WorkspaceLogOptions {
  /** CONFAB_DATABASE_URL: a `postgres://` or `postgresql://` URL. Unset: the log stays in `local`. */
  databaseUrl?: string | undefined;
  /** Default DEFAULT_WORKSPACE_ID. */
  workspaceId?: string;
  /** The server's SQLite store, which keeps accounts, sessions, tokens and deliveries either way. */
  local: BackendStorage;
}

/**
 * The log of a workspace (events, outcomes, snapshots, epoch): in PostgreSQL when a database URL
 * is given, else in the embedded SQLite store, unchanged. The server opens its SQLite store
 * either way and hands the hub the result of this one call; closing that log closes the SQLite
 * store too, so the hub's close still ends everything.
 *
 * @example
 * const log = await openWorkspaceLog({ databaseUrl: options.databaseUrl, local: storage });
 * const backend = createBackend({ storage: log, auth });
 */
export async function openWorkspaceLog(options: WorkspaceLogOptions): Promise<BackendStorage> {
  const { databaseUrl, local } = options;
  if (!databaseUrl) return local;
  if (!URL.canParse(databaseUrl) || !['postgres:', 'postgresql:'].includes(new URL(databaseUrl).protocol))
    // The URL itself is not repeated: it may hold a password.
    throw new RangeError('CONFAB_DATABASE_URL must be a postgres:// or postgresql:// URL.');
  const postgres = await openPostgresStorage({
    url: databaseUrl,
    workspaceId: options.workspaceId ?? DEFAULT_WORKSPACE_ID,
  });
  return {
    ...postgres,
    async close() {
      await postgres.close();
      await local.close();
    },
  };
}

import Database from 'better-sqlite3';
import type pg from 'pg';

/** `read` keys may only read; `write` keys may also change (every change is an engine command). */
export type ApiKeyScope = 'read' | 'write';

/** A workspace's key for the REST API. It acts as one agent of the workspace, with that agent's rights. */
export interface ApiKeyRecord {
  id: string;
  workspaceId: string;
  agentId: string;
  label: string;
  scope: ApiKeyScope;
  createdAt: number;
  revokedAt: number | null;
}

/**
 * API keys, stored as SHA-256 hashes only (a leaked database grants nothing). SQLite and PostgreSQL
 * implement it.
 */
export interface ApiKeyStore {
  saveApiKey(key: ApiKeyRecord, keyHash: string): Promise<void>;
  /** The live (unrevoked) key with this hash, whatever its workspace. */
  apiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  listApiKeys(workspaceId: string): Promise<ApiKeyRecord[]>;
  /** Revokes a live key of the workspace; false when there was none. */
  revokeApiKey(workspaceId: string, id: string, at: number): Promise<boolean>;
}

interface Row {
  id: string;
  workspace_id: string;
  agent_id: string;
  label: string;
  scope: string;
  created_at: number | string;
  revoked_at: number | string | null;
}

const toRecord = (row: Row): ApiKeyRecord => ({
  id: row.id,
  workspaceId: row.workspace_id,
  agentId: row.agent_id,
  label: row.label,
  scope: row.scope as ApiKeyScope,
  createdAt: Number(row.created_at),
  revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
});

const COLUMNS = 'id, workspace_id, agent_id, label, scope, created_at, revoked_at';

/** The keys in the data directory's SQLite file, over a connection of their own. */
export function createSqliteApiKeyStore(file: string): ApiKeyStore & { close(): void } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const insert = db.prepare(`INSERT INTO api_keys (${COLUMNS}, key_hash) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)`);
  const byHash = db.prepare(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL`);
  const list = db.prepare(`SELECT ${COLUMNS} FROM api_keys WHERE workspace_id = ? ORDER BY created_at, id`);
  const revoke = db.prepare(
    'UPDATE api_keys SET revoked_at = ? WHERE workspace_id = ? AND id = ? AND revoked_at IS NULL',
  );
  return {
    async saveApiKey(key, keyHash) {
      insert.run(key.id, key.workspaceId, key.agentId, key.label, key.scope, key.createdAt, keyHash);
    },
    async apiKeyByHash(keyHash) {
      const row = byHash.get(keyHash) as Row | undefined;
      return row ? toRecord(row) : null;
    },
    async listApiKeys(workspaceId) {
      return (list.all(workspaceId) as Row[]).map(toRecord);
    },
    async revokeApiKey(workspaceId, id, at) {
      return revoke.run(at, workspaceId, id).changes > 0;
    },
    close() {
      db.close();
    },
  };
}

/** The keys in PostgreSQL, shared by every process. */
export function createPostgresApiKeyStore(pool: pg.Pool): ApiKeyStore {
  return {
    async saveApiKey(key, keyHash) {
      await pool.query(`INSERT INTO api_keys (${COLUMNS}, key_hash) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)`, [
        key.id,
        key.workspaceId,
        key.agentId,
        key.label,
        key.scope,
        key.createdAt,
        keyHash,
      ]);
    },
    async apiKeyByHash(keyHash) {
      const { rows } = await pool.query<Row>(
        `SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
        [keyHash],
      );
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async listApiKeys(workspaceId) {
      const { rows } = await pool.query<Row>(
        `SELECT ${COLUMNS} FROM api_keys WHERE workspace_id = $1 ORDER BY created_at, id`,
        [workspaceId],
      );
      return rows.map(toRecord);
    },
    async revokeApiKey(workspaceId, id, at) {
      const { rowCount } = await pool.query(
        'UPDATE api_keys SET revoked_at = $1 WHERE workspace_id = $2 AND id = $3 AND revoked_at IS NULL',
        [at, workspaceId, id],
      );
      return (rowCount ?? 0) > 0;
    },
  };
}

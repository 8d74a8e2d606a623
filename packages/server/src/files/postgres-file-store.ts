import type pg from 'pg';
import type { FileStore, StoredFile } from './file-store.js';

interface FileRow {
  id: string;
  sha256: string;
  name: string;
  type: string;
  size: number;
  uploader: string;
  conversation_id: string | null;
  created_at: string;
}

const COLUMNS = 'id, sha256, name, type, size, uploader, conversation_id, created_at';

function toFile(row: FileRow): StoredFile {
  return {
    id: row.id,
    sha256: row.sha256,
    name: row.name,
    type: row.type,
    size: Number(row.size),
    uploader: row.uploader,
    conversationId: row.conversation_id,
    createdAt: Number(row.created_at),
  };
}

/**
 * A workspace's files in PostgreSQL (table `files`, migration 7): every process of a cluster
 * serves what any of them stored. Every query names the workspace.
 */
export function createPostgresFileStore(pool: pg.Pool, workspaceId: string): FileStore {
  return {
    async save(file, content) {
      await pool.query(
        `INSERT INTO files (workspace_id, ${COLUMNS}, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          workspaceId,
          file.id,
          file.sha256,
          file.name,
          file.type,
          file.size,
          file.uploader,
          file.conversationId,
          file.createdAt,
          content,
        ],
      );
    },
    async find(id) {
      const { rows } = await pool.query<FileRow>(`SELECT ${COLUMNS} FROM files WHERE workspace_id = $1 AND id = $2`, [
        workspaceId,
        id,
      ]);
      return rows[0] ? toFile(rows[0]) : null;
    },
    async read(id) {
      const { rows } = await pool.query<{ content: Buffer }>(
        'SELECT content FROM files WHERE workspace_id = $1 AND id = $2',
        [workspaceId, id],
      );
      return rows[0]?.content ?? null;
    },
    async attach(id, conversationId) {
      await pool.query(
        'UPDATE files SET conversation_id = $3 WHERE workspace_id = $1 AND id = $2 AND conversation_id IS NULL',
        [workspaceId, id, conversationId],
      );
    },
    async deleteOfConversations(conversationIds) {
      const { rowCount } = await pool.query(
        'DELETE FROM files WHERE workspace_id = $1 AND conversation_id = ANY($2::text[])',
        [workspaceId, [...conversationIds]],
      );
      return rowCount ?? 0;
    },
  };
}

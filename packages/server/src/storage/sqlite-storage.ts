import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type {
  BackendStorage,
  CommitRecord,
  HubSnapshot,
  StoredEvent,
  StoredLog,
  StoredOutcome,
} from '@confab/core/backend';
import type { ConfabEvent, DeliveryState } from '@confab/core';
import { createAccountStore, type AccountStore } from './account-store.js';
import { migrate, randomEpoch, schemaVersion } from './migrations.js';

/** Visitor sessions and agent tokens, stored as SHA-256 hashes only (a leaked database grants nothing). */
export interface TokenStore {
  saveVisitorSession(tokenHash: string, contactId: string, createdAt: number): void;
  /** A live (unrevoked) session; `lastUsedAt` is its creation for sessions never used since. */
  findVisitorSession(tokenHash: string): { contactId: string; createdAt: number; lastUsedAt: number } | null;
  /** Records a use of the session (its idle lifetime starts again). */
  touchVisitorSession(tokenHash: string, usedAt: number): void;
  revokeVisitorSessions(contactId: string, revokedAt: number): number;
  saveAgentToken(token: { id: string; tokenHash: string; agentId: string; label: string; createdAt: number }): void;
  findAgentToken(tokenHash: string): { id: string; agentId: string } | null;
  /** Revokes one token; returns its agent, or null when there was no such live token. */
  revokeAgentToken(id: string, revokedAt: number): string | null;
  listAgentTokens(
    agentId?: string,
  ): { id: string; agentId: string; label: string; createdAt: number; revokedAt: number | null }[];
  /**
   * Agents disabled through the token store before the engine held `disabled` (the admin API of
   * earlier versions), once: the rows are deleted as they are read. The server disables them in
   * the engine at start, so the engine is the one truth.
   */
  takeLegacyDisabledAgents(): string[];
}

/** Outbound email bookkeeping: which queued emails the mailer sent, or gave up on. */
export interface DeliveryRecord {
  messageId: string;
  state: DeliveryState;
  attempts: number;
  lastError: string | null;
  updatedAt: number;
}

export interface DeliveryStore {
  recordDelivery(record: DeliveryRecord): void;
  delivery(messageId: string): DeliveryRecord | null;
  /** `email.queued` events that have no final delivery yet, oldest first (the mailer resumes them after a restart). */
  pendingEmails(): Extract<ConfabEvent, { type: 'email.queued' }>[];
}

export interface SqliteStorage extends BackendStorage, TokenStore, DeliveryStore, AccountStore {
  readonly kind: 'sqlite';
  readonly dir: string;
  readonly file: string;
  /** Number of stored events (for /health?details). */
  eventCount(): number;
  /** The schema version the file holds (migrations.ts); SCHEMA_VERSION once opened. */
  schemaVersion(): number;
  /** Whether a write transaction commits now (readiness): false on a read-only or failing disk. */
  writable(): boolean;
}

/**
 * A copy made by `confab-server backup` is marked `restored`: the first time a server opens it as
 * its database, the log's history may be older than what clients saw, so it gets a new epoch (and
 * clients a full snapshot rather than deltas of another history). The backup file itself keeps the
 * mark, so restoring it again renews the epoch again.
 */
function renewEpochIfRestored(db: Database.Database): void {
  db.transaction(() => {
    const marked = db.prepare("DELETE FROM meta WHERE key = 'restored' RETURNING value").get();
    if (marked) db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('epoch', ?)").run(randomEpoch());
  }).immediate();
}

/** The default data directory: CONFAB_DATA_DIR, else ./.data. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.CONFAB_DATA_DIR || '.data');
}

/** The database file of a data directory. */
export function databaseFile(dir: string): string {
  return join(resolve(dir), 'confab.sqlite');
}

/** The store holds every message, contact and token hash: no other account on the machine may read it. */
const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the data directory 0700 (an existing one is left as its owner set it) and the database
 * 0600 before SQLite opens it: SQLite gives its write-ahead log and shared memory the database's
 * mode, so they are private too. A database, log or shared memory an older version left
 * world-readable is made private.
 */
function preparePrivateFiles(dir: string, file: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, PRIVATE_FILE_MODE);
}

/**
 * Durable storage in one SQLite file (better-sqlite3). WAL with synchronous=FULL: a commit returns
 * only after its write-ahead log is fsynced, so an acknowledged command survives a crash or power loss.
 * Each commit is one transaction holding the command's events and its outcome, so a restart never
 * finds events without the outcome that makes a repeated command id idempotent (or the reverse).
 *
 * @example
 * const storage = createSqliteStorage(process.env.CONFAB_DATA_DIR ?? '.data');
 * const backend = createBackend({ storage, auth });
 */
export function createSqliteStorage(dir: string = defaultDataDir()): SqliteStorage {
  const absoluteDir = resolve(dir);
  const file = databaseFile(absoluteDir);
  preparePrivateFiles(absoluteDir, file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  try {
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }

  const metaValue = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
  const setMeta = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
  renewEpochIfRestored(db);

  const insertEvent = db.prepare('INSERT INTO events (seq, type, cause, event, principal_key) VALUES (?, ?, ?, ?, ?)');
  const insertOutcome = db.prepare(
    'INSERT OR REPLACE INTO outcomes (principal_key, command_id, outcome, at) VALUES (?, ?, ?, ?)',
  );
  const commitTransaction = db.transaction((records: CommitRecord[]) => {
    for (const record of records) {
      for (const sequenced of record.events) {
        insertEvent.run(
          sequenced.seq,
          sequenced.event.type,
          sequenced.cause,
          JSON.stringify(sequenced.event),
          record.principalKey,
        );
      }
      insertOutcome.run(record.principalKey, record.commandId, JSON.stringify(record.outcome), record.at);
    }
  });
  const findOutcome = db.prepare('SELECT outcome FROM outcomes WHERE principal_key = ? AND command_id = ?').pluck();
  const forgetOutcomes = db.prepare('DELETE FROM outcomes WHERE at < ?');
  const snapshotChunks = db.prepare('SELECT part, text FROM snapshot_chunks ORDER BY part, idx');
  const insertChunk = db.prepare('INSERT INTO snapshot_chunks (part, idx, text) VALUES (?, ?, ?)');
  /** One snapshot at a time: the new one replaces the old in one transaction. */
  const saveSnapshotTransaction = db.transaction((snapshot: HubSnapshot) => {
    db.exec('DELETE FROM snapshot_chunks');
    snapshot.engine.forEach((text, index) => insertChunk.run('engine', index, text));
    snapshot.streams.forEach((text, index) => insertChunk.run('streams', index, text));
    setMeta.run('snapshot_seq', String(snapshot.seq));
    setMeta.run('snapshot_at', String(snapshot.at));
  });

  /**
   * Group commit: records handed over in the same turn of the event loop share one transaction and
   * one fsync. The hub today waits for each commit before deciding the next command, so a batch
   * holds one record; a hub that pipelines commands gets many per fsync with no change here.
   * The flush waits for the next turn (setImmediate), so the event loop first flushes the previous
   * command's fan-out and reads new frames — a commit blocks the thread for its fsync.
   */
  let batch: { records: CommitRecord[]; waiters: { resolve: () => void; reject: (error: unknown) => void }[] } | null =
    null;
  function flush() {
    const current = batch;
    if (!current) return; // already flushed by close()
    batch = null;
    try {
      commitTransaction(current.records);
    } catch (error) {
      for (const waiter of current.waiters) waiter.reject(error);
      return;
    }
    for (const waiter of current.waiters) waiter.resolve();
  }
  // Sequence numbers run from 1 without gaps: the highest is the count, read from the key's end (no scan).
  const countEvents = db.prepare('SELECT coalesce(max(seq), 0) AS n FROM events');
  const probeWrite = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('ready_probe', ?)");

  const statements = {
    saveSession: db.prepare('INSERT INTO visitor_sessions (token_hash, contact_id, created_at) VALUES (?, ?, ?)'),
    findSession: db.prepare(
      'SELECT contact_id, created_at, last_used_at FROM visitor_sessions WHERE token_hash = ? AND revoked_at IS NULL',
    ),
    touchSession: db.prepare('UPDATE visitor_sessions SET last_used_at = ? WHERE token_hash = ?'),
    revokeSessions: db.prepare(
      'UPDATE visitor_sessions SET revoked_at = ? WHERE contact_id = ? AND revoked_at IS NULL',
    ),
    saveAgentToken: db.prepare(
      'INSERT INTO agent_tokens (id, token_hash, agent_id, label, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    findAgentToken: db.prepare('SELECT id, agent_id FROM agent_tokens WHERE token_hash = ? AND revoked_at IS NULL'),
    agentOfToken: db.prepare('SELECT agent_id FROM agent_tokens WHERE id = ? AND revoked_at IS NULL'),
    revokeAgentToken: db.prepare('UPDATE agent_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    listAllTokens: db.prepare(
      'SELECT id, agent_id, label, created_at, revoked_at FROM agent_tokens ORDER BY created_at, id',
    ),
    listTokensOf: db.prepare(
      'SELECT id, agent_id, label, created_at, revoked_at FROM agent_tokens WHERE agent_id = ? ORDER BY created_at, id',
    ),
    legacyDisabled: db.prepare('DELETE FROM agent_access RETURNING agent_id, disabled'),
    recordDelivery: db.prepare(
      'INSERT OR REPLACE INTO deliveries (message_id, state, attempts, last_error, updated_at) VALUES (?, ?, ?, ?, ?)',
    ),
    delivery: db.prepare(
      'SELECT message_id, state, attempts, last_error, updated_at FROM deliveries WHERE message_id = ?',
    ),
    pendingEmails: db.prepare(
      `SELECT event FROM events WHERE type = 'email.queued' AND json_extract(event, '$.messageId') NOT IN
         (SELECT message_id FROM deliveries WHERE state IN ('sent', 'failed')) ORDER BY seq`,
    ),
  };

  function readSnapshot(seq: number): HubSnapshot {
    const snapshot: HubSnapshot = { seq, at: Number(metaValue.get('snapshot_at') ?? 0), engine: [], streams: [] };
    for (const row of snapshotChunks.iterate() as IterableIterator<{ part: 'engine' | 'streams'; text: string }>)
      snapshot[row.part].push(row.text);
    return snapshot;
  }

  let closed = false;
  type TokenRow = { id: string; agent_id: string; label: string; created_at: number; revoked_at: number | null };

  return {
    ...createAccountStore(db),
    kind: 'sqlite',
    dir: absoluteDir,
    file,

    async load({ recent }): Promise<StoredLog> {
      const head = (countEvents.get() as { n: number }).n;
      const snapshotSeq = Number(metaValue.get('snapshot_seq') ?? 0);
      // A snapshot ahead of the log (never written so, but a hand-made restore could pair them): replay instead.
      const snapshot = snapshotSeq > 0 && snapshotSeq <= head ? readSnapshot(snapshotSeq) : null;
      const from = Math.max(0, Math.min(snapshot?.seq ?? 0, head - recent));
      const events: StoredEvent[] = [];
      for (const row of db
        .prepare('SELECT seq, cause, event, principal_key FROM events WHERE seq > ? ORDER BY seq')
        .iterate(from) as IterableIterator<{
        seq: number;
        cause: string | null;
        event: string;
        principal_key: string | null;
      }>) {
        events.push({
          seq: row.seq,
          cause: row.cause,
          event: JSON.parse(row.event) as ConfabEvent,
          by: row.principal_key,
        });
      }
      return { epoch: String(metaValue.get('epoch')), snapshot, events };
    },

    async outcomes(principalKey, commandIds) {
      const found = new Map<string, StoredOutcome>();
      for (const id of commandIds) {
        const text = findOutcome.get(principalKey, id) as string | undefined;
        if (text !== undefined) found.set(id, JSON.parse(text) as StoredOutcome);
      }
      return found;
    },

    async saveSnapshot(snapshot) {
      if (closed) throw new Error('The storage is closed.');
      saveSnapshotTransaction(snapshot);
    },

    async forgetOutcomes(before) {
      if (closed) return 0;
      return forgetOutcomes.run(before).changes;
    },

    commit(record: CommitRecord): Promise<void> {
      if (closed) return Promise.reject(new Error('The storage is closed.'));
      // Resolves only after the transaction is fsynced (synchronous=FULL): the hub acknowledges after this.
      return new Promise<void>((resolve, reject) => {
        if (!batch) {
          batch = { records: [], waiters: [] };
          setImmediate(flush);
        }
        batch.records.push(record);
        batch.waiters.push({ resolve, reject });
      });
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (batch) flush();
      db.close();
    },

    eventCount(): number {
      return (countEvents.get() as { n: number }).n;
    },
    schemaVersion() {
      return schemaVersion(db);
    },
    writable() {
      if (closed) return false;
      try {
        probeWrite.run(String(Date.now()));
        return true;
      } catch {
        return false;
      }
    },

    saveVisitorSession(tokenHash, contactId, createdAt) {
      statements.saveSession.run(tokenHash, contactId, createdAt);
    },
    findVisitorSession(tokenHash) {
      const row = statements.findSession.get(tokenHash) as
        { contact_id: string; created_at: number; last_used_at: number | null } | undefined;
      if (!row) return null;
      return { contactId: row.contact_id, createdAt: row.created_at, lastUsedAt: row.last_used_at ?? row.created_at };
    },
    touchVisitorSession(tokenHash, usedAt) {
      statements.touchSession.run(usedAt, tokenHash);
    },
    revokeVisitorSessions(contactId, revokedAt) {
      return statements.revokeSessions.run(revokedAt, contactId).changes;
    },
    saveAgentToken(token) {
      statements.saveAgentToken.run(token.id, token.tokenHash, token.agentId, token.label, token.createdAt);
    },
    findAgentToken(tokenHash) {
      const row = statements.findAgentToken.get(tokenHash) as { id: string; agent_id: string } | undefined;
      return row ? { id: row.id, agentId: row.agent_id } : null;
    },
    revokeAgentToken(id, revokedAt) {
      const row = statements.agentOfToken.get(id) as { agent_id: string } | undefined;
      if (!row) return null;
      statements.revokeAgentToken.run(revokedAt, id);
      return row.agent_id;
    },
    listAgentTokens(agentId) {
      const rows = (
        agentId === undefined ? statements.listAllTokens.all() : statements.listTokensOf.all(agentId)
      ) as TokenRow[];
      return rows.map((row) => ({
        id: row.id,
        agentId: row.agent_id,
        label: row.label,
        createdAt: row.created_at,
        revokedAt: row.revoked_at,
      }));
    },
    takeLegacyDisabledAgents() {
      const rows = statements.legacyDisabled.all() as { agent_id: string; disabled: number }[];
      return rows.filter((row) => row.disabled === 1).map((row) => row.agent_id);
    },

    recordDelivery(record) {
      statements.recordDelivery.run(
        record.messageId,
        record.state,
        record.attempts,
        record.lastError,
        record.updatedAt,
      );
    },
    delivery(messageId) {
      const row = statements.delivery.get(messageId) as
        | { message_id: string; state: DeliveryState; attempts: number; last_error: string | null; updated_at: number }
        | undefined;
      return row
        ? {
            messageId: row.message_id,
            state: row.state,
            attempts: row.attempts,
            lastError: row.last_error,
            updatedAt: row.updated_at,
          }
        : null;
    },
    pendingEmails() {
      return (statements.pendingEmails.all() as { event: string }[]).map(
        (row) => JSON.parse(row.event) as Extract<ConfabEvent, { type: 'email.queued' }>,
      );
    },
  };
}

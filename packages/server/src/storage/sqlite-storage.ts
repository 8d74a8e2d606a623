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
import {
  DEFAULT_WORKSPACE,
  UnknownWorkspaceError,
  createWorkspaceDirectory,
  type WorkspaceDirectory,
} from './workspace-directory.js';

/**
 * Visitor sessions and agent tokens, stored as SHA-256 hashes only (a leaked database grants
 * nothing). Asynchronous, so that SQLite and PostgreSQL implement the same interface.
 */
export interface TokenStore {
  saveVisitorSession(tokenHash: string, contactId: string, createdAt: number): Promise<void>;
  /** A live (unrevoked) session; `lastUsedAt` is its creation for sessions never used since. */
  findVisitorSession(tokenHash: string): Promise<{ contactId: string; createdAt: number; lastUsedAt: number } | null>;
  /** Records a use of the session (its idle lifetime starts again). */
  touchVisitorSession(tokenHash: string, usedAt: number): Promise<void>;
  revokeVisitorSessions(contactId: string, revokedAt: number): Promise<number>;
  saveAgentToken(token: {
    id: string;
    tokenHash: string;
    agentId: string;
    label: string;
    createdAt: number;
  }): Promise<void>;
  findAgentToken(tokenHash: string): Promise<{ id: string; agentId: string } | null>;
  /** Revokes one token; returns its agent, or null when there was no such live token. */
  /** Revokes a live token; returns its agent and hash (to close the sockets that used it), or null. */
  revokeAgentToken(id: string, revokedAt: number): Promise<RevokedAgentToken | null>;
  listAgentTokens(
    agentId?: string,
  ): Promise<{ id: string; agentId: string; label: string; createdAt: number; revokedAt: number | null }[]>;
}

/** A token just revoked: whose it was, and its hash (what the sockets that used it are known by). */
export interface RevokedAgentToken {
  agentId: string;
  tokenHash: string;
}

/**
 * How long an attempt being sent holds its delivery: a process that died while sending leaves the
 * delivery `sending`, and another attempt may claim it once this long has passed.
 */
export const SENDING_LEASE_MS = 5 * 60_000;

/** Outbound email bookkeeping: which queued emails the mailer sent, or gave up on. */
export interface DeliveryRecord {
  messageId: string;
  /** `sending`: an attempt was claimed (claimAttempt) and is under way, here or in another process. */
  state: DeliveryState | 'sending';
  attempts: number;
  lastError: string | null;
  updatedAt: number;
}

export interface DeliveryStore {
  recordDelivery(record: DeliveryRecord): Promise<void>;
  delivery(messageId: string): Promise<DeliveryRecord | null>;
  /**
   * Claims the next attempt at a delivery: true when the delivery was queued (or `sending` longer
   * than SENDING_LEASE_MS: its sender died) with `previousAttempts` attempts and is now `sending`
   * with one more; false when another sender, in this or another process, holds it. So an email is
   * sent once however many processes follow its workspace.
   */
  claimAttempt(messageId: string, previousAttempts: number, at: number): Promise<boolean>;
  /** `email.queued` events that have no final delivery yet, oldest first (the mailer resumes them after a restart). */
  pendingEmails(): Promise<Extract<ConfabEvent, { type: 'email.queued' }>[]>;
}

/**
 * One workspace's part of the store: its log (the hub's BackendStorage), tokens, deliveries and
 * accounts. Every statement names the workspace, so nothing of another workspace is reachable
 * through it (issue 19; DESIGN §5). SQLite (this file) and PostgreSQL (postgres-stores.ts) implement it.
 */
export interface WorkspaceStorage extends BackendStorage, TokenStore, DeliveryStore, AccountStore {
  readonly workspaceId: string;
}

/** A workspace's part of the SQLite file, with what only that file has. */
export interface SqliteWorkspaceStorage extends WorkspaceStorage {
  /** Number of this workspace's stored events. */
  eventCount(): number;
  /**
   * Agents disabled through the token store before the engine held `disabled` (the admin API of
   * earlier versions), once: the rows are deleted as they are read. The server disables them in
   * the engine at start, so the engine is the one truth.
   */
  takeLegacyDisabledAgents(): string[];
}

export interface SqliteStorage extends SqliteWorkspaceStorage, WorkspaceDirectory {
  readonly kind: 'sqlite';
  readonly dir: string;
  readonly file: string;
  /**
   * Another workspace's storage over the same file (the default workspace's is this object).
   * Closing it closes nothing shared; closing this object closes the file.
   */
  forWorkspace(workspaceId: string): SqliteWorkspaceStorage;
  /** The schema version the file holds (migrations.ts); SCHEMA_VERSION once opened. */
  schemaVersion(): number;
  /** Whether a write transaction commits now (readiness): false on a read-only or failing disk. */
  writable(): boolean;
}

/**
 * A copy made by `confab-server backup` is marked `restored`: the first time a server opens it as
 * its database, the log's history may be older than what clients saw, so every workspace gets a new
 * epoch (and clients a full snapshot rather than deltas of another history). The backup file itself
 * keeps the mark, so restoring it again renews the epochs again.
 */
function renewEpochIfRestored(db: Database.Database): void {
  db.transaction(() => {
    const marked = db.prepare("DELETE FROM meta WHERE key = 'restored' RETURNING value").get();
    if (!marked) return;
    const renew = db.prepare('UPDATE workspaces SET epoch = ? WHERE id = ?');
    for (const id of db.prepare('SELECT id FROM workspaces').pluck().all() as string[]) renew.run(randomEpoch(), id);
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

  renewEpochIfRestored(db);

  /**
   * Group commit: records handed over in the same turn of the event loop share one transaction and
   * one fsync, whichever workspaces they belong to. The flush waits for the next turn
   * (setImmediate), so the event loop first flushes the previous command's fan-out and reads new
   * frames — a commit blocks the thread for its fsync.
   */
  const insertEvent = db.prepare(
    'INSERT INTO events (workspace_id, seq, type, cause, event, principal_key) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertOutcome = db.prepare(
    'INSERT OR REPLACE INTO outcomes (workspace_id, principal_key, command_id, outcome, at) VALUES (?, ?, ?, ?, ?)',
  );
  type Pending = { workspaceId: string; record: CommitRecord };
  const commitTransaction = db.transaction((pending: Pending[]) => {
    for (const { workspaceId, record } of pending) {
      for (const sequenced of record.events) {
        insertEvent.run(
          workspaceId,
          sequenced.seq,
          sequenced.event.type,
          sequenced.cause,
          JSON.stringify(sequenced.event),
          record.principalKey,
        );
      }
      insertOutcome.run(workspaceId, record.principalKey, record.commandId, JSON.stringify(record.outcome), record.at);
    }
  });
  let batch: { records: Pending[]; waiters: { resolve: () => void; reject: (error: unknown) => void }[] } | null = null;
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

  let closed = false;
  const shared: SharedDatabase = {
    db,
    statements: prepareWorkspaceStatements(db),
    isClosed: () => closed,
    commit(workspaceId, record) {
      if (closed) return Promise.reject(new Error('The storage is closed.'));
      // Resolves only after the transaction is fsynced (synchronous=FULL): the hub acknowledges after this.
      return new Promise<void>((resolve, reject) => {
        if (!batch) {
          batch = { records: [], waiters: [] };
          setImmediate(flush);
        }
        batch.records.push({ workspaceId, record });
        batch.waiters.push({ resolve, reject });
      });
    },
    flush,
  };

  const probeWrite = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('ready_probe', ?)");
  const directory = createWorkspaceDirectory(db);
  const views = new Map<string, SqliteWorkspaceStorage>();
  const defaultView = workspaceStorage(shared, DEFAULT_WORKSPACE);

  return {
    ...defaultView,
    ...directory,
    kind: 'sqlite',
    dir: absoluteDir,
    file,
    forWorkspace(workspaceId) {
      if (workspaceId === DEFAULT_WORKSPACE) return defaultView;
      if (!directory.exists(workspaceId)) throw new UnknownWorkspaceError(workspaceId);
      let view = views.get(workspaceId);
      if (!view) {
        view = workspaceStorage(shared, workspaceId);
        views.set(workspaceId, view);
        const opened = view;
        const closeView = opened.close;
        // A closed view is opened afresh next time (its workspace's hub was evicted).
        (opened as { close: () => Promise<void> }).close = async () => {
          if (views.get(workspaceId) === opened) views.delete(workspaceId);
          await closeView();
        };
      }
      return view;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      flush();
      db.close();
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
  };
}

/** The file and its group commit, shared by every workspace's storage. */
interface SharedDatabase {
  db: Database.Database;
  statements: ReturnType<typeof prepareWorkspaceStatements>;
  isClosed(): boolean;
  commit(workspaceId: string, record: CommitRecord): Promise<void>;
  /** Commits what is batched now (a closing workspace's last records). */
  flush(): void;
}

/**
 * The statements of every workspace's storage, prepared once per file: the workspace is a
 * parameter of each. (Prepared per workspace, they cost about 0.3 MB of native memory each time.)
 */
function prepareWorkspaceStatements(db: Database.Database) {
  return {
    head: db.prepare('SELECT coalesce(max(seq), 0) AS n FROM events WHERE workspace_id = ?'),
    events: db.prepare(
      'SELECT seq, cause, event, principal_key FROM events WHERE workspace_id = ? AND seq > ? ORDER BY seq',
    ),
    workspace: db.prepare('SELECT epoch, snapshot_seq, snapshot_at FROM workspaces WHERE id = ?'),
    findOutcome: db
      .prepare('SELECT outcome FROM outcomes WHERE workspace_id = ? AND principal_key = ? AND command_id = ?')
      .pluck(),
    forgetOutcomes: db.prepare('DELETE FROM outcomes WHERE workspace_id = ? AND at < ?'),
    snapshotChunks: db.prepare('SELECT part, text FROM snapshot_chunks WHERE workspace_id = ? ORDER BY part, idx'),
    deleteChunks: db.prepare('DELETE FROM snapshot_chunks WHERE workspace_id = ?'),
    insertChunk: db.prepare('INSERT INTO snapshot_chunks (workspace_id, part, idx, text) VALUES (?, ?, ?, ?)'),
    markSnapshot: db.prepare('UPDATE workspaces SET snapshot_seq = ?, snapshot_at = ? WHERE id = ?'),
    snapshotSeq: db.prepare('SELECT snapshot_seq FROM workspaces WHERE id = ?').pluck(),
    messagesOf: db.prepare('SELECT text FROM snapshot_messages WHERE workspace_id = ? AND conversation_id = ?').pluck(),
    hasMessages: db.prepare('SELECT 1 FROM snapshot_messages WHERE workspace_id = ? LIMIT 1').pluck(),
    saveMessages: db.prepare(
      'INSERT OR REPLACE INTO snapshot_messages (workspace_id, conversation_id, text) VALUES (?, ?, ?)',
    ),
    deleteMessages: db.prepare('DELETE FROM snapshot_messages WHERE workspace_id = ? AND conversation_id = ?'),
    deleteAllMessages: db.prepare('DELETE FROM snapshot_messages WHERE workspace_id = ?'),
    saveSession: db.prepare(
      'INSERT INTO visitor_sessions (workspace_id, token_hash, contact_id, created_at) VALUES (?, ?, ?, ?)',
    ),
    findSession: db.prepare(
      'SELECT contact_id, created_at, last_used_at FROM visitor_sessions WHERE workspace_id = ? AND token_hash = ? AND revoked_at IS NULL',
    ),
    touchSession: db.prepare('UPDATE visitor_sessions SET last_used_at = ? WHERE workspace_id = ? AND token_hash = ?'),
    revokeSessions: db.prepare(
      'UPDATE visitor_sessions SET revoked_at = ? WHERE workspace_id = ? AND contact_id = ? AND revoked_at IS NULL',
    ),
    saveAgentToken: db.prepare(
      'INSERT INTO agent_tokens (workspace_id, id, token_hash, agent_id, label, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    findAgentToken: db.prepare(
      'SELECT id, agent_id FROM agent_tokens WHERE workspace_id = ? AND token_hash = ? AND revoked_at IS NULL',
    ),
    agentOfToken: db.prepare(
      'SELECT agent_id, token_hash FROM agent_tokens WHERE workspace_id = ? AND id = ? AND revoked_at IS NULL',
    ),
    revokeAgentToken: db.prepare(
      'UPDATE agent_tokens SET revoked_at = ? WHERE workspace_id = ? AND id = ? AND revoked_at IS NULL',
    ),
    listAllTokens: db.prepare(
      'SELECT id, agent_id, label, created_at, revoked_at FROM agent_tokens WHERE workspace_id = ? ORDER BY created_at, id',
    ),
    listTokensOf: db.prepare(
      'SELECT id, agent_id, label, created_at, revoked_at FROM agent_tokens WHERE workspace_id = ? AND agent_id = ? ORDER BY created_at, id',
    ),
    legacyDisabled: db.prepare('DELETE FROM agent_access RETURNING agent_id, disabled'),
    recordDelivery: db.prepare(
      'INSERT OR REPLACE INTO deliveries (workspace_id, message_id, state, attempts, last_error, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    delivery: db.prepare(
      'SELECT message_id, state, attempts, last_error, updated_at FROM deliveries WHERE workspace_id = ? AND message_id = ?',
    ),
    claimFirstAttempt: db.prepare(
      "INSERT OR IGNORE INTO deliveries (workspace_id, message_id, state, attempts, last_error, updated_at) VALUES (?, ?, 'sending', 1, NULL, ?)",
    ),
    claimNextAttempt: db.prepare(
      `UPDATE deliveries SET state = 'sending', attempts = attempts + 1, updated_at = ?
       WHERE workspace_id = ? AND message_id = ? AND attempts = ? AND (state = 'queued' OR (state = 'sending' AND updated_at < ?))`,
    ),
    pendingEmails: db.prepare(
      `SELECT event FROM events WHERE workspace_id = ? AND type = 'email.queued' AND json_extract(event, '$.messageId') NOT IN
         (SELECT message_id FROM deliveries WHERE workspace_id = ? AND state IN ('sent', 'failed')) ORDER BY seq`,
    ),
  };
}

/** One workspace's rows: every statement is bound to `workspaceId`. */
function workspaceStorage(shared: SharedDatabase, workspaceId: string): SqliteWorkspaceStorage {
  const { db, statements } = shared;
  const ws = workspaceId;
  /** One snapshot per workspace: the new one replaces the old in one transaction. */
  const saveSnapshotTransaction = db.transaction((snapshot: HubSnapshot) => {
    // Messages apart (keepsMessagesApart): the changes since the snapshot stored now, or all of them.
    const messages = snapshot.messageChanges;
    if (!messages) statements.deleteAllMessages.run(ws);
    else {
      if (messages.base === null) statements.deleteAllMessages.run(ws);
      else if (statements.snapshotSeq.get(ws) !== messages.base)
        throw new Error(`The stored snapshot is not ${messages.base}: its messages cannot be brought up to date.`);
      for (const id of messages.removed) statements.deleteMessages.run(ws, id);
      for (const [id, text] of messages.changed) statements.saveMessages.run(ws, id, text);
    }
    statements.deleteChunks.run(ws);
    snapshot.engine.forEach((text, index) => statements.insertChunk.run(ws, 'engine', index, text));
    snapshot.streams.forEach((text, index) => statements.insertChunk.run(ws, 'streams', index, text));
    statements.markSnapshot.run(snapshot.seq, snapshot.at, ws);
  });

  function readSnapshot(seq: number, at: number): HubSnapshot {
    const snapshot: HubSnapshot = { seq, at, engine: [], streams: [] };
    // Messages kept apart are read when a conversation's are first used, not at load.
    if (statements.hasMessages.get(ws))
      snapshot.messages = {
        seq,
        text: (conversationId: string) => statements.messagesOf.get(ws, conversationId) as string | undefined,
      };
    for (const row of statements.snapshotChunks.iterate(ws) as IterableIterator<{
      part: 'engine' | 'streams';
      text: string;
    }>)
      snapshot[row.part].push(row.text);
    return snapshot;
  }

  let closed = false;
  type TokenRow = { id: string; agent_id: string; label: string; created_at: number; revoked_at: number | null };

  return {
    ...createAccountStore(db, ws),
    workspaceId,
    keepsMessagesApart: true,

    async load({ recent }): Promise<StoredLog> {
      // Sequence numbers run from 1 without gaps: the highest is the count, read from the key's end (no scan).
      const head = (statements.head.get(ws) as { n: number }).n;
      const row = statements.workspace.get(ws) as
        { epoch: string; snapshot_seq: number; snapshot_at: number } | undefined;
      if (!row) throw new UnknownWorkspaceError(ws);
      // A snapshot ahead of the log (never written so, but a hand-made restore could pair them): replay instead.
      const snapshot =
        row.snapshot_seq > 0 && row.snapshot_seq <= head ? readSnapshot(row.snapshot_seq, row.snapshot_at) : null;
      const from = Math.max(0, Math.min(snapshot?.seq ?? 0, head - recent));
      const events: StoredEvent[] = [];
      for (const event of statements.events.iterate(ws, from) as IterableIterator<{
        seq: number;
        cause: string | null;
        event: string;
        principal_key: string | null;
      }>) {
        events.push({
          seq: event.seq,
          cause: event.cause,
          event: JSON.parse(event.event) as ConfabEvent,
          by: event.principal_key,
        });
      }
      return { epoch: row.epoch, snapshot, events };
    },

    async outcomes(principalKey, commandIds) {
      const found = new Map<string, StoredOutcome>();
      for (const id of commandIds) {
        const text = statements.findOutcome.get(ws, principalKey, id) as string | undefined;
        if (text !== undefined) found.set(id, JSON.parse(text) as StoredOutcome);
      }
      return found;
    },

    async saveSnapshot(snapshot) {
      if (closed || shared.isClosed()) throw new Error('The storage is closed.');
      saveSnapshotTransaction(snapshot);
    },

    async forgetOutcomes(before) {
      if (closed || shared.isClosed()) return 0;
      return statements.forgetOutcomes.run(ws, before).changes;
    },

    commit(record: CommitRecord): Promise<void> {
      if (closed) return Promise.reject(new Error('The storage is closed.'));
      return shared.commit(ws, record);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (!shared.isClosed()) shared.flush();
    },

    eventCount(): number {
      return (statements.head.get(ws) as { n: number }).n;
    },

    async saveVisitorSession(tokenHash, contactId, createdAt) {
      statements.saveSession.run(ws, tokenHash, contactId, createdAt);
    },
    async findVisitorSession(tokenHash) {
      const row = statements.findSession.get(ws, tokenHash) as
        { contact_id: string; created_at: number; last_used_at: number | null } | undefined;
      if (!row) return null;
      return { contactId: row.contact_id, createdAt: row.created_at, lastUsedAt: row.last_used_at ?? row.created_at };
    },
    async touchVisitorSession(tokenHash, usedAt) {
      statements.touchSession.run(usedAt, ws, tokenHash);
    },
    async revokeVisitorSessions(contactId, revokedAt) {
      return statements.revokeSessions.run(revokedAt, ws, contactId).changes;
    },
    async saveAgentToken(token) {
      statements.saveAgentToken.run(ws, token.id, token.tokenHash, token.agentId, token.label, token.createdAt);
    },
    async findAgentToken(tokenHash) {
      const row = statements.findAgentToken.get(ws, tokenHash) as { id: string; agent_id: string } | undefined;
      return row ? { id: row.id, agentId: row.agent_id } : null;
    },
    async revokeAgentToken(id, revokedAt) {
      const row = statements.agentOfToken.get(ws, id) as { agent_id: string; token_hash: string } | undefined;
      if (!row) return null;
      statements.revokeAgentToken.run(revokedAt, ws, id);
      return { agentId: row.agent_id, tokenHash: row.token_hash };
    },
    async listAgentTokens(agentId) {
      const rows = (
        agentId === undefined ? statements.listAllTokens.all(ws) : statements.listTokensOf.all(ws, agentId)
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
      // Only the default workspace existed when agents were disabled this way.
      if (ws !== DEFAULT_WORKSPACE) return [];
      const rows = statements.legacyDisabled.all() as { agent_id: string; disabled: number }[];
      return rows.filter((row) => row.disabled === 1).map((row) => row.agent_id);
    },

    async recordDelivery(record) {
      statements.recordDelivery.run(
        ws,
        record.messageId,
        record.state,
        record.attempts,
        record.lastError,
        record.updatedAt,
      );
    },
    async delivery(messageId) {
      const row = statements.delivery.get(ws, messageId) as
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
    async claimAttempt(messageId, previousAttempts, at) {
      const claimed =
        previousAttempts === 0 && statements.claimFirstAttempt.run(ws, messageId, at).changes === 1
          ? true
          : statements.claimNextAttempt.run(at, ws, messageId, previousAttempts, at - SENDING_LEASE_MS).changes === 1;
      return claimed;
    },
    async pendingEmails() {
      return (statements.pendingEmails.all(ws, ws) as { event: string }[]).map(
        (row) => JSON.parse(row.event) as Extract<ConfabEvent, { type: 'email.queued' }>,
      );
    },
  };
}

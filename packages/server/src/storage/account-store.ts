import type Database from 'better-sqlite3';

/** A signed-in browser: the session token is stored only as its SHA-256 hash. */
export interface AgentSessionRecord {
  tokenHash: string;
  agentId: string;
  createdAt: number;
  lastUsedAt: number;
}

/** What a one-time link is for: an invitee's first password, or a reset. */
export type AuthLinkPurpose = 'invite' | 'reset';

/**
 * Passwords, agent sessions and one-time links (SQLite here, PostgreSQL in postgres-stores.ts). Who an agent is (email, role, disabled, invited)
 * lives in the engine's Agent record; this store keeps only what the engine must never hold.
 */
export interface AccountStore {
  passwordHash(agentId: string): Promise<string | null>;
  setPasswordHash(agentId: string, hash: string, at: number): Promise<void>;
  /** Agents with a password (the first admin check of `/inbox/`). */
  countPasswords(): Promise<number>;

  saveAgentSession(session: { tokenHash: string; agentId: string; createdAt: number }): Promise<void>;
  /** A live (unrevoked) session. */
  findAgentSession(tokenHash: string): Promise<AgentSessionRecord | null>;
  touchAgentSession(tokenHash: string, usedAt: number): Promise<void>;
  /** Revokes one session; returns its agent, or null when there was no such live session. */
  revokeAgentSession(tokenHash: string, at: number): Promise<string | null>;
  /** Revokes every live session of an agent; returns their hashes (to close their sockets). */
  revokeAgentSessions(agentId: string, at: number): Promise<string[]>;

  /** Stores a one-time link and voids the agent's earlier unused links of the same purpose. */
  saveAuthLink(link: {
    tokenHash: string;
    agentId: string;
    purpose: AuthLinkPurpose;
    createdAt: number;
    expiresAt: number;
  }): Promise<void>;
  /**
   * Uses a link once: returns its agent and purpose when it exists, is unused and has not expired,
   * and marks it used in the same statement (two concurrent uses cannot both succeed).
   */
  consumeAuthLink(tokenHash: string, at: number): Promise<{ agentId: string; purpose: AuthLinkPurpose } | null>;
}

/**
 * One workspace's rows of the account tables of the server's SQLite file (migrations 3 and 5,
 * storage/migrations.ts): every statement names the workspace, so an agent id or a token hash of
 * another workspace finds nothing here.
 */
export function createAccountStore(db: Database.Database, workspaceId: string): AccountStore {
  let statements = preparedByDatabase.get(db);
  if (!statements) {
    statements = prepareAccountStatements(db);
    preparedByDatabase.set(db, statements);
  }
  return accountStore(db, statements, workspaceId);
}

/**
 * Statements are prepared once per database and shared by every workspace (the workspace is a
 * parameter): a prepared statement costs native memory, and a server may hold a thousand workspaces.
 */
const preparedByDatabase = new WeakMap<Database.Database, ReturnType<typeof prepareAccountStatements>>();

function prepareAccountStatements(db: Database.Database) {
  return {
    passwordHash: db.prepare('SELECT hash FROM agent_passwords WHERE workspace_id = ? AND agent_id = ?'),
    setPasswordHash: db.prepare(
      'INSERT OR REPLACE INTO agent_passwords (workspace_id, agent_id, hash, updated_at) VALUES (?, ?, ?, ?)',
    ),
    countPasswords: db.prepare('SELECT count(*) AS n FROM agent_passwords WHERE workspace_id = ?'),
    saveSession: db.prepare(
      'INSERT INTO agent_sessions (workspace_id, token_hash, agent_id, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)',
    ),
    findSession: db.prepare(
      'SELECT agent_id, created_at, last_used_at FROM agent_sessions WHERE workspace_id = ? AND token_hash = ? AND revoked_at IS NULL',
    ),
    touchSession: db.prepare('UPDATE agent_sessions SET last_used_at = ? WHERE workspace_id = ? AND token_hash = ?'),
    revokeSession: db.prepare(
      'UPDATE agent_sessions SET revoked_at = ? WHERE workspace_id = ? AND token_hash = ? AND revoked_at IS NULL RETURNING agent_id',
    ),
    revokeSessionsOf: db.prepare(
      'UPDATE agent_sessions SET revoked_at = ? WHERE workspace_id = ? AND agent_id = ? AND revoked_at IS NULL RETURNING token_hash',
    ),
    voidLinks: db.prepare(
      'UPDATE auth_links SET used_at = ? WHERE workspace_id = ? AND agent_id = ? AND purpose = ? AND used_at IS NULL',
    ),
    saveLink: db.prepare(
      'INSERT INTO auth_links (workspace_id, token_hash, agent_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    consumeLink: db.prepare(
      'UPDATE auth_links SET used_at = ? WHERE workspace_id = ? AND token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING agent_id, purpose',
    ),
  };
}

function accountStore(
  db: Database.Database,
  statements: ReturnType<typeof prepareAccountStatements>,
  workspaceId: string,
): AccountStore {
  const saveLink = db.transaction(
    (link: { tokenHash: string; agentId: string; purpose: AuthLinkPurpose; createdAt: number; expiresAt: number }) => {
      statements.voidLinks.run(link.createdAt, workspaceId, link.agentId, link.purpose);
      statements.saveLink.run(workspaceId, link.tokenHash, link.agentId, link.purpose, link.createdAt, link.expiresAt);
    },
  );

  return {
    async passwordHash(agentId) {
      return (statements.passwordHash.get(workspaceId, agentId) as { hash: string } | undefined)?.hash ?? null;
    },
    async setPasswordHash(agentId, hash, at) {
      statements.setPasswordHash.run(workspaceId, agentId, hash, at);
    },
    async countPasswords() {
      return (statements.countPasswords.get(workspaceId) as { n: number }).n;
    },
    async saveAgentSession(session) {
      statements.saveSession.run(workspaceId, session.tokenHash, session.agentId, session.createdAt, session.createdAt);
    },
    async findAgentSession(tokenHash) {
      const row = statements.findSession.get(workspaceId, tokenHash) as
        { agent_id: string; created_at: number; last_used_at: number } | undefined;
      return row ? { tokenHash, agentId: row.agent_id, createdAt: row.created_at, lastUsedAt: row.last_used_at } : null;
    },
    async touchAgentSession(tokenHash, usedAt) {
      statements.touchSession.run(usedAt, workspaceId, tokenHash);
    },
    async revokeAgentSession(tokenHash, at) {
      return (
        (statements.revokeSession.get(at, workspaceId, tokenHash) as { agent_id: string } | undefined)?.agent_id ?? null
      );
    },
    async revokeAgentSessions(agentId, at) {
      return (statements.revokeSessionsOf.all(at, workspaceId, agentId) as { token_hash: string }[]).map(
        (row) => row.token_hash,
      );
    },
    async saveAuthLink(link) {
      saveLink(link);
    },
    async consumeAuthLink(tokenHash, at) {
      const row = statements.consumeLink.get(at, workspaceId, tokenHash, at) as
        { agent_id: string; purpose: AuthLinkPurpose } | undefined;
      return row ? { agentId: row.agent_id, purpose: row.purpose } : null;
    },
  };
}

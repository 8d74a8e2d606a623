import type pg from 'pg';
import type { ConfabEvent } from '@confab/core';
import type { AccountStore, AuthLinkPurpose } from './account-store.js';
import type { SessionHandoff } from './session-handoff.js';
import { SENDING_LEASE_MS, type DeliveryRecord, type DeliveryStore, type TokenStore } from './sqlite-storage.js';
import {
  AddressTakenError,
  DEFAULT_WORKSPACE,
  PageTakenError,
  toKey,
  toPage,
  type KeyRow,
  type PageRow,
  checkWorkspaceId,
  newSiteKey,
  type CredentialKind,
  type InboundAddressRecord,
  type SiteRecord,
  type WorkspaceDirectory,
  type WorkspaceRecord,
} from './workspace-directory.js';

/**
 * The workspace directory, tokens, sessions, accounts and deliveries in PostgreSQL (migration 2,
 * postgres-migrations.ts): what every process of a cluster must see alike. The SQL follows the
 * SQLite implementations statement for statement, so both pass the same tests.
 */

const CREDENTIAL_TABLES: Record<CredentialKind, string> = {
  'agent-token': 'agent_tokens',
  'agent-session': 'agent_sessions',
  'visitor-session': 'visitor_sessions',
  'auth-link': 'auth_links',
};

type WorkspaceRow = { id: string; name: string; created_at: string };
type SiteRow = { site_key: string; workspace_id: string; origins: string; created_at: string };

const toWorkspace = (row: WorkspaceRow): WorkspaceRecord => ({
  id: row.id,
  name: row.name,
  createdAt: Number(row.created_at),
});
const toSite = (row: SiteRow): SiteRecord => ({
  siteKey: row.site_key,
  workspaceId: row.workspace_id,
  origins: JSON.parse(row.origins) as string[],
  createdAt: Number(row.created_at),
});

/** The directory of a cluster; the default workspace exists from the start, as in SQLite. */
export async function createPostgresDirectory(
  pool: pg.Pool,
  now: number = Date.now(),
  handoff?: SessionHandoff,
): Promise<WorkspaceDirectory> {
  await pool.query('INSERT INTO workspaces (id, name, created_at) VALUES ($1, $1, $2) ON CONFLICT (id) DO NOTHING', [
    DEFAULT_WORKSPACE,
    now,
  ]);
  return {
    async createWorkspace({ id, name, createdAt }) {
      checkWorkspaceId(id);
      const inserted = await pool.query(
        'INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING',
        [id, name, createdAt],
      );
      if (inserted.rowCount === 0) throw new RangeError(`The workspace ${id} exists already.`);
      return { id, name, createdAt };
    },
    async workspace(id) {
      const { rows } = await pool.query<WorkspaceRow>('SELECT id, name, created_at FROM workspaces WHERE id = $1', [
        id,
      ]);
      return rows[0] ? toWorkspace(rows[0]) : null;
    },
    async listWorkspaces() {
      const { rows } = await pool.query<WorkspaceRow>(
        'SELECT id, name, created_at FROM workspaces ORDER BY created_at, id',
      );
      return rows.map(toWorkspace);
    },
    async createSite(workspaceId, origins, createdAt, key) {
      const siteKey = key ?? newSiteKey();
      await pool.query('INSERT INTO sites (site_key, workspace_id, origins, created_at) VALUES ($1, $2, $3, $4)', [
        siteKey,
        workspaceId,
        JSON.stringify(origins),
        createdAt,
      ]);
      return { siteKey, workspaceId, origins, createdAt };
    },
    async site(siteKey) {
      const { rows } = await pool.query<SiteRow>(
        'SELECT site_key, workspace_id, origins, created_at FROM sites WHERE site_key = $1',
        [siteKey],
      );
      return rows[0] ? toSite(rows[0]) : null;
    },
    async listSites(workspaceId) {
      const { rows } = await pool.query<SiteRow>(
        'SELECT site_key, workspace_id, origins, created_at FROM sites WHERE workspace_id = $1 ORDER BY created_at',
        [workspaceId],
      );
      return rows.map(toSite);
    },
    async saveWorkspaceToken(token) {
      await pool.query(
        'INSERT INTO workspace_tokens (token_hash, workspace_id, purpose, label, created_at) VALUES ($1, $2, $3, $4, $5)',
        [token.tokenHash, token.workspaceId, token.purpose, token.label, token.createdAt],
      );
    },
    async workspaceOfToken(purpose, tokenHash) {
      const { rows } = await pool.query<{ workspace_id: string }>(
        'SELECT workspace_id FROM workspace_tokens WHERE token_hash = $1 AND purpose = $2 AND revoked_at IS NULL',
        [tokenHash, purpose],
      );
      return rows[0]?.workspace_id ?? null;
    },
    async workspaceOfCredential(kind, tokenHash) {
      if (kind === 'visitor-session' && handoff) {
        // The whole row: the hub checks the same session next (SessionHandoff).
        const { rows } = await pool.query<SessionRow & { workspace_id: string; revoked: boolean }>(
          'SELECT workspace_id, contact_id, created_at, last_used_at, revoked_at IS NOT NULL AS revoked FROM visitor_sessions WHERE token_hash = $1',
          [tokenHash],
        );
        const row = rows[0];
        if (!row) return null;
        handoff.put(tokenHash, { workspaceId: row.workspace_id, revoked: row.revoked, ...sessionOf(row) });
        return row.workspace_id;
      }
      const { rows } = await pool.query<{ workspace_id: string }>(
        `SELECT workspace_id FROM ${CREDENTIAL_TABLES[kind]} WHERE token_hash = $1`,
        [tokenHash],
      );
      return rows[0]?.workspace_id ?? null;
    },
    async addInboundAddress(workspaceId, address, createdAt) {
      // Insert unless taken, then read who has it: two processes racing for one address agree.
      await pool.query(
        'INSERT INTO inbound_addresses (address, workspace_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (address) DO NOTHING',
        [address, workspaceId, createdAt],
      );
      const { rows } = await pool.query<AddressRow>(
        'SELECT address, workspace_id, created_at FROM inbound_addresses WHERE address = $1',
        [address],
      );
      if (rows[0]!.workspace_id !== workspaceId) throw new AddressTakenError();
      return toAddress(rows[0]!);
    },
    async workspaceOfAddress(address) {
      const { rows } = await pool.query<{ workspace_id: string }>(
        'SELECT workspace_id FROM inbound_addresses WHERE address = $1',
        [address],
      );
      return rows[0]?.workspace_id ?? null;
    },
    async addMessengerPage(page) {
      // Insert, or replace the token when the page is this workspace's; then read who has it, so two
      // processes racing for one page agree.
      await pool.query(
        'INSERT INTO messenger_pages (page_id, workspace_id, page_token, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (page_id) DO UPDATE SET page_token = excluded.page_token WHERE messenger_pages.workspace_id = excluded.workspace_id',
        [page.pageId, page.workspaceId, page.pageToken, page.createdAt],
      );
      const { rows } = await pool.query<PageRow>(
        'SELECT page_id, workspace_id, page_token, created_at FROM messenger_pages WHERE page_id = $1',
        [page.pageId],
      );
      if (rows[0]!.workspace_id !== page.workspaceId) throw new PageTakenError();
      return toPage(rows[0]!);
    },
    async messengerPage(pageId) {
      const { rows } = await pool.query<PageRow>(
        'SELECT page_id, workspace_id, page_token, created_at FROM messenger_pages WHERE page_id = $1',
        [pageId],
      );
      return rows[0] ? toPage(rows[0]) : null;
    },
    async listMessengerPages(workspaceId) {
      const { rows } = await pool.query<PageRow>(
        'SELECT page_id, workspace_id, page_token, created_at FROM messenger_pages WHERE workspace_id = $1 ORDER BY created_at, page_id',
        [workspaceId],
      );
      return rows.map(toPage);
    },
    async removeMessengerPage(workspaceId, pageId) {
      const deleted = await pool.query('DELETE FROM messenger_pages WHERE workspace_id = $1 AND page_id = $2', [
        workspaceId,
        pageId,
      ]);
      return (deleted.rowCount ?? 0) > 0;
    },
    async addIdentityKey(key) {
      await pool.query('INSERT INTO identity_keys (key_id, workspace_id, secret, created_at) VALUES ($1, $2, $3, $4)', [
        key.id,
        key.workspaceId,
        key.secret,
        key.createdAt,
      ]);
    },
    async identityKeys(workspaceId) {
      const { rows } = await pool.query<KeyRow>(
        'SELECT key_id, workspace_id, secret, created_at FROM identity_keys WHERE workspace_id = $1 ORDER BY created_at, key_id',
        [workspaceId],
      );
      return rows.map(toKey);
    },
    async removeIdentityKey(workspaceId, keyId) {
      const deleted = await pool.query('DELETE FROM identity_keys WHERE workspace_id = $1 AND key_id = $2', [
        workspaceId,
        keyId,
      ]);
      return (deleted.rowCount ?? 0) > 0;
    },
    async listInboundAddresses(workspaceId) {
      const { rows } = await pool.query<AddressRow>(
        'SELECT address, workspace_id, created_at FROM inbound_addresses WHERE workspace_id = $1 ORDER BY created_at, address',
        [workspaceId],
      );
      return rows.map(toAddress);
    },
  };
}

type AddressRow = { address: string; workspace_id: string; created_at: string };
const toAddress = (row: AddressRow): InboundAddressRecord => ({
  address: row.address,
  workspaceId: row.workspace_id,
  createdAt: Number(row.created_at),
});

type TokenRow = { id: string; agent_id: string; label: string; created_at: string; revoked_at: string | null };
type DeliveryRow = {
  message_id: string;
  state: DeliveryRecord['state'];
  attempts: number;
  last_error: string | null;
  updated_at: string;
};

type SessionRow = { contact_id: string; created_at: string; last_used_at: string | null };

/** A visitor session row as the token store gives it: never used means last used at its start. */
function sessionOf(row: SessionRow): { contactId: string; createdAt: number; lastUsedAt: number } {
  const createdAt = Number(row.created_at);
  return {
    contactId: row.contact_id,
    createdAt,
    lastUsedAt: row.last_used_at === null ? createdAt : Number(row.last_used_at),
  };
}

/** One workspace's tokens, sessions, accounts and deliveries: every statement names the workspace. */
export function createPostgresWorkspaceStores(
  pool: pg.Pool,
  workspaceId: string,
  handoff?: SessionHandoff,
): TokenStore & DeliveryStore & AccountStore {
  const ws = workspaceId;
  const optionalNumber = (text: string | null) => (text === null ? null : Number(text));
  return {
    async saveVisitorSession(tokenHash, contactId, createdAt) {
      await pool.query(
        'INSERT INTO visitor_sessions (workspace_id, token_hash, contact_id, created_at) VALUES ($1, $2, $3, $4)',
        [ws, tokenHash, contactId, createdAt],
      );
    },
    async findVisitorSession(tokenHash) {
      const handed = handoff?.take(tokenHash);
      if (handed?.workspaceId === ws) {
        const { contactId, createdAt, lastUsedAt, revoked } = handed;
        return revoked ? null : { contactId, createdAt, lastUsedAt };
      }
      const { rows } = await pool.query<SessionRow>(
        'SELECT contact_id, created_at, last_used_at FROM visitor_sessions WHERE workspace_id = $1 AND token_hash = $2 AND revoked_at IS NULL',
        [ws, tokenHash],
      );
      return rows[0] ? sessionOf(rows[0]) : null;
    },
    async touchVisitorSession(tokenHash, usedAt) {
      await pool.query('UPDATE visitor_sessions SET last_used_at = $1 WHERE workspace_id = $2 AND token_hash = $3', [
        usedAt,
        ws,
        tokenHash,
      ]);
    },
    async revokeVisitorSessions(contactId, revokedAt) {
      const result = await pool.query(
        'UPDATE visitor_sessions SET revoked_at = $1 WHERE workspace_id = $2 AND contact_id = $3 AND revoked_at IS NULL',
        [revokedAt, ws, contactId],
      );
      return result.rowCount ?? 0;
    },
    async saveAgentToken(token) {
      await pool.query(
        'INSERT INTO agent_tokens (workspace_id, id, token_hash, agent_id, label, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [ws, token.id, token.tokenHash, token.agentId, token.label, token.createdAt],
      );
    },
    async findAgentToken(tokenHash) {
      const { rows } = await pool.query<{ id: string; agent_id: string }>(
        'SELECT id, agent_id FROM agent_tokens WHERE workspace_id = $1 AND token_hash = $2 AND revoked_at IS NULL',
        [ws, tokenHash],
      );
      return rows[0] ? { id: rows[0].id, agentId: rows[0].agent_id } : null;
    },
    async revokeAgentToken(id, revokedAt) {
      const { rows } = await pool.query<{ agent_id: string; token_hash: string }>(
        'UPDATE agent_tokens SET revoked_at = $1 WHERE workspace_id = $2 AND id = $3 AND revoked_at IS NULL RETURNING agent_id, token_hash',
        [revokedAt, ws, id],
      );
      const row = rows[0];
      return row ? { agentId: row.agent_id, tokenHash: row.token_hash } : null;
    },
    async listAgentTokens(agentId) {
      const { rows } = await pool.query<TokenRow>(
        `SELECT id, agent_id, label, created_at, revoked_at FROM agent_tokens
         WHERE workspace_id = $1 AND ($2::text IS NULL OR agent_id = $2) ORDER BY created_at, id`,
        [ws, agentId ?? null],
      );
      return rows.map((row) => ({
        id: row.id,
        agentId: row.agent_id,
        label: row.label,
        createdAt: Number(row.created_at),
        revokedAt: optionalNumber(row.revoked_at),
      }));
    },

    async recordDelivery(record) {
      await pool.query(
        `INSERT INTO deliveries (workspace_id, message_id, state, attempts, last_error, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (workspace_id, message_id) DO UPDATE SET state = excluded.state, attempts = excluded.attempts,
           last_error = excluded.last_error, updated_at = excluded.updated_at`,
        [ws, record.messageId, record.state, record.attempts, record.lastError, record.updatedAt],
      );
    },
    async delivery(messageId) {
      const { rows } = await pool.query<DeliveryRow>(
        'SELECT message_id, state, attempts, last_error, updated_at FROM deliveries WHERE workspace_id = $1 AND message_id = $2',
        [ws, messageId],
      );
      const row = rows[0];
      return row
        ? {
            messageId: row.message_id,
            state: row.state,
            attempts: row.attempts,
            lastError: row.last_error,
            updatedAt: Number(row.updated_at),
          }
        : null;
    },
    async claimAttempt(messageId, previousAttempts, at) {
      // The first attempt inserts the row (one insert wins); a later one moves `attempts` on from
      // the number the claimer read (one update wins).
      const first =
        previousAttempts === 0 &&
        (
          await pool.query(
            `INSERT INTO deliveries (workspace_id, message_id, state, attempts, last_error, updated_at)
             VALUES ($1, $2, 'sending', 1, NULL, $3) ON CONFLICT DO NOTHING`,
            [ws, messageId, at],
          )
        ).rowCount === 1;
      if (first) return true;
      const next = await pool.query(
        `UPDATE deliveries SET state = 'sending', attempts = attempts + 1, updated_at = $1
         WHERE workspace_id = $2 AND message_id = $3 AND attempts = $4
           AND (state = 'queued' OR (state = 'sending' AND updated_at < $5))`,
        [at, ws, messageId, previousAttempts, at - SENDING_LEASE_MS],
      );
      return next.rowCount === 1;
    },
    async pendingEmails() {
      const { rows } = await pool.query<{ event: string }>(
        `SELECT event FROM events WHERE workspace_id = $1 AND type = 'email.queued' AND (event::json ->> 'messageId') NOT IN
           (SELECT message_id FROM deliveries WHERE workspace_id = $1 AND state IN ('sent', 'failed')) ORDER BY seq`,
        [ws],
      );
      return rows.map((row) => JSON.parse(row.event) as Extract<ConfabEvent, { type: 'email.queued' }>);
    },

    async passwordHash(agentId) {
      const { rows } = await pool.query<{ hash: string }>(
        'SELECT hash FROM agent_passwords WHERE workspace_id = $1 AND agent_id = $2',
        [ws, agentId],
      );
      return rows[0]?.hash ?? null;
    },
    async setPasswordHash(agentId, hash, at) {
      await pool.query(
        `INSERT INTO agent_passwords (workspace_id, agent_id, hash, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (workspace_id, agent_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at`,
        [ws, agentId, hash, at],
      );
    },
    async countPasswords() {
      const { rows } = await pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM agent_passwords WHERE workspace_id = $1',
        [ws],
      );
      return rows[0]!.n;
    },
    async saveAgentSession(session) {
      await pool.query(
        'INSERT INTO agent_sessions (workspace_id, token_hash, agent_id, created_at, last_used_at) VALUES ($1, $2, $3, $4, $4)',
        [ws, session.tokenHash, session.agentId, session.createdAt],
      );
    },
    async findAgentSession(tokenHash) {
      const { rows } = await pool.query<{ agent_id: string; created_at: string; last_used_at: string }>(
        'SELECT agent_id, created_at, last_used_at FROM agent_sessions WHERE workspace_id = $1 AND token_hash = $2 AND revoked_at IS NULL',
        [ws, tokenHash],
      );
      const row = rows[0];
      return row
        ? {
            tokenHash,
            agentId: row.agent_id,
            createdAt: Number(row.created_at),
            lastUsedAt: Number(row.last_used_at),
          }
        : null;
    },
    async touchAgentSession(tokenHash, usedAt) {
      await pool.query('UPDATE agent_sessions SET last_used_at = $1 WHERE workspace_id = $2 AND token_hash = $3', [
        usedAt,
        ws,
        tokenHash,
      ]);
    },
    async revokeAgentSession(tokenHash, at) {
      const { rows } = await pool.query<{ agent_id: string }>(
        'UPDATE agent_sessions SET revoked_at = $1 WHERE workspace_id = $2 AND token_hash = $3 AND revoked_at IS NULL RETURNING agent_id',
        [at, ws, tokenHash],
      );
      return rows[0]?.agent_id ?? null;
    },
    async revokeAgentSessions(agentId, at) {
      const { rows } = await pool.query<{ token_hash: string }>(
        'UPDATE agent_sessions SET revoked_at = $1 WHERE workspace_id = $2 AND agent_id = $3 AND revoked_at IS NULL RETURNING token_hash',
        [at, ws, agentId],
      );
      return rows.map((row) => row.token_hash);
    },
    async saveAuthLink(link) {
      // One statement: voiding the earlier links and storing the new one commit together.
      await pool.query(
        `WITH voided AS (
           UPDATE auth_links SET used_at = $5 WHERE workspace_id = $1 AND agent_id = $3 AND purpose = $4 AND used_at IS NULL
         )
         INSERT INTO auth_links (workspace_id, token_hash, agent_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [ws, link.tokenHash, link.agentId, link.purpose, link.createdAt, link.expiresAt],
      );
    },
    async consumeAuthLink(tokenHash, at) {
      const { rows } = await pool.query<{ agent_id: string; purpose: AuthLinkPurpose }>(
        `UPDATE auth_links SET used_at = $1 WHERE workspace_id = $2 AND token_hash = $3 AND used_at IS NULL AND expires_at > $1
         RETURNING agent_id, purpose`,
        [at, ws, tokenHash],
      );
      return rows[0] ? { agentId: rows[0].agent_id, purpose: rows[0].purpose } : null;
    },
  };
}

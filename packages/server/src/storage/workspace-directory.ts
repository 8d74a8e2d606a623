import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { randomEpoch } from './migrations.js';

/** The workspace of the embedded default: what a server without any workspace setting serves. */
export const DEFAULT_WORKSPACE = 'default';

/** Workspace ids: lower-case letters, digits and dashes, as they appear in logs, paths and headers. */
export const WORKSPACE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Site keys start with `site_`. A widget tag's `data-site` without it is what it was before
 * workspaces: a name for the widget's local storage, served by the default workspace.
 */
export const SITE_KEY_PREFIX = 'site_';
export function isSiteKey(value: string | undefined): value is string {
  return value !== undefined && value.startsWith(SITE_KEY_PREFIX);
}

/** A workspace id that names no workspace of this store. */
export class UnknownWorkspaceError extends Error {
  constructor(readonly workspaceId: string) {
    super(`No workspace ${JSON.stringify(workspaceId)}.`);
    this.name = 'UnknownWorkspaceError';
  }
}

export interface WorkspaceRecord {
  id: string;
  name: string;
  createdAt: number;
}

/** A widget site: its public key (the tag's `data-site`) and the page origins it may chat from. */
export interface SiteRecord {
  siteKey: string;
  workspaceId: string;
  origins: string[];
  createdAt: number;
}

/** What a workspace token opens: the admin API of its workspace, or its channel ingestion. */
export type WorkspaceTokenPurpose = 'admin' | 'ingest';

/** Which table a credential's hash is looked up in to find its workspace. */
export type CredentialKind = 'agent-token' | 'agent-session' | 'visitor-session' | 'auth-link';

/**
 * Which workspaces exist, their sites and tokens, and which workspace a credential belongs to:
 * what the server reads to route a request before it opens a workspace's hub.
 */
export interface WorkspaceDirectory {
  /** Creates a workspace; throws when the id is taken or malformed. */
  createWorkspace(workspace: { id: string; name: string; createdAt: number }): Promise<WorkspaceRecord>;
  workspace(id: string): Promise<WorkspaceRecord | null>;
  listWorkspaces(): Promise<WorkspaceRecord[]>;
  /**
   * A new site of a workspace, with the page origins allowed to open chats through it (the
   * server's own pages always may). `siteKey` is for the demo's fixed keys; a random one otherwise.
   */
  createSite(workspaceId: string, origins: string[], createdAt: number, siteKey?: string): Promise<SiteRecord>;
  site(siteKey: string): Promise<SiteRecord | null>;
  listSites(workspaceId: string): Promise<SiteRecord[]>;
  /** Stores a workspace token's hash (the token itself is shown once, never stored). */
  saveWorkspaceToken(token: {
    tokenHash: string;
    workspaceId: string;
    purpose: WorkspaceTokenPurpose;
    label: string;
    createdAt: number;
  }): Promise<void>;
  /** The workspace a live workspace token of this purpose opens, or null. */
  workspaceOfToken(purpose: WorkspaceTokenPurpose, tokenHash: string): Promise<string | null>;
  /** The workspace an agent token, session or one-time link was issued in, or null. */
  workspaceOfCredential(kind: CredentialKind, tokenHash: string): Promise<string | null>;
  /**
   * Registers an address (lower case, see emailKey) at which a workspace receives email; throws
   * AddressTakenError when another workspace receives mail there. Registering it again is a no-op.
   */
  addInboundAddress(workspaceId: string, address: string, createdAt: number): Promise<InboundAddressRecord>;
  /** The workspace that receives mail at an address (lower case), or null. */
  workspaceOfAddress(address: string): Promise<string | null>;
  listInboundAddresses(workspaceId: string): Promise<InboundAddressRecord[]>;
  /**
   * Registers a Messenger page of a workspace with its page access token; registering it again
   * replaces the token (a new token after Facebook expired the old one). Throws PageTakenError
   * when another workspace has the page.
   */
  addMessengerPage(page: MessengerPageRecord): Promise<MessengerPageRecord>;
  /** The workspace and token of a page, or null. */
  messengerPage(pageId: string): Promise<MessengerPageRecord | null>;
  listMessengerPages(workspaceId: string): Promise<MessengerPageRecord[]>;
  /** Whether the workspace had the page (another workspace's page is never removed). */
  removeMessengerPage(workspaceId: string, pageId: string): Promise<boolean>;
  /** Stores a workspace's new identity-verification key (its id is random, so never taken). */
  addIdentityKey(key: IdentityKeyRecord): Promise<void>;
  /** A workspace's identity keys, oldest first. */
  identityKeys(workspaceId: string): Promise<IdentityKeyRecord[]>;
  /** Whether the workspace had the key. */
  removeIdentityKey(workspaceId: string, keyId: string): Promise<boolean>;
}

/** A Facebook page whose Messenger conversations a workspace receives, and the token replies go out with. */
export interface MessengerPageRecord {
  pageId: string;
  workspaceId: string;
  pageToken: string;
  createdAt: number;
}

/** A page another workspace receives Messenger conversations of: one page, one workspace. */
export class PageTakenError extends Error {
  constructor() {
    super('Another workspace receives the Messenger conversations of this page.');
    this.name = 'PageTakenError';
  }
}

/** A secret with which a workspace's site signs identity tokens (its id is the token's `kid`). */
export interface IdentityKeyRecord {
  id: string;
  workspaceId: string;
  secret: string;
  createdAt: number;
}

/** An address at which a workspace receives email (SMTP and the ingest endpoints route by it). */
export interface InboundAddressRecord {
  address: string;
  workspaceId: string;
  createdAt: number;
}

/** An address another workspace receives mail at: one address, one workspace. */
export class AddressTakenError extends Error {
  constructor() {
    super('Another workspace receives email at this address.');
    this.name = 'AddressTakenError';
  }
}

export type PageRow = { page_id: string; workspace_id: string; page_token: string; created_at: number | string };
export const toPage = (row: PageRow): MessengerPageRecord => ({
  pageId: row.page_id,
  workspaceId: row.workspace_id,
  pageToken: row.page_token,
  createdAt: Number(row.created_at),
});
export type KeyRow = { key_id: string; workspace_id: string; secret: string; created_at: number | string };
export const toKey = (row: KeyRow): IdentityKeyRecord => ({
  id: row.key_id,
  workspaceId: row.workspace_id,
  secret: row.secret,
  createdAt: Number(row.created_at),
});

/** Refuses a malformed workspace id with a RangeError (both directories). */
export function checkWorkspaceId(id: string): void {
  if (!WORKSPACE_ID_PATTERN.test(id))
    throw new RangeError(
      'A workspace id has 1 to 63 lower-case letters, digits and dashes, starting with a letter or digit.',
    );
}

/** A site key is public (it is in the page's HTML): random so that sites cannot be enumerated. */
export function newSiteKey(): string {
  return SITE_KEY_PREFIX + randomBytes(12).toString('base64url');
}

const CREDENTIAL_QUERIES: Record<CredentialKind, string> = {
  'agent-token': 'SELECT workspace_id FROM agent_tokens WHERE token_hash = ?',
  'agent-session': 'SELECT workspace_id FROM agent_sessions WHERE token_hash = ?',
  'visitor-session': 'SELECT workspace_id FROM visitor_sessions WHERE token_hash = ?',
  'auth-link': 'SELECT workspace_id FROM auth_links WHERE token_hash = ?',
};

/** The SQLite directory, with a synchronous check the file's own workspace views use. */
export interface SqliteWorkspaceDirectory extends WorkspaceDirectory {
  exists(id: string): boolean;
}

/** The directory tables of the server's SQLite file (migration 5). */
export function createWorkspaceDirectory(db: Database.Database): SqliteWorkspaceDirectory {
  const statements = {
    insertWorkspace: db.prepare('INSERT INTO workspaces (id, name, created_at, epoch) VALUES (?, ?, ?, ?)'),
    workspace: db.prepare('SELECT id, name, created_at FROM workspaces WHERE id = ?'),
    listWorkspaces: db.prepare('SELECT id, name, created_at FROM workspaces ORDER BY created_at, id'),
    insertSite: db.prepare('INSERT INTO sites (site_key, workspace_id, origins, created_at) VALUES (?, ?, ?, ?)'),
    site: db.prepare('SELECT site_key, workspace_id, origins, created_at FROM sites WHERE site_key = ?'),
    sitesOf: db.prepare(
      'SELECT site_key, workspace_id, origins, created_at FROM sites WHERE workspace_id = ? ORDER BY created_at',
    ),
    insertToken: db.prepare(
      'INSERT INTO workspace_tokens (token_hash, workspace_id, purpose, label, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    insertAddress: db.prepare('INSERT INTO inbound_addresses (address, workspace_id, created_at) VALUES (?, ?, ?)'),
    address: db.prepare('SELECT address, workspace_id, created_at FROM inbound_addresses WHERE address = ?'),
    addressesOf: db.prepare(
      'SELECT address, workspace_id, created_at FROM inbound_addresses WHERE workspace_id = ? ORDER BY created_at, address',
    ),
    upsertPage: db.prepare(
      'INSERT INTO messenger_pages (page_id, workspace_id, page_token, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (page_id) DO UPDATE SET page_token = excluded.page_token WHERE workspace_id = excluded.workspace_id',
    ),
    page: db.prepare('SELECT page_id, workspace_id, page_token, created_at FROM messenger_pages WHERE page_id = ?'),
    pagesOf: db.prepare(
      'SELECT page_id, workspace_id, page_token, created_at FROM messenger_pages WHERE workspace_id = ? ORDER BY created_at, page_id',
    ),
    deletePage: db.prepare('DELETE FROM messenger_pages WHERE workspace_id = ? AND page_id = ?'),
    insertKey: db.prepare('INSERT INTO identity_keys (key_id, workspace_id, secret, created_at) VALUES (?, ?, ?, ?)'),
    keysOf: db.prepare(
      'SELECT key_id, workspace_id, secret, created_at FROM identity_keys WHERE workspace_id = ? ORDER BY created_at, key_id',
    ),
    deleteKey: db.prepare('DELETE FROM identity_keys WHERE workspace_id = ? AND key_id = ?'),
    tokenWorkspace: db
      .prepare('SELECT workspace_id FROM workspace_tokens WHERE token_hash = ? AND purpose = ? AND revoked_at IS NULL')
      .pluck(),
  };
  const credentialQueries = Object.fromEntries(
    Object.entries(CREDENTIAL_QUERIES).map(([kind, sql]) => [kind, db.prepare(sql).pluck()]),
  ) as Record<CredentialKind, Database.Statement>;

  type WorkspaceRow = { id: string; name: string; created_at: number };
  type SiteRow = { site_key: string; workspace_id: string; origins: string; created_at: number };
  const toWorkspace = (row: WorkspaceRow): WorkspaceRecord => ({
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
  });
  type AddressRow = { address: string; workspace_id: string; created_at: number };
  const toAddress = (row: AddressRow): InboundAddressRecord => ({
    address: row.address,
    workspaceId: row.workspace_id,
    createdAt: row.created_at,
  });
  const toSite = (row: SiteRow): SiteRecord => ({
    siteKey: row.site_key,
    workspaceId: row.workspace_id,
    origins: JSON.parse(row.origins) as string[],
    createdAt: row.created_at,
  });

  return {
    exists(id) {
      return statements.workspace.get(id) !== undefined;
    },
    async createWorkspace({ id, name, createdAt }) {
      checkWorkspaceId(id);
      if (statements.workspace.get(id)) throw new RangeError(`The workspace ${id} exists already.`);
      statements.insertWorkspace.run(id, name, createdAt, randomEpoch());
      return { id, name, createdAt };
    },
    async workspace(id) {
      const row = statements.workspace.get(id) as WorkspaceRow | undefined;
      return row ? toWorkspace(row) : null;
    },
    async listWorkspaces() {
      return (statements.listWorkspaces.all() as WorkspaceRow[]).map(toWorkspace);
    },
    async addInboundAddress(workspaceId, address, createdAt) {
      const existing = statements.address.get(address) as AddressRow | undefined;
      if (existing && existing.workspace_id !== workspaceId) throw new AddressTakenError();
      if (existing) return toAddress(existing);
      statements.insertAddress.run(address, workspaceId, createdAt);
      return { address, workspaceId, createdAt };
    },
    async workspaceOfAddress(address) {
      return (statements.address.get(address) as AddressRow | undefined)?.workspace_id ?? null;
    },
    async listInboundAddresses(workspaceId) {
      return (statements.addressesOf.all(workspaceId) as AddressRow[]).map(toAddress);
    },
    async addMessengerPage(page) {
      statements.upsertPage.run(page.pageId, page.workspaceId, page.pageToken, page.createdAt);
      const stored = toPage(statements.page.get(page.pageId) as PageRow);
      if (stored.workspaceId !== page.workspaceId) throw new PageTakenError();
      return stored;
    },
    async messengerPage(pageId) {
      const row = statements.page.get(pageId) as PageRow | undefined;
      return row ? toPage(row) : null;
    },
    async listMessengerPages(workspaceId) {
      return (statements.pagesOf.all(workspaceId) as PageRow[]).map(toPage);
    },
    async removeMessengerPage(workspaceId, pageId) {
      return statements.deletePage.run(workspaceId, pageId).changes > 0;
    },
    async addIdentityKey(key) {
      statements.insertKey.run(key.id, key.workspaceId, key.secret, key.createdAt);
    },
    async identityKeys(workspaceId) {
      return (statements.keysOf.all(workspaceId) as KeyRow[]).map(toKey);
    },
    async removeIdentityKey(workspaceId, keyId) {
      return statements.deleteKey.run(workspaceId, keyId).changes > 0;
    },
    async createSite(workspaceId, origins, createdAt, key) {
      const siteKey = key ?? newSiteKey();
      statements.insertSite.run(siteKey, workspaceId, JSON.stringify(origins), createdAt);
      return { siteKey, workspaceId, origins, createdAt };
    },
    async site(siteKey) {
      const row = statements.site.get(siteKey) as SiteRow | undefined;
      return row ? toSite(row) : null;
    },
    async listSites(workspaceId) {
      return (statements.sitesOf.all(workspaceId) as SiteRow[]).map(toSite);
    },
    async saveWorkspaceToken(token) {
      statements.insertToken.run(token.tokenHash, token.workspaceId, token.purpose, token.label, token.createdAt);
    },
    async workspaceOfToken(purpose, tokenHash) {
      return (statements.tokenWorkspace.get(tokenHash, purpose) as string | undefined) ?? null;
    },
    async workspaceOfCredential(kind, tokenHash) {
      return (credentialQueries[kind].get(tokenHash) as string | undefined) ?? null;
    },
  };
}

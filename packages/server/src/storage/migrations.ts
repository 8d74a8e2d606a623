import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';

/**
 * One step of the SQLite store's schema. Steps are numbered from 1, run in order, and never change
 * once released: a new schema is a new step at the end. Each runs inside the transaction that
 * records its number, so a failed step leaves the store as it was.
 */
export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

/**
 * Every release before numbered migrations wrote `schema = 1` into `meta` whatever tables it had
 * made, so steps 2 and 3 first look at what exists: a store of `schema 1` may already hold them.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'events, outcomes, visitor sessions, agent tokens, agent access, deliveries',
    up(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  cause TEXT,
  event TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_type ON events (type);
CREATE TABLE IF NOT EXISTS outcomes (
  principal_key TEXT NOT NULL,
  command_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  PRIMARY KEY (principal_key, command_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS visitor_sessions (
  token_hash TEXT PRIMARY KEY,
  contact_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS visitor_sessions_by_contact ON visitor_sessions (contact_id);
CREATE TABLE IF NOT EXISTS agent_tokens (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  agent_id TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE TABLE IF NOT EXISTS agent_access (
  agent_id TEXT PRIMARY KEY,
  disabled INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deliveries (
  message_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
`);
    },
  },
  {
    version: 2,
    description: 'visitor sessions record their last use (NULL reads as "used when created")',
    up(db) {
      const columns = db.prepare('PRAGMA table_info(visitor_sessions)').all() as { name: string }[];
      if (!columns.some((column) => column.name === 'last_used_at'))
        db.exec('ALTER TABLE visitor_sessions ADD COLUMN last_used_at INTEGER');
    },
  },
  {
    version: 3,
    description: 'agent accounts: passwords, sign-in sessions, one-time links',
    up(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS agent_passwords (
  agent_id TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agent_sessions (
  token_hash TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  revoked_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS agent_sessions_by_agent ON agent_sessions (agent_id);
CREATE TABLE IF NOT EXISTS auth_links (
  token_hash TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS auth_links_by_agent ON auth_links (agent_id, purpose);
`);
    },
  },
  {
    version: 4,
    description: 'hub snapshots, the epoch, outcomes dated (deleted by age), events name their principal',
    up(db) {
      const migratedAt = Date.now();
      db.exec(`
ALTER TABLE outcomes ADD COLUMN at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outcomes_by_age ON outcomes (at);
ALTER TABLE events ADD COLUMN principal_key TEXT;
CREATE TABLE snapshot_chunks (
  part TEXT NOT NULL,
  idx INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (part, idx)
) WITHOUT ROWID;
CREATE INDEX outcomes_by_command ON outcomes (command_id);
`);
      // Outcomes stored before they had a date are kept a whole window from now.
      db.prepare('UPDATE outcomes SET at = ?').run(migratedAt);
      // Which principal's command caused each event: a visitor learns only its own commands' ids.
      db.exec(`UPDATE events SET principal_key =
        (SELECT min(principal_key) FROM outcomes WHERE outcomes.command_id = events.cause) WHERE cause IS NOT NULL`);
      db.exec('DROP INDEX outcomes_by_command');
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('epoch', ?)").run(randomEpoch());
    },
  },
  {
    version: 5,
    description: "workspaces: every row names its workspace; what was stored becomes workspace 'default'",
    up(db) {
      const meta = (key: string) =>
        (db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined) ?? null;
      db.exec(`
CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  epoch TEXT NOT NULL,
  snapshot_seq INTEGER NOT NULL DEFAULT 0,
  snapshot_at INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE sites (
  site_key TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id),
  origins TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sites_by_workspace ON sites (workspace_id);
CREATE TABLE workspace_tokens (
  token_hash TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id),
  purpose TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) WITHOUT ROWID;
CREATE INDEX workspace_tokens_by_workspace ON workspace_tokens (workspace_id);

DROP INDEX IF EXISTS events_by_type;
ALTER TABLE events RENAME TO events_v4;
CREATE TABLE events (
  workspace_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  cause TEXT,
  event TEXT NOT NULL,
  principal_key TEXT,
  PRIMARY KEY (workspace_id, seq)
);
INSERT INTO events (workspace_id, seq, type, cause, event, principal_key)
  SELECT 'default', seq, type, cause, event, principal_key FROM events_v4 ORDER BY seq;
DROP TABLE events_v4;
CREATE INDEX events_by_type ON events (workspace_id, type);

DROP INDEX IF EXISTS outcomes_by_age;
ALTER TABLE outcomes RENAME TO outcomes_v4;
CREATE TABLE outcomes (
  workspace_id TEXT NOT NULL,
  principal_key TEXT NOT NULL,
  command_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, principal_key, command_id)
) WITHOUT ROWID;
INSERT INTO outcomes SELECT 'default', principal_key, command_id, outcome, at FROM outcomes_v4;
DROP TABLE outcomes_v4;
CREATE INDEX outcomes_by_age ON outcomes (at);

ALTER TABLE snapshot_chunks RENAME TO snapshot_chunks_v4;
CREATE TABLE snapshot_chunks (
  workspace_id TEXT NOT NULL,
  part TEXT NOT NULL,
  idx INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (workspace_id, part, idx)
) WITHOUT ROWID;
INSERT INTO snapshot_chunks SELECT 'default', part, idx, text FROM snapshot_chunks_v4;
DROP TABLE snapshot_chunks_v4;

ALTER TABLE agent_passwords RENAME TO agent_passwords_v4;
CREATE TABLE agent_passwords (
  workspace_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, agent_id)
) WITHOUT ROWID;
INSERT INTO agent_passwords SELECT 'default', agent_id, hash, updated_at FROM agent_passwords_v4;
DROP TABLE agent_passwords_v4;

ALTER TABLE deliveries RENAME TO deliveries_v4;
CREATE TABLE deliveries (
  workspace_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, message_id)
) WITHOUT ROWID;
INSERT INTO deliveries SELECT 'default', message_id, state, attempts, last_error, updated_at FROM deliveries_v4;
DROP TABLE deliveries_v4;

ALTER TABLE visitor_sessions ADD COLUMN workspace_id TEXT NOT NULL DEFAULT 'default';
ALTER TABLE agent_tokens ADD COLUMN workspace_id TEXT NOT NULL DEFAULT 'default';
ALTER TABLE agent_sessions ADD COLUMN workspace_id TEXT NOT NULL DEFAULT 'default';
ALTER TABLE auth_links ADD COLUMN workspace_id TEXT NOT NULL DEFAULT 'default';
`);
      db.prepare(
        "INSERT INTO workspaces (id, name, created_at, epoch, snapshot_seq, snapshot_at) VALUES ('default', 'Default', ?, ?, ?, ?)",
      ).run(
        Date.now(),
        meta('epoch') ?? randomEpoch(),
        Number(meta('snapshot_seq') ?? 0),
        Number(meta('snapshot_at') ?? 0),
      );
      db.exec("DELETE FROM meta WHERE key IN ('epoch', 'snapshot_seq', 'snapshot_at')");
    },
  },
  {
    version: 6,
    description: "snapshots keep each conversation's messages in a row of their own, read when first used",
    up(db) {
      db.exec(`
CREATE TABLE snapshot_messages (
  workspace_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (workspace_id, conversation_id)
);
`);
    },
  },
  {
    version: 7,
    description: 'inbound email addresses: which workspace receives mail at each (one workspace an address)',
    up(db) {
      db.exec(`
CREATE TABLE inbound_addresses (
  address TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id),
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX inbound_addresses_by_workspace ON inbound_addresses (workspace_id);
`);
    },
  },
  {
    version: 8,
    description: "each workspace's Messenger pages (with their page tokens) and identity-verification keys",
    up(db) {
      db.exec(`
CREATE TABLE messenger_pages (
  page_id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id),
  page_token TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX messenger_pages_by_workspace ON messenger_pages (workspace_id);
CREATE TABLE identity_keys (
  key_id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id),
  secret TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX identity_keys_by_workspace ON identity_keys (workspace_id);
`);
    },
  },
  {
    version: 9,
    description: "webhook endpoints, their deliveries, and each workspace's dispatch cursor and memory",
    up(db) {
      db.exec(`
CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id),
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  events TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX webhook_endpoints_by_workspace ON webhook_endpoints (workspace_id);
CREATE TABLE webhook_cursors (
  workspace_id TEXT PRIMARY KEY REFERENCES workspaces (id),
  seq INTEGER NOT NULL,
  since INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE webhook_memory (
  workspace_id TEXT NOT NULL,
  record_id TEXT NOT NULL,
  status TEXT,
  assignee_id TEXT,
  PRIMARY KEY (workspace_id, record_id)
) WITHOUT ROWID;
CREATE TABLE webhook_deliveries (
  workspace_id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_status INTEGER,
  last_error TEXT,
  next_attempt_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, endpoint_id, event_id)
) WITHOUT ROWID;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
`);
    },
  },
  {
    version: 10,
    description: "each workspace's REST API keys (hashes only), each acting as one agent",
    up(db) {
      db.exec(`
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces (id),
  agent_id TEXT NOT NULL,
  label TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  key_hash TEXT NOT NULL UNIQUE
) WITHOUT ROWID;
CREATE INDEX api_keys_by_workspace ON api_keys (workspace_id);
`);
    },
  },
];

/** A new random epoch (see StoredLog.epoch in @confab/core/backend). */
export function randomEpoch(): string {
  return randomBytes(8).toString('hex');
}

/** The schema this version of the server writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** A store written by a newer server: this one cannot know what its tables mean. */
export class NewerSchemaError extends Error {
  constructor(readonly found: number) {
    super(
      `The database has schema version ${found}, newer than this confab-server knows (${SCHEMA_VERSION}). ` +
        'It was written by a newer release: run that release (or a later one), or restore a backup made by this one.',
    );
    this.name = 'NewerSchemaError';
  }
}

/** The store's schema version: 0 for a new, empty file. */
export function schemaVersion(db: Database.Database): number {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!hasMeta) return 0;
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined;
  return row ? Number(row.value) : 0;
}

/**
 * Brings the store to SCHEMA_VERSION, one step at a time, all in one write transaction (a second
 * process starting at the same moment waits, then finds nothing left to do). Refuses a store from
 * a newer server before touching it.
 *
 * @returns the version found and the version now.
 */
export function migrate(db: Database.Database): { from: number; to: number } {
  return db
    .transaction(() => {
      const from = schemaVersion(db);
      if (!Number.isInteger(from) || from < 0)
        throw new Error(`The database's schema version is not a number: ${from}`);
      if (from > SCHEMA_VERSION) throw new NewerSchemaError(from);
      db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
      const record = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)");
      for (const migration of MIGRATIONS) {
        if (migration.version <= from) continue;
        migration.up(db);
        record.run(String(migration.version));
      }
      return { from, to: SCHEMA_VERSION };
    })
    .immediate();
}

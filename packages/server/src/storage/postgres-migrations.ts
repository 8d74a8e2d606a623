import type pg from 'pg';

/**
 * One step of the PostgreSQL schema. Steps are numbered from 1, run in order, and never change once
 * released: a new schema is a new step at the end. All pending steps run in one transaction with
 * the version rows, so a failed step leaves the database as it was.
 */
export interface PostgresMigration {
  version: number;
  description: string;
  sql: string;
}

/**
 * Every table holds many workspaces, keyed by `workspace_id`. Events and outcomes are JSON kept as
 * text, not jsonb: jsonb refuses the escaped NUL (`\u0000`) that hostile text may hold, and the
 * server only ever reads them whole.
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'workspace heads (seq, epoch), events, outcomes, snapshots',
    sql: `
CREATE TABLE workspace_heads (
  workspace_id text PRIMARY KEY,
  seq bigint NOT NULL DEFAULT 0,
  epoch text NOT NULL
);
CREATE TABLE events (
  workspace_id text NOT NULL,
  seq bigint NOT NULL,
  type text NOT NULL,
  cause text,
  principal_key text,
  event text NOT NULL,
  PRIMARY KEY (workspace_id, seq)
);
CREATE TABLE outcomes (
  workspace_id text NOT NULL,
  principal_key text NOT NULL,
  command_id text NOT NULL,
  outcome text NOT NULL,
  at bigint NOT NULL,
  PRIMARY KEY (workspace_id, principal_key, command_id)
);
CREATE INDEX outcomes_by_age ON outcomes (workspace_id, at);
CREATE TABLE snapshots (
  workspace_id text PRIMARY KEY,
  seq bigint NOT NULL,
  at bigint NOT NULL
);
CREATE TABLE snapshot_chunks (
  workspace_id text NOT NULL,
  part text NOT NULL CHECK (part IN ('engine', 'streams')),
  idx integer NOT NULL,
  text text NOT NULL,
  PRIMARY KEY (workspace_id, part, idx)
);
`,
  },
  {
    version: 2,
    description:
      'the workspace directory (workspaces, sites, workspace tokens), sessions, agent tokens, accounts, deliveries',
    sql: `
CREATE TABLE workspaces (
  id text PRIMARY KEY,
  name text NOT NULL,
  created_at bigint NOT NULL
);
CREATE TABLE sites (
  site_key text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id),
  origins text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX sites_by_workspace ON sites (workspace_id);
CREATE TABLE workspace_tokens (
  token_hash text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id),
  purpose text NOT NULL,
  label text NOT NULL,
  created_at bigint NOT NULL,
  revoked_at bigint
);
CREATE TABLE visitor_sessions (
  token_hash text PRIMARY KEY,
  workspace_id text NOT NULL,
  contact_id text NOT NULL,
  created_at bigint NOT NULL,
  last_used_at bigint,
  revoked_at bigint
);
CREATE INDEX visitor_sessions_by_contact ON visitor_sessions (workspace_id, contact_id);
CREATE TABLE agent_tokens (
  workspace_id text NOT NULL,
  id text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  agent_id text NOT NULL,
  label text NOT NULL,
  created_at bigint NOT NULL,
  revoked_at bigint,
  PRIMARY KEY (workspace_id, id)
);
CREATE TABLE agent_passwords (
  workspace_id text NOT NULL,
  agent_id text NOT NULL,
  hash text NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (workspace_id, agent_id)
);
CREATE TABLE agent_sessions (
  token_hash text PRIMARY KEY,
  workspace_id text NOT NULL,
  agent_id text NOT NULL,
  created_at bigint NOT NULL,
  last_used_at bigint NOT NULL,
  revoked_at bigint
);
CREATE INDEX agent_sessions_by_agent ON agent_sessions (workspace_id, agent_id);
CREATE TABLE auth_links (
  token_hash text PRIMARY KEY,
  workspace_id text NOT NULL,
  agent_id text NOT NULL,
  purpose text NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  used_at bigint
);
CREATE INDEX auth_links_by_agent ON auth_links (workspace_id, agent_id, purpose);
CREATE TABLE deliveries (
  workspace_id text NOT NULL,
  message_id text NOT NULL,
  state text NOT NULL,
  attempts integer NOT NULL,
  last_error text,
  updated_at bigint NOT NULL,
  PRIMARY KEY (workspace_id, message_id)
);
CREATE INDEX events_by_type ON events (workspace_id, type);
`,
  },
  {
    version: 3,
    description: 'addresses at which a workspace receives email (one workspace an address)',
    sql: `
CREATE TABLE inbound_addresses (
  address text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id),
  created_at bigint NOT NULL
);
CREATE INDEX inbound_addresses_by_workspace ON inbound_addresses (workspace_id);
`,
  },
  {
    version: 4,
    description: "each workspace's Messenger pages (with their page tokens) and identity-verification keys",
    sql: `
CREATE TABLE messenger_pages (
  page_id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id),
  page_token text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX messenger_pages_by_workspace ON messenger_pages (workspace_id);
CREATE TABLE identity_keys (
  key_id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id),
  secret text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX identity_keys_by_workspace ON identity_keys (workspace_id);
`,
  },
  {
    version: 5,
    description: "webhook endpoints, their deliveries, and each workspace's dispatch cursor and memory",
    sql: `
CREATE TABLE webhook_endpoints (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id),
  url text NOT NULL,
  secret text NOT NULL,
  events text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX webhook_endpoints_by_workspace ON webhook_endpoints (workspace_id);
CREATE TABLE webhook_cursors (
  workspace_id text PRIMARY KEY REFERENCES workspaces (id),
  seq bigint NOT NULL,
  since bigint NOT NULL
);
CREATE TABLE webhook_memory (
  workspace_id text NOT NULL,
  record_id text NOT NULL,
  status text,
  assignee_id text,
  PRIMARY KEY (workspace_id, record_id)
);
CREATE TABLE webhook_deliveries (
  workspace_id text NOT NULL,
  endpoint_id text NOT NULL,
  event_id text NOT NULL,
  type text NOT NULL,
  payload text NOT NULL,
  state text NOT NULL,
  attempts integer NOT NULL,
  last_status integer,
  last_error text,
  next_attempt_at bigint NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (workspace_id, endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
`,
  },
  {
    version: 6,
    description:
      "each workspace's REST API keys (hashes only), each acting as one agent; the database's origin (restores)",
    sql: `
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id),
  agent_id text NOT NULL,
  label text NOT NULL,
  scope text NOT NULL CHECK (scope IN ('read', 'write')),
  created_at bigint NOT NULL,
  revoked_at bigint,
  key_hash text NOT NULL UNIQUE
);
CREATE INDEX api_keys_by_workspace ON api_keys (workspace_id);
CREATE TABLE database_meta (
  key text PRIMARY KEY,
  value text NOT NULL
);
`,
  },
  {
    version: 7,
    description: "each workspace's uploaded files (attachments), with their content",
    sql: `
CREATE TABLE files (
  workspace_id text NOT NULL REFERENCES workspaces (id),
  id text NOT NULL,
  sha256 text NOT NULL,
  name text NOT NULL,
  type text NOT NULL,
  size bigint NOT NULL,
  uploader text NOT NULL,
  conversation_id text,
  created_at bigint NOT NULL,
  content bytea NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX files_by_conversation ON files (workspace_id, conversation_id);
`,
  },
  {
    version: 8,
    description: "a command transaction's two steps as functions: lock the head and read, write and move the head",
    // node-postgres sends a statement only once the one before answered, so each statement is a
    // round trip: as functions, a command transaction is `BEGIN; SELECT confab_lock_and_read(…)`
    // then `SELECT confab_write_commit(…); COMMIT`, two round trips where it made four
    // (postgres-storage.ts). A function's statements keep their plans for the session.
    sql: `
-- Locks a workspace's head row and returns [head seq, the stored outcomes of the given commands
-- as [principal key, command id, outcome], the events after \`after\` as [seq, cause, event,
-- principal key]] (no events when \`after\` is null), or null when the workspace has no head row.
-- VOLATILE (the default): under READ COMMITTED each statement below takes a fresh snapshot, so the
-- reads after the lock see every commit made before it was granted.
CREATE FUNCTION confab_lock_and_read(ws text, after bigint, commands json) RETURNS json
LANGUAGE plpgsql AS $fn$
DECLARE
  head bigint;
  known json;
  missed json;
BEGIN
  SELECT seq INTO head FROM workspace_heads WHERE workspace_id = ws FOR UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  SELECT coalesce(json_agg(json_build_array(o.principal_key, o.command_id, o.outcome)), '[]'::json) INTO known
    FROM outcomes o
    JOIN json_to_recordset(commands) AS c(principal_key text, command_id text)
      ON o.principal_key = c.principal_key AND o.command_id = c.command_id
    WHERE o.workspace_id = ws;
  SELECT coalesce(json_agg(json_build_array(e.seq, e.cause, e.event, e.principal_key) ORDER BY e.seq), '[]'::json)
    INTO missed
    FROM events e WHERE e.workspace_id = ws AND e.seq > after;
  RETURN json_build_array(head, known, missed);
END
$fn$;

-- Writes a commit's events and outcomes (the caller holds the head lock and checked that the
-- events continue the head) and moves the head past the events. The head row is updated even
-- when no event is written, so every transaction that stores an outcome gives it a new version.
-- A command id that has an outcome already raises CF001: the caller's COMMIT in the same query
-- does not run, and it rolls back.
CREATE FUNCTION confab_write_commit(ws text, written json, answers json) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  stored bigint;
  answered bigint;
BEGIN
  INSERT INTO events (workspace_id, seq, type, cause, principal_key, event)
    SELECT ws, e.seq, e.type, e.cause, e.principal_key, e.event
    FROM json_to_recordset(written) AS e(seq bigint, type text, cause text, principal_key text, event text);
  GET DIAGNOSTICS stored = ROW_COUNT;
  INSERT INTO outcomes (workspace_id, principal_key, command_id, outcome, at)
    SELECT ws, o.principal_key, o.command_id, o.outcome, o.at
    FROM json_to_recordset(answers) AS o(principal_key text, command_id text, outcome text, at bigint)
    ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS answered = ROW_COUNT;
  IF answered <> json_array_length(answers) THEN
    RAISE EXCEPTION 'A command has an outcome already.' USING ERRCODE = 'CF001';
  END IF;
  UPDATE workspace_heads SET seq = seq + stored WHERE workspace_id = ws;
END
$fn$;
`,
  },
  {
    version: 9,
    description: 'a one-command transaction in one round trip when the head did not move',
    // A process that serves a workspace alone decides a command against its own state and sends
    // it in one statement (its own transaction): no round trip while the head row is locked.
    sql: `
-- Locks the head row; when it is still at \`expected\` and no command id of \`answers\` has an
-- outcome, writes as confab_write_commit does and returns true. Otherwise writes nothing and
-- returns false (the caller reads what it missed under the lock: confab_lock_and_read).
CREATE FUNCTION confab_commit_at(ws text, expected bigint, written json, answers json) RETURNS boolean
LANGUAGE plpgsql AS $fn$
DECLARE
  head bigint;
BEGIN
  SELECT seq INTO head FROM workspace_heads WHERE workspace_id = ws FOR UPDATE;
  IF NOT FOUND OR head <> expected THEN
    RETURN false;
  END IF;
  IF EXISTS (
    SELECT 1 FROM outcomes o
      JOIN json_to_recordset(answers) AS a(principal_key text, command_id text)
        ON o.principal_key = a.principal_key AND o.command_id = a.command_id
      WHERE o.workspace_id = ws
  ) THEN
    RETURN false;
  END IF;
  PERFORM confab_write_commit(ws, written, answers);
  RETURN true;
END
$fn$;
`,
  },
];

/** The schema this version of the server writes and reads. */
export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1]!.version;

/** A database written by a newer server: this one cannot know what its tables mean. */
export class NewerPostgresSchemaError extends Error {
  constructor(readonly found: number) {
    super(
      `The PostgreSQL database has schema version ${found}, newer than this confab-server knows (${POSTGRES_SCHEMA_VERSION}). ` +
        'It was written by a newer release: run that release (or a later one) against it.',
    );
    this.name = 'NewerPostgresSchemaError';
  }
}

/** Any number: the key of the advisory lock that lets one process at a time migrate a database. */
const MIGRATION_LOCK = 4_747_001;

/** The database's schema version: 0 for a new, empty one. */
export async function postgresSchemaVersion(db: pg.Pool | pg.PoolClient): Promise<number> {
  const { rows } = await db.query<{ version: number | null }>(
    "SELECT CASE WHEN to_regclass('confab_schema') IS NULL THEN 0 ELSE (SELECT coalesce(max(version), 0) FROM confab_schema) END AS version",
  );
  return rows[0]?.version ?? 0;
}

/**
 * Brings the database to POSTGRES_SCHEMA_VERSION, all pending steps in one transaction under an
 * advisory lock: processes starting together wait for the first, then find nothing left to do.
 * Refuses a database from a newer server before touching it.
 *
 * @returns the version found and the version now.
 */
export async function migratePostgres(pool: pg.Pool): Promise<{ from: number; to: number }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS confab_schema (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const from = await postgresSchemaVersion(client);
    if (from > POSTGRES_SCHEMA_VERSION) throw new NewerPostgresSchemaError(from);
    for (const migration of POSTGRES_MIGRATIONS) {
      if (migration.version <= from) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO confab_schema (version, description) VALUES ($1, $2)', [
        migration.version,
        migration.description,
      ]);
    }
    await client.query('COMMIT');
    return { from, to: POSTGRES_SCHEMA_VERSION };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

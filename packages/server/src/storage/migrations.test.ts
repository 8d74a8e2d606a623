import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { hashToken } from '../auth/authenticator.js';
import { startServer } from '../server.js';
import { hello, tempDataDir } from '../testing/harness.test-util.js';
import { MIGRATIONS, NewerSchemaError, SCHEMA_VERSION, migrate } from './migrations.js';
import { createSqliteStorage, databaseFile } from './sqlite-storage.js';

/** One SQL file per schema an earlier release of this repository wrote (see each file's header). */
const FIXTURES = fileURLToPath(new URL('../../src/storage/fixtures/', import.meta.url));
/** The fixtures' visitor session was last used at this time: the server's clock stands just after. */
const FIXTURE_TIME = 1796307160000 + 120_000;

function storeFrom(sqlFile: string): string {
  const dataDir = tempDataDir('confab-migrate-');
  const db = new Database(databaseFile(dataDir));
  db.pragma('journal_mode = WAL');
  db.exec(readFileSync(join(FIXTURES, sqlFile), 'utf8'));
  db.close();
  return dataDir;
}

const columns = (db: Database.Database, table: string) =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((column) => column.name);

describe('schema migrations', () => {
  test('the steps are numbered 1, 2, 3, … with none missing', () => {
    assert.deepEqual(
      MIGRATIONS.map((migration) => migration.version),
      MIGRATIONS.map((_, index) => index + 1),
    );
    assert.equal(SCHEMA_VERSION, MIGRATIONS.length);
  });

  const fixtures = readdirSync(FIXTURES).filter((name) => name.endsWith('.sql'));
  test('there is a fixture for each schema an earlier release wrote', () => {
    assert.deepEqual(fixtures.sort(), ['schema-1a.sql', 'schema-1b.sql', 'schema-1c.sql']);
  });

  for (const fixture of fixtures) {
    test(`a store written as ${fixture} is brought to the current schema and its data is all there`, async () => {
      const dataDir = storeFrom(fixture);
      try {
        const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, now: () => FIXTURE_TIME });
        try {
          assert.equal(server.storage.schemaVersion(), SCHEMA_VERSION);
          assert.equal(server.backend.seq, 8, 'every event loaded');
          assert.equal(server.backend.state.agents.size, 2);
          // The visitor's session still opens their chat with both messages.
          const wsUrl = `${server.url.replace(/^http/, 'ws')}/ws`;
          const { peer, welcome } = await hello(wsUrl, 'cfv_fixture-visitor');
          assert.equal(welcome.principal.kind, 'visitor');
          const snapshot = await peer.next('snapshot');
          assert.deepEqual(snapshot.snapshot.messages.map((message) => message.text).sort(), [
            'Hello, is my order on its way?',
            'Order 1042',
          ]);
          peer.close();
          assert.deepEqual(await server.storage.findAgentToken(hashToken('cfa_fixture-agent')), {
            id: 'tok_fixture',
            agentId: 'agent-ann',
          });
          assert.equal((await server.storage.delivery('msg-fixture'))?.state, 'sent');
          const session = (await server.storage.findVisitorSession(hashToken('cfv_fixture-visitor')))!;
          // A store from before last_used_at counts from the session's creation.
          assert.ok(session.lastUsedAt >= session.createdAt);
          if (fixture === 'schema-1c.sql') {
            assert.match((await server.storage.passwordHash('agent-ann')) ?? '', /^scrypt\$/);
            assert.equal(
              (await server.storage.findAgentSession(hashToken('cfs_fixture-session')))?.agentId,
              'agent-ann',
            );
          } else assert.equal(await server.storage.countPasswords(), 0, 'the account tables exist, empty');
        } finally {
          await server.close();
        }
        const db = new Database(databaseFile(dataDir), { readonly: true });
        assert.ok(columns(db, 'visitor_sessions').includes('last_used_at'));
        assert.deepEqual(db.prepare("SELECT value FROM meta WHERE key = 'schema'").get(), {
          value: String(SCHEMA_VERSION),
        });
        db.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }

  test('a new store is created at the current schema, and opening it again changes nothing', async () => {
    const dataDir = tempDataDir('confab-migrate-');
    try {
      const storage = createSqliteStorage(dataDir);
      assert.equal(storage.schemaVersion(), SCHEMA_VERSION);
      await storage.close();
      const db = new Database(databaseFile(dataDir));
      assert.deepEqual(migrate(db), { from: SCHEMA_VERSION, to: SCHEMA_VERSION });
      db.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a store from a newer release is refused with a clear message and left as it was', async () => {
    const dataDir = storeFrom('schema-1c.sql');
    try {
      const db = new Database(databaseFile(dataDir));
      db.prepare("UPDATE meta SET value = ? WHERE key = 'schema'").run(String(SCHEMA_VERSION + 1));
      db.close();
      const before = statSync(databaseFile(dataDir)).mtimeMs;
      assert.throws(
        () => createSqliteStorage(dataDir),
        (error: unknown) =>
          error instanceof NewerSchemaError &&
          error.message.includes(`schema version ${SCHEMA_VERSION + 1}`) &&
          error.message.includes('newer release'),
      );
      await assert.rejects(startServer({ port: 0, host: '127.0.0.1', dataDir }), NewerSchemaError);
      const after = new Database(databaseFile(dataDir), { readonly: true });
      assert.deepEqual(after.prepare("SELECT value FROM meta WHERE key = 'schema'").get(), {
        value: String(SCHEMA_VERSION + 1),
      });
      after.close();
      assert.equal(statSync(databaseFile(dataDir)).mtimeMs, before);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a step that fails leaves the store at the schema it had', () => {
    const dataDir = storeFrom('schema-1a.sql');
    try {
      const db = new Database(databaseFile(dataDir));
      // A table in the way of step 3's index makes that step fail after steps 2 and 3 began.
      db.exec('CREATE TABLE auth_links (token_hash TEXT PRIMARY KEY)');
      assert.throws(() => migrate(db));
      assert.deepEqual(db.prepare("SELECT value FROM meta WHERE key = 'schema'").get(), { value: '1' });
      assert.ok(!columns(db, 'visitor_sessions').includes('last_used_at'), 'step 2 was rolled back too');
      db.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

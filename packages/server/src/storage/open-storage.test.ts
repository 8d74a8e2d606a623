// CONFAB_DATABASE_URL's one function: the default workspace's log in PostgreSQL, and a real
// conversation through the hub on it, across a restart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend, type Backend } from '@confab/core/backend';
import type { ServerFrame } from '@confab/core';
import { createServerAuthenticator } from '../auth/authenticator.js';
import { ConfigError, configFromEnv } from '../config.js';
import { AGENTS } from '../testing/harness.test-util.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../testing/postgres.test-util.js';
import { DEFAULT_WORKSPACE_ID, openWorkspaceLog } from './open-storage.js';
import { openPostgresStorage } from './postgres-storage.js';
import { createSqliteStorage, type SqliteStorage } from './sqlite-storage.js';

let cluster: ThrowawayPostgres;
before(async () => {
  cluster = await startThrowawayPostgres();
});
after(() => cluster.stop());

/** A SQLite store in a temporary data directory, removed after the test. */
function localStore(t: { after(fn: () => void): void }): SqliteStorage {
  const dir = mkdtempSync(join(tmpdir(), 'confab-open-storage-'));
  const store = createSqliteStorage(dir);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return store;
}

/** A client link into the hub that records its frames and waits for the next one of a kind. */
function link(backend: Backend, token: string) {
  const frames: ServerFrame[] = [];
  let cursor = 0;
  const connection = backend.connect(
    (frame) => frames.push(frame),
    () => undefined,
  );
  connection.receive({ v: 1, type: 'hello', token });
  async function next<T extends ServerFrame['type']>(
    type: T,
    match: (frame: Extract<ServerFrame, { type: T }>) => boolean = () => true,
  ) {
    const deadline = performance.now() + 10_000;
    for (;;) {
      for (; cursor < frames.length; cursor++) {
        const frame = frames[cursor]!;
        if (frame.type === type && match(frame as Extract<ServerFrame, { type: T }>)) {
          cursor++;
          return frame as Extract<ServerFrame, { type: T }>;
        }
      }
      if (performance.now() > deadline) assert.fail(`no ${type} frame; got ${JSON.stringify(frames).slice(0, 500)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  async function command(id: string, command: Record<string, unknown>) {
    connection.receive({ v: 1, type: 'command', id, command });
    return next('ack', (frame) => frame.id === id);
  }
  return { next, command, close: () => connection.close() };
}

test('without CONFAB_DATABASE_URL the log stays in the SQLite store, unchanged', async (t) => {
  const local = localStore(t);
  assert.equal(await openWorkspaceLog({ local }), local);
  assert.equal(await openWorkspaceLog({ databaseUrl: '', local }), local);
  await local.close();
});

test('the server refuses to start with a CONFAB_DATABASE_URL that is not postgres://, without echoing it', () => {
  assert.doesNotThrow(() =>
    configFromEnv({ CONFAB_DATABASE_URL: 'postgres://confab:pw@db.internal/confab' }, { demo: false }),
  );
  assert.throws(
    () => configFromEnv({ CONFAB_DATABASE_URL: 'mysql://root:hunter2@db/confab' }, { demo: false }),
    (error) =>
      error instanceof ConfigError &&
      error.problems.length === 1 &&
      error.problems[0]!.startsWith('CONFAB_DATABASE_URL: expected a postgres:// or postgresql:// URL') &&
      !error.message.includes('hunter2'),
  );
});

test('a URL that is not postgres:// is refused without echoing it, and the SQLite store is left open', async (t) => {
  const local = localStore(t);
  for (const databaseUrl of ['mysql://root:hunter2@db/confab', 'not a url'])
    await assert.rejects(
      openWorkspaceLog({ databaseUrl, local }),
      (error) =>
        error instanceof RangeError && !error.message.includes('hunter2') && /postgres:\/\//.test(error.message),
    );
  assert.equal(local.writable(), true);
  await local.close();
});

test('with CONFAB_DATABASE_URL a conversation is stored in PostgreSQL and survives a restart of the hub', async (t) => {
  const databaseUrl = await cluster.createDatabase();
  const local = localStore(t);
  const auth = createServerAuthenticator({ store: local });
  const log = await openWorkspaceLog({ databaseUrl, local });
  const backend = createBackend({ storage: log, auth });
  await backend.ready;
  await backend.append(AGENTS.map((agent) => ({ type: 'agent.upserted' as const, agent })));

  const visitor = link(backend, '');
  const welcome = await visitor.next('welcome');
  const started = await visitor.command('start-1', {
    type: 'visitor.startChat',
    text: 'Hallo, is my order on its way?',
  });
  const conversationId = started.result!.conversationId!;
  const agent = link(backend, auth.issueAgentToken(AGENTS[0]!.id, 'test').token);
  await agent.next('welcome');
  const replied = await agent.command('reply-1', {
    type: 'message.reply',
    conversationId,
    text: 'Yes, it left today.',
  });
  await visitor.next('events', (frame) => frame.events.some((event) => event.event.type === 'message.upserted'));
  visitor.close();
  agent.close();
  await backend.close();
  assert.equal(local.writable(), false, "closing the hub's log closed the SQLite store too");

  // In PostgreSQL, under the default workspace; the SQLite store holds no events.
  const direct = await openPostgresStorage({ url: databaseUrl, workspaceId: DEFAULT_WORKSPACE_ID });
  assert.equal((await direct.head()).seq, replied.seq);
  await direct.close();
  const reopenedLocal = createSqliteStorage(local.dir);
  assert.equal(reopenedLocal.eventCount(), 0);

  // A new hub on the same database (a restarted server) has the conversation and the same epoch.
  const restarted = createBackend({
    storage: await openWorkspaceLog({ databaseUrl, local: reopenedLocal }),
    auth: createServerAuthenticator({ store: reopenedLocal }),
  });
  await restarted.ready;
  assert.equal(restarted.seq, replied.seq);
  assert.deepEqual(
    restarted.state.messages.get(conversationId)?.map((message) => message.text),
    ['Hallo, is my order on its way?', 'Yes, it left today.'],
  );
  const resumed = link(restarted, welcome.sessionToken!);
  const again = await resumed.next('welcome');
  assert.equal(again.epoch, welcome.epoch, 'the epoch is the workspace’s, kept in PostgreSQL');
  resumed.close();
  await restarted.close();
});

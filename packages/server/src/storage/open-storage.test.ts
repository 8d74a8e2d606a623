// CONFAB_DATABASE_URL: everything a workspace stores (its log, tokens, sessions, accounts,
// deliveries) and the directory in PostgreSQL, and a real conversation through the hub on it,
// across a restart.
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
import { DEFAULT_WORKSPACE_ID, openServerStore } from './open-storage.js';
import { openPostgresStorage } from './postgres-storage.js';

let cluster: ThrowawayPostgres;
before(async () => {
  cluster = await startThrowawayPostgres();
});
after(() => cluster.stop());

/** A temporary data directory, removed after the test. */
function dataDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'confab-open-storage-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
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

test('without CONFAB_DATABASE_URL everything stays in the SQLite store, unchanged', async (t) => {
  for (const databaseUrl of [undefined, '']) {
    const store = await openServerStore({ dataDir: dataDir(t), databaseUrl });
    assert.equal(store.kind, 'sqlite');
    assert.equal(store.directory, store.local);
    assert.equal(await store.forWorkspace(DEFAULT_WORKSPACE_ID), store.local.forWorkspace(DEFAULT_WORKSPACE_ID));
    assert.equal(await store.heads([DEFAULT_WORKSPACE_ID]), null, 'SQLite has no other writers to follow');
    await store.close();
  }
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

test('a URL that is not postgres:// is refused without echoing it, and nothing is opened', async (t) => {
  const dir = dataDir(t);
  for (const databaseUrl of ['mysql://root:hunter2@db/confab', 'not a url'])
    await assert.rejects(
      openServerStore({ dataDir: dir, databaseUrl }),
      (error) =>
        error instanceof RangeError && !error.message.includes('hunter2') && /postgres:\/\//.test(error.message),
    );
  // The data directory is free: a store opens on it at once.
  const store = await openServerStore({ dataDir: dir });
  await store.close();
});

test('with CONFAB_DATABASE_URL a conversation, its tokens and sessions are in PostgreSQL and survive a restart', async (t) => {
  const databaseUrl = await cluster.createDatabase();
  const dir = dataDir(t);
  const store = await openServerStore({ dataDir: dir, databaseUrl, poolSize: 3 });
  assert.equal(store.kind, 'postgres');
  const storage = await store.forWorkspace(DEFAULT_WORKSPACE_ID);
  const auth = createServerAuthenticator({ store: storage });
  const backend = createBackend({ storage, auth });
  await backend.ready;
  await backend.append(AGENTS.map((agent) => ({ type: 'agent.upserted' as const, agent })));

  const visitor = link(backend, '');
  const welcome = await visitor.next('welcome');
  const started = await visitor.command('start-1', {
    type: 'visitor.startChat',
    text: 'Hallo, is my order on its way?',
  });
  const conversationId = started.result!.conversationId!;
  const agentToken = (await auth.issueAgentToken(AGENTS[0]!.id, 'test')).token;
  const agent = link(backend, agentToken);
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
  assert.deepEqual(await store.heads([DEFAULT_WORKSPACE_ID]), new Map([[DEFAULT_WORKSPACE_ID, replied.seq]]));
  await store.close();
  assert.equal(store.local.writable(), false, 'closing the store closed the SQLite file too');

  // In PostgreSQL, under the default workspace; the SQLite file holds no events and no tokens.
  const direct = await openPostgresStorage({ url: databaseUrl, workspaceId: DEFAULT_WORKSPACE_ID });
  assert.equal((await direct.head()).seq, replied.seq);
  await direct.close();
  const reopened = await openServerStore({ dataDir: dir, databaseUrl });
  assert.equal(reopened.local.eventCount(), 0);
  assert.deepEqual(await reopened.local.listAgentTokens(), []);

  // A new hub on the same database (a restarted server, or another process) has the conversation,
  // the same epoch, and knows the agent's token and the visitor's session.
  const reopenedStorage = await reopened.forWorkspace(DEFAULT_WORKSPACE_ID);
  const restarted = createBackend({
    storage: reopenedStorage,
    auth: createServerAuthenticator({ store: reopenedStorage }),
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
  const agentAgain = link(restarted, agentToken);
  assert.deepEqual((await agentAgain.next('welcome')).principal, { kind: 'agent', agentId: AGENTS[0]!.id });
  resumed.close();
  agentAgain.close();
  await restarted.close();
  await reopened.close();
});

// Group commit on PostgreSQL: the commands of one workspace that wait in a process are decided in
// order under one head lock and committed in one transaction, each with its own outcome; a refused
// one is refused alone, an id twice runs once; a batch whose commit fails leaves nothing behind in
// the hub either (it reloads from the log and closes its links).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ConfabError, type Principal } from '@confab/core';
import { StorageUnreachableError, createBackend, type BackendStorage, type SharedLog } from '@confab/core/backend';
import { createServerAuthenticator } from '../auth/authenticator.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../testing/postgres.test-util.js';
import { openServerStore } from './open-storage.js';

let postgres: ThrowawayPostgres;
before(async () => {
  postgres = await startThrowawayPostgres();
});
after(() => postgres.stop());

const AGENT = {
  id: 'agent-1',
  name: 'Ada',
  email: 'ada@team.example',
  availability: 'available',
  role: 'admin',
  invitePending: false,
  lastSeenAt: null,
  disabled: false,
} as const;
const agent: Principal = { kind: 'agent', agentId: AGENT.id };

/** A workspace's PostgreSQL storage as a hub takes it, without its one-step commit (the tests add what they watch). */
function sharedLogOf(storage: BackendStorage): BackendStorage {
  return {
    load: (options) => storage.load(options),
    commit: (record) => storage.commit(record),
    outcomes: (key, ids) => storage.outcomes(key, ids),
    saveSnapshot: (snapshot) => storage.saveSnapshot(snapshot),
    forgetOutcomes: (before) => storage.forgetOutcomes(before),
    close: () => storage.close(),
    eventsAfter: (seq) => storage.eventsAfter!(seq),
    commitLocked: (batch, decide) => storage.commitLocked!(batch, decide),
  };
}

/** A hub on a fresh database whose storage counts the commands of each transaction, and can fail the next one after deciding. */
async function hubWithChat(t: { after(fn: () => Promise<void>): void }) {
  const url = await postgres.createDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-group-commit-'));
  const store = await openServerStore({ dataDir, databaseUrl: url, poolSize: 4 });
  const storage = await store.forWorkspace('default');
  const batches: number[] = [];
  const failing = { next: false };
  const commitLocked: SharedLog['commitLocked'] = async (batch, decide) => {
    batches.push(batch.commands.length);
    if (!failing.next) return storage.commitLocked!(batch, decide);
    failing.next = false;
    // Decided (so the batch's first commands are in the hub's state), then the database is gone.
    decide({ missed: [], outcomeOf: () => null });
    throw new StorageUnreachableError('The database did not answer.');
  };
  // No commitAt: every batch, one command or more, takes the locked path these tests watch.
  const counted: BackendStorage = { ...sharedLogOf(storage), commitLocked };
  const backend = createBackend({ storage: counted, auth: createServerAuthenticator({ store: storage }) });
  await backend.ready;
  await backend.append([{ type: 'agent.upserted', agent: AGENT }]);
  const visitor = await backend.execute({ kind: 'system' }, { type: 'visitor.create' });
  const contactId = visitor.result!.contactId!;
  const chat = await backend.execute({ kind: 'visitor', contactId }, { type: 'visitor.startChat', text: 'Hello' });
  const conversationId = chat.result!.conversationId!;
  batches.length = 0;
  const log = new pg.Client({ connectionString: url });
  await log.connect();
  t.after(async () => {
    await log.end();
    await backend.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const comment = (id: string, text: string, on = conversationId) =>
    backend.execute(agent, { type: 'message.comment', conversationId: on, text, mentions: [] }, id);
  const stored = async () => {
    const events = await log.query<{ seq: string; cause: string | null }>(
      "SELECT seq, cause FROM events WHERE workspace_id = 'default' ORDER BY seq",
    );
    const outcomes = await log.query<{ command_id: string }>(
      "SELECT command_id FROM outcomes WHERE workspace_id = 'default' AND principal_key LIKE 'agent%' ORDER BY command_id",
    );
    return {
      seqs: events.rows.map((row) => Number(row.seq)),
      causes: events.rows.map((row) => row.cause),
      outcomes: outcomes.rows.map((row) => row.command_id),
    };
  };
  const texts = () => (backend.state.messages.get(conversationId) ?? []).map((message) => message.text);
  return { backend, batches, failing, comment, stored, texts };
}

test('commands waiting together commit in one transaction: own outcome each, a refusal alone, an id twice once', async (t) => {
  const { batches, comment, stored, texts } = await hubWithChat(t);
  const sent = [
    comment('c1', 'one'),
    comment('c2', 'nowhere', 'no-such-conversation'),
    comment('c1', 'one again'),
    comment('c3', 'three'),
  ];
  const [first, refused, again, third] = await Promise.allSettled(sent);
  assert.deepEqual(batches, [4], 'the four commands were decided in one transaction');
  assert.equal(first.status, 'fulfilled');
  assert.equal(third.status, 'fulfilled');
  assert.deepEqual(again, first, 'the same id is answered with the same outcome');
  assert.equal(refused.status, 'rejected');
  assert.ok(refused.reason instanceof ConfabError);
  const { seqs, causes, outcomes } = await stored();
  assert.deepEqual(
    seqs,
    Array.from({ length: seqs.length }, (_, index) => index + 1),
    'no gap',
  );
  assert.deepEqual(outcomes, ['c1', 'c3'], 'one outcome per command that ran; the refusal left none');
  const c1 = causes.filter((cause) => cause === 'c1').length;
  assert.ok(c1 > 0 && causes.filter((cause) => cause === 'c3').length === c1);
  if (first.status === 'fulfilled' && third.status === 'fulfilled')
    assert.equal(third.value.seq, first.value.seq + c1, 'c3 was decided after c1, against its events');
  assert.deepEqual(
    texts().filter((text) => ['one', 'one again', 'nowhere', 'three'].includes(text)),
    ['one', 'three'],
  );
});

test('a batch whose commit fails after deciding leaves nothing in the hub: it reloads from the log and closes its links', async (t) => {
  const { backend, batches, failing, comment, stored, texts } = await hubWithChat(t);
  const ended: number[] = [];
  backend.connect(
    () => undefined,
    (code) => ended.push(code),
  );
  const before = await stored();
  failing.next = true;
  const results = await Promise.allSettled([comment('c5', 'five'), comment('c6', 'six')]);
  assert.deepEqual(batches, [2]);
  for (const result of results) {
    assert.equal(result.status, 'rejected');
    assert.ok(result.reason instanceof StorageUnreachableError);
  }
  assert.deepEqual(ended, [1012], 'the hub closed its links: they resume from their numbers');
  const after = await comment('c7', 'seven');
  assert.deepEqual(
    texts().filter((text) => ['five', 'six', 'seven'].includes(text)),
    ['seven'],
    'five was taken back out of the state',
  );
  const stored7 = await stored();
  assert.equal(after.seq, stored7.seqs.length, 'numbered after what the log holds');
  assert.equal(stored7.seqs.length > before.seqs.length, true);
  assert.deepEqual(stored7.outcomes, ['c7']);
});

test('a lone command commits in one round trip; when another process wrote first, it catches up under the lock and runs once', async (t) => {
  const url = await postgres.createDatabase();
  /** A process: its own store and hub on the same database, recording each one-step try. */
  async function openProcess(name: string) {
    const dataDir = mkdtempSync(join(tmpdir(), `confab-one-step-${name}-`));
    const store = await openServerStore({ dataDir, databaseUrl: url, poolSize: 2 });
    const storage = await store.forWorkspace('default');
    const oneStep: boolean[] = [];
    const observed: BackendStorage = {
      ...sharedLogOf(storage),
      async commitAt(seq, record) {
        const done = await storage.commitAt!(seq, record);
        oneStep.push(done);
        return done;
      },
    };
    const backend = createBackend({ storage: observed, auth: createServerAuthenticator({ store: storage }) });
    await backend.ready;
    t.after(async () => {
      await backend.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    return { backend, oneStep };
  }
  const a = await openProcess('a');
  await a.backend.append([{ type: 'agent.upserted', agent: AGENT }]);
  const visitor = await a.backend.execute({ kind: 'system' }, { type: 'visitor.create' });
  const contactId = visitor.result!.contactId!;
  const chat = await a.backend.execute({ kind: 'visitor', contactId }, { type: 'visitor.startChat', text: 'Hello' });
  const conversationId = chat.result!.conversationId!;
  const b = await openProcess('b');
  const comment = (on: { backend: typeof a.backend }, id: string, text: string) =>
    on.backend.execute(agent, { type: 'message.comment', conversationId, text, mentions: [] }, id);
  a.oneStep.length = 0;

  const first = await comment(a, 'c1', 'from a');
  assert.deepEqual(a.oneStep, [true], 'a was at the head: one round trip');
  // b has not heard of c1 (no bus here): its try finds the head moved, and the locked path
  // catches it up before deciding.
  const second = await comment(b, 'c2', 'from b');
  assert.deepEqual(b.oneStep, [false]);
  assert.ok(second.seq > first.seq);
  const textsOf = (on: { backend: typeof a.backend }) =>
    (on.backend.state.messages.get(conversationId) ?? []).map((message) => message.text);
  assert.deepEqual(textsOf(b).slice(-2), ['from a', 'from b']);
  // The same id again, on the process that is now behind: answered with the stored outcome, not run again.
  const again = await comment(a, 'c2', 'from b');
  assert.deepEqual(again, second);
  assert.deepEqual(
    textsOf(a).filter((text) => text.startsWith('from')),
    ['from a', 'from b'],
  );
});

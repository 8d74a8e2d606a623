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

type Process = Awaited<ReturnType<typeof openProcess>>;

/** A process: its own store and hub on the database at `url`, recording each one-step try and each locked batch's size. */
async function openProcess(t: { after(fn: () => Promise<void>): void }, url: string, name: string) {
  const dataDir = mkdtempSync(join(tmpdir(), `confab-one-step-${name}-`));
  const store = await openServerStore({ dataDir, databaseUrl: url, poolSize: 2 });
  const storage = await store.forWorkspace('default');
  /** Each one-step try: how many commands it held, and whether it committed. */
  const oneStep: { commands: number; committed: boolean }[] = [];
  const locked: number[] = [];
  const observed: BackendStorage = {
    ...sharedLogOf(storage),
    async commitAt(seq, records) {
      const committed = await storage.commitAt!(seq, records);
      oneStep.push({ commands: records.length, committed });
      return committed;
    },
    commitLocked(batch, decide) {
      locked.push(batch.commands.length);
      return storage.commitLocked!(batch, decide);
    },
  };
  const backend = createBackend({ storage: observed, auth: createServerAuthenticator({ store: storage }) });
  await backend.ready;
  t.after(async () => {
    await backend.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { backend, oneStep, locked };
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
  const a = await openProcess(t, url, 'a');
  await a.backend.append([{ type: 'agent.upserted', agent: AGENT }]);
  const visitor = await a.backend.execute({ kind: 'system' }, { type: 'visitor.create' });
  const contactId = visitor.result!.contactId!;
  const chat = await a.backend.execute({ kind: 'visitor', contactId }, { type: 'visitor.startChat', text: 'Hello' });
  const conversationId = chat.result!.conversationId!;
  const b = await openProcess(t, url, 'b');
  const comment = (on: Process, id: string, text: string, to = conversationId) =>
    on.backend.execute(agent, { type: 'message.comment', conversationId: to, text, mentions: [] }, id);
  a.oneStep.length = 0;

  const first = await comment(a, 'c1', 'from a');
  assert.deepEqual(a.oneStep, [{ commands: 1, committed: true }], 'a was at the head: one round trip');
  // b has not heard of c1 (no bus here): its try finds the head moved, and the locked path
  // catches it up before deciding.
  const second = await comment(b, 'c2', 'from b');
  assert.deepEqual(b.oneStep, [{ commands: 1, committed: false }]);
  assert.ok(second.seq > first.seq);
  const textsOf = (on: Process) => (on.backend.state.messages.get(conversationId) ?? []).map((message) => message.text);
  assert.deepEqual(textsOf(b).slice(-2), ['from a', 'from b']);
  // The same id again, on the process that is now behind: answered with the stored outcome, not run again.
  const again = await comment(a, 'c2', 'from b');
  assert.deepEqual(again, second);
  assert.deepEqual(
    textsOf(a).filter((text) => text.startsWith('from')),
    ['from a', 'from b'],
  );
});

test('commands waiting together commit in one step while the log stays where the hub left it; a refusal and a moved log take the locked path', async (t) => {
  const url = await postgres.createDatabase();
  const a = await openProcess(t, url, 'a');
  await a.backend.append([{ type: 'agent.upserted', agent: AGENT }]);
  const visitor = await a.backend.execute({ kind: 'system' }, { type: 'visitor.create' });
  const contactId = visitor.result!.contactId!;
  const chat = await a.backend.execute({ kind: 'visitor', contactId }, { type: 'visitor.startChat', text: 'Hello' });
  const conversationId = chat.result!.conversationId!;
  const b = await openProcess(t, url, 'b');
  const comment = (on: Process, id: string, text: string, to = conversationId) =>
    on.backend.execute(agent, { type: 'message.comment', conversationId: to, text, mentions: [] }, id);
  const textsOf = (on: Process) =>
    (on.backend.state.messages.get(conversationId) ?? []).map((message) => message.text).slice(1);

  // b read the log when it opened: it is at the head, and two commands waiting together go in one step.
  await comment(b, 'c1', 'one');
  const [two, three] = await Promise.all([comment(b, 'c2', 'two'), comment(b, 'c3', 'three')]);
  assert.deepEqual(b.oneStep, [
    { commands: 1, committed: true },
    { commands: 2, committed: true },
  ]);
  assert.deepEqual(b.locked, [], 'no transaction held the head lock across a round trip');
  assert.ok(three.seq > two.seq);

  // A refusal in the middle: the command before it commits in one step, it and the rest are decided under the lock.
  const [four, refused, five] = await Promise.allSettled([
    comment(b, 'c4', 'four'),
    comment(b, 'c5', 'nowhere', 'no-such-conversation'),
    comment(b, 'c6', 'five'),
  ]);
  assert.deepEqual(b.oneStep.slice(-1), [{ commands: 1, committed: true }]);
  assert.deepEqual(b.locked.slice(-1), [2]);
  assert.equal(refused.status, 'rejected');
  assert.ok(four.status === 'fulfilled' && five.status === 'fulfilled' && five.value.seq > four.value.seq);
  assert.deepEqual(textsOf(b), ['one', 'two', 'three', 'four', 'five']);

  // a is behind b: a lone command catches up under the lock, the next one commits in one step.
  await comment(a, 'c7', 'six');
  await comment(a, 'c8', 'seven');
  assert.deepEqual(a.oneStep.slice(-2), [
    { commands: 1, committed: false },
    { commands: 1, committed: true },
  ]);
  // b writes (a hears nothing: no bus here); a's next batch, applied ahead of its one-step try,
  // finds the log moved: it is taken back out of a's state, and decided again after catching up.
  await comment(b, 'c9', 'eight');
  const [nine, ten] = await Promise.all([comment(a, 'c10', 'nine'), comment(a, 'c11', 'ten')]);
  assert.deepEqual(a.oneStep.slice(-1), [{ commands: 2, committed: false }]);
  assert.deepEqual(a.locked.slice(-1), [2]);
  assert.ok(ten.seq > nine.seq);
  const all = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
  assert.deepEqual(textsOf(a), all, 'each command once, in the log’s order');
  // Once the log moved, a batch of several takes the locked path at once (no try that would cost a reload).
  await comment(b, 'c12', 'eleven');
  const tries = a.oneStep.length;
  await Promise.all([comment(a, 'c13', 'twelve'), comment(a, 'c14', 'thirteen')]);
  assert.equal(a.oneStep.length, tries, 'no one-step try for the batch after a moved log');
  assert.deepEqual(textsOf(a), [...all, 'eleven', 'twelve', 'thirteen']);
  const fresh = await openProcess(t, url, 'fresh');
  assert.deepEqual(textsOf(fresh), textsOf(a), 'a’s state is the log’s');
});

import { expect } from '@open-wc/testing';
import { createMemoryPersistence } from '../persistence/persistence.js';
import { ConfabError } from '../protocol/errors.js';
import { createDrafts } from './drafts.js';
import { announceLeft, listenForLeft, type LeftPerson } from './identity-channel.js';
import { createOutbox, type StoredCommand } from './outbox.js';
import { commandIdOf, referencesPending, rewriteIds, startedConversation } from './pending-ids.js';
import { createSession, hashToken } from './session.js';
import { createClientStorage } from './storage.js';
import { createTypingNotice, createTypingSignals } from './typing.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string, timeoutMs = 10_000) {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await wait(5);
  }
}

/** An outbox over memory storage, as a client composes it. */
function outboxOnMemory() {
  const persistence = createMemoryPersistence();
  const session = createSession('test', 'visitor', '');
  session.owner = 'visitor:c1';
  const storage = createClientStorage(
    () => Promise.resolve(),
    () => undefined,
  );
  storage.open(persistence);
  return { outbox: createOutbox(session, storage), persistence, storage, session };
}

describe('the outbox', () => {
  it('changes entries by replacing them: a kept entry never changes under its holder', () => {
    const { outbox } = outboxOnMemory();
    const entry = outbox.add({ type: 'visitor.startChat', text: 'Hello' });
    const sending = outbox.update(entry.id, (current) => ({ ...current, state: 'sending' }));
    expect(entry.state).to.equal('queued');
    expect(sending).not.to.equal(entry);
    expect(outbox.pending.get()).to.deep.equal([sending]);
  });

  it('stores one record per command, as it is when the write runs, and none for a command gone before', async () => {
    const { outbox, persistence, storage } = outboxOnMemory();
    const kept = outbox.add({ type: 'visitor.startChat', text: 'kept' });
    const gone = outbox.add({ type: 'visitor.startChat', text: 'gone' });
    void outbox.save(kept.id, 'set');
    void outbox.save(gone.id, 'set');
    outbox.update(kept.id, (current) => ({ ...current, state: 'failed', error: { code: 'invalid', message: 'no' } }));
    outbox.remove(gone.id);
    await storage.settled();
    const records = await persistence.entries<StoredCommand>('test:visitor:outbox:');
    expect(records.map(([, record]) => [record.command, record.state, record.owner])).to.deep.equal([
      [{ type: 'visitor.startChat', text: 'kept' }, 'failed', 'visitor:c1'],
    ]);
  });

  it('restores stored records oldest first, ahead of what was queued meanwhile, each once', () => {
    const { outbox } = outboxOnMemory();
    const fresh = outbox.add({ type: 'visitor.startChat', text: 'new' });
    const record = (id: string, createdAt: number, sequence: number): StoredCommand => ({
      id,
      command: { type: 'visitor.startChat', text: id },
      state: 'queued',
      createdAt,
      sequence,
      owner: 'visitor:c1',
    });
    const restored = outbox.restore([record('b', 5, 2), record('a', 5, 1), record('c', 1, 9), record('a', 5, 1)], {});
    expect(restored.map((entry) => entry.id)).to.deep.equal(['c', 'a', 'b']);
    expect(outbox.pending.get().map((entry) => entry.id)).to.deep.equal(['c', 'a', 'b', fresh.id]);
  });

  it('settles each sender’s promise once: resolve, reject, or all rejected when the person changes', async () => {
    const { outbox } = outboxOnMemory();
    const one = outbox.add({ type: 'visitor.startChat', text: 'one' });
    const two = outbox.add({ type: 'visitor.startChat', text: 'two' });
    const first = outbox.wait(one.id);
    const second = outbox.wait(two.id);
    outbox.resolve(one.id, { conversationId: 'c9' });
    outbox.rejectAll(new ConfabError('forbidden', 'someone else'));
    outbox.resolve(two.id, {});
    expect(await first).to.deep.equal({ conversationId: 'c9' });
    expect(
      await second.then(
        () => 'resolved',
        (error: ConfabError) => error.code,
      ),
    ).to.equal('forbidden');
  });
});

describe('ids of records not confirmed yet', () => {
  it('names the conversation a start creates by the start’s command id', () => {
    const ref = startedConversation('cmd-1');
    expect(commandIdOf(ref)).to.equal('cmd-1');
    expect(referencesPending({ type: 'visitor.message', conversationId: ref, text: 'hi' })).to.equal(true);
  });

  it('rewrites the ids it knows, in strings and lists, and returns the same command when none changes', () => {
    const command = { type: 'visitor.requestHuman' as const, conversationId: 'pending:x:1' };
    expect(rewriteIds(command, new Map([['pending:x:1', 'c7']]))).to.deep.equal({
      type: 'visitor.requestHuman',
      conversationId: 'c7',
    });
    expect(rewriteIds(command, new Map())).to.equal(command);
  });
});

describe('the session', () => {
  it('hashes a token once, and again only for a new token', async () => {
    const session = createSession('ns', 'agent', 'token-1');
    const first = session.tokenHash();
    expect(session.tokenHash()).to.equal(first);
    expect(await first).to.equal(await hashToken('token-1'));
    session.setToken('token-2');
    expect(await session.tokenHash()).to.equal(await hashToken('token-2'));
  });

  it('forgets everything it stored for its principal and nothing of another namespace', async () => {
    const persistence = createMemoryPersistence();
    const session = createSession('ns', 'visitor', '');
    for (const key of [
      'ns:visitor:session',
      'ns:visitor:snapshot',
      'ns:visitor:drafts',
      'ns:visitor:outbox:a',
      'other:visitor:session',
    ])
      await persistence.set(key, 1);
    await session.forgetStored(persistence);
    expect((await persistence.entries('')).map(([key]) => key)).to.deep.equal(['other:visitor:session']);
  });
});

describe('client storage', () => {
  it('runs writes one after another, behind start-up, and keeps going after a failed one', async () => {
    const order: string[] = [];
    let startUp!: () => void;
    const started = new Promise<void>((resolve) => (startUp = resolve));
    const storage = createClientStorage(
      () => started,
      () => undefined,
    );
    storage.open(createMemoryPersistence());
    void storage.queue(async () => {
      await wait(20);
      order.push('slow first');
    });
    void storage.queue(() => Promise.reject(new Error('quota')));
    void storage.queue(async () => void order.push('second'));
    await wait(5);
    expect(order, 'nothing before start-up').to.deep.equal([]);
    startUp();
    await storage.settled();
    expect(order).to.deep.equal(['slow first', 'second']);
  });
});

describe('drafts', () => {
  it('writes once after a pause in typing, writes a waiting change on flush, and forgets on clear', async () => {
    const writes: Array<Record<string, string>> = [];
    const drafts = createDrafts((saved) => writes.push(saved));
    drafts.set('c1', 'H');
    drafts.set('c1', 'Hello');
    expect(drafts.get('c1')).to.equal('Hello');
    await wait(400);
    expect(writes).to.deep.equal([{ c1: 'Hello' }]);
    drafts.set('c2', 'Bye');
    drafts.flush();
    expect(writes.at(-1)).to.deep.equal({ c1: 'Hello', c2: 'Bye' });
    drafts.set('c1', '');
    drafts.clear();
    await wait(400);
    expect(writes).to.have.length(2);
    expect(drafts.get('c2')).to.equal('');
  });

  it("keeps an email reply's Cc and Bcc beside its text, per conversation, and takes them back from storage", () => {
    const writes: Array<Record<string, string>> = [];
    const drafts = createDrafts((saved) => writes.push(saved));
    drafts.set('c1', 'Hello');
    drafts.set('c1', 'ava@customer.example', 'cc');
    drafts.set('c1', 'audit@team.example', 'bcc');
    drafts.set('c2', 'noor@customer.example', 'cc');
    expect([drafts.get('c1'), drafts.get('c1', 'cc'), drafts.get('c1', 'bcc')]).to.deep.equal([
      'Hello',
      'ava@customer.example',
      'audit@team.example',
    ]);
    expect(drafts.get('c2')).to.equal('');
    expect(drafts.get('c2', 'bcc')).to.equal('');
    drafts.set('c1', '', 'bcc');
    drafts.flush();
    const reloaded = createDrafts(() => undefined);
    reloaded.load(writes.at(-1));
    expect([reloaded.get('c1'), reloaded.get('c1', 'cc'), reloaded.get('c1', 'bcc')]).to.deep.equal([
      'Hello',
      'ava@customer.example',
      '',
    ]);
    expect(reloaded.get('c2', 'cc')).to.equal('noor@customer.example');
  });
});

describe('typing signals', () => {
  it('shows who types where, replaces a renewed signal, and ends one nobody renewed', async () => {
    const typing = createTypingSignals(60);
    typing.receive({ conversationId: 'c1', who: 'agent', name: 'Ann', typing: true });
    typing.receive({ conversationId: 'c1', who: 'agent', name: 'Ann', typing: true });
    typing.receive({ conversationId: 'c2', who: 'contact', name: 'Bo', typing: true });
    expect(typing.current.get().map((signal) => signal.conversationId)).to.deep.equal(['c1', 'c2']);
    typing.receive({ conversationId: 'c2', who: 'contact', name: 'Bo', typing: false });
    expect(typing.current.get().map((signal) => signal.conversationId)).to.deep.equal(['c1']);
    await wait(120);
    expect(typing.current.get()).to.deep.equal([]);
    typing.stop();
  });
});

describe('the identity channel between tabs', () => {
  it('tells every listener of the same name who left, also when announced by a short-lived sender', async () => {
    const heard: LeftPerson[] = [];
    const other: LeftPerson[] = [];
    const stop = listenForLeft('tabs-test:visitor', (left) => heard.push(left));
    const stopOther = listenForLeft('another-namespace:visitor', (left) => other.push(left));
    announceLeft('tabs-test:visitor', { principal: 'visitor:c1', tokenHash: 'abc' });
    // Delivery takes a task or more (longer on a busy machine): wait for it, never a fixed time.
    await until(() => heard.length > 0, 'the announcement');
    // Another name hears only its own: its next message is the first it gets (one channel keeps order).
    announceLeft('another-namespace:visitor', { principal: 'visitor:sentinel' });
    await until(() => other.length > 0, "the other name's own announcement");
    stop();
    stopOther();
    expect(heard).to.deep.equal([{ principal: 'visitor:c1', tokenHash: 'abc' }]);
    expect(other).to.deep.equal([{ principal: 'visitor:sentinel' }]);
  });
});

describe('the typing notice', () => {
  it('says typing once per repeat interval, stops after a pause, and moves to another conversation with a stop first', async () => {
    const said: Array<[string, boolean]> = [];
    const notice = createTypingNotice((conversationId, typing) => said.push([conversationId, typing]), {
      repeatMs: 40,
      idleMs: 100,
    });
    notice.typed('c1');
    notice.typed('c1');
    expect(said).to.deep.equal([['c1', true]]);
    await wait(60);
    notice.typed('c1');
    expect(said).to.deep.equal([
      ['c1', true],
      ['c1', true],
    ]);
    notice.typed('c2');
    expect(said.slice(2)).to.deep.equal([
      ['c1', false],
      ['c2', true],
    ]);
    await wait(160);
    expect(said.slice(4), 'a pause ends it').to.deep.equal([['c2', false]]);
    notice.stop();
    expect(said, 'nothing more to stop').to.have.length(5);
  });
});

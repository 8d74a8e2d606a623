import { expect } from '@open-wc/testing';
import { createInboxClient, createVisitorClient, isPendingRecord } from './client.js';
import { createMemoryBackend, type MemoryBackend } from '../transport/memory.js';
import { createMemoryPersistence, openPersistence, type Persistence } from '../persistence/persistence.js';
import type { Client, InboxClient, VisitorClient } from './types.js';
import type { Command } from '../protocol/commands.js';
import { ConfabError } from '../protocol/errors.js';
// A client draws a command's effect at once only when its optimistic rules are here, and it loads
// them on first use (with the optimistic layer; agents' and visitors' apart). These tests check
// that drawing, so they come with the file, before any client starts (on a busy machine their
// first fetch outlasted several tests: T2 and W2 saw none).
import './optimistic.js';
import '../engine/optimistic.js';
import '../engine/visitor-optimistic.js';
import { agentUpserted, until } from '../store/store-fixtures.test-util.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

function namespace() {
  return `test-${Math.random().toString(36).slice(2)}`;
}

describe('clients over the memory transport', () => {
  let memory: MemoryBackend;
  const clients: Client<Command>[] = [];
  const track = <T extends Client<never>>(client: T) => {
    clients.push(client as unknown as Client<Command>);
    return client;
  };

  /** A tracked agent client (agent-1) or visitor client, with in-memory persistence. */
  const agentClient = (transport = memory.transport()) =>
    track(
      createInboxClient({ transport, token: memory.agentToken('agent-1'), persistence: createMemoryPersistence() }),
    );
  const visitorClient = () =>
    track(createVisitorClient({ transport: memory.transport(), persistence: createMemoryPersistence() }));
  /** The visitor starts a chat; resolves once the agent's replica has it. */
  async function chatSeenBy(inbox: InboxClient, visitor: VisitorClient, text: string): Promise<string> {
    const { conversationId } = await visitor.send({ type: 'visitor.startChat', text });
    await until(() => inbox.store.conversation(conversationId) !== undefined, 'the chat in the inbox');
    return conversationId;
  }

  beforeEach(async () => {
    memory = createMemoryBackend({
      startTime: T0,
      seed: [agentUpserted('agent-1', 'Ann'), agentUpserted('agent-2', 'Bo')],
    });
    await memory.backend.ready;
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  it('W1 a visitor starts a chat and the agent sees it live in Chat and Unassigned (G1 off)', async () => {
    const inbox = agentClient();
    await inbox.send({ type: 'settings.update', patch: { routing: { mode: 'off' } } });
    const visitor = visitorClient();
    await until(() => visitor.status.get().ready, 'visitor ready');
    const conversationId = await chatSeenBy(inbox, visitor, 'Hello, is anyone there?');
    expect(
      inbox.store
        .query({ viewId: 'chat' })
        .get()
        .slice(0, 10)
        .map((c) => c.id),
    ).to.include(conversationId);
    expect(
      inbox.store
        .query({ viewId: 'unassigned' })
        .get()
        .slice(0, 10)
        .map((c) => c.id),
    ).to.include(conversationId);
    expect(inbox.store.conversation(conversationId)!.preview).to.equal('Hello, is anyone there?');
  });

  it('R2 a visitor never receives a comment, not even its preview', async () => {
    const inbox = agentClient();
    const visitor = visitorClient();
    const seen: string[] = [];
    visitor.on('event', (sequenced) => seen.push(JSON.stringify(sequenced)));
    await until(() => visitor.status.get().ready && inbox.status.get().ready, 'both ready');
    const conversationId = await chatSeenBy(inbox, visitor, 'Hi');
    await inbox.send({
      type: 'message.comment',
      conversationId,
      text: 'secret-note-42 about this visitor',
      mentions: [],
    });
    await inbox.send({ type: 'message.reply', conversationId, text: 'Hello from Ann' });
    await until(
      () => (visitor.store.state.messages.get(conversationId) ?? []).some((m) => m.text === 'Hello from Ann'),
      'reply at the visitor',
    );
    expect(seen.join('\n')).not.to.contain('secret-note-42');
    expect(JSON.stringify([...visitor.store.state.messages.values()])).not.to.contain('secret-note-42');
    expect(visitor.store.conversation(conversationId)!.commentPreview).to.equal('');
  });

  it('T2 an assignment shows at once as pending, then as confirmed', async () => {
    const inbox = agentClient();
    const visitor = visitorClient();
    await until(() => visitor.status.get().ready && inbox.status.get().ready, 'both ready');
    const conversationId = await chatSeenBy(inbox, visitor, 'Hi');
    const done = inbox.send({ type: 'conversation.assign', conversationId, assigneeId: 'agent-2' });
    expect(inbox.store.conversation(conversationId)!.assigneeId, 'optimistic').to.equal('agent-2');
    expect(inbox.pending.get().map((p) => p.command.type)).to.include('conversation.assign');
    await done;
    expect(inbox.pending.get()).to.have.length(0);
    expect(memory.backend.state.conversations.get(conversationId)!.assigneeId).to.equal('agent-2');
    expect(inbox.store.conversation(conversationId)!.assigneeId).to.equal('agent-2');
  });

  it('T11 a refused close rolls back and surfaces a typed error naming the rule', async () => {
    const inbox = agentClient();
    await until(() => inbox.status.get().ready, 'inbox ready');
    await inbox.send({ type: 'settings.update', patch: { bot: { enabled: true } } });
    const visitor = visitorClient();
    await until(() => visitor.status.get().ready, 'visitor ready');
    const conversationId = await chatSeenBy(inbox, visitor, 'Hi bot');
    expect(inbox.store.conversation(conversationId)!.bot).to.equal('active');
    let refusal: unknown;
    const attempt = inbox
      .send({ type: 'conversation.setStatus', conversationIds: [conversationId], status: 'closed' })
      .catch((error) => (refusal = error));
    await attempt;
    expect(refusal).to.be.instanceOf(ConfabError);
    expect((refusal as ConfabError).code).to.equal('rule');
    expect((refusal as ConfabError).rule).to.equal('T11');
    expect(inbox.store.conversation(conversationId)!.status, 'rolled back').to.equal('open');
    expect(inbox.pending.get()[0].state).to.equal('failed');
    memory.advanceClock(31 * 60 * 1000);
    await inbox.retry(inbox.pending.get()[0].id);
    expect(inbox.store.conversation(conversationId)!.status).to.equal('closed');
  });

  it('W2 a message written offline survives a reload and is delivered exactly once', async () => {
    const ns = namespace();
    const transport = memory.transport();
    const first = createVisitorClient({ transport, namespace: ns });
    await until(() => first.status.get().ready, 'visitor ready');
    expect(first.status.get().storage).to.equal('indexeddb');
    const { conversationId } = await first.send({ type: 'visitor.startChat', text: 'First' });
    transport.goOffline();
    await until(() => first.connection.get() === 'offline', 'offline');
    void first.send({ type: 'visitor.message', conversationId, text: 'Written offline' }).catch(() => undefined);
    const optimistic = first.store.state.messages.get(conversationId)!.find((m) => m.text === 'Written offline');
    expect(optimistic && isPendingRecord(optimistic.id), 'shown as pending').to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    first.close();

    const second = track(createVisitorClient({ transport: memory.transport(), namespace: ns }));
    await until(
      () => second.pending.get().length === 0 && second.status.get().principal !== null,
      'outbox flushed after reload',
      5000,
    );
    await until(
      () => (memory.backend.state.messages.get(conversationId) ?? []).some((m) => m.text === 'Written offline'),
      'delivered',
    );
    // Re-delivery of the same command id must not duplicate it.
    const copies = memory.backend.state.messages.get(conversationId)!.filter((m) => m.text === 'Written offline');
    expect(copies).to.have.length(1);
    await until(
      () =>
        (second.store.state.messages.get(conversationId) ?? []).filter(
          (m) => m.text === 'Written offline' && !isPendingRecord(m.id),
        ).length === 1,
      'shown once',
    );
  });

  it('W2 after a reload while still offline, the queued message shows at once as pending', async () => {
    const ns = namespace();
    const transport = memory.transport();
    const first = createVisitorClient({ transport, namespace: ns });
    await until(() => first.status.get().ready, 'visitor ready');
    const { conversationId } = await first.send({ type: 'visitor.startChat', text: 'Before going offline' });
    transport.goOffline();
    await until(() => first.connection.get() === 'offline', 'offline');
    void first.send({ type: 'visitor.message', conversationId, text: 'Queued offline' }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1800));
    first.close();

    const offline = memory.transport();
    offline.goOffline();
    const second = track(createVisitorClient({ transport: offline, namespace: ns }));
    await until(() => second.status.get().ready, 'restored from the saved snapshot');
    const texts = () =>
      (second.store.state.messages.get(conversationId) ?? []).map(
        (m) => `${isPendingRecord(m.id) ? 'pending' : 'sent'}:${m.text}`,
      );
    await until(() => texts().includes('pending:Queued offline'), `the pending message (have ${texts().join(', ')})`);
    expect(texts()).to.deep.equal(['sent:Before going offline', 'pending:Queued offline']);
    offline.goOnline();
    await until(() => texts().includes('sent:Queued offline'), 'delivered after the link returns');
    expect(
      memory.backend.state.messages.get(conversationId)!.filter((m) => m.text === 'Queued offline'),
    ).to.have.length(1);
  });

  it('W2 a message to a chat whose start is not confirmed yet waits for it, survives a reload, and arrives once', async () => {
    const ns = namespace();
    const transport = memory.transport();
    const first = createVisitorClient({ transport, namespace: ns });
    await until(() => first.status.get().ready, 'visitor ready');
    await first.send({ type: 'visitor.startChat', text: 'An earlier chat' });
    transport.goOffline();
    await until(() => first.connection.get() === 'offline', 'offline');
    void first.send({ type: 'visitor.startChat', text: 'Start, written offline' }).catch(() => undefined);
    const temp = [...first.store.state.conversations.values()].find((c) => isPendingRecord(c.id));
    expect(temp, 'the new chat is drawn early').to.not.equal(undefined);
    void first
      .send({ type: 'visitor.message', conversationId: temp!.id, text: 'Follow-up, written offline' })
      .catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    first.close();

    const second = track(createVisitorClient({ transport: memory.transport(), namespace: ns }));
    await until(
      () => second.pending.get().length === 0 && second.status.get().principal !== null,
      'outbox flushed after reload',
      5000,
    );
    const started = [...memory.backend.state.messages.values()]
      .flat()
      .find((m) => m.text === 'Start, written offline')!;
    const thread = memory.backend.state.messages.get(started.conversationId)!.map((m) => m.text);
    expect(thread).to.deep.equal(['Start, written offline', 'Follow-up, written offline']);
  });

  it('W2 a command sent while storage is still opening is in the saved outbox', async () => {
    const ns = namespace();
    const transport = memory.transport();
    transport.goOffline();
    const visitor = createVisitorClient({ transport, namespace: ns });
    void visitor.send({ type: 'visitor.startChat', text: 'Sent at once' }).catch(() => undefined);
    await until(() => visitor.status.get().storage === 'indexeddb', 'storage open');
    await new Promise((resolve) => setTimeout(resolve, 100));
    visitor.close();
    const storage = await openPersistence(ns);
    const saved = await storage.entries<{ command: { text?: string } }>(`${ns}:visitor:outbox:`);
    storage.close?.();
    expect(saved.map(([, entry]) => entry.command.text)).to.deep.equal(['Sent at once']);
  });

  it('W2 a command too long for one frame is refused at once as too-large: nothing queued, drawn or sent', async () => {
    const visitor = visitorClient();
    await until(() => visitor.status.get().ready, 'visitor ready');
    const before = visitor.store.revision.get();
    // 80 K control characters: each is six characters as JSON, far past what a frame may hold.
    const error = await visitor.send({ type: 'visitor.startChat', text: '\u0001'.repeat(80_000) }).catch((e) => e);
    expect(error).to.be.instanceOf(ConfabError);
    expect((error as ConfabError).code).to.equal('too-large');
    expect(visitor.pending.get()).to.deep.equal([]);
    expect(visitor.store.revision.get()).to.equal(before);
    expect(memory.backend.state.conversations.size).to.equal(0);
  });

  it('an ack that overtakes its events answers the command only once its effects are in the replica (issue 18)', async () => {
    const link = memory.transport();
    const inbox = agentClient(link);
    await until(() => inbox.status.get().ready, 'welcome');
    link.hold();
    // A saved view is decided by the server: nothing is drawn early, only the outbox entry shows it.
    let answered = false;
    const saved = inbox
      .send({ type: 'view.save', name: 'Mine', filter: { status: 'open' } })
      .then(() => (answered = true));
    const held = (type: string) => link.held().some((frame) => frame.type === type);
    await until(() => held('ack') && held('events'), 'ack and events held');

    link.deliverHeld(link.held().findIndex((frame) => frame.type === 'ack'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(answered, 'answered before its effects arrived').to.equal(false);
    expect(inbox.pending.get().map((entry) => entry.command.type)).to.deep.equal(['view.save']);

    link.release();
    await saved;
    expect([...inbox.store.state.views.values()].map((view) => view.name)).to.deep.equal(['Mine']);
    expect(inbox.pending.get()).to.deep.equal([]);
  });

  it('resumes from its last sequence number after a dropped link', async () => {
    const transport = memory.transport();
    const inbox = agentClient(transport);
    await until(() => inbox.status.get().ready, 'inbox ready');
    transport.goOffline();
    const visitor = visitorClient();
    await until(() => visitor.status.get().ready, 'visitor ready');
    const { conversationId } = await visitor.send({ type: 'visitor.startChat', text: 'While you were away' });
    expect(inbox.store.conversation(conversationId)).to.equal(undefined);
    transport.goOnline();
    await until(() => inbox.store.conversation(conversationId) !== undefined, 'caught up');
    expect(inbox.status.get().resyncs).to.equal(0);
  });

  it('takes the full-resync path when the server no longer has its place, and says so', async () => {
    memory = createMemoryBackend({ startTime: T0, seed: [agentUpserted('agent-1', 'Ann')], retention: 2 });
    await memory.backend.ready;
    const transport = memory.transport();
    const inbox = agentClient(transport);
    await until(() => inbox.status.get().ready, 'inbox ready');
    transport.goOffline();
    for (let i = 0; i < 5; i += 1) {
      await memory.backend.execute(
        { kind: 'system' },
        { type: 'inbound.form', formId: 'contact', fields: { email: `p${i}@example.com`, message: `Form ${i}` } },
      );
    }
    transport.goOnline();
    await until(() => inbox.status.get().resyncs === 1, 'resync');
    expect(inbox.store.count('forms')).to.equal(5);
  });

  it('falls back to memory when IndexedDB fails, says why, and still sends', async () => {
    const broken: Persistence = {
      kind: 'indexeddb',
      get: () => Promise.reject(new DOMException('quota', 'QuotaExceededError')),
      set: () => Promise.reject(new DOMException('quota', 'QuotaExceededError')),
      del: () => Promise.reject(new DOMException('quota', 'QuotaExceededError')),
      entries: () => Promise.reject(new DOMException('quota', 'QuotaExceededError')),
      replace: () => Promise.reject(new DOMException('quota', 'QuotaExceededError')),
    };
    // A persistence that throws on every call: the client must neither crash nor lose the message.
    const visitor = track(createVisitorClient({ transport: memory.transport(), persistence: broken }));
    await until(() => visitor.connection.get() === 'online' || visitor.status.get().ready, 'connected', 3000).catch(
      () => undefined,
    );
    const result = await visitor.send({ type: 'visitor.startChat', text: 'Storage is broken' }).catch((error) => error);
    expect(result).not.to.be.instanceOf(Error);
    expect(result.conversationId).to.be.a('string');
    expect(visitor.status.get().storage).to.equal('memory');
    expect(visitor.status.get().storageError).to.contain('QuotaExceededError');
  });

  it('opens IndexedDB persistence, or reports why it fell back to memory', async () => {
    const persistence = await openPersistence(namespace());
    expect(persistence.kind).to.equal('indexeddb');
    await persistence.set('k', { a: 1 });
    expect(await persistence.get('k')).to.deep.equal({ a: 1 });
  });
});

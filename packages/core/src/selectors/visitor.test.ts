import { expect } from '@open-wc/testing';
import { createVisitorClient } from '../client/client.js';
import type { VisitorClient } from '../client/types.js';
import { createMemoryPersistence } from '../persistence/persistence.js';
import type { ConfabEvent } from '../protocol/events.js';
import type { Principal } from '../protocol/frames.js';
import { writable } from '../store/readable.js';
import { createMemoryBackend, type MemoryBackend } from '../transport/memory.js';
import { closedSince, visitorSelectors } from './visitor.js';
// The visitor's optimistic rules load on first use; these tests look at what is drawn early.
import '../engine/visitor-optimistic.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const ANN: Principal = { kind: 'agent', agentId: 'agent-1' };

function agent(availability: 'available' | 'away'): ConfabEvent {
  return {
    type: 'agent.upserted',
    agent: {
      id: 'agent-1',
      name: 'Ann',
      email: 'ann@team.example',
      availability,
      role: 'admin',
      invitePending: false,
      lastSeenAt: null,
      disabled: false,
    },
  };
}

async function until(check: () => boolean, what: string, timeoutMs = 5000) {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('visitor selectors (what the widget shows, derived once in core)', () => {
  let memory: MemoryBackend;
  const clients: VisitorClient[] = [];
  const visitorClient = (transport = memory.transport()) => {
    const client = createVisitorClient({ transport, persistence: createMemoryPersistence() });
    clients.push(client);
    return client;
  };

  const offlineTransport = () => {
    const transport = memory.transport();
    transport.goOffline();
    return transport;
  };

  beforeEach(async () => {
    memory = createMemoryBackend({ startTime: T0, seed: [agent('available')] });
    await memory.backend.ready;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  it('W4 team availability is unknown before state arrived, then follows S2 (available, away)', async () => {
    const visitor = visitorClient();
    const { availability } = visitorSelectors(visitor);
    expect(availability.get()).to.equal('unknown');
    const told: string[] = [];
    const stop = availability.subscribe((value) => told.push(value));
    await until(() => availability.get() === 'available', 'available');
    await memory.backend.execute(ANN, { type: 'agent.setAvailability', availability: 'away' });
    await until(() => availability.get() === 'away', 'away');
    expect(told).to.deep.equal(['available', 'away']);
    stop();
  });

  it('L1 a visitor’s threads come most recently received message first, and an agent reply does not move them', async () => {
    const visitor = visitorClient();
    const { threads } = visitorSelectors(visitor);
    const first = await visitor.send({ type: 'visitor.startChat', text: 'First question' });
    memory.advanceClock(1000);
    const second = await visitor.send({ type: 'visitor.startChat', text: 'Second question' });
    memory.advanceClock(1000);
    await memory.backend.execute(ANN, { type: 'message.reply', conversationId: first.conversationId!, text: 'Hi' });
    await until(() => visitorSelectors(visitor).teamMessages.get().length === 1, 'the reply');
    expect(threads.get().map((thread) => thread.id)).to.deep.equal([second.conversationId, first.conversationId]);
    memory.advanceClock(1000);
    await visitor.send({ type: 'visitor.message', conversationId: first.conversationId!, text: 'Thanks' });
    await until(() => threads.get()[0]?.id === first.conversationId, 'the first thread on top');
  });

  it('L1 on a tie (the same millisecond) the chat started later comes first', async () => {
    const visitor = visitorClient();
    const { threads } = visitorSelectors(visitor);
    const first = await visitor.send({ type: 'visitor.startChat', text: 'One' });
    const second = await visitor.send({ type: 'visitor.startChat', text: 'Two' });
    await until(
      () => threads.get().length === 2 && threads.get().every((thread) => !thread.id.startsWith('pending:')),
      'both',
    );
    expect(threads.get().map((thread) => thread.id)).to.deep.equal([second.conversationId, first.conversationId]);
  });

  it('a timeline shows a text that waits in the outbox as queued, and a confirmed one as sent', async () => {
    // A first-time visitor offline from the start: what they write stays in the outbox.
    const offline = visitorClient(offlineTransport());
    void offline
      .send({ type: 'visitor.message', conversationId: 'c-earlier', text: 'Are you there?' })
      .catch(() => undefined);
    const waiting = visitorSelectors(offline)
      .timeline({ conversationId: 'c-earlier', startCommandId: null })
      .get().items;
    expect(waiting.map((item) => [item.key.startsWith('outbox:'), item.text, item.own, item.delivery])).to.deep.equal([
      [true, 'Are you there?', true, 'queued'],
    ]);
    expect(waiting[0]!.commandId).to.equal(offline.pending.get()[0]!.id);

    const online = visitorClient();
    const { conversationId } = await online.send({ type: 'visitor.startChat', text: 'Again' });
    const confirmed = visitorSelectors(online).timeline({ conversationId: conversationId!, startCommandId: null });
    await until(() => confirmed.get().items[0]?.delivery === 'sent', 'sent');
    expect(confirmed.get().items.map((item) => [item.text, item.own, item.delivery, item.commandId])).to.deep.equal([
      ['Again', true, 'sent', null],
    ]);
  });

  it('a chat being started shows its text under its start command until the server gave it an id', async () => {
    const offline = visitorClient(offlineTransport());
    void offline.send({ type: 'visitor.startChat', text: 'Anyone?' }).catch(() => undefined);
    const startCommandId = offline.pending.get()[0]!.id;
    const timeline = visitorSelectors(offline).timeline({ conversationId: null, startCommandId }).get();
    expect(timeline.items.map((item) => [item.text, item.delivery, item.commandId])).to.deep.equal([
      ['Anyone?', 'queued', startCommandId],
    ]);
  });

  it('unread counts team replies the visitor has not seen, per conversation', async () => {
    const visitor = visitorClient();
    const seen = writable<Record<string, number>>({});
    const selectors = visitorSelectors(visitor);
    const unread = selectors.unread(seen);
    const { conversationId } = await visitor.send({ type: 'visitor.startChat', text: 'Hello' });
    await memory.backend.execute(ANN, { type: 'message.reply', conversationId: conversationId!, text: 'Hi!' });
    await memory.backend.execute(ANN, {
      type: 'message.reply',
      conversationId: conversationId!,
      text: 'How can I help?',
    });
    await until(() => unread.get() === 2, 'two unread');
    seen.set({ [conversationId!]: 1 });
    expect(unread.get()).to.equal(1);
    seen.set({ [conversationId!]: selectors.teamMessageCounts.get().get(conversationId!)! });
    expect(unread.get()).to.equal(0);
  });

  it('gives the same value object when events that do not touch it arrive', async () => {
    const visitor = visitorClient();
    const selectors = visitorSelectors(visitor);
    const first = await visitor.send({ type: 'visitor.startChat', text: 'One' });
    const second = await visitor.send({ type: 'visitor.startChat', text: 'Two' });
    const timeline = selectors.timeline({ conversationId: first.conversationId!, startCommandId: null });
    await until(() => timeline.get().items[0]?.delivery === 'sent', 'the first confirmed');
    const told: unknown[] = [];
    const stops = [timeline, selectors.availability, selectors.contact, selectors.settings].map((selector) =>
      selector.subscribe((value) => told.push(value)),
    );
    const before = [timeline.get(), selectors.availability.get(), selectors.contact.get(), selectors.settings.get()];

    await memory.backend.execute(ANN, {
      type: 'message.reply',
      conversationId: second.conversationId!,
      text: 'Elsewhere',
    });
    await until(() => selectors.teamMessages.get().length === 1, 'the reply in the other chat');
    expect([
      timeline.get(),
      selectors.availability.get(),
      selectors.contact.get(),
      selectors.settings.get(),
    ]).to.deep.equal(before);
    expect(timeline.get()).to.equal(before[0]);
    expect(told).to.deep.equal([]);

    await memory.backend.execute(ANN, { type: 'message.reply', conversationId: first.conversationId!, text: 'Here' });
    await until(() => timeline.get() !== before[0], 'the timeline changed');
    expect(timeline.get().items.map((item) => item.text)).to.deep.equal(['One', 'Here']);
    for (const stop of stops) stop();
  });

  it('the same selectors for every caller of one client', () => {
    const visitor = visitorClient();
    expect(visitorSelectors(visitor)).to.equal(visitorSelectors(visitor));
    const target = { conversationId: 'c1', startCommandId: null };
    expect(visitorSelectors(visitor).timeline(target)).to.equal(visitorSelectors(visitor).timeline({ ...target }));
  });

  it('names the conversations that closed between two values of threads', async () => {
    const visitor = visitorClient();
    const { threads } = visitorSelectors(visitor);
    const { conversationId } = await visitor.send({ type: 'visitor.startChat', text: 'Bye soon' });
    await until(() => threads.get().length === 1 && threads.get()[0]!.id === conversationId, 'the thread');
    const before = threads.get();
    await memory.backend.execute(ANN, {
      type: 'conversation.setStatus',
      conversationIds: [conversationId!],
      status: 'closed',
    });
    await until(() => threads.get()[0]?.status === 'closed', 'closed');
    expect(closedSince(before, threads.get())).to.deep.equal([conversationId]);
    expect(closedSince(threads.get(), threads.get())).to.deep.equal([]);
  });

  it('the contact is the visitor’s own record once they left an email', async () => {
    const visitor = visitorClient();
    const { contact } = visitorSelectors(visitor);
    await visitor.send({ type: 'visitor.setProfile', email: 'eve@example.com', name: 'Eve' });
    await until(() => contact.get()?.email === 'eve@example.com', 'the contact');
    expect(contact.get()).to.include({ name: 'Eve', email: 'eve@example.com' });
  });
});

import { expect } from '@open-wc/testing';
import { createInboxClient, createVisitorClient } from '../client/client.js';
import { createMemoryBackend, type MemoryBackend } from '../transport/memory.js';
import { createMemoryPersistence } from '../persistence/persistence.js';
import { BOT_CLOSE_IDLE_MS, type CloseEligibility } from '../engine/agent-commands.js';
import type { ConfabEvent } from '../protocol/events.js';
import type { InboxClient, VisitorClient } from '../client/types.js';
import { closeEligibilityOf } from './close-eligibility.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const MINUTE = 60_000;

const annSeed: ConfabEvent = {
  type: 'agent.upserted',
  agent: {
    id: 'agent-1',
    name: 'Ann',
    email: 'ann@team.example',
    availability: 'available',
    role: 'admin',
    invitePending: false,
    lastSeenAt: null,
    disabled: false,
  },
};

async function until(check: () => boolean, what: string, timeoutMs = 3000) {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('close eligibility as a store (T11)', () => {
  let memory: MemoryBackend;
  let inbox: InboxClient;
  const closing: Array<() => unknown> = [];

  let visitor: VisitorClient;

  /** A bot conversation the agent sees, started by a new visitor now (the backend's clock). */
  async function botChat(): Promise<string> {
    memory = createMemoryBackend({ startTime: T0, seed: [annSeed] });
    await memory.backend.ready;
    inbox = createInboxClient({
      transport: memory.transport(),
      token: memory.agentToken('agent-1'),
      persistence: createMemoryPersistence(),
    });
    visitor = createVisitorClient({ transport: memory.transport(), persistence: createMemoryPersistence() });
    closing.push(
      () => inbox.close(),
      () => visitor.close(),
    );
    await until(() => inbox.status.get().ready && visitor.status.get().ready, 'both ready');
    await inbox.send({ type: 'settings.update', patch: { bot: { enabled: true } } });
    const { conversationId } = await visitor.send({ type: 'visitor.startChat', text: 'Hi bot' });
    await until(() => inbox.store.conversation(conversationId)?.bot === 'active', 'the bot chat in the inbox');
    return conversationId;
  }

  afterEach(async () => {
    await Promise.all(closing.splice(0).map((close) => close()));
  });

  it('T11 names the rule and the moment closing is allowed, as the engine refuses it, and tells when that moment passes', async () => {
    const conversationId = await botChat();
    const quietSince = inbox.store.conversation(conversationId)!.lastVisitorActivityAt;
    const eligibility = closeEligibilityOf(inbox.store, conversationId, () => memory.now());
    expect(eligibility.get()).to.deep.equal({ allowed: false, rule: 'T11', until: quietSince + BOT_CLOSE_IDLE_MS });
    const refusal = await inbox
      .send({ type: 'conversation.setStatus', conversationIds: [conversationId], status: 'closed' })
      .catch((error) => error.rule);
    expect(refusal, 'the server refuses it by the same rule').to.equal('T11');

    // A clock 60 ms before `until` that runs in real time: the store says "allowed" by itself.
    const start = performance.now();
    const nearlyThere = closeEligibilityOf(
      inbox.store,
      conversationId,
      () => quietSince + BOT_CLOSE_IDLE_MS - 60 + (performance.now() - start),
    );
    const told: CloseEligibility[] = [];
    const stop = nearlyThere.subscribe((value) => told.push(value));
    expect(nearlyThere.get().allowed).to.equal(false);
    await until(() => told.length > 0, 'the store to say closing is allowed');
    stop();
    expect(told).to.deep.equal([{ allowed: true }]);
  });

  it('allows closing once a person took the conversation over, and says so to its subscribers', async () => {
    const conversationId = await botChat();
    const eligibility = closeEligibilityOf(inbox.store, conversationId, () => memory.now());
    const told: CloseEligibility[] = [];
    const stop = eligibility.subscribe((value) => told.push(value));
    await inbox.send({ type: 'conversation.assign', conversationId, assigneeId: 'agent-1' });
    await until(() => told.length > 0, 'the store to change');
    stop();
    expect(told).to.deep.equal([{ allowed: true }]);
    await inbox.send({ type: 'conversation.setStatus', conversationIds: [conversationId], status: 'closed' });
    expect(inbox.store.conversation(conversationId)!.status).to.equal('closed');
  });

  it('T11 a visitor typing at minute 29 keeps the agent from closing at minute 31; closing is allowed 30 minutes after that typing window', async () => {
    const conversationId = await botChat();
    const eligibility = closeEligibilityOf(inbox.store, conversationId, () => memory.now());
    memory.advanceClock(29 * MINUTE);
    const seqBefore = memory.backend.seq;
    // The widget repeats "typing" every few seconds: the log gets one event for the window, not one per signal.
    for (let signal = 0; signal < 5; signal += 1) await visitor.send({ type: 'typing', conversationId, typing: true });
    await until(() => memory.backend.seq > seqBefore, 'the typing to be recorded');
    await until(
      () => inbox.store.conversation(conversationId)!.lastVisitorActivityAt === T0 + 30 * MINUTE,
      'the inbox to hear of the typing',
    );
    expect(memory.backend.seq - seqBefore, 'one durable event').to.equal(1);

    memory.advanceClock(2 * MINUTE);
    expect(eligibility.get()).to.deep.equal({ allowed: false, rule: 'T11', until: T0 + 60 * MINUTE });
    const refusal = await inbox
      .send({ type: 'conversation.setStatus', conversationIds: [conversationId], status: 'closed' })
      .catch((error) => error.rule);
    expect(refusal, 'refused at minute 31').to.equal('T11');

    memory.advanceClock(29 * MINUTE);
    expect(eligibility.get().allowed).to.equal(true);
    await inbox.send({ type: 'conversation.setStatus', conversationIds: [conversationId], status: 'closed' });
    expect(inbox.store.conversation(conversationId)!.status).to.equal('closed');
  });
});

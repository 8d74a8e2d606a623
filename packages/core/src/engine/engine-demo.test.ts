import { expect } from '@open-wc/testing';
import type { Conversation } from '../model/model.js';
import { CHANNELS } from '../model/model.js';
import type { ConfabEvent } from '../protocol/events.js';
import { DEMO_AGENT_IDS, demoSeed, generateConversations } from '../testing/demo-data.js';
import { applyEvent, execute, snapshotFor } from './engine.js';
import { T0 } from './engine-harness.test-util.js';
import { createEngineState, type EngineState } from './state.js';
import { BUILT_IN_VIEWS, matchesFilter } from './views.js';

function stateOf(events: ConfabEvent[]): EngineState {
  const state = createEngineState();
  for (const event of events) applyEvent(state, event);
  return state;
}

/** Conversations per built-in view, counting "Assigned to me" for any demo agent. */
function viewCounts(state: EngineState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const view of BUILT_IN_VIEWS) {
    counts[view.id] = [...state.conversations.values()].filter((conversation: Conversation) =>
      view.id === 'mine'
        ? DEMO_AGENT_IDS.some((agent) => matchesFilter(conversation, view.filter, agent))
        : matchesFilter(conversation, view.filter, null),
    ).length;
  }
  return counts;
}

describe('demo data', () => {
  it('V1 the demo seed fills every view V1–V12 and every channel', () => {
    const state = stateOf(demoSeed(T0));
    const counts = viewCounts(state);
    for (const view of BUILT_IN_VIEWS) expect(counts[view.id], view.name).to.be.greaterThan(0);
    for (const channel of CHANNELS) {
      expect(
        [...state.conversations.values()].some((c) => c.channel === channel),
        channel,
      ).to.equal(true);
    }
    const reasons = new Set([...state.conversations.values()].map((c) => c.filtered));
    expect([...reasons]).to.include.members(['blocked', 'spam', 'role-address', 'promotional']);
  });

  it('S2 the demo team has four agents with one away, and rich host records', () => {
    const state = stateOf(demoSeed(T0));
    expect([...state.agents.keys()]).to.deep.equal([...DEMO_AGENT_IDS]);
    expect([...state.agents.values()].filter((agent) => agent.availability === 'away')).to.have.length(1);
    expect(state.contacts.size).to.be.at.least(12);
    expect(state.companies.size).to.be.at.least(1);
    expect(state.deals.size).to.be.at.least(2);
    expect(state.feedback.size).to.be.at.least(3);
    expect(state.tickets.size).to.be.at.least(2);
    const messages = [...state.messages.values()].flat();
    expect(messages.some((m) => m.kind === 'comment' && m.mentions.length > 0)).to.equal(true);
    expect(messages.some((m) => m.suppressed)).to.equal(true);
    expect(messages.some((m) => (m.email?.cc.length ?? 0) > 0)).to.equal(true);
    expect(messages.some((m) => m.delivery === 'queued')).to.equal(false);
  });

  it('C1 the demo seed queues no mail and is the same for the same clock', () => {
    const events = demoSeed(T0);
    expect(events.some((event) => event.type === 'email.queued')).to.equal(false);
    expect(demoSeed(T0)).to.deep.equal(events);
  });

  it('T11 the demo bot chat is in Bots and cannot be closed yet; the engine accepts commands on the demo', () => {
    const state = stateOf(demoSeed(T0));
    const bot = [...state.conversations.values()].find((c) => c.bot === 'active')!;
    expect(matchesFilter(bot, BUILT_IN_VIEWS.find((v) => v.id === 'bots')!.filter, null)).to.equal(true);
    let counter = 0;
    const context = { now: T0, newId: () => `t${++counter}` };
    expect(() =>
      execute(
        state,
        { kind: 'agent', agentId: 'agent-anna' },
        { type: 'conversation.setStatus', conversationIds: [bot.id], status: 'closed' },
        context,
      ),
    )
      .to.throw()
      .with.property('rule', 'T11');
    const email = [...state.conversations.values()].find((c) => c.subject === 'Bulk order for Q3')!;
    const { events } = execute(
      state,
      { kind: 'agent', agentId: 'agent-ben' },
      { type: 'message.reply', conversationId: email.id, text: 'Sure, two payments it is.' },
      context,
    );
    expect(events.map((event) => event.type)).to.include('email.queued');
  });

  it("R2 a demo visitor snapshot holds none of the team's comments", () => {
    const state = stateOf(demoSeed(T0));
    const snapshot = snapshotFor(state, { kind: 'visitor', contactId: 'contact-emma' }, 1);
    expect(snapshot.conversations).to.have.length(1);
    expect(JSON.stringify(snapshot)).to.not.contain('Business-only');
  });

  it('V1 generated conversations are deterministic, numerous as asked, and spread over every view', () => {
    const events = generateConversations(2000, 7);
    expect(generateConversations(2000, 7)).to.deep.equal(events);
    expect(generateConversations(50, 8)).to.not.deep.equal(generateConversations(50, 7));
    const state = stateOf(events);
    expect(state.conversations.size).to.equal(2000);
    const counts = viewCounts(state);
    for (const view of BUILT_IN_VIEWS) expect(counts[view.id], view.name).to.be.greaterThan(0);
    for (const conversation of state.conversations.values()) {
      const messages = state.messages.get(conversation.id)!;
      expect(messages.length).to.be.within(1, 4);
      expect(conversation.messageCount).to.equal(messages.filter((m) => m.kind === 'reply').length);
      expect(state.contacts.has(conversation.contactId!)).to.equal(true);
    }
  });
});

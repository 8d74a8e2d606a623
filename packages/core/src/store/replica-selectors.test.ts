import { expect } from '@open-wc/testing';
import { applyEvent } from '../engine/apply.js';
import { createEngineState } from '../engine/state.js';
import type { ConfabEvent } from '../protocol/events.js';
import { contactRecords, contactById, messagesOf } from './replica-selectors.js';
import { createInboxStore } from './store.js';
import { contact, conversation, message } from './store-fixtures.test-util.js';

const ALL = new Set(['conversations', 'tickets', 'feedback', 'deals'] as const);

function stateWith(events: ConfabEvent[]) {
  const state = createEngineState();
  for (const event of events) applyEvent(state, event);
  return state;
}

describe('replica selectors (DESIGN §3: UIs read through core)', () => {
  const events: ConfabEvent[] = [
    { type: 'contact.upserted', contact: contact('ann', 'Ann') },
    { type: 'contact.upserted', contact: contact('bob', 'Bob') },
    { type: 'conversation.upserted', conversation: conversation('c1', { contactId: 'ann', lastReceivedAt: 10 }) },
    { type: 'conversation.upserted', conversation: conversation('c2', { contactId: 'ann', lastReceivedAt: 30 }) },
    { type: 'conversation.upserted', conversation: conversation('c3', { contactId: 'ann', lastReceivedAt: 20 }) },
    { type: 'conversation.upserted', conversation: conversation('c4', { contactId: 'ann', trashedAt: 5 }) },
    { type: 'conversation.upserted', conversation: conversation('c5', { contactId: 'bob', lastReceivedAt: 40 }) },
    {
      type: 'ticket.upserted',
      ticket: { id: 't1', name: 'Refund', contactId: 'ann', conversationId: 'c2', properties: {}, createdAt: 1 },
    },
    {
      type: 'ticket.upserted',
      ticket: { id: 't2', name: 'Bob’s', contactId: 'bob', conversationId: 'c5', properties: {}, createdAt: 1 },
    },
    {
      type: 'deal.upserted',
      deal: {
        id: 'd1',
        name: 'Plan',
        amount: 10,
        currency: 'EUR',
        stage: 'new',
        contactId: null,
        conversationId: 'c1',
        createdAt: 1,
      },
    },
    {
      type: 'feedback.upserted',
      feedback: { id: 'f1', contactId: 'ann', kind: 'satisfaction', score: 5, comment: '', submittedAt: 1 },
    },
    { type: 'message.upserted', message: message('m1', 'c1', 'Hello') },
  ];

  it('A1 a contact’s other conversations (not trashed, most recent first), tickets, feedback and deals', () => {
    const records = contactRecords(stateWith(events), 'ann', 'c1', ALL, 10);
    expect(records.conversations.map((c) => c.id)).to.deep.equal(['c2', 'c3']);
    expect(records.tickets.map((t) => t.id)).to.deep.equal(['t1']);
    expect(records.feedback.map((f) => f.id)).to.deep.equal(['f1']);
    expect(records.deals.map((d) => d.id)).to.deep.equal(['d1']);
  });

  it('lists only the kinds asked for, at most `limit` of each', () => {
    const records = contactRecords(stateWith(events), 'ann', 'c1', new Set(['conversations'] as const), 1);
    expect(records.conversations.map((c) => c.id)).to.deep.equal(['c2']);
    expect(records).to.deep.include({ tickets: [], feedback: [], deals: [] });
  });

  it('store.read applies a selector to the replica with its arguments', () => {
    const store = createInboxStore({ me: null, schedule: (flush) => flush() });
    store.apply(events);
    expect(store.read(contactById, 'bob')?.name).to.equal('Bob');
    expect(store.read(contactById, null)).to.equal(undefined);
    expect(store.read(messagesOf, 'c1').map((m) => m.text)).to.deep.equal(['Hello']);
    expect(store.read(messagesOf, 'nowhere')).to.deep.equal([]);
  });
});

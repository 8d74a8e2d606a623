import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { applyEvent } from '../engine/apply.js';
import { createEngineState, type EngineState } from '../engine/state.js';
import type { ConfabEvent, Snapshot } from '../protocol/events.js';
import { loadSnapshotInBulk } from './bulk-load.js';
import { contact, conversation, message, snapshot } from './store-fixtures.test-util.js';

/** The plain way: every record as its upsert event, one by one, in loadSnapshot's order. */
function eventByEvent(from: Snapshot): EngineState {
  const state = createEngineState();
  const events: ConfabEvent[] = [{ type: 'settings.updated', settings: from.settings }];
  for (const c of from.contacts) events.push({ type: 'contact.upserted', contact: c });
  for (const c of from.conversations) events.push({ type: 'conversation.upserted', conversation: c });
  for (const m of from.messages) events.push({ type: 'message.upserted', message: m });
  for (const event of events) applyEvent(state, event);
  return state;
}

const snapshotArbitrary = fc
  .record({
    conversations: fc.uniqueArray(fc.constantFrom('c0', 'c1', 'c2', 'c3'), { maxLength: 4 }),
    contacts: fc.array(fc.record({ id: fc.constantFrom('p0', 'p1'), email: fc.constantFrom('a@x.test', 'b@x.test') })),
    // Few ids and times: repeats, equal times and out-of-order threads come up often.
    messages: fc.array(
      fc.record({
        id: fc.constantFrom('m0', 'm1', 'm2', 'm3', 'm4'),
        conversationId: fc.constantFrom('c0', 'c1', 'c2'),
        createdAt: fc.nat(3),
        text: fc.constantFrom('a', 'b'),
      }),
      { maxLength: 14 },
    ),
  })
  .map((fields) =>
    snapshot({
      conversations: fields.conversations.map((id) => conversation(id, { contactId: 'p0' })),
      contacts: fields.contacts.map((c) => contact(c.id, c.id, c.email)),
      messages: fields.messages.map((m) => message(m.id, m.conversationId, m.text, { createdAt: m.createdAt })),
    }),
  );

describe('loadSnapshotInBulk', () => {
  it('builds the same state as upserting every record one by one, threads in any order and with repeats', () => {
    fc.assert(
      fc.property(snapshotArbitrary, (from) => {
        const state = createEngineState();
        // Whatever was there before is replaced.
        applyEvent(state, { type: 'message.upserted', message: message('old', 'c9', 'gone') });
        loadSnapshotInBulk(state, from);
        const expected = eventByEvent(from);
        expect([...state.messages.entries()]).to.deep.equal([...expected.messages.entries()]);
        expect([...state.conversations.entries()]).to.deep.equal([...expected.conversations.entries()]);
        expect(state.contactIdsByEmail).to.deep.equal(expected.contactIdsByEmail);
        expect(state.conversationIdsByContact).to.deep.equal(expected.conversationIdsByContact);
      }),
      { numRuns: 400 },
    );
  });
});

import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { BUILT_IN_VIEWS, compareConversations, matchesFilter } from '../engine/views.js';
import type { AgentId, Conversation, ConversationFilter } from '../model/model.js';
import type { ConfabEvent } from '../protocol/events.js';
import { normalizeSearchText, searchTerms } from './search.js';
import { createInboxStore, loadSearch, type LocalInboxStore } from './store.js';
import { contact, conversation, message, savedView } from './store-fixtures.test-util.js';
import type { ConversationQuery, LiveQuery } from './types.js';

// Small pools, so that random events keep hitting the same records, equal times and edge cases.
const conversationIds = Array.from({ length: 12 }, (_, i) => `c${i}`);
const contactIds = ['p0', 'p1', 'p2', 'p3'];
const savedViewIds = ['v0', 'v1', 'v2'];
const texts = ['refund please', 'Café au lait', 'INVOICE 42', 'zoë was here', 'hello  world', 'vip', 'ré-fund'];
const searches = ['refund', 'cafe', 'invoice 42', 'zoe', 'hello', 'vip', 'p1', 'e', 're fund', 'ANN', 'example'];

const filterArbitrary: fc.Arbitrary<ConversationFilter> = fc.record(
  {
    scope: fc.constantFrom('inbox', 'filtered', 'trash', 'sent'),
    status: fc.constantFrom('open', 'closed'),
    channels: fc.subarray(['email', 'chat', 'messenger', 'form'] as const, { minLength: 1 }).map((list) => [...list]),
    assignee: fc.constantFrom('me', 'nobody', 'a1', 'a2'),
    hasTicket: fc.boolean(),
    botHandling: fc.boolean(),
    activityFrom: fc.integer({ min: 0, max: 6 }),
    activityTo: fc.integer({ min: 0, max: 6 }),
  },
  { requiredKeys: [] },
);

const conversationArbitrary: fc.Arbitrary<Conversation> = fc
  .record({
    id: fc.constantFrom(...conversationIds),
    channel: fc.constantFrom('email', 'chat', 'messenger', 'form'),
    status: fc.constantFrom('open', 'closed'),
    assigneeId: fc.constantFrom(null, 'a1', 'a2'),
    contactId: fc.constantFrom(null, ...contactIds),
    participantIds: fc.subarray(contactIds).map((list) => [...list]),
    subject: fc.constantFrom('', 'Invoice', 'Café order', 'Re: refund'),
    lastReceivedAt: fc.integer({ min: 0, max: 6 }),
    lastActivityAt: fc.integer({ min: 0, max: 6 }),
    ticketId: fc.constantFrom(null, 't1'),
    filtered: fc.constantFrom(null, null, 'spam', 'blocked'),
    trashedAt: fc.constantFrom(null, null, null, 5),
    sentOnly: fc.constantFrom(false, false, true),
    bot: fc.constantFrom('none', 'active', 'handed-over'),
  } as const)
  .map((fields) => conversation(fields.id, fields as Partial<Conversation>));

const messageKey = fc.record({ conversationId: fc.constantFrom(...conversationIds), n: fc.nat(3) });

const eventArbitrary: fc.Arbitrary<ConfabEvent> = fc.oneof(
  {
    weight: 6,
    arbitrary: conversationArbitrary.map((c) => ({ type: 'conversation.upserted' as const, conversation: c })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...conversationIds)
      .map((id) => ({ type: 'conversation.removed' as const, conversationId: id })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        key: messageKey,
        text: fc.constantFrom(...texts),
        kind: fc.constantFrom('reply', 'reply', 'comment', 'system'),
      } as const)
      .map(({ key, text, kind }) => ({
        type: 'message.upserted' as const,
        message: message(`${key.conversationId}-m${key.n}`, key.conversationId, text, { kind }),
      })),
  },
  {
    weight: 1,
    arbitrary: messageKey.map((key) => ({
      type: 'message.removed' as const,
      messageId: `${key.conversationId}-m${key.n}`,
      conversationId: key.conversationId,
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ id: fc.constantFrom(...contactIds), name: fc.constantFrom('Ann', 'Zoë Refund', 'Bob', 'Vip Person') })
      .map(({ id, name }) => ({ type: 'contact.upserted' as const, contact: contact(id, name) })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ id: fc.constantFrom(...savedViewIds), filter: filterArbitrary })
      .map(({ id, filter }) => ({ type: 'view.upserted' as const, view: savedView(id, filter) })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...savedViewIds).map((viewId) => ({ type: 'view.removed' as const, viewId })),
  },
);

const queryArbitrary: fc.Arbitrary<ConversationQuery> = fc.record(
  {
    viewId: fc.constantFrom(...BUILT_IN_VIEWS.map((view) => view.id), 'v0'),
    filter: filterArbitrary,
    search: fc.constantFrom(...searches),
  },
  { requiredKeys: ['viewId'] },
);

/** What a conversation's search covers (F1), computed the slow way from the state. */
function haystack(store: LocalInboxStore, record: Conversation): string {
  const parts: string[] = [];
  for (const id of new Set([record.contactId, ...record.participantIds])) {
    const person = id === null ? undefined : store.state.contacts.get(id);
    if (person) parts.push(person.name, person.email);
  }
  parts.push(record.subject);
  for (const m of store.state.messages.get(record.id) ?? []) {
    if (m.kind === 'reply' || (m.kind === 'comment' && store.me !== null)) parts.push(m.text);
  }
  return normalizeSearchText(parts.join(' '));
}

function bruteForce(store: LocalInboxStore, query: ConversationQuery): string[] | null {
  const view = store.views().find((v) => v.id === query.viewId);
  if (view === undefined) return null;
  const me: AgentId | null = store.me;
  const terms = searchTerms(query.search);
  return (
    [...store.state.conversations.values()]
      .filter((c) => matchesFilter(c, view.filter, me))
      // The query's filter narrows the view: without a scope of its own it takes the view's.
      .filter(
        (c) =>
          query.filter === undefined ||
          matchesFilter(c, { ...query.filter, scope: query.filter.scope ?? view.filter.scope }, me),
      )
      .filter((c) => terms.every((term) => haystack(store, c).includes(term)))
      .sort(compareConversations)
      .map((c) => c.id)
  );
}

function idsOf(live: LiveQuery): string[] {
  return live
    .get()
    .slice(0, 1000)
    .map((c) => c.id);
}

function checkStore(store: LocalInboxStore, queries: LiveQuery[]): void {
  for (const view of store.views()) {
    const expected = bruteForce(store, { viewId: view.id })!;
    const live = store.query({ viewId: view.id });
    expect(idsOf(live), `view ${view.id}`).to.deep.equal(expected);
    live.dispose();
    expect(store.count(view.id), `count ${view.id}`).to.equal(expected.length);
  }
  for (const live of queries) {
    const expected = bruteForce(store, live.query) ?? [];
    expect(idsOf(live), JSON.stringify(live.query)).to.deep.equal(expected);
    expect(live.get().total).to.equal(expected.length);
  }
}

describe('inbox store, random event streams', () => {
  // Searches here answer at once: the search part (a lazy chunk in bundles) is loaded first.
  before(() => loadSearch());

  it('L1 V1 F3 every view index, count and live query equals the brute-force answer after any events', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<AgentId | null>('a1', null),
        fc.array(fc.array(eventArbitrary, { maxLength: 10 }), { minLength: 1, maxLength: 14 }),
        fc.array(queryArbitrary, { minLength: 1, maxLength: 3 }),
        fc.nat(13),
        (me, batches, queries, midBatchAt) => {
          const store = createInboxStore({ me, schedule: () => {} });
          store.apply([{ type: 'view.upserted', view: savedView('v0', { status: 'open' }) }]);
          const lives = queries.map((query) => store.query(query));
          batches.forEach((batch, i) => {
            store.apply(batch);
            // A query made between an apply and its flush must still come out right.
            if (i === midBatchAt && store.views().some((view) => view.id === queries[0].viewId))
              lives.push(store.query(queries[0]));
            store.flush();
            checkStore(store, lives);
          });
          for (const live of lives) live.dispose();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('F3 a query notifies exactly when its result changed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(eventArbitrary, { maxLength: 6 }), { minLength: 1, maxLength: 10 }),
        queryArbitrary.filter((q) => q.viewId !== 'v0'),
        (batches, query) => {
          const store = createInboxStore({ me: 'a1', schedule: () => {} });
          const live = store.query(query);
          let notified = 0;
          live.subscribe(() => (notified += 1));
          for (const batch of batches) {
            const before = JSON.stringify(live.get().slice(0, 1000));
            const calls = notified;
            store.apply(batch);
            store.flush();
            const after = JSON.stringify(live.get().slice(0, 1000));
            // Changed content always notifies (a notification for an unchanged list is allowed only
            // when a record in it was touched, e.g. a contact rename).
            if (before !== after) expect(notified).to.equal(calls + 1);
            expect(notified - calls).to.be.at.most(1);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

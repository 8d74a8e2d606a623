import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { BUILT_IN_VIEWS, matchesFilter, narrowFilter } from './views.js';
import type { Conversation, ConversationFilter } from '../model/model.js';
import { conversation } from '../store/store-fixtures.test-util.js';

const view = (id: string) => BUILT_IN_VIEWS.find((v) => v.id === id)!.filter;

describe('views as data', () => {
  it('V1 all conversations leaves out filtered, trashed and sent-only ones', () => {
    expect(matchesFilter(conversation('c1'), view('all'), 'a1')).to.equal(true);
    expect(matchesFilter(conversation('c1', { filtered: 'spam' }), view('all'), 'a1')).to.equal(false);
    expect(matchesFilter(conversation('c1', { trashedAt: 5 }), view('all'), 'a1')).to.equal(false);
    expect(matchesFilter(conversation('c1', { sentOnly: true }), view('all'), 'a1')).to.equal(false);
  });
  it('V3 unassigned leaves a conversation the bot still handles to Bots (V9)', () => {
    const botChat = conversation('c1', { bot: 'active' });
    expect(matchesFilter(botChat, view('unassigned'), 'a1')).to.equal(false);
    expect(matchesFilter(botChat, view('bots'), 'a1')).to.equal(true);
  });
});

describe('a view narrowed by more filters (F2: live queries and saved views alike)', () => {
  const filterArb = fc.record(
    {
      scope: fc.constantFrom('inbox', 'filtered', 'trash', 'sent'),
      status: fc.constantFrom('open', 'closed'),
      channels: fc.subarray(['email', 'chat', 'messenger', 'form'] as const).map((channels) => [...channels]),
      assignee: fc.constantFrom('me', 'nobody', 'a1', 'a2'),
      hasTicket: fc.boolean(),
      botHandling: fc.boolean(),
      activityFrom: fc.integer({ min: 0, max: 10 }),
      activityTo: fc.integer({ min: 0, max: 10 }),
    },
    { requiredKeys: [] },
  ) as fc.Arbitrary<ConversationFilter>;
  const conversationArb = fc
    .record({
      status: fc.constantFrom('open', 'closed'),
      channel: fc.constantFrom('email', 'chat', 'messenger', 'form'),
      assigneeId: fc.constantFrom(null, 'a1', 'a2'),
      ticketId: fc.constantFrom(null, 't1'),
      bot: fc.constantFrom('active', 'off'),
      lastActivityAt: fc.integer({ min: 0, max: 10 }),
      filtered: fc.constantFrom(null, 'spam'),
      trashedAt: fc.constantFrom(null, 3),
      sentOnly: fc.boolean(),
    })
    .map((fields) => conversation('c1', fields as Partial<Conversation>));

  it('passes exactly what passes the view and the narrowing filter, or is null when nothing can', () => {
    fc.assert(
      fc.property(conversationArb, filterArb, filterArb, fc.constantFrom('a1', null), (c, viewFilter, narrow, me) => {
        const both = narrowFilter(viewFilter, narrow, me);
        const expected =
          matchesFilter(c, viewFilter, me) &&
          matchesFilter(c, { ...narrow, scope: narrow.scope ?? viewFilter.scope ?? 'inbox' }, me);
        if (both === null) return !expected;
        return matchesFilter(c, both, me) === expected;
      }),
      { numRuns: 3000 },
    );
  });

  it('"Assigned to me" narrowed to a teammate is nothing, not the teammate\'s conversations', () => {
    expect(narrowFilter(view('mine'), { assignee: 'a2' }, 'a1')).to.equal(null);
    expect(narrowFilter(view('mine'), { assignee: 'a1' }, 'a1')).to.deep.equal(view('mine'));
    expect(narrowFilter(view('email'), { channels: ['chat'] }, 'a1')).to.equal(null);
    expect(narrowFilter(view('all'), { status: 'open' }, 'a1')).to.deep.equal({ scope: 'inbox', status: 'open' });
  });
});

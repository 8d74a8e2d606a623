import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { matchesFilter } from '../engine/views.js';
import type { Conversation, ConversationFilter } from '../model/model.js';
import { AgentCodes, compileFilter, keyOf, passes } from './compiled-filter.js';
import { conversation } from './store-fixtures.test-util.js';

describe('compiled filter', () => {
  it('F2 the column test agrees with matchesFilter on every filter and conversation', () => {
    const record: fc.Arbitrary<Conversation> = fc
      .record({
        channel: fc.constantFrom('email', 'chat', 'messenger', 'form'),
        status: fc.constantFrom('open', 'closed'),
        assigneeId: fc.constantFrom(null, 'a1', 'a2'),
        ticketId: fc.constantFrom(null, 't1'),
        filtered: fc.constantFrom(null, 'spam'),
        trashedAt: fc.constantFrom(null, 3),
        sentOnly: fc.boolean(),
        bot: fc.constantFrom('none', 'active', 'handed-over'),
        lastActivityAt: fc.integer({ min: 0, max: 5 }),
      } as const)
      .map((fields) => conversation('c1', fields as Partial<Conversation>));
    const filter: fc.Arbitrary<ConversationFilter> = fc.record(
      {
        scope: fc.constantFrom('inbox', 'filtered', 'trash', 'sent'),
        status: fc.constantFrom('open', 'closed'),
        channels: fc.subarray(['email', 'chat', 'messenger', 'form'] as const).map((list) => [...list]),
        assignee: fc.constantFrom('me', 'nobody', 'a1', 'a2', 'a3'),
        hasTicket: fc.boolean(),
        botHandling: fc.boolean(),
        activityFrom: fc.integer({ min: 0, max: 5 }),
        activityTo: fc.integer({ min: 0, max: 5 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(record, filter, fc.constantFrom('a1', null), (c, f, me) => {
        const agents = new AgentCodes();
        const columns = { keys: Int32Array.of(keyOf(c, agents)), activity: Float64Array.of(c.lastActivityAt) };
        expect(passes(compileFilter(f, me, agents)!, columns, 0)).to.equal(matchesFilter(c, f, me));
      }),
      { numRuns: 2000 },
    );
  });

  it('F2 leaves a filter with a field it does not know to matchesFilter', () => {
    expect(compileFilter({ status: 'open', tag: 'x' } as ConversationFilter, null, new AgentCodes())).to.equal(null);
  });
});

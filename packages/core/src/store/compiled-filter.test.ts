import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { matchesFilter } from '../engine/views.js';
import type { Conversation, ConversationFilter } from '../model/model.js';
import { AgentCodes, compileFilter, keyOf, LabelCodes, labelBitsOf, passes } from './compiled-filter.js';
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
        labelIds: fc.subarray(['l1', 'l2', 'l3']).map((list) => [...list]),
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
        labels: fc.subarray(['l1', 'l2', 'l4']).map((list) => [...list]),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(record, filter, fc.constantFrom('a1', null), (c, f, me) => {
        const agents = new AgentCodes();
        const labels = new LabelCodes();
        const columns = {
          keys: Int32Array.of(keyOf(c, agents)),
          activity: Float64Array.of(c.lastActivityAt),
          labels: Int32Array.of(labelBitsOf(c, labels)),
        };
        expect(passes(compileFilter(f, me, agents, labels)!, columns, 0)).to.equal(matchesFilter(c, f, me));
      }),
      { numRuns: 2000 },
    );
  });

  it('F2 leaves a filter with a field it does not know to matchesFilter', () => {
    expect(
      compileFilter({ status: 'open', tag: 'x' } as ConversationFilter, null, new AgentCodes(), new LabelCodes()),
    ).to.equal(null);
  });

  it('F2 labels get a bit each up to 31; a filter on a label beyond them is left to matchesFilter', () => {
    const labels = new LabelCodes();
    for (let i = 0; i < 31; i++) expect(labels.bitOf(`l${i}`)).to.not.equal(0);
    expect(labels.bitOf('l31')).to.equal(0);
    expect(compileFilter({ labels: ['l0', 'l30'] }, null, new AgentCodes(), labels)?.labels).to.equal(
      (1 << 0) | (1 << 30),
    );
    expect(compileFilter({ labels: ['l0', 'l31'] }, null, new AgentCodes(), labels)).to.equal(null);
  });
});

import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { PackedLists } from './packed-lists.js';

const ascending = fc
  .uniqueArray(fc.oneof(fc.nat(300), fc.nat(2 ** 31 - 1)), { maxLength: 40 })
  .map((list) => list.sort((a, b) => a - b));

describe('packed lists', () => {
  it('gives back every list as last set, through rewrites and compactions', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ slot: fc.nat(600), list: ascending }), { maxLength: 300 }), (writes) => {
        const lists = new PackedLists();
        const expected = new Map<number, number[]>();
        for (const { slot, list } of writes) {
          lists.set(slot, list);
          expected.set(slot, list);
        }
        for (let slot = 0; slot <= 700; slot++) expect(lists.get(slot)).to.deep.equal(expected.get(slot) ?? []);
      }),
      { numRuns: 100 },
    );
  });
});

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

  it('finds a value of a list in a bitset as reading the whole list would', () => {
    const small = fc.uniqueArray(fc.nat(2000), { maxLength: 40 }).map((list) => list.sort((a, b) => a - b));
    fc.assert(
      fc.property(small, fc.uniqueArray(fc.nat(2000), { maxLength: 20 }), (list, wanted) => {
        const lists = new PackedLists();
        lists.set(3, list);
        const bits = new Uint32Array(64);
        for (const value of wanted) bits[value >>> 5] |= 1 << (value & 31);
        expect(lists.intersects(3, bits)).to.equal(list.some((value) => wanted.includes(value)));
        expect(lists.intersects(9, bits)).to.equal(false);
      }),
      { numRuns: 200 },
    );
  });
});

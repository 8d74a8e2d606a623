import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { SortedIndex } from './sorted-index.js';

/** The L1 order on (time, id) pairs, written the plain way. */
function bruteForce(entries: Map<number, number>, ids: string[]): number[] {
  return [...entries.keys()].sort((a, b) => {
    const ta = entries.get(a)!;
    const tb = entries.get(b)!;
    if (ta !== tb) return tb - ta;
    return ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0;
  });
}

type Operation = { kind: 'insert' | 'move'; slot: number; time: number } | { kind: 'delete'; slot: number };

describe('sorted index', () => {
  it('L1 keeps slots newest first with ties by id through any inserts, moves and deletes', () => {
    const slotCount = 3000;
    const ids = Array.from({ length: slotCount }, (_, slot) => `c${(slot * 7919) % slotCount}`);
    const operation: fc.Arbitrary<Operation> = fc.oneof(
      fc.record({
        kind: fc.constant('insert' as const),
        slot: fc.nat(slotCount - 1),
        time: fc.integer({ min: 0, max: 50 }),
      }),
      fc.record({
        kind: fc.constant('move' as const),
        slot: fc.nat(slotCount - 1),
        time: fc.integer({ min: 0, max: 50 }),
      }),
      fc.record({ kind: fc.constant('delete' as const), slot: fc.nat(slotCount - 1) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 2500 }), fc.nat(100), (operations, probe) => {
        const index = new SortedIndex(ids);
        const expected = new Map<number, number>();
        for (const op of operations) {
          const current = expected.get(op.slot);
          if (op.kind === 'delete') {
            expect(index.delete(op.slot, current ?? 0)).to.equal(current !== undefined);
            expected.delete(op.slot);
          } else if (current === undefined) {
            index.insert(op.slot, op.time);
            expected.set(op.slot, op.time);
          } else if (op.kind === 'move') {
            expect(index.delete(op.slot, current)).to.equal(true);
            index.insert(op.slot, op.time);
            expected.set(op.slot, op.time);
          }
        }
        const order = bruteForce(expected, ids);
        expect(index.size).to.equal(order.length);
        expect(index.toArray()).to.deep.equal(order);
        const offset = Math.floor((probe / 100) * order.length);
        expect(index.slice(offset, 50)).to.deep.equal(order.slice(offset, offset + 50));
        for (const slot of order.slice(0, 20)) expect(index.has(slot, expected.get(slot)!)).to.equal(true);
      }),
      { numRuns: 60 },
    );
  });

  it('L1 finds an entry by the time it was placed with, not by a newer one', () => {
    const index = new SortedIndex(['a', 'b']);
    index.insert(0, 10);
    index.insert(1, 20);
    expect(index.has(0, 30)).to.equal(false);
    expect(index.delete(0, 30)).to.equal(false);
    expect(index.delete(0, 10)).to.equal(true);
    expect(index.toArray()).to.deep.equal([1]);
  });

  it('L1 reads a window at any offset of a large bulk-built index', () => {
    const count = 100_000;
    const ids = Array.from({ length: count }, (_, slot) => `c${String(slot).padStart(6, '0')}`);
    const index = new SortedIndex(ids);
    const slots = Array.from({ length: count }, (_, slot) => slot);
    index.assignSorted(
      slots,
      slots.map((slot) => count - slot),
    );
    expect(index.size).to.equal(count);
    expect(index.slice(0, 3)).to.deep.equal([0, 1, 2]);
    expect(index.slice(54_321, 2)).to.deep.equal([54_321, 54_322]);
    expect(index.slice(count - 1, 50)).to.deep.equal([count - 1]);
    expect(index.delete(0, count)).to.equal(true);
    index.insert(0, 0.5);
    expect(index.slice(0, 1)).to.deep.equal([1]);
    expect(index.slice(count - 1, 1)).to.deep.equal([0]);
  });
});

import { expect } from '@open-wc/testing';
import { writable } from '../store/readable.js';
import { select } from './select.js';

describe('select: a derived Readable with its own change detection', () => {
  it('computes nothing and tells nobody while its inputs stay the same objects', () => {
    const records = writable<{ items: string[]; unrelated: number }>({ items: ['a', 'b'], unrelated: 0 });
    let computed = 0;
    const upper = select(
      [records],
      () => [records.get().items] as [string[]],
      (items) => {
        computed += 1;
        return items.map((item) => item.toUpperCase());
      },
    );
    const told: string[][] = [];
    const stop = upper.subscribe((value) => told.push(value));
    const first = upper.get();
    expect(first).to.deep.equal(['A', 'B']);

    records.set({ ...records.get(), unrelated: 1 });
    expect(upper.get()).to.equal(first);
    expect([computed, told.length]).to.deep.equal([1, 0]);

    records.set({ items: ['c'], unrelated: 1 });
    expect(told).to.deep.equal([['C']]);
    expect(computed).to.equal(2);
    stop();
  });

  it('keeps the value object when a new computation is equal by its equality', () => {
    const source = writable([1, 2, 3]);
    const evens = select(
      [source],
      () => [source.get()] as [number[]],
      (numbers) => numbers.filter((n) => n % 2 === 0),
      (a, b) => a.length === b.length && a.every((n, i) => n === b[i]),
    );
    let told = 0;
    const stop = evens.subscribe(() => (told += 1));
    const first = evens.get();
    source.set([1, 2, 5]);
    expect(evens.get()).to.equal(first);
    expect(told).to.equal(0);
    source.set([2, 4]);
    expect(evens.get()).to.deep.equal([2, 4]);
    expect(told).to.equal(1);
    stop();
  });

  it('listens to its sources only while someone listens to it, and answers get() either way', () => {
    let listening = 0;
    const inner = writable(1);
    const counted = {
      get: inner.get,
      subscribe(listener: (value: number) => void) {
        listening += 1;
        const stop = inner.subscribe(listener);
        return () => {
          listening -= 1;
          stop();
        };
      },
    };
    const doubled = select(
      [counted],
      () => [counted.get()] as [number],
      (n) => n * 2,
    );
    expect(doubled.get()).to.equal(2);
    expect(listening).to.equal(0);
    const stopA = doubled.subscribe(() => undefined);
    const stopB = doubled.subscribe(() => undefined);
    expect(listening).to.equal(1);
    stopA();
    expect(listening).to.equal(1);
    stopB();
    expect(listening).to.equal(0);
    inner.set(5);
    expect(doubled.get()).to.equal(10);
  });

  it('tells its listeners of a change that a get() computed before the source told of it', () => {
    // A replica's records change at once; its revision tells at the next frame.
    const replica = { items: ['a'] };
    const revision = writable(0);
    const upper = select(
      [revision],
      () => [replica.items] as [string[]],
      (items) => items.map((item) => item.toUpperCase()),
    );
    const told: string[][] = [];
    const stop = upper.subscribe((value) => told.push(value));
    replica.items = ['b'];
    expect(upper.get()).to.deep.equal(['B']);
    revision.set(1);
    expect(told).to.deep.equal([['B']]);
    revision.set(2);
    expect(told, 'told once').to.have.length(1);
    stop();
  });
});

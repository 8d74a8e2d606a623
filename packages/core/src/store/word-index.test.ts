import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { normalizeSearchText, searchTerms } from './search.js';
import { WordIndex } from './word-index.js';

const vocabulary = [
  'refund',
  'refunds',
  'fun',
  'café',
  'cafe',
  'x',
  'invoice',
  'in',
  'voice',
  'zoë',
  'é',
  'ab',
  'abc',
  'bca',
  'mhz',
];

describe('word index', () => {
  it('F1 finds exactly the slots whose text contains every term, through any text changes', () => {
    const text = fc
      .array(fc.constantFrom(...vocabulary), { maxLength: 8 })
      .map((words) => normalizeSearchText(words.join(' ')));
    fc.assert(
      fc.property(
        fc.array(fc.record({ slot: fc.nat(80), text }), { minLength: 1, maxLength: 200 }),
        fc.array(fc.constantFrom(...vocabulary, 'e', 'fu', 'und', 'oic', 'nv', 'zzz', 'c'), {
          minLength: 1,
          maxLength: 3,
        }),
        (changes, rawTerms) => {
          const index = new WordIndex();
          const texts = new Map<number, string>();
          for (const { slot, text: value } of changes) {
            index.setText(slot, value);
            texts.set(slot, value);
          }
          const terms = searchTerms(rawTerms.join(' '));
          const found = index.matching(terms);
          for (const [slot, value] of texts) {
            const expected = terms.every((term) => value.includes(term));
            expect(((found[slot >>> 5] >>> (slot & 31)) & 1) === 1, `${value} / ${terms}`).to.equal(expected);
            expect(index.slotMatches(slot, terms)).to.equal(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('F1 keeps a common word exact after it switched to a bitset', () => {
    const index = new WordIndex();
    for (let slot = 0; slot < 3000; slot++) index.setText(slot, slot % 3 === 0 ? 'refund now' : 'hello');
    for (let slot = 0; slot < 3000; slot += 6) index.setText(slot, 'hello');
    const found = index.matching(['refund']);
    let count = 0;
    for (let slot = 0; slot < 3000; slot++) if ((found[slot >>> 5] >>> (slot & 31)) & 1) count += 1;
    expect(count).to.equal(500);
    expect(index.textOf(3)).to.equal('refund now');
  });

  it('F1 stays exact over a vocabulary of many thousand words, with text added and replaced', () => {
    // Enough distinct words that the vocabulary is merged into its pool several times.
    const word = (n: number) => `w${n.toString(36)}x`;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            slot: fc.nat(40),
            add: fc.boolean(),
            words: fc.array(fc.nat(20_000), { minLength: 100, maxLength: 600 }),
          }),
          { minLength: 30, maxLength: 60 },
        ),
        (changes) => {
          const index = new WordIndex();
          const texts = new Map<number, string>();
          for (const change of changes) {
            const text = change.words.map(word).join(' ');
            if (change.add) index.addText(change.slot, text);
            else index.setText(change.slot, text);
            texts.set(change.slot, change.add ? `${texts.get(change.slot) ?? ''} ${text}` : text);
          }
          // Words from early and late in the vocabulary, their starts and ends, and no word.
          const used = changes.flatMap((change) => change.words).filter((_, i) => i % 1009 === 0);
          const terms = [
            ...used.map(word),
            ...used.map((n) => word(n).slice(0, 3)),
            ...used.map((n) => word(n).slice(1)),
          ];
          const wordsOf = new Map([...texts].map(([slot, text]) => [slot, [...new Set(text.split(' '))]]));
          for (const term of [...terms, 'zz']) {
            const found = index.matching([term]);
            for (const [slot, words] of wordsOf) {
              const expected = words.some((w) => w.includes(term));
              expect(((found[slot >>> 5] >>> (slot & 31)) & 1) === 1, `${term} in ${slot}`).to.equal(expected);
              expect(index.slotMatches(slot, [term])).to.equal(expected);
            }
          }
          for (const [slot, words] of wordsOf) {
            expect(index.textOf(slot).split(' ').sort()).to.deep.equal(words.filter((w) => w !== '').sort());
          }
        },
      ),
      { numRuns: 10 },
    );
  });
});

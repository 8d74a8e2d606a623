import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { LONGEST_UNBROKEN_RUN, unbrokenRunPieces } from './graphemes.js';

const SEED = 20_261_124;
/** Texts with long runs of the hard kinds: emoji with modifiers, accents, flags, pairs. */
const runs = fc.string({
  unit: fc.constantFrom('A', 'W', ' ', '\n', '👍🏽', '👨‍👩‍👧', 'e\u0301', '🇳🇱', '\ud83d\ude00', '-', '/'),
  maxLength: 600,
});

function graphemeEnds(text: string): Set<number> {
  const ends = new Set([0]);
  let end = 0;
  for (const { segment } of new Intl.Segmenter().segment(text)) ends.add((end += segment.length));
  return ends;
}

describe('break opportunities in long runs (rendering of message text)', () => {
  it('T1 pieces join to the text unchanged, every cut falls between graphemes, and no run goes past the longest', () => {
    fc.assert(
      fc.property(fc.oneof(runs, fc.string({ unit: 'grapheme-composite', maxLength: 300 })), (text) => {
        const pieces = unbrokenRunPieces(text);
        expect(pieces.join('')).to.equal(text);
        const ends = graphemeEnds(text);
        let offset = 0;
        for (const piece of pieces.slice(0, -1)) {
          offset += piece.length;
          expect(ends.has(offset), `cut at ${offset}`).to.equal(true);
        }
        // Between two cuts (or text edges), a run of non-space graphemes is at most the longest.
        for (const piece of pieces) {
          for (const run of piece.split(/\s/)) {
            expect([...new Intl.Segmenter().segment(run)].length).to.be.at.most(LONGEST_UNBROKEN_RUN);
          }
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('T1 ordinary text stays one piece; 64 K characters with no space become pieces of 64', () => {
    expect(unbrokenRunPieces('Hello, could you check order 1234? https://shop.example/orders/1234')).to.have.length(1);
    const pieces = unbrokenRunPieces('A'.repeat(65_536));
    expect(pieces).to.have.length(1024);
    expect(pieces.every((piece) => piece.length === 64)).to.equal(true);
  });
});

import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { normalizeSearchText, querySignature, SIGNATURE_WORDS, searchTerms, writeSignature } from './search.js';

describe('search text', () => {
  it('F1 folds case, accents and whitespace the same way for text and query', () => {
    expect(normalizeSearchText('  Zoë   MÜLLER\n\tCafé ')).to.equal('zoe muller cafe');
    expect(normalizeSearchText('ﬁle Ⅻ')).to.equal('file xii');
    expect(searchTerms('  Café  zoë ')).to.deep.equal(['cafe', 'zoe']);
  });

  it('F1 drops repeated terms and terms inside longer ones', () => {
    expect(searchTerms('inv invoice INVOICE')).to.deep.equal(['invoice']);
    expect(searchTerms('')).to.deep.equal([]);
    expect(searchTerms(undefined)).to.deep.equal([]);
  });

  it('F1 a signature never rejects text that contains the term', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.nat(79), fc.integer({ min: 1, max: 12 }), (raw, start, length) => {
        const haystack = normalizeSearchText(raw);
        const term = haystack.slice(start, start + length).split(' ')[0];
        fc.pre(term.length > 0);
        const signature = new Uint32Array(SIGNATURE_WORDS);
        writeSignature(haystack, signature, 0);
        const required = querySignature([term]);
        for (let i = 0; i < required.length; i += 2) {
          expect(signature[required[i]] & required[i + 1]).to.equal(required[i + 1]);
        }
      }),
      { numRuns: 500 },
    );
  });
});

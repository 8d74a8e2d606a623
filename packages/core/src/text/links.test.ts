import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { linkRuns, safeUrl } from './links.js';

describe('links in message text', () => {
  it('T1 runs join to the text unchanged, and every link is an http, https or mailto URL', () => {
    const piece = fc.constantFrom(
      'https://ok.example/a',
      'mailto:a@b.example',
      'javascript:alert(1)',
      'data:x',
      ').',
      ' ',
      'x',
      '(',
      '<a href="',
      '"',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        const runs = linkRuns(text);
        expect(runs.map((run) => run.text).join('')).to.equal(text);
        for (const run of runs) if (run.href) expect(safeUrl(run.href)).to.equal(run.href);
      }),
      { seed: 20_261_124, numRuns: 300 },
    );
  });

  it('T1 punctuation that ends the sentence stays out of the link', () => {
    expect(linkRuns('see (https://ok.example/x). Thanks')).to.deep.equal([
      { text: 'see (' },
      { text: 'https://ok.example/x', href: 'https://ok.example/x' },
      { text: '). Thanks' },
    ]);
  });
});

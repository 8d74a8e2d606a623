import { expect } from '@open-wc/testing';
import { isWhitespace, normalizeSearchText, searchTerms } from './search.js';

describe('search text', () => {
  it('F1 folds case, accents and whitespace the same way for text and query', () => {
    expect(normalizeSearchText('  Zoë   MÜLLER\n\tCafé ')).to.equal('zoe muller cafe');
    expect(normalizeSearchText('ﬁle Ⅻ 5㎒')).to.equal('file xii 5mhz');
    expect(searchTerms('  Café  zoë ')).to.deep.equal(['cafe', 'zoe']);
  });

  it('F1 drops repeated terms and terms inside longer ones', () => {
    expect(searchTerms('inv invoice INVOICE')).to.deep.equal(['invoice']);
    expect(searchTerms('')).to.deep.equal([]);
    expect(searchTerms(undefined)).to.deep.equal([]);
  });

  it('F1 splits words on exactly the characters the normaliser collapses', () => {
    for (let code = 0; code <= 0xffff; code++) {
      if (isWhitespace(code) !== /\s/.test(String.fromCharCode(code))) expect.fail(`code ${code.toString(16)}`);
    }
    expect(isWhitespace(0xa0)).to.equal(true);
  });
});

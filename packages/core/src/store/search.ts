/**
 * Search (F1) text rules: a conversation's searchable text and a query are normalised the same
 * way, and a query matches when every term is a substring of the text (word-index.ts makes that
 * fast).
 */

const COMBINING_MARKS = /\p{M}+/gu;
const WHITESPACE = /\s+/g;
// Fast path: text with nothing to fold but upper case and whitespace (most text) skips NFKD.
const PLAIN_TEXT = /^[\t\n\r\x20-\x7e]*$/;

/** Lower case, accents and compatibility forms folded (NFKD, marks removed); whitespace kept. */
export function foldSearchText(text: string): string {
  const result = text.toLowerCase();
  if (PLAIN_TEXT.test(result)) return result;
  // Lower case again after NFKD: compatibility forms can unfold into capitals (㎒ → MHz).
  return result.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase();
}

/** Lower case, accents and compatibility forms folded (NFKD, marks removed), whitespace collapsed. */
export function normalizeSearchText(text: string): string {
  return foldSearchText(text).replace(WHITESPACE, ' ').trim();
}

/** Whether a UTF-16 code unit is one of the characters `\s` matches. */
export function isWhitespace(code: number): boolean {
  if (code > 32 && code < 0xa0) return false;
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** The distinct terms of a search string; every one must be found (F1). Empty: no search. */
export function searchTerms(search: string | undefined): string[] {
  if (search === undefined) return [];
  const terms = normalizeSearchText(search)
    .split(' ')
    .filter((term) => term.length > 0);
  // Longest first: it rejects most, and a term inside a longer one adds nothing.
  const unique = [...new Set(terms)].sort((a, b) => b.length - a.length);
  return unique.filter((term, index) => !unique.slice(0, index).some((longer) => longer.includes(term)));
}

/**
 * Search (F1) helpers: text normalisation and a per-conversation trigram signature.
 *
 * A conversation's haystack is its searchable text, normalised once when it changes. A query
 * matches when every term is a substring of the haystack. Scanning 100k haystacks with
 * `includes` alone is too slow for the 10 ms budget (DESIGN §4), so each haystack also gets a
 * 1024-bit signature of its trigrams: a term can only be in a haystack whose signature has all
 * the term's trigram bits, so most conversations are rejected with a few integer tests.
 */

const COMBINING_MARKS = /\p{M}+/gu;
const WHITESPACE = /\s+/g;
// Fast path: text with nothing to fold but upper case and whitespace (most text) skips NFKD.
const PLAIN_TEXT = /^[\t\n\r\x20-\x7e]*$/;

/** Lower case, accents and compatibility forms folded (NFKD, marks removed), whitespace collapsed. */
export function normalizeSearchText(text: string): string {
  let result = text.toLowerCase();
  if (!PLAIN_TEXT.test(result)) result = result.normalize('NFKD').replace(COMBINING_MARKS, '');
  return result.replace(WHITESPACE, ' ').trim();
}

/** The distinct terms of a search string; every one must be found (F1). Empty: no search. */
export function searchTerms(search: string | undefined): string[] {
  if (search === undefined) return [];
  const terms = normalizeSearchText(search).split(' ').filter((term) => term.length > 0);
  // Longest first: it rejects most, and a term inside a longer one adds nothing.
  const unique = [...new Set(terms)].sort((a, b) => b.length - a.length);
  return unique.filter((term, index) => !unique.slice(0, index).some((longer) => longer.includes(term)));
}

/** 32-bit words per signature (1024 bits). */
export const SIGNATURE_WORDS = 32;
const SIGNATURE_MASK = SIGNATURE_WORDS * 32 - 1;

function trigramBit(a: number, b: number, c: number): number {
  // Multiplicative hash; the top bits are the best mixed.
  return (Math.imul((a << 16) ^ (b << 8) ^ c ^ (a >>> 8) ^ (b << 24), 0x9e3779b1) >>> 22) & SIGNATURE_MASK;
}

/** Sets the haystack's trigram bits in `signature` at `offset` (which the caller cleared). */
export function writeSignature(haystack: string, signature: Uint32Array, offset: number): void {
  const length = haystack.length;
  if (length < 3) return;
  let a = haystack.charCodeAt(0);
  let b = haystack.charCodeAt(1);
  for (let i = 2; i < length; i++) {
    const c = haystack.charCodeAt(i);
    // Terms never contain a space, so trigrams across a space would only fill the signature.
    if (a !== 32 && b !== 32 && c !== 32) {
      const bit = trigramBit(a, b, c);
      signature[offset + (bit >>> 5)] |= 1 << (bit & 31);
    }
    a = b;
    b = c;
  }
}

/**
 * What a query needs from a signature: pairs of (word index, mask), flattened. Empty when every
 * term is shorter than three characters (those are checked by substring only).
 */
export function querySignature(terms: readonly string[]): Int32Array {
  const words = new Uint32Array(SIGNATURE_WORDS);
  for (const term of terms) writeSignature(term, words, 0);
  const pairs: number[] = [];
  for (let word = 0; word < SIGNATURE_WORDS; word++) if (words[word] !== 0) pairs.push(word, words[word] | 0);
  return Int32Array.from(pairs);
}

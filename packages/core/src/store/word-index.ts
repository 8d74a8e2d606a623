/**
 * The search index (F1): for every slot, the distinct words of its normalised text; for every
 * word, the slots that contain it; and a trigram index over the vocabulary.
 *
 * A search term never contains whitespace and the text's words are separated by whitespace, so
 * "the term is a substring of the normalised text" is exactly "the term is a substring of one of
 * its words".
 * A query therefore looks the term up in the vocabulary (a few hundred candidate words through a
 * trigram table, checked with `includes`) and ORs those words' slot sets: exact, and without
 * reading any conversation's text. A plain scan of 100k texts takes ~40 ms; this takes ~1 ms.
 *
 * A word's slots are a short array while rare and a bitset once common, so adding and removing
 * a slot stays O(1) for common words and O(short) for rare ones.
 */

import { isWhitespace } from './search.js';

const NO_WORDS: readonly number[] = [];

/** Bucket of a trigram in the vocabulary's trigram table; collisions only add candidates. */
function trigramBucket(a: number, b: number, c: number): number {
  return Math.imul((a << 16) ^ (b << 8) ^ c ^ (a >>> 8), 0x9e3779b1) >>> 16;
}

export class WordIndex {
  /** Vocabulary: word id → word, and an open-addressing table (hash → id + 1) to find ids. */
  private readonly words: string[] = [];
  private wordHashes = new Int32Array(1024);
  private table = new Int32Array(2048);
  /**
   * Per word: its slots. Most words are in one conversation only (addresses, order numbers), so a
   * single slot sits in `singles` (slot + 1) without an array; two or more make a list, and a
   * list longer than a bitset becomes one.
   */
  private readonly postings: (number[] | Uint32Array | undefined)[] = [];
  private singles = new Int32Array(1024);
  /** Per trigram bucket: ids of the words with such a trigram. */
  private readonly trigramWords: (number[] | undefined)[] = new Array(65536);
  /** Per slot: its distinct word ids, ascending. */
  private readonly slotWords: (number[] | undefined)[] = [];
  /** 32-bit words per bitset (slot capacity / 32). */
  private bitsetLength = 1;
  /** Scratch for tokenising, reused. */
  private scratch = new Int32Array(256);

  /** A bitset sized for every slot the index knows, all clear. */
  emptyBitset(): Uint32Array {
    return new Uint32Array(this.bitsetLength);
  }

  private ensureSlot(slot: number): void {
    if (slot < this.bitsetLength * 32) return;
    let length = this.bitsetLength;
    while (slot >= length * 32) length *= 2;
    this.bitsetLength = length;
    for (let word = 0; word < this.postings.length; word++) {
      const bits = this.postings[word];
      if (!(bits instanceof Uint32Array)) continue;
      const grown = new Uint32Array(length);
      grown.set(bits);
      this.postings[word] = grown;
    }
  }

  /**
   * The id of the word at text[start, end), added to the vocabulary when new. Hashing the
   * characters in place (instead of split() and a Map) keeps tokenising free of allocations for
   * words already known, which is nearly all of them.
   */
  private wordId(text: string, start: number, end: number, hash: number): number {
    const table = this.table;
    const mask = table.length - 1;
    const length = end - start;
    for (let at = (hash ^ (hash >>> 15)) & mask; ; at = (at + 1) & mask) {
      const entry = table[at];
      if (entry === 0) break;
      const id = entry - 1;
      if (this.wordHashes[id] !== hash) continue;
      const word = this.words[id];
      if (word.length !== length) continue;
      let same = true;
      for (let i = 0; i < length && same; i++) same = word.charCodeAt(i) === text.charCodeAt(start + i);
      if (same) return id;
    }
    // Concatenate first: a plain slice of a long word would keep the whole text it came from alive.
    return this.addWord((' ' + text.slice(start, end)).slice(1), hash);
  }

  private addWord(word: string, hash: number): number {
    const id = this.words.length;
    this.words.push(word);
    this.postings.push(undefined);
    if (id >= this.wordHashes.length) {
      const grown = new Int32Array(this.wordHashes.length * 2);
      grown.set(this.wordHashes);
      this.wordHashes = grown;
      const singles = new Int32Array(grown.length);
      singles.set(this.singles);
      this.singles = singles;
    }
    this.wordHashes[id] = hash;
    if ((id + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    else this.place(id);
    for (let i = 0; i + 3 <= word.length; i++) {
      const bucket = trigramBucket(word.charCodeAt(i), word.charCodeAt(i + 1), word.charCodeAt(i + 2));
      const list = this.trigramWords[bucket];
      if (list === undefined) this.trigramWords[bucket] = [id];
      else if (list[list.length - 1] !== id) list.push(id);
    }
    return id;
  }

  private place(id: number): void {
    const table = this.table;
    const mask = table.length - 1;
    const hash = this.wordHashes[id];
    let at = (hash ^ (hash >>> 15)) & mask;
    while (table[at] !== 0) at = (at + 1) & mask;
    table[at] = id + 1;
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size);
    for (let id = 0; id < this.words.length; id++) this.place(id);
  }

  /** The distinct word ids of folded text (words separated by whitespace), ascending. */
  private idsOf(text: string): number[] {
    const length = text.length;
    if (length === 0) return [];
    let scratch = this.scratch;
    let count = 0;
    let start = 0;
    let hash = 0x811c9dc5 | 0;
    for (let i = 0; i <= length; i++) {
      const code = i < length ? text.charCodeAt(i) : 32;
      if (!isWhitespace(code)) {
        hash = Math.imul(hash ^ code, 0x01000193);
        continue;
      }
      if (i > start) {
        if (count === scratch.length) {
          const grown = new Int32Array(scratch.length * 2);
          grown.set(scratch);
          this.scratch = scratch = grown;
        }
        scratch[count++] = this.wordId(text, start, i, hash);
      }
      start = i + 1;
      hash = 0x811c9dc5 | 0;
    }
    const sorted = scratch.subarray(0, count).sort();
    let unique = 0;
    for (let i = 0; i < count; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[unique++] = sorted[i];
    // Array.from of a typed array: a packed array of exactly this length (these stay for good).
    return Array.from(sorted.subarray(0, unique));
  }

  /** Replaces the slot's text (already folded by foldSearchText). */
  setText(slot: number, foldedText: string): void {
    this.ensureSlot(slot);
    const next = this.idsOf(foldedText);
    const previous = this.slotWords[slot] ?? NO_WORDS;
    // Both ascending: one merge pass finds the words that left and the words that came.
    let i = 0;
    let j = 0;
    while (i < previous.length || j < next.length) {
      const before = i < previous.length ? previous[i] : Infinity;
      const after = j < next.length ? next[j] : Infinity;
      if (before === after) {
        i++;
        j++;
      } else if (before < after) {
        this.removeSlot(before, slot);
        i++;
      } else {
        this.addSlot(after, slot);
        j++;
      }
    }
    this.slotWords[slot] = next.length > 0 ? next : undefined;
  }

  /** Adds folded text to the slot's text (a new message): no word can leave. */
  addText(slot: number, foldedText: string): void {
    this.ensureSlot(slot);
    const added = this.idsOf(foldedText);
    if (added.length === 0) return;
    let own = this.slotWords[slot];
    if (own === undefined) this.slotWords[slot] = own = [];
    for (const id of added) {
      // Binary search for the place; most words of a new message are in the thread already.
      let low = 0;
      let high = own.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (own[mid] < id) low = mid + 1;
        else high = mid;
      }
      if (own[low] === id) continue;
      own.splice(low, 0, id);
      this.addSlot(id, slot);
    }
  }

  private addSlot(word: number, slot: number): void {
    const posting = this.postings[word];
    if (posting === undefined) {
      const single = this.singles[word];
      if (single === 0) this.singles[word] = slot + 1;
      else {
        this.postings[word] = [single - 1, slot];
        this.singles[word] = 0;
      }
    } else if (posting instanceof Uint32Array) {
      posting[slot >>> 5] |= 1 << (slot & 31);
    } else {
      posting.push(slot);
      // A list longer than the bitset's words costs more memory and slower removal: switch.
      if (posting.length > this.bitsetLength) {
        const bits = new Uint32Array(this.bitsetLength);
        for (const member of posting) bits[member >>> 5] |= 1 << (member & 31);
        this.postings[word] = bits;
      }
    }
  }

  private removeSlot(word: number, slot: number): void {
    const posting = this.postings[word];
    if (posting === undefined) {
      if (this.singles[word] === slot + 1) this.singles[word] = 0;
    } else if (posting instanceof Uint32Array) {
      posting[slot >>> 5] &= ~(1 << (slot & 31));
    } else {
      const at = posting.lastIndexOf(slot);
      if (at < 0) return;
      posting[at] = posting[posting.length - 1];
      posting.pop();
      if (posting.length === 1) {
        this.singles[word] = posting[0] + 1;
        this.postings[word] = undefined;
      }
    }
  }

  /** The ids of every known word that contains `term`. */
  wordsContaining(term: string): number[] {
    const words = this.words;
    const found: number[] = [];
    if (term.length < 3) {
      for (let id = 0; id < words.length; id++) if (words[id].includes(term)) found.push(id);
      return found;
    }
    // A word containing the term has all its trigrams: the smallest bucket gives the candidates.
    let candidates: number[] | undefined;
    for (let i = 0; i + 3 <= term.length; i++) {
      const list = this.trigramWords[trigramBucket(term.charCodeAt(i), term.charCodeAt(i + 1), term.charCodeAt(i + 2))];
      if (list === undefined) return found;
      if (candidates === undefined || list.length < candidates.length) candidates = list;
    }
    let last = -1;
    for (const id of candidates!) {
      if (id !== last && words[id].includes(term)) found.push(id);
      last = id;
    }
    return found;
  }

  /** Sets, in `into`, the bit of every slot whose text contains `term`. */
  collect(term: string, into: Uint32Array): void {
    for (const word of this.wordsContaining(term)) {
      const posting = this.postings[word];
      if (posting === undefined) {
        const single = this.singles[word] - 1;
        if (single >= 0) into[single >>> 5] |= 1 << (single & 31);
      } else if (posting instanceof Uint32Array) {
        for (let i = 0; i < posting.length; i++) into[i] |= posting[i];
      } else {
        for (const slot of posting) into[slot >>> 5] |= 1 << (slot & 31);
      }
    }
  }

  /** A bitset of the slots whose text contains every term. */
  matching(terms: readonly string[]): Uint32Array {
    let result: Uint32Array | null = null;
    for (const term of terms) {
      const bits = this.emptyBitset();
      this.collect(term, bits);
      if (result === null) result = bits;
      else for (let i = 0; i < result.length; i++) result[i] &= bits[i];
    }
    return result ?? this.emptyBitset().fill(0xffffffff);
  }

  /** Whether the slot's text contains every term (one slot: reads its words). */
  slotMatches(slot: number, terms: readonly string[]): boolean {
    const ids = this.slotWords[slot] ?? NO_WORDS;
    const words = this.words;
    for (const term of terms) {
      let found = false;
      for (let i = 0; i < ids.length && !found; i++) found = words[ids[i]].includes(term);
      if (!found) return false;
    }
    return true;
  }

  /** The slot's words joined (what its search covers), for tests and debugging. */
  textOf(slot: number): string {
    return Array.from(this.slotWords[slot] ?? NO_WORDS, (id) => this.words[id]).join(' ');
  }
}

/**
 * The search index (F1): for every slot, the distinct words of its normalised text; for every
 * word, the slots that contain it.
 *
 * A search term never contains whitespace and the text's words are separated by whitespace, so
 * "the term is a substring of the normalised text" is exactly "the term is a substring of one of
 * its words".
 * A query therefore finds the term in the vocabulary and ORs those words' slot sets: exact, and
 * without reading any conversation's text.
 *
 * The vocabulary (~240k words for 100k conversations, most of them addresses and numbers seen
 * once) is one string, each word followed by a line feed, which no term contains: finding a term
 * in every word is one `indexOf` loop over it (~1–3 ms), and a word costs its characters, not a
 * string object and the trigrams a table would keep of it (~25 MB at 100k conversations).
 *
 * A word's slots are a short array while rare and a bitset once common, so adding and removing
 * a slot stays O(1) for common words and O(short) for rare ones.
 */

import { PackedLists } from './packed-lists.js';
import { isWhitespace } from './search.js';

export class WordIndex {
  /** The vocabulary's first `pooled` words, each followed by a line feed. */
  private pool = '';
  private pooled = 0;
  /**
   * Words added since: merged into the pool in bulk, since a string grown word by word would be
   * copied whole at every lookup in between.
   */
  private fresh: string[] = [];
  /** Word id → where it starts in the pool (fresh words: where they will); one more: the end. */
  private starts = new Int32Array(1025);
  /** An open-addressing table (hash → id + 1) to find ids, and each word's hash. */
  private wordHashes = new Int32Array(1024);
  private table = new Int32Array(2048);
  /**
   * Per word: its slots. Most words are in one conversation only (addresses, order numbers), so a
   * single slot sits in `singles` (slot + 1) without an array; two or more make a list, and a
   * list longer than a bitset becomes one. A map of the few such words (~230 of 240k at 100k
   * conversations), not an entry per word.
   */
  private readonly postings = new Map<number, number[] | Uint32Array>();
  private singles = new Int32Array(1024);
  /** Per slot: its distinct word ids, ascending. */
  private readonly slotWords = new PackedLists();
  /** 32-bit words per bitset (slot capacity / 32). */
  private bitsetLength = 1;
  /** Scratch for tokenising, reused. */
  private scratch = new Int32Array(256);
  /** Scratch for a slot's words with a new message's, reused. */
  private merged = new Int32Array(256);
  /**
   * For the terms `slotMatches` was asked about (a live search's): a bitset of the word ids that
   * contain the term, and how many words of the vocabulary it has looked at. Words are never taken
   * out of the vocabulary, so a set stays true and only new words need a look.
   */
  private termWords = new Map<string, { bits: Uint32Array; seen: number }>();

  /** A bitset sized for every slot the index knows, all clear. */
  emptyBitset(): Uint32Array {
    return new Uint32Array(this.bitsetLength);
  }

  private ensureSlot(slot: number): void {
    if (slot < this.bitsetLength * 32) return;
    let length = this.bitsetLength;
    while (slot >= length * 32) length *= 2;
    this.bitsetLength = length;
    for (const [word, bits] of this.postings) {
      if (!(bits instanceof Uint32Array)) continue;
      const grown = new Uint32Array(length);
      grown.set(bits);
      this.postings.set(word, grown);
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
      if (this.wordHashes[id] !== hash || this.starts[id + 1] - this.starts[id] - 1 !== length) continue;
      const pooled = id < this.pooled;
      const word = pooled ? this.pool : this.fresh[id - this.pooled];
      const offset = pooled ? this.starts[id] : 0;
      let same = true;
      for (let i = 0; i < length && same; i++) same = word.charCodeAt(offset + i) === text.charCodeAt(start + i);
      if (same) return id;
    }
    // Concatenate first: a plain slice of a long word would keep the whole text it came from alive.
    return this.addWord((' ' + text.slice(start, end)).slice(1), hash);
  }

  private get wordCount(): number {
    return this.pooled + this.fresh.length;
  }

  private addWord(word: string, hash: number): number {
    const id = this.wordCount;
    if (this.fresh.length >= Math.max(4096, this.pooled >>> 3)) {
      this.pool += oneByte(`${this.fresh.join('\n')}\n`);
      this.pooled = id;
      this.fresh = [];
    }
    this.fresh.push(word);
    if (id >= this.wordHashes.length) {
      const length = this.wordHashes.length * 2;
      this.wordHashes = grown(this.wordHashes, length);
      this.singles = grown(this.singles, length);
      this.starts = grown(this.starts, length + 1);
    }
    this.wordHashes[id] = hash;
    this.starts[id + 1] = this.starts[id] + word.length + 1;
    if ((id + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    else this.place(id);
    return id;
  }

  private wordAt(id: number): string {
    return id < this.pooled ? this.pool.slice(this.starts[id], this.starts[id + 1] - 1) : this.fresh[id - this.pooled];
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
    for (let id = 0; id < this.wordCount; id++) this.place(id);
  }

  /**
   * The distinct word ids of folded text (words separated by whitespace), ascending: a view of
   * the scratch buffer, good until the next call.
   */
  private idsOf(text: string): Int32Array {
    const length = text.length;
    if (length === 0) return this.scratch.subarray(0, 0);
    let scratch = this.scratch;
    let count = 0;
    let start = 0;
    let hash = 0x811c9dc5 | 0;
    for (let i = 0; i <= length; i++) {
      const code = i < length ? text.charCodeAt(i) : 32;
      // Letters and digits first, without a call: nearly every character is one.
      if ((code > 32 && code < 0xa0) || !isWhitespace(code)) {
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
    // A message has a few dozen words: sorted in place, without the native sort's overhead.
    if (count > 64) scratch.subarray(0, count).sort();
    else
      for (let i = 1; i < count; i++) {
        const id = scratch[i];
        let at = i;
        for (; at > 0 && scratch[at - 1] > id; at--) scratch[at] = scratch[at - 1];
        scratch[at] = id;
      }
    let unique = 0;
    for (let i = 0; i < count; i++) if (i === 0 || scratch[i] !== scratch[i - 1]) scratch[unique++] = scratch[i];
    return scratch.subarray(0, unique);
  }

  /** Replaces the slot's text (already folded by foldSearchText). */
  setText(slot: number, foldedText: string): void {
    this.ensureSlot(slot);
    const next = this.idsOf(foldedText);
    const previous = this.slotWords.view(slot);
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
    this.slotWords.set(slot, next);
  }

  /** Adds folded text to the slot's text (a new message): no word can leave. */
  addText(slot: number, foldedText: string): void {
    this.ensureSlot(slot);
    const added = this.idsOf(foldedText);
    if (added.length === 0) return;
    const own = this.slotWords.view(slot);
    // Both ascending: one pass finds the new words; most words of a new message are in the thread
    // already, and then nothing is written.
    const fresh: number[] = [];
    for (let i = 0, j = 0; j < added.length; j++) {
      while (i < own.length && own[i] < added[j]) i++;
      if (i === own.length || own[i] !== added[j]) fresh.push(added[j]);
    }
    if (fresh.length === 0) return;
    for (const word of fresh) this.addSlot(word, slot);
    if (this.merged.length < own.length + fresh.length) this.merged = new Int32Array(2 * (own.length + fresh.length));
    const merged = this.merged;
    let count = 0;
    for (let i = 0, j = 0; i < own.length || j < fresh.length;) {
      if (j === fresh.length || (i < own.length && own[i] < fresh[j])) merged[count++] = own[i++];
      else merged[count++] = fresh[j++];
    }
    this.slotWords.set(slot, merged.subarray(0, count));
  }

  private addSlot(word: number, slot: number): void {
    const posting = this.postings.get(word);
    if (posting === undefined) {
      const single = this.singles[word];
      if (single === 0) this.singles[word] = slot + 1;
      else {
        this.postings.set(word, [single - 1, slot]);
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
        this.postings.set(word, bits);
      }
    }
  }

  private removeSlot(word: number, slot: number): void {
    const posting = this.postings.get(word);
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
        this.postings.delete(word);
      }
    }
  }

  /** The ids of every known word that contains `term` (which has no whitespace). */
  wordsContaining(term: string): number[] {
    const found: number[] = [];
    const starts = this.starts;
    let id = 0;
    // After a hit, the search goes on from the next word: a word is listed once.
    for (let at = this.pool.indexOf(term); at >= 0; at = this.pool.indexOf(term, starts[id + 1])) {
      while (starts[id + 1] <= at) id++;
      found.push(id);
    }
    this.fresh.forEach((word, i) => word.includes(term) && found.push(this.pooled + i));
    return found;
  }

  /** Sets, in `into`, the bit of every slot whose text contains `term`. */
  collect(term: string, into: Uint32Array): void {
    for (const word of this.wordsContaining(term)) {
      const posting = this.postings.get(word);
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

  /** Whether the slot's text contains every term (one slot: reads its word ids, no words). */
  slotMatches(slot: number, terms: readonly string[]): boolean {
    return terms.every((term) => this.slotWords.intersects(slot, this.wordsWith(term)));
  }

  /** A bitset of the ids of every known word that contains `term`, kept for the next time. */
  private wordsWith(term: string): Uint32Array {
    const count = this.wordCount;
    let known = this.termWords.get(term);
    if (known === undefined) {
      // A handful of live searches at a time: more terms than this are from searches gone by.
      if (this.termWords.size >= 16) this.termWords = new Map();
      known = { bits: new Uint32Array((count >>> 5) + 1), seen: count };
      for (const id of this.wordsContaining(term)) known.bits[id >>> 5] |= 1 << (id & 31);
      this.termWords.set(term, known);
    } else if (known.seen < count) {
      if (known.bits.length * 32 <= count) known.bits = grown(known.bits, (count >>> 4) + 1);
      for (let id = known.seen; id < count; id++)
        if (this.wordAt(id).includes(term)) known.bits[id >>> 5] |= 1 << (id & 31);
      known.seen = count;
    }
    return known.bits;
  }

  /** The slot's words joined (what its search covers), for tests and debugging. */
  textOf(slot: number): string {
    return this.slotWords
      .get(slot)
      .map((id) => this.wordAt(id))
      .join(' ');
  }
}

/**
 * The same text, built from its character codes: a word cut from a text that went through NFKD is
 * kept by V8 in two bytes a character even when every character fits in one, and one such word
 * makes the whole pool two-byte (8.3 instead of 4.2 MB at 100k conversations). Text from codes
 * that all fit in a byte is stored one byte a character.
 */
function oneByte(text: string): string {
  const parts: string[] = [];
  const codes = new Uint16Array(4096);
  for (let start = 0; start < text.length; start += codes.length) {
    const end = Math.min(text.length, start + codes.length);
    for (let i = start; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code > 0xff) return text;
      codes[i - start] = code;
    }
    parts.push(String.fromCharCode(...codes.subarray(0, end - start)));
  }
  return parts.join('');
}

/** A copy of `from` with room for `length` entries. */
function grown<T extends Int32Array | Uint32Array>(from: T, length: number): T {
  const into = new (from.constructor as new (length: number) => T)(length);
  into.set(from);
  return into;
}

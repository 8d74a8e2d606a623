/**
 * Short ascending lists of non-negative integers, one per slot, in one byte buffer: each list is
 * stored as the differences between neighbours, 7 bits per byte. A search index keeps every
 * conversation's word ids this way: ~1.5 bytes an id instead of 4, and no array object per list.
 *
 * A list that changes is written again at the end; what it used before is left behind and the
 * buffer is compacted when it is full, so writing costs O(1) amortised per byte.
 */
export class PackedLists {
  private bytes = new Uint8Array(4096);
  /** Per slot: where its list starts in `bytes`, and how many bytes it has. */
  private starts = new Int32Array(256);
  private sizes = new Int32Array(256);
  private end = 0;
  /** Bytes that no list uses any more. */
  private garbage = 0;

  /** Where `view` decodes a list: reused, so that reading a list makes no garbage. */
  private decoded = new Int32Array(256);

  /** The slot's list (empty for a slot never set). */
  get(slot: number): number[] {
    return Array.from(this.view(slot));
  }

  /** The slot's list in a buffer that the next call reuses (ingest reads a list per message). */
  view(slot: number): Int32Array {
    if (slot >= this.starts.length) return this.decoded.subarray(0, 0);
    const bytes = this.bytes;
    let at = this.starts[slot];
    const stop = at + this.sizes[slot];
    // A value takes a byte at least: the list has no more values than bytes.
    if (this.decoded.length < stop - at) this.decoded = new Int32Array(2 * (stop - at));
    const into = this.decoded;
    let count = 0;
    let value = 0;
    while (at < stop) {
      let delta = 0;
      let scale = 1;
      let byte: number;
      do {
        byte = bytes[at++];
        delta += (byte & 0x7f) * scale;
        scale *= 0x80;
      } while (byte & 0x80);
      value += delta;
      into[count++] = value;
    }
    return into.subarray(0, count);
  }

  /** Whether the slot's list holds a value whose bit is set in `bits` (read in place, no list made). */
  intersects(slot: number, bits: Uint32Array): boolean {
    if (slot >= this.starts.length) return false;
    const bytes = this.bytes;
    let at = this.starts[slot];
    const stop = at + this.sizes[slot];
    let value = 0;
    while (at < stop) {
      let delta = 0;
      let scale = 1;
      let byte: number;
      do {
        byte = bytes[at++];
        delta += (byte & 0x7f) * scale;
        scale *= 0x80;
      } while (byte & 0x80);
      value += delta;
      if ((bits[value >>> 5] & (1 << (value & 31))) !== 0) return true;
    }
    return false;
  }

  /** Replaces the slot's list; `list` must be ascending, below 2^31. */
  set(slot: number, list: ArrayLike<number>): void {
    if (slot >= this.starts.length) {
      let length = this.starts.length;
      while (slot >= length) length *= 2;
      this.starts = copied(this.starts, new Int32Array(length));
      this.sizes = copied(this.sizes, new Int32Array(length));
    }
    let size = 0;
    for (let i = 0, previous = 0; i < list.length; previous = list[i++]) {
      for (let delta = list[i] - previous; delta >= 0x80; delta >>>= 7) size += 1;
      size += 1;
    }
    this.garbage += this.sizes[slot];
    this.sizes[slot] = 0;
    if (this.end + size > this.bytes.length) this.compact(size);
    const bytes = this.bytes;
    let at = this.end;
    for (let i = 0, previous = 0; i < list.length; previous = list[i++]) {
      let delta = list[i] - previous;
      for (; delta >= 0x80; delta >>>= 7) bytes[at++] = (delta & 0x7f) | 0x80;
      bytes[at++] = delta;
    }
    this.starts[slot] = this.end;
    this.sizes[slot] = size;
    this.end = at;
  }

  /** Copies every list into a buffer with room for `extra` more bytes and half as much again. */
  private compact(extra: number): void {
    const live = this.end - this.garbage;
    const next = new Uint8Array(Math.max(4096, Math.ceil((live + extra) * 1.5)));
    let at = 0;
    for (let slot = 0; slot < this.starts.length; slot++) {
      const size = this.sizes[slot];
      next.set(this.bytes.subarray(this.starts[slot], this.starts[slot] + size), at);
      this.starts[slot] = at;
      at += size;
    }
    this.bytes = next;
    this.end = at;
    this.garbage = 0;
  }
}

function copied<T extends Int32Array>(from: T, into: T): T {
  into.set(from);
  return into;
}

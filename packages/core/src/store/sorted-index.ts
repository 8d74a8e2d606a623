/**
 * A sorted list of conversation slots in list order (L1: newest `lastReceivedAt` first, ties by id
 * ascending), kept as a list of small sorted chunks. Insert and delete are a binary search over
 * the chunks plus a short in-chunk shift (O(log n + chunk size)); reading a window at any offset
 * is O(number of chunks) at worst. Every entry carries the sort time it was placed with, so it can
 * be found again after its record changed.
 *
 * Slots are small integers the store hands out per conversation (array indexes, not ids), so that
 * scans stay on numbers; `ids[slot]` breaks ties between equal times.
 */

/** Largest chunk; a full chunk splits in two. */
const CHUNK_MAX = 512;
/** Chunks built in bulk are filled this far, so the first inserts do not split at once. */
const CHUNK_FILL = 384;
/** A chunk this small merges into a neighbour when they fit together. */
const CHUNK_MIN = 64;

interface Chunk {
  /** Sort times, descending (L1). */
  times: Float64Array;
  slots: Int32Array;
  length: number;
}

/** Chunks built in bulk get room for their entries only (a quarter less memory at rest). */
function newChunk(room = CHUNK_MAX): Chunk {
  return { times: new Float64Array(room), slots: new Int32Array(room), length: 0 };
}

/** Gives a chunk room for `length` entries (all it may hold once it changes). */
function makeRoom(chunk: Chunk, length: number): void {
  if (chunk.slots.length >= length) return;
  const { times, slots } = chunk;
  chunk.times = new Float64Array(CHUNK_MAX);
  chunk.slots = new Int32Array(CHUNK_MAX);
  chunk.times.set(times);
  chunk.slots.set(slots);
}

export class SortedIndex {
  private chunks: Chunk[] = [];
  /** Each chunk's last entry, side by side, so the search over chunks stays in one array. */
  private lastTimes: number[] = [];
  private lastSlots: number[] = [];
  private total = 0;
  /** Cumulative sizes before each chunk; rebuilt on demand after a change. */
  private starts: Int32Array | null = null;

  /** `ids[slot]` is the conversation id of a slot (the tie-break of L1). */
  constructor(private readonly ids: readonly string[]) {}

  get size(): number {
    return this.total;
  }

  /** Replaces the content with slots already in list order. */
  assignSorted(slots: ArrayLike<number>, times: ArrayLike<number>): void {
    this.chunks = [];
    this.lastTimes = [];
    this.lastSlots = [];
    this.total = slots.length;
    this.starts = null;
    for (let start = 0; start < slots.length; start += CHUNK_FILL) {
      const end = Math.min(slots.length, start + CHUNK_FILL);
      const chunk = newChunk(end - start);
      for (let i = start; i < end; i++) {
        chunk.slots[i - start] = slots[i];
        chunk.times[i - start] = times[i];
      }
      chunk.length = end - start;
      this.chunks.push(chunk);
      this.lastTimes.push(times[end - 1]);
      this.lastSlots.push(slots[end - 1]);
    }
  }

  /** Negative when (timeA, slotA) comes before (timeB, slotB) in the list. */
  private compare(timeA: number, slotA: number, timeB: number, slotB: number): number {
    if (timeA !== timeB) return timeB - timeA;
    if (slotA === slotB) return 0;
    const idA = this.ids[slotA];
    const idB = this.ids[slotB];
    // Equal ids only meet when a conversation was removed and added again in one batch.
    return idA < idB ? -1 : idA > idB ? 1 : slotA - slotB;
  }

  /** The first chunk whose last entry is not before the key; the last chunk when none is. */
  private findChunk(time: number, slot: number): number {
    const lastTimes = this.lastTimes;
    let low = 0;
    let high = lastTimes.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const t = lastTimes[mid];
      if (t > time || (t === time && this.compare(t, this.lastSlots[mid], time, slot) < 0)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Records a chunk's last entry after it changed. */
  private syncLast(chunkIndex: number): void {
    const chunk = this.chunks[chunkIndex];
    this.lastTimes[chunkIndex] = chunk.times[chunk.length - 1];
    this.lastSlots[chunkIndex] = chunk.slots[chunk.length - 1];
  }

  private removeChunk(chunkIndex: number): void {
    this.chunks.splice(chunkIndex, 1);
    this.lastTimes.splice(chunkIndex, 1);
    this.lastSlots.splice(chunkIndex, 1);
  }

  /** The first position in the chunk whose entry is not before the key. */
  private lowerBound(chunk: Chunk, time: number, slot: number): number {
    let low = 0;
    let high = chunk.length;
    const times = chunk.times;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const t = times[mid];
      // Compare on numbers first: most keys differ in time, so ids are rarely read.
      if (t > time || (t === time && this.compare(t, chunk.slots[mid], time, slot) < 0)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Adds a slot at its place. The caller makes sure it is not in the index yet. */
  insert(slot: number, time: number): void {
    this.starts = null;
    this.total += 1;
    if (this.chunks.length === 0) {
      const chunk = newChunk();
      chunk.times[0] = time;
      chunk.slots[0] = slot;
      chunk.length = 1;
      this.chunks.push(chunk);
      this.lastTimes.push(time);
      this.lastSlots.push(slot);
      return;
    }
    let chunkIndex = this.findChunk(time, slot);
    let chunk = this.chunks[chunkIndex];
    if (chunk.length === CHUNK_MAX) {
      const half = CHUNK_MAX >>> 1;
      const right = newChunk();
      right.times.set(chunk.times.subarray(half, CHUNK_MAX));
      right.slots.set(chunk.slots.subarray(half, CHUNK_MAX));
      right.length = CHUNK_MAX - half;
      chunk.length = half;
      this.chunks.splice(chunkIndex + 1, 0, right);
      this.lastTimes.splice(chunkIndex + 1, 0, 0);
      this.lastSlots.splice(chunkIndex + 1, 0, 0);
      this.syncLast(chunkIndex);
      this.syncLast(chunkIndex + 1);
      if (this.compare(chunk.times[half - 1], chunk.slots[half - 1], time, slot) < 0) {
        chunk = right;
        chunkIndex += 1;
      }
    }
    const position = this.lowerBound(chunk, time, slot);
    makeRoom(chunk, chunk.length + 1);
    if (position < chunk.length) {
      chunk.times.copyWithin(position + 1, position, chunk.length);
      chunk.slots.copyWithin(position + 1, position, chunk.length);
    }
    chunk.times[position] = time;
    chunk.slots[position] = slot;
    chunk.length += 1;
    if (position === chunk.length - 1) this.syncLast(chunkIndex);
  }

  private locate(slot: number, time: number): [chunkIndex: number, position: number] | null {
    if (this.total === 0) return null;
    const chunkIndex = this.findChunk(time, slot);
    const chunk = this.chunks[chunkIndex];
    const position = this.lowerBound(chunk, time, slot);
    if (position < chunk.length && chunk.slots[position] === slot && chunk.times[position] === time) {
      return [chunkIndex, position];
    }
    return null;
  }

  /** Whether the slot is in the index, placed with `time`. */
  has(slot: number, time: number): boolean {
    return this.locate(slot, time) !== null;
  }

  /** Removes the slot placed with `time`; false when it was not there. */
  delete(slot: number, time: number): boolean {
    const found = this.locate(slot, time);
    if (found === null) return false;
    const [chunkIndex, position] = found;
    const chunk = this.chunks[chunkIndex];
    chunk.times.copyWithin(position, position + 1, chunk.length);
    chunk.slots.copyWithin(position, position + 1, chunk.length);
    chunk.length -= 1;
    this.total -= 1;
    this.starts = null;
    if (chunk.length === 0) this.removeChunk(chunkIndex);
    else {
      if (position === chunk.length) this.syncLast(chunkIndex);
      if (chunk.length < CHUNK_MIN) this.mergeSmall(chunkIndex);
    }
    return true;
  }

  /** Keeps the chunk count near n / chunk size after many deletes. */
  private mergeSmall(chunkIndex: number): void {
    const chunk = this.chunks[chunkIndex];
    const next = this.chunks[chunkIndex + 1];
    if (next !== undefined && chunk.length + next.length <= CHUNK_FILL) {
      makeRoom(chunk, chunk.length + next.length);
      chunk.times.set(next.times.subarray(0, next.length), chunk.length);
      chunk.slots.set(next.slots.subarray(0, next.length), chunk.length);
      chunk.length += next.length;
      this.removeChunk(chunkIndex + 1);
      this.syncLast(chunkIndex);
      return;
    }
    const previous = this.chunks[chunkIndex - 1];
    if (previous !== undefined && chunk.length + previous.length <= CHUNK_FILL) {
      makeRoom(previous, chunk.length + previous.length);
      previous.times.set(chunk.times.subarray(0, chunk.length), previous.length);
      previous.slots.set(chunk.slots.subarray(0, chunk.length), previous.length);
      previous.length += chunk.length;
      this.removeChunk(chunkIndex);
      this.syncLast(chunkIndex - 1);
    }
  }

  /** The slots at positions [offset, offset + limit) in list order. */
  slice(offset: number, limit: number): number[] {
    const result: number[] = [];
    offset = Math.max(0, Math.floor(offset));
    const end = Math.min(this.total, offset + Math.max(0, Math.floor(limit)));
    if (offset >= end) return result;
    const starts = this.chunkStarts();
    // The last chunk that starts at or before the offset.
    let low = 0;
    let high = this.chunks.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    let position = offset - starts[low];
    for (let chunkIndex = low; chunkIndex < this.chunks.length && result.length < end - offset; chunkIndex++) {
      const chunk = this.chunks[chunkIndex];
      for (; position < chunk.length && result.length < end - offset; position++) result.push(chunk.slots[position]);
      position = 0;
    }
    return result;
  }

  private chunkStarts(): Int32Array {
    if (this.starts === null) {
      const starts = new Int32Array(this.chunks.length);
      let sum = 0;
      for (let i = 0; i < this.chunks.length; i++) {
        starts[i] = sum;
        sum += this.chunks[i].length;
      }
      this.starts = starts;
    }
    return this.starts;
  }

  /**
   * Calls `visit` once per chunk, in list order, with the chunk's first `length` entries (read
   * them, do not keep or change them). Scans loop over the arrays themselves: one call per chunk
   * instead of one per entry.
   */
  forEachChunk(visit: (slots: Int32Array, times: Float64Array, length: number) => void): void {
    for (const chunk of this.chunks) visit(chunk.slots, chunk.times, chunk.length);
  }

  /** Every slot in list order. */
  toArray(): number[] {
    const result: number[] = [];
    for (const chunk of this.chunks) for (let i = 0; i < chunk.length; i++) result.push(chunk.slots[i]);
    return result;
  }
}

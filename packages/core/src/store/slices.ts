/**
 * A large snapshot loaded in slices (DESIGN §4: a reset blocks the page ≤ 300 ms at a time), as
 * a part of its own in bundles: only an inbox of more than 10,000 conversations needs it. The
 * store builds the new replica aside with it and swaps it in whole when it is done.
 */
import type { Conversation } from '../model/model.js';
import type { Snapshot } from '../protocol/events.js';
import { loadSnapshotInSteps } from './bulk-load.js';
import { SearchIndex, type SearchHost } from './search-index.js';

/** A sort that yields now and then: the store's view indexes are built with it. */
export type SortInSteps = (
  slots: number[],
  compare: (a: number, b: number) => number,
) => Generator<void, number[], undefined>;

/** What the slices build of a replica. */
export interface SlicedReplica extends SearchHost {
  readonly me: string | null;
  readonly records: readonly (Conversation | undefined)[];
  search: SearchIndex | null;
  /** Slots, columns, contact links and view indexes from the state, yielding now and then. */
  indexSteps(sort: SortInSteps): Generator<void, void, undefined>;
}

export interface SliceOptions {
  /** How long a slice runs before the page gets its turn. */
  ms: number;
  /** False once a later reset replaced this one: it stops. */
  current(): boolean;
  /** Whether the text is indexed too (an agent's replica, or a search is live). */
  searching(): boolean;
  /** Called once `next` is whole. */
  done(): void;
}

/** Items sorted natively per run, then merged; also how many merged items between yields. */
const RUN = 4096;

/** Builds `next` from a snapshot, one slice per task. */
export function buildInSlices(next: SlicedReplica, snapshot: Snapshot, options: SliceOptions): void {
  const steps = buildAside(next, snapshot, options);
  const slice = () => {
    if (!options.current()) return;
    const start = performance.now();
    do {
      if (steps.next().done === true) return options.done();
    } while (performance.now() - start < options.ms);
    setTimeout(slice, 0);
  };
  slice();
}

function* buildAside(next: SlicedReplica, snapshot: Snapshot, options: SliceOptions): Generator<void, void, undefined> {
  yield* loadSnapshotInSteps(next.state, snapshot);
  yield* next.indexSteps((slots, compare) => sortInSteps(slots, compare));
  if (!options.searching()) return;
  // Indexed before the swap, so that no search after it waits for seconds of text.
  const search = (next.search = new SearchIndex(next));
  for (let slot = 0; slot < next.records.length; slot++) if (next.records[slot] !== undefined) search.markText(slot);
  while (search.backlog > 0) {
    search.update(RUN / 8);
    yield;
  }
}

/**
 * A stable sort in steps: runs sorted natively, then merged pairwise, yielding after every `RUN`
 * items, so that sorting 100k conversations is no single long task.
 */
function* sortInSteps<T>(items: T[], compare: (a: T, b: T) => number): Generator<void, T[], undefined> {
  let from = items;
  for (let start = 0; start < from.length; start += RUN) {
    const part = from.slice(start, start + RUN).sort(compare);
    for (let i = 0; i < part.length; i++) from[start + i] = part[i];
    yield;
  }
  let into = new Array<T>(from.length);
  for (let width = RUN; width < from.length; width *= 2) {
    let done = 0;
    for (let left = 0; left < from.length; left += 2 * width) {
      const middle = Math.min(left + width, from.length);
      const end = Math.min(left + 2 * width, from.length);
      // The left item first when equal: stable, as the native sort.
      for (let i = left, j = middle, k = left; k < end; k++) {
        into[k] = j >= end || (i < middle && compare(from[i], from[j]) <= 0) ? from[i++] : from[j++];
        if (++done % RUN === 0) yield;
      }
    }
    [from, into] = [into, from];
  }
  return from;
}

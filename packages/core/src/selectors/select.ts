import type { Readable } from '../store/readable.js';

/**
 * A Readable derived from other Readables, with its own change detection. When a source changes it
 * reads `inputs` (cheap references: records, arrays, flags); when each is the same as last time it
 * computes nothing and tells nobody. Otherwise it computes, and keeps (and tells its listeners of)
 * the new value only when `equals` says it differs: a listener gets the same value object until
 * something it shows changed.
 *
 * It listens to its sources only while it has listeners; `get()` without any still answers
 * current values.
 *
 * @example
 * const open = select([store.revision], () => [...store.state.conversations.values()],
 *   (...records) => records.filter((c) => c.status === 'open').length);
 */
export function select<I extends readonly unknown[], T>(
  sources: readonly Readable<unknown>[],
  inputs: () => I,
  compute: (...inputs: I) => T,
  equals: (a: T, b: T) => boolean = Object.is,
): Readable<T> {
  let lastInputs: I | null = null;
  let value: T;
  /** What listeners were last told (or read when the first subscribed): a get() in between tells them nothing. */
  let told: T;
  const listeners = new Set<(value: T) => void>();
  let stops: Array<() => void> = [];

  function current(): T {
    const next = inputs();
    if (lastInputs !== null && sameItems(next, lastInputs)) return value;
    const computed = compute(...next);
    if (lastInputs === null || !equals(computed, value)) value = computed;
    lastInputs = next;
    return value;
  }

  function sourceChanged(): void {
    const after = current();
    if (after === told) return;
    told = after;
    for (const listener of [...listeners]) listener(after);
  }

  return {
    get: current,
    subscribe(listener) {
      if (listeners.size === 0) {
        told = current();
        stops = sources.map((source) => source.subscribe(sourceChanged));
      }
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0) return;
        for (const stop of stops) stop();
        stops = [];
      };
    },
  };
}

/** Same length and the same items in the same places (by identity). */
export function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) if (!Object.is(a[index], b[index])) return false;
  return true;
}

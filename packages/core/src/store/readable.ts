/** The one store shape of Confab (DESIGN §3): read the value, or subscribe to its changes. */
export interface Readable<T> {
  get(): T;
  /** Calls `listener` after each change (not at once). Returns the unsubscribe function. */
  subscribe(listener: (value: T) => void): () => void;
}

/** A store the owner can write. */
export interface Writable<T> extends Readable<T> {
  set(value: T): void;
}

export function writable<T>(initial: T): Writable<T> {
  let value = initial;
  const listeners = new Set<(value: T) => void>();
  return {
    get: () => value,
    set(next) {
      if (Object.is(next, value)) return;
      value = next;
      for (const listener of [...listeners]) listener(value);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

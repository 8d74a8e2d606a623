import type { Persistence } from '../persistence/persistence.js';

/**
 * Where one client keeps what survives a reload, and the order its writes happen in: one after
 * another, behind start-up (storage open, the saved outbox read first), so a later write never
 * lands before an earlier one.
 */
export interface ClientStorage {
  /** Null until start-up opened it. */
  readonly persistence: Persistence | null;
  open(persistence: Persistence): void;
  /** Runs `write` after every write queued before it; never rejects. */
  queue(write: (persistence: Persistence) => Promise<unknown> | undefined): Promise<unknown>;
  /** Resolves once every write queued so far is done. */
  settled(): Promise<unknown>;
}

/** `startUp` is read on the next microtask: the client starts up after creating its storage. */
export function createClientStorage(startUp: () => Promise<unknown>, afterWrite: () => void): ClientStorage {
  let persistence: Persistence | null = null;
  let last: Promise<unknown> = Promise.resolve()
    .then(startUp)
    .catch(() => undefined);
  return {
    get persistence() {
      return persistence;
    },
    open(opened) {
      persistence = opened;
    },
    queue(write) {
      last = last
        .then(() => (persistence ? write(persistence) : undefined))
        .catch(() => undefined)
        .then(afterWrite);
      return last;
    },
    settled: () => last,
  };
}

import type { Snapshot } from '../protocol/events.js';
import type { Principal } from '../protocol/frames.js';
import type { PendingCommand } from './types.js';

const SNAPSHOT_DELAY_MS = 1500;
const SNAPSHOT_MAX_DELAY_MS = 30_000;
/**
 * Above this many conversations the replica is not saved: cloning it into IndexedDB blocks the
 * page for seconds (measured 2.5–7 s at 100k), worse than a cold start from the server.
 */
export const SNAPSHOT_MAX_CONVERSATIONS = 20_000;

/** The replica as stored for an instant start on the next page load. */
export interface PersistedSnapshot {
  principal: Principal;
  tokenHash: string;
  snapshot: Snapshot;
  /** Pending commands whose effects the snapshot holds (their acks had not come yet). */
  committed?: Record<string, NonNullable<PendingCommand['committed']>>;
  /**
   * Set since visitors count their own stream's numbers (issue 20 item 4): a visitor's snapshot
   * without it holds a workspace number, which must not be resumed from.
   */
  ownNumbers?: true;
  /** The epoch of the welcome its numbers count in: a resume names it, so a restored server resyncs. */
  epoch?: string;
}

/** The stored snapshot when this token may start from it: saved under the same token, in today's numbering. */
export function usableSnapshot(saved: PersistedSnapshot | undefined, tokenHash: string): PersistedSnapshot | undefined {
  return saved && saved.tokenHash === tokenHash && (saved.principal.kind !== 'visitor' || saved.ownNumbers)
    ? saved
    : undefined;
}

/**
 * Saves the replica a little after changes settle. A large replica waits longer (cloning 100k
 * conversations costs the main thread); `now` saves at once, for a command queued offline whose
 * conversation must be there after a reload.
 */
export function createSnapshotSchedule(save: () => Promise<void>, conversationCount: () => number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    schedule(now = false) {
      clearTimeout(timer);
      const delay = now ? 0 : Math.min(SNAPSHOT_MAX_DELAY_MS, SNAPSHOT_DELAY_MS + conversationCount() * 0.2);
      timer = setTimeout(() => void save(), delay);
    },
    cancel: () => clearTimeout(timer),
  };
}

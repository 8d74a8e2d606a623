import type { BackendStorage, StoredOutcome } from './types.js';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** How long outcomes are kept by default: a client offline for a month still never runs a command twice. */
export const DEFAULT_IDEMPOTENCY_WINDOW_MS = 30 * DAY_MS;
export const DEFAULT_OUTCOME_CACHE_SIZE = 10_000;

/** A command id that starts with its queue time: base-36 milliseconds, then `-` (see CommandFrame). */
const QUEUED_AT = /^([0-9a-z]{8,9})-/;
/** Times before this are not queue times but some other id that happens to look alike. */
const EARLIEST_QUEUE_TIME = Date.UTC(2020, 0, 1);

/** When a command was queued, read from its id, or null when its id does not say. */
export function queuedAt(commandId: string): number | null {
  const match = QUEUED_AT.exec(commandId);
  if (!match) return null;
  const at = parseInt(match[1]!, 36);
  return at >= EARLIEST_QUEUE_TIME ? at : null;
}

/**
 * The idempotency records of one hub: a command id's stored outcome answers it again instead of
 * running it twice. Outcomes live in storage for `windowMs` and are deleted by age; the latest
 * `cacheSize` looked up or committed are also kept in memory, so a retry right after a lost ack
 * costs no read. Memory stays bounded however long the server runs.
 */
export class OutcomeBook {
  private readonly cache = new Map<string, StoredOutcome>();

  constructor(
    private readonly storage: BackendStorage,
    readonly windowMs: number,
    private readonly cacheSize: number,
  ) {}

  /** The stored outcomes of these command ids of one principal. */
  async find(principalKey: string, commandIds: readonly string[]): Promise<Map<string, StoredOutcome>> {
    const found = new Map<string, StoredOutcome>();
    const missing: string[] = [];
    for (const id of commandIds) {
      const cached = this.cache.get(keyOf(principalKey, id));
      if (cached) found.set(id, cached);
      else missing.push(id);
    }
    if (missing.length) {
      for (const [id, outcome] of await this.storage.outcomes(principalKey, missing)) {
        found.set(id, outcome);
        this.keep(principalKey, id, outcome);
      }
    }
    return found;
  }

  /** The outcome kept in memory for this command id, without reading storage. */
  cached(principalKey: string, commandId: string): StoredOutcome | undefined {
    return this.cache.get(keyOf(principalKey, commandId));
  }

  /** Keeps a just-committed (or just-read) outcome in the cache, evicting the oldest past its size. */
  keep(principalKey: string, commandId: string, outcome: StoredOutcome): void {
    const key = keyOf(principalKey, commandId);
    this.cache.delete(key);
    this.cache.set(key, outcome);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }

  /**
   * Whether a command with no stored outcome was queued longer ago than the window: its outcome,
   * if it ran, may have been deleted, so it must not run now. The queue time is the client's
   * clock, so it is compared with this machine's (Date.now), not with the hub's injected clock:
   * tests move that one (a session 31 days on) without moving any client's.
   */
  expired(commandId: string): boolean {
    const at = queuedAt(commandId);
    return at !== null && at < Date.now() - this.windowMs;
  }

  /**
   * Deletes the outcomes older than the window from storage; resolves with how many. The cache
   * is emptied too (it serves retries seconds after a lost ack), so that one rule holds: an
   * outcome older than the window answers no more.
   */
  async forgetOld(now: number): Promise<number> {
    this.cache.clear();
    return this.storage.forgetOutcomes(now - this.windowMs);
  }
}

function keyOf(principalKey: string, commandId: string): string {
  return `${principalKey}\u0000${commandId}`;
}

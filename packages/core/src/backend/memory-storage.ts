import type { BackendStorage, HubSnapshot, StoredEvent, StoredOutcome } from './types.js';

/** A random name for a new history (see StoredLog.epoch). */
export function newEpoch(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Storage that keeps everything in memory: for tests, demos and the memory transport. */
export function createMemoryStorage(): BackendStorage {
  const events: StoredEvent[] = [];
  const outcomes = new Map<string, { outcome: StoredOutcome; at: number }>();
  const epoch = newEpoch();
  let snapshot: HubSnapshot | null = null;
  const keyOf = (principalKey: string, commandId: string) => `${principalKey}\u0000${commandId}`;
  return {
    async load({ recent }) {
      const after = snapshot?.seq ?? 0;
      // Sequence numbers run from 1 without gaps: event n is at index n - 1.
      const from = Math.max(0, Math.min(after, events.length - recent));
      return { epoch, snapshot, events: events.slice(from) };
    },
    async commit(record) {
      // A loop, not push(...events): a seed of 100k conversations would overflow the stack.
      for (const event of record.events) events.push({ ...event, by: record.principalKey });
      outcomes.set(keyOf(record.principalKey, record.commandId), { outcome: record.outcome, at: record.at });
    },
    async outcomes(principalKey, commandIds) {
      const found = new Map<string, StoredOutcome>();
      for (const id of commandIds) {
        const stored = outcomes.get(keyOf(principalKey, id));
        if (stored) found.set(id, stored.outcome);
      }
      return found;
    },
    async saveSnapshot({ seq, at, engine, streams }) {
      // Messages travel inside the chunks here (no keepsMessagesApart).
      snapshot = { seq, at, engine, streams };
    },
    async forgetOutcomes(before) {
      let count = 0;
      for (const [key, stored] of outcomes) {
        if (stored.at < before) {
          outcomes.delete(key);
          count++;
        }
      }
      return count;
    },
    async close() {},
  };
}

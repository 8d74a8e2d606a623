import type { EngineState } from '../engine/state.js';
import type { Snapshot } from '../protocol/events.js';
import type { Principal } from '../protocol/frames.js';
import type { PersistedSnapshot } from './replica-snapshot.js';
import type { PendingCommand } from './types.js';

/**
 * The record a client saves for an instant start. Only confirmed state is saved: optimistic
 * records could outlive a refusal after a reload (the outbox is saved too, and lays them again on
 * the next start).
 */
export function persistedReplica(
  principal: Principal,
  tokenHash: string,
  snapshot: Snapshot,
  pending: readonly PendingCommand[],
  epoch: string | undefined,
): PersistedSnapshot {
  const committed: NonNullable<PersistedSnapshot['committed']> = {};
  for (const entry of pending) if (entry.committed) committed[entry.id] = entry.committed;
  return { principal, tokenHash, snapshot, committed, ownNumbers: true, epoch };
}

/**
 * The replica as a snapshot. Loaded when a client first saves one: a start does not need it. `confirmed` replaces optimistic records by their confirmed value
 * (keyed `<kind>:<id>`; null: the record exists only optimistically and is left out).
 */
export function snapshotOfState(
  state: EngineState,
  seq: number,
  confirmed: Map<string, unknown> = new Map(),
): Snapshot {
  const pick = <T extends { id: string }>(kind: 'conversation' | 'message' | 'agent', records: Iterable<T>): T[] => {
    const out: T[] = [];
    for (const record of records) {
      const key = `${kind}:${record.id}`;
      if (!confirmed.has(key)) out.push(record);
      else {
        const previous = confirmed.get(key);
        if (previous) out.push(previous as T);
      }
    }
    return out;
  };
  return {
    seq,
    conversations: pick('conversation', state.conversations.values()),
    messages: pick('message', [...state.messages.values()].flat()),
    contacts: [...state.contacts.values()],
    agents: pick('agent', state.agents.values()),
    tickets: [...state.tickets.values()],
    deals: [...state.deals.values()],
    companies: [...state.companies.values()],
    feedback: [...state.feedback.values()],
    settings: state.settings,
    views: [...state.views.values()],
  };
}

import { applyEvent } from '../engine/engine.js';
import type { EngineState } from '../engine/state.js';
import { principalKey } from './principal-key.js';
import type { StoredEvent } from './types.js';
import type { VisitorDelivery, VisitorStreams } from './visitor-streams.js';

/**
 * Applies committed events in order to the engine state and the visitors' streams; returns what
 * visitors get. The one way the hub takes in events: from storage at start (after a snapshot, or
 * from the first event) and as commands commit, so both build the same state.
 */
export function applyStored(
  state: EngineState,
  streams: VisitorStreams,
  events: readonly StoredEvent[],
): VisitorDelivery[] {
  const deliveries: VisitorDelivery[] = [];
  for (const stored of events) {
    const sequenced = { seq: stored.seq, cause: stored.cause, event: stored.event };
    applyEvent(state, sequenced.event);
    // A visitor learns the causes of its own commands only (in catch-up too).
    const own = (contactId: string) => stored.by === principalKey({ kind: 'visitor', contactId });
    for (const delivery of streams.record(state, sequenced, own)) deliveries.push(delivery);
  }
  return deliveries;
}

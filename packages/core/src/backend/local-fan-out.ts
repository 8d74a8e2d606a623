import type { SequencedEvent } from '../protocol/events.js';
import type { FanOut } from './types.js';

/** Fan-out within one process. A multi-process deployment passes a pub/sub FanOut instead. */
export function createLocalFanOut(): FanOut {
  const listeners = new Set<(events: SequencedEvent[]) => void>();
  return {
    publish(events) {
      for (const listener of listeners) listener(events);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

import { applyEvent } from '../engine/apply.js';
import { createEngineState, type EngineState } from '../engine/state.js';
import type { AgentId, Conversation, ConversationId, Settings } from '../model/model.js';
import type { ConfabEvent, Snapshot } from '../protocol/events.js';
import { writable, type Readable } from './readable.js';
import { frameSchedule } from './schedule.js';
import { loadSnapshot } from './load-snapshot.js';
import type { ReplicaStore } from './types.js';

/** The store `createVisitorStore` returns: a ReplicaStore that can also deliver its batch now. */
export interface LocalReplicaStore extends ReplicaStore {
  /** Delivers the pending revision at once instead of at the scheduled time (tests). */
  flush(): void;
}

/**
 * A visitor's replica: the engine's state and a revision per batch, without the agent store's
 * view indexes, counts and search index. A visitor holds a handful of their own conversations,
 * and the widget's bundle stays small (DESIGN §4).
 *
 * @example
 * const store = createVisitorStore();
 * store.reset(snapshot);
 * store.revision.subscribe(() => render(store.state.messages.get(conversationId)));
 */
export function createVisitorStore(options: { schedule?: (flush: () => void) => void } = {}): LocalReplicaStore {
  const schedule = options.schedule ?? frameSchedule;
  const state: EngineState = createEngineState();
  const revision = writable(0);
  let scheduled = false;
  let changed = false;

  function flush(): void {
    scheduled = false;
    if (!changed) return;
    changed = false;
    revision.set(revision.get() + 1);
  }

  function markChanged(): void {
    changed = true;
    if (scheduled) return;
    scheduled = true;
    schedule(flush);
  }

  return {
    state,
    me: null,
    revision: { get: revision.get, subscribe: revision.subscribe } satisfies Readable<number>,
    reset(snapshot: Snapshot): void {
      loadSnapshot(state, snapshot);
      markChanged();
    },
    apply(events: readonly ConfabEvent[]): void {
      if (events.length === 0) return;
      for (const event of events) applyEvent(state, event);
      markChanged();
    },
    flush,
    conversation: (id: ConversationId): Conversation | undefined => state.conversations.get(id),
    agentName: (id: AgentId): string | undefined => state.agents.get(id)?.name,
    settings: (): Settings => state.settings,
    read: (selector, ...args) => selector(state, ...args),
  };
}

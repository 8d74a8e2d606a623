import { applyEvent } from '../engine/apply.js';
import { createEngineState, type EngineState } from '../engine/state.js';
import type { AgentId, Conversation, ConversationId, Settings } from '../model/model.js';
import type { ConfabEvent, Snapshot } from '../protocol/events.js';
import { writable, type Readable } from './readable.js';
import { frameSchedule } from './schedule.js';
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
      for (const map of [
        state.conversations,
        state.messages,
        state.contacts,
        state.agents,
        state.tickets,
        state.deals,
        state.companies,
        state.feedback,
        state.views,
        state.conversationIdsByContact,
        state.contactIdsByEmail,
        state.conversationIdsByEmailMessageId,
      ])
        map.clear();
      state.lastRoutedAgentId = null;
      // The snapshot goes in through the engine, as events do (DESIGN: one engine).
      const events: ConfabEvent[] = [{ type: 'settings.updated', settings: snapshot.settings }];
      for (const agent of snapshot.agents) events.push({ type: 'agent.upserted', agent });
      for (const contact of snapshot.contacts) events.push({ type: 'contact.upserted', contact });
      for (const company of snapshot.companies) events.push({ type: 'company.upserted', company });
      for (const view of snapshot.views) events.push({ type: 'view.upserted', view });
      for (const conversation of snapshot.conversations) events.push({ type: 'conversation.upserted', conversation });
      for (const ticket of snapshot.tickets) events.push({ type: 'ticket.upserted', ticket });
      for (const deal of snapshot.deals) events.push({ type: 'deal.upserted', deal });
      for (const feedback of snapshot.feedback) events.push({ type: 'feedback.upserted', feedback });
      for (const message of snapshot.messages) events.push({ type: 'message.upserted', message });
      for (const event of events) applyEvent(state, event);
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
  };
}

import type { EngineState } from '../engine/state.js';
import type { AgentId, Conversation, ConversationFilter, ConversationId, Settings, View } from '../model/model.js';
import type { ConfabEvent, Snapshot } from '../protocol/events.js';
import type { Readable } from './readable.js';
import type { ReplicaSelector } from './replica-selectors.js';

/** A view, narrowed by the filter menu (F2) and a search (F1). All three combine (F3). */
export interface ConversationQuery {
  viewId: string;
  filter?: ConversationFilter;
  search?: string;
}

/** One reading of a live query: how many match, and any window of them in list order (L1). */
export interface QueryResult {
  total: number;
  slice(offset: number, limit: number): Conversation[];
  /**
   * A search whose index is still loading (its code arrives after the first paint): no answer
   * yet, not "nothing found". Listeners hear the answer when it comes.
   */
  pending?: true;
}

/** A query that stays current as events arrive (F3). Dispose it when the list goes away. */
export interface LiveQuery extends Readable<QueryResult> {
  readonly query: ConversationQuery;
  dispose(): void;
}

/**
 * A client replica: the engine's state kept current by events, with one revision per batch. A
 * visitor's client holds this much and no more (their few conversations need no indexes).
 */
export interface ReplicaStore {
  /** The replica in the engine's shape. Read it; change it only through `apply` and `reset`. */
  readonly state: EngineState;
  /** The signed-in agent ("Assigned to me"), or null for a visitor. */
  readonly me: AgentId | null;
  /**
   * Replace everything with a snapshot. `me`, when given, replaces the signed-in agent too (the
   * client learns it from the server's welcome, after the store exists).
   */
  reset(snapshot: Snapshot, me?: AgentId | null): void;
  /** Apply events in order (engine's applyEvent). */
  apply(events: readonly ConfabEvent[]): void;
  /**
   * Resolves once no reset is under way (an agent's store loads a large snapshot in slices, and
   * its `state` is the replica before it until then). Without it, a reset is done on return.
   */
  settled?(): Promise<void>;
  /** Increases once per batch of changes (at most once per animation frame). */
  readonly revision: Readable<number>;
  conversation(id: ConversationId): Conversation | undefined;
  /** A team member's display name (what a visitor may see of them), or undefined if unknown. */
  agentName(id: AgentId): string | undefined;
  /** The settings this replica holds (a visitor's replica holds the widget's and the bot's). */
  settings(): Settings;
  /**
   * Applies one of core's selectors to the replica: `store.read(contactById, id)`,
   * `store.read(assignableAgents)`. UIs read records this way, never through `state`.
   */
  read<A extends unknown[], R>(selector: ReplicaSelector<A, R>, ...args: A): R;
}

/**
 * The agent's replica: a {@link ReplicaStore} plus a sorted index per view updated in place, live
 * counts, a search index, and live queries.
 */
export interface InboxStore extends ReplicaStore {
  /** Built-in views (V1–V12) then saved views. */
  views(): View[];
  /** Live count of a view (same revision rhythm). */
  count(viewId: string): number;
  query(query: ConversationQuery): LiveQuery;
}

/** Normalises text for search: lower case, accents folded, whitespace collapsed (done once). */
export type { Snapshot };

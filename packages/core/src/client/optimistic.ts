import type { executeOptimistic as ExecuteOptimistic } from '../engine/optimistic.js';
import type { EngineState } from '../engine/state.js';
import type { AgentCommand, VisitorCommand } from '../protocol/commands.js';
import type { ConfabEvent } from '../protocol/events.js';
import type { Principal } from '../protocol/frames.js';
import type { ReplicaStore } from '../store/types.js';
import type { CreatedRecords } from './created-records.js';
import { commandIdOf, PENDING_ID_PREFIX, pendingReferences, rewriteIds, startedConversation } from './pending-ids.js';
import type { PendingCommand } from './types.js';

interface OptimisticChange {
  /** The record the optimistic event wrote, and what was there before (undefined: nothing). */
  applied: ConfabEvent;
  previous: ConfabEvent | undefined;
}

/**
 * The optimistic layer: pending commands' effects drawn on the replica before the server confirms
 * them, taken back when it answers, and the real ids of the records they created early. It comes
 * with the engine's rules, loaded on first use (DESIGN §4 budgets): until then nothing is drawn.
 */
export interface OptimisticLayer {
  /**
   * Shows a command's effect by running the same engine on the replica. Only conversation, message
   * and agent records are drawn early; a local refusal only means no early effect (the server decides).
   */
  apply(entry: PendingCommand): void;
  /** Takes a command's drawing back (a record the server wrote since keeps the server's version). */
  undo(commandId: string): void;
  /** The real ids of a command's early records, from its ack's result. */
  resolvedByAck(commandId: string, result: Record<string, string>): Map<string, string>;
  /** The real ids of a command's early records, from the records its events created. */
  resolvedByEffects(commandId: string, created: CreatedRecords): Map<string, string>;
  /** Forgets what a command created early (its ids are resolved, or it will never be confirmed). */
  forgetEarly(commandId: string): void;
  /** Confirmed values of the records drawn over, by `<kind>:<id>` (null: the record exists only optimistically). */
  confirmedValues(): Map<string, unknown>;
  /** The replica was replaced: nothing is drawn on it any more. */
  clearDrawn(): void;
  /** Forgets everything, drawn and early records alike. */
  clear(): void;
}

/** Loads the engine's rules for drawing early (agents' or visitors'). */
export type OptimisticRules = () => Promise<{ executeOptimistic: typeof ExecuteOptimistic }>;

/** The layer, once the rules it runs are loaded. */
export async function loadOptimisticLayer(
  store: ReplicaStore,
  principal: () => Principal | null,
  rules: OptimisticRules,
): Promise<OptimisticLayer> {
  return createOptimisticLayer(store, principal, (await rules()).executeOptimistic);
}

export function createOptimisticLayer(
  store: ReplicaStore,
  principal: () => Principal | null,
  executeOptimistic: typeof ExecuteOptimistic,
): OptimisticLayer {
  const drawn = new Map<string, OptimisticChange[]>();
  /** Records each pending command created early, kept until its effects or ack name their real ids. */
  const createdEarly = new Map<string, OptimisticChange[]>();

  /** Where a command that names a started conversation is drawn: on the conversation its start drew. */
  function drawingAliases(entry: PendingCommand): Map<string, string> {
    const aliases = new Map<string, string>();
    for (const id of pendingReferences(entry.command)) {
      const startId = commandIdOf(id)!;
      if (id !== startedConversation(startId)) continue;
      const early = createdEarly.get(startId)?.find((change) => change.applied.type === 'conversation.upserted');
      if (early?.applied.type === 'conversation.upserted') aliases.set(id, early.applied.conversation.id);
    }
    return aliases;
  }

  return {
    apply(entry) {
      const who = principal();
      // A committed command's effects are confirmed records in the replica already; a command
      // drawn already is not drawn twice (its undo would restore its own first drawing).
      if (!who || entry.state === 'failed' || entry.committed || drawn.has(entry.id)) return;
      const command = rewriteIds(entry.command, drawingAliases(entry));
      let counter = 0;
      let events: ConfabEvent[];
      // Never earlier than what the server already wrote there: a pending message sorts last.
      const target = 'conversationId' in command ? store.state.conversations.get(command.conversationId) : undefined;
      const now = Math.max(Date.now(), (target?.lastActivityAt ?? 0) + 1);
      try {
        events = executeOptimistic(store.state, who, command as AgentCommand | VisitorCommand, {
          now,
          newId: () => `${PENDING_ID_PREFIX}${entry.id}:${++counter}`,
        }).events;
      } catch {
        return;
      }
      const changes: OptimisticChange[] = [];
      for (const event of events) {
        if (
          event.type !== 'conversation.upserted' &&
          event.type !== 'message.upserted' &&
          event.type !== 'agent.upserted'
        )
          continue;
        changes.push({ applied: event, previous: currentRecord(store.state, event) });
      }
      if (!changes.length) return;
      store.apply(changes.map((change) => change.applied));
      drawn.set(entry.id, changes);
      createdEarly.set(
        entry.id,
        changes.filter((change) => !change.previous),
      );
    },

    undo(commandId) {
      const changes = drawn.get(commandId);
      if (!changes) return;
      drawn.delete(commandId);
      const inverse: ConfabEvent[] = [];
      for (const { applied, previous } of [...changes].reverse()) {
        const now = currentRecord(store.state, applied);
        if (now === undefined) continue;
        // The server wrote this record since: its version wins. (Records created early always go.)
        if (previous && JSON.stringify(recordOf(now)) !== JSON.stringify(recordOf(applied))) continue;
        inverse.push(previous ?? removalOf(applied));
      }
      if (inverse.length) store.apply(inverse);
    },

    resolvedByAck: (commandId, result) => resolvePendingIds(createdEarly.get(commandId) ?? [], result),
    resolvedByEffects: (commandId, created) => matchCreated(createdEarly.get(commandId) ?? [], created),

    forgetEarly: (commandId) => void createdEarly.delete(commandId),

    confirmedValues() {
      const confirmed = new Map<string, unknown>();
      for (const changes of drawn.values()) {
        for (const { applied, previous } of changes) {
          const id = recordKey(applied);
          if (!confirmed.has(id)) confirmed.set(id, previous ? recordOf(previous) : null);
        }
      }
      return confirmed;
    },

    clearDrawn: () => drawn.clear(),

    clear() {
      drawn.clear();
      createdEarly.clear();
    },
  };
}

/**
 * The real ids of the records a command created early: its optimistic conversation becomes the
 * ack's `conversationId`, its first optimistic message the ack's `messageId`.
 */
function resolvePendingIds(changes: OptimisticChange[], result: Record<string, string>): Map<string, string> {
  const resolved = new Map<string, string>();
  for (const { applied } of changes) {
    if (
      applied.type === 'conversation.upserted' &&
      result.conversationId &&
      ![...resolved.values()].includes(result.conversationId)
    ) {
      resolved.set(applied.conversation.id, result.conversationId);
    } else if (
      applied.type === 'message.upserted' &&
      result.messageId &&
      ![...resolved.values()].includes(result.messageId)
    ) {
      resolved.set(applied.message.id, result.messageId);
    }
  }
  return resolved;
}

/**
 * Pairs the records a command created early with those its events created: the same engine made
 * both, in the same order, so the n-th early conversation (message) is the n-th real one.
 */
function matchCreated(early: OptimisticChange[], created: CreatedRecords): Map<string, string> {
  const resolved = new Map<string, string>();
  const conversations = [...created.conversations];
  const messages = [...created.messages];
  for (const { applied } of early) {
    if (applied.type === 'conversation.upserted') {
      const real = conversations.shift();
      if (real) resolved.set(applied.conversation.id, real);
    } else if (applied.type === 'message.upserted') {
      const real = messages.shift();
      if (real) resolved.set(applied.message.id, real);
    }
  }
  return resolved;
}

/** The record an upsert event writes, as an upsert of its current value (undefined: absent). */
function currentRecord(state: EngineState, event: ConfabEvent): ConfabEvent | undefined {
  switch (event.type) {
    case 'conversation.upserted': {
      const conversation = state.conversations.get(event.conversation.id);
      return conversation && { type: 'conversation.upserted', conversation };
    }
    case 'message.upserted': {
      const message = state.messages
        .get(event.message.conversationId)
        ?.find((candidate) => candidate.id === event.message.id);
      return message && { type: 'message.upserted', message };
    }
    case 'agent.upserted': {
      const agent = state.agents.get(event.agent.id);
      return agent && { type: 'agent.upserted', agent };
    }
    default:
      return undefined;
  }
}

function recordOf(event: ConfabEvent): unknown {
  if (event.type === 'conversation.upserted') return event.conversation;
  if (event.type === 'message.upserted') return event.message;
  if (event.type === 'agent.upserted') return event.agent;
  return undefined;
}

function removalOf(event: ConfabEvent): ConfabEvent {
  if (event.type === 'conversation.upserted')
    return { type: 'conversation.removed', conversationId: event.conversation.id };
  if (event.type === 'message.upserted')
    return { type: 'message.removed', messageId: event.message.id, conversationId: event.message.conversationId };
  throw new Error(`No removal for ${event.type}`);
}

/** Identifies the record an upsert event writes, across record kinds: `<kind>:<id>`. */
function recordKey(event: ConfabEvent): string {
  if (event.type === 'conversation.upserted') return `conversation:${event.conversation.id}`;
  if (event.type === 'message.upserted') return `message:${event.message.id}`;
  if (event.type === 'agent.upserted') return `agent:${event.agent.id}`;
  return `${event.type}`;
}

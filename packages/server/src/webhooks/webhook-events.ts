import type { ConfabEvent, Conversation, SequencedEvent } from '@confab/core';

/** What an endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  'conversation.created',
  'conversation.assigned',
  'conversation.closed',
  'conversation.reopened',
  'message.created',
  'contact.updated',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly unknown[]).includes(value);
}

/** What a receiver gets, as the JSON body of one POST. */
export interface WebhookEvent {
  /** Unique per workspace and history: a receiver that sees an id twice drops the second. */
  id: string;
  type: WebhookEventType;
  workspaceId: string;
  /** When it happened (ms since 1970): the record's own time where it has one. */
  occurredAt: number;
  /** The record after the change, as the inbox sees it. */
  data: Record<string, unknown>;
}

/**
 * What the dispatcher remembers between batches: each conversation's last status and assignee, and
 * which messages were already announced (events are upserts, so "created" and "assigned" are
 * changes against this).
 */
export interface RecordMemory {
  conversations: Map<string, { status: string; assigneeId: string | null }>;
  messages: Set<string>;
}

export interface EndpointSubscription {
  id: string;
  events: readonly WebhookEventType[];
  /** Records older than the endpoint are not announced as created to it. */
  createdAt: number;
}

/**
 * Turns committed events into webhook events, in order, updating `memory` as it goes. Pure: the
 * same events and memory give the same ids, whichever process derives them.
 */
export function deriveWebhookEvents(
  workspaceId: string,
  epoch: string,
  events: readonly SequencedEvent[],
  memory: RecordMemory,
  /**
   * Messages from before this time (the first endpoint) are learnt, not announced. Conversations need
   * no such time: their memory is seeded from the engine state when the first endpoint is registered.
   */
  since: number,
): WebhookEvent[] {
  const derived: WebhookEvent[] = [];
  const emit = (seq: number, type: WebhookEventType, occurredAt: number, data: object) =>
    derived.push({ id: `${epoch}-${seq}-${type}`, type, workspaceId, occurredAt, data: { ...data } });
  for (const { seq, event } of events) {
    switch (event.type) {
      case 'conversation.upserted':
        conversationChanges(event.conversation, memory, (type, at) =>
          emit(seq, type, at, { conversation: event.conversation }),
        );
        break;
      case 'message.upserted':
        if (!memory.messages.has(event.message.id)) {
          memory.messages.add(event.message.id);
          // An activity note (issue 16) records a change the conversation events already announce.
          if (event.message.createdAt >= since && !event.message.activity)
            emit(seq, 'message.created', event.message.createdAt, { message: event.message });
        }
        break;
      case 'contact.upserted':
        emit(seq, 'contact.updated', event.contact.createdAt, { contact: event.contact });
        break;
      default:
        ignore(event);
    }
  }
  return derived;
}

function conversationChanges(
  conversation: Conversation,
  memory: RecordMemory,
  emit: (type: WebhookEventType, occurredAt: number) => void,
) {
  const before = memory.conversations.get(conversation.id);
  memory.conversations.set(conversation.id, { status: conversation.status, assigneeId: conversation.assigneeId });
  const at = conversation.lastActivityAt;
  if (!before) {
    emit('conversation.created', conversation.startedAt);
    if (conversation.assigneeId) emit('conversation.assigned', at);
    return;
  }
  if (conversation.assigneeId && conversation.assigneeId !== before.assigneeId) emit('conversation.assigned', at);
  if (before.status !== conversation.status)
    emit(conversation.status === 'closed' ? 'conversation.closed' : 'conversation.reopened', at);
}

/** Other events (views, settings, agents, routing, queued mail) are not offered as webhooks. */
function ignore(_event: ConfabEvent) {}

/** Whether an endpoint gets this event: it subscribed to its type, and nothing from before it existed. */
export function wants(endpoint: EndpointSubscription, event: WebhookEvent): boolean {
  if (!endpoint.events.includes(event.type)) return false;
  if (event.type === 'conversation.created' || event.type === 'message.created')
    return event.occurredAt >= endpoint.createdAt;
  return true;
}

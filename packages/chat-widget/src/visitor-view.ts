import { commandIdOf, isPendingRecord, isRoutable } from '@confab/core';
import type { Contact, Conversation, InboxStore, Message, PendingCommand, VisitorClient } from '@confab/core';
import type { Availability } from './boot.js';

/**
 * What the visitor sees, derived from the visitor client's state. Pure reads: the client owns the
 * state, these functions only select from it (the element and the widget API share them).
 */

/** Delivery state of a visitor's own message. */
export type Delivery = 'queued' | 'sending' | 'sent' | 'failed';

export interface ShownMessage {
  message: Message;
  /** For the visitor's own messages: where it is on its way to the team. */
  delivery: Delivery | null;
  /** The outbox command behind a message that is not confirmed yet. */
  commandId: string | null;
}

/** The visitor's conversations (their replica holds only theirs), newest activity first. */
export function threadsOf(store: InboxStore): Conversation[] {
  return [...store.state.conversations.values()]
    .filter((conversation) => conversation.channel === 'chat')
    .sort((a, b) => b.lastActivityAt - a.lastActivityAt || (a.id < b.id ? 1 : -1));
}

/**
 * The conversation a pending `visitor.startChat` stands for: the one it drew early, or, once its
 * effects arrived before its ack, the confirmed one it created.
 */
export function conversationOfStart(
  store: InboxStore,
  pending: PendingCommand[],
  commandId: string,
): Conversation | undefined {
  for (const conversation of store.state.conversations.values())
    if (commandIdOf(conversation.id) === commandId) return conversation;
  const created = pending.find((entry) => entry.id === commandId)?.committed?.created ?? [];
  for (const id of created) {
    const conversation = store.conversation(id);
    if (conversation) return conversation;
  }
  return undefined;
}

/** Which pending command a message stands for: drawn early by it, or created by its committed effects. */
function commandsByRecord(pending: PendingCommand[]): Map<string, string> {
  const byRecord = new Map<string, string>();
  for (const entry of pending) for (const id of entry.committed?.created ?? []) byRecord.set(id, entry.id);
  return byRecord;
}

/**
 * The messages of one conversation (or of a chat being started), with delivery states. Messages
 * the outbox holds but the replica could not draw (a first message before the server ever
 * answered, a refused one) are shown from the outbox itself.
 */
export function messagesOf(
  store: InboxStore,
  pending: PendingCommand[],
  conversationId: string | null,
  startCommandId: string | null = null,
): ShownMessage[] {
  const byCommand = new Map(pending.map((entry) => [entry.id, entry]));
  const byRecord = commandsByRecord(pending);
  const stored = conversationId ? (store.state.messages.get(conversationId) ?? []) : [];
  const shown: ShownMessage[] = [];
  const drawn = new Set<string>();
  for (const message of stored) {
    if (message.kind !== 'reply') continue;
    const commandId = commandIdOf(message.id) ?? byRecord.get(message.id) ?? null;
    if (commandId) drawn.add(commandId);
    const own = message.direction === 'inbound';
    const entry = commandId ? byCommand.get(commandId) : undefined;
    shown.push({ message, commandId, delivery: own ? deliveryOf(entry) : null });
  }
  for (const entry of pending) {
    // Drawn from the replica, or its effects are confirmed records there (maybe elsewhere).
    if (drawn.has(entry.id) || entry.committed) continue;
    const command = entry.command;
    const belongs =
      (command.type === 'visitor.message' && command.conversationId === conversationId) ||
      (command.type === 'visitor.startChat' && entry.id === startCommandId);
    if (!belongs || !('text' in command)) continue;
    shown.push({
      message: {
        id: `outbox:${entry.id}`,
        conversationId: conversationId ?? '',
        kind: 'reply',
        direction: 'inbound',
        authorType: 'contact',
        authorId: '',
        text: command.text,
        createdAt: entry.createdAt,
        mentions: [],
        attachments: [],
      },
      commandId: entry.id,
      delivery: entry.state,
    });
  }
  return shown;
}

/** Queued, sending or failed while in the outbox; sent once confirmed (its ack may still be on its way). */
function deliveryOf(entry: PendingCommand | undefined): Delivery {
  return entry && !entry.committed ? entry.state : 'sent';
}

/** S2 / W4: the team is available when routing could choose someone; unknown until state arrived. */
export function availabilityOf(client: VisitorClient): Availability {
  if (!client.status.get().ready) return 'unknown';
  for (const agent of client.store.state.agents.values()) if (isRoutable(agent)) return 'available';
  return 'away';
}

/**
 * Agent and bot replies the visitor has not seen. `seen` counts, per conversation, the team
 * messages there were when the visitor last looked (counts, not times: two messages can share a
 * millisecond, and a clock can be off).
 */
export function unreadOf(store: InboxStore, seen: Record<string, number>): number {
  let unread = 0;
  for (const conversationId of store.state.messages.keys())
    unread += Math.max(0, teamMessageCount(store, conversationId) - (seen[conversationId] ?? 0));
  return unread;
}

/** How many agent and bot replies a conversation has. */
export function teamMessageCount(store: InboxStore, conversationId: string): number {
  let count = 0;
  for (const message of store.state.messages.get(conversationId) ?? []) if (isFromTeam(message)) count += 1;
  return count;
}

export function isFromTeam(message: Message): boolean {
  return message.kind === 'reply' && message.direction === 'outbound' && !isPendingRecord(message.id);
}

/**
 * Finds agent and bot replies that arrived since the last call. The first call only learns what
 * is there (a reload must not announce the whole history again).
 */
export class NewTeamMessages {
  private known: Set<string> | null = null;

  /** The team messages that are new since the last call, oldest first. */
  take(store: InboxStore, ready: boolean): Message[] {
    if (!ready) return [];
    const first = this.known === null;
    const known = (this.known ??= new Set());
    const fresh: Message[] = [];
    for (const messages of store.state.messages.values()) {
      for (const message of messages) {
        if (!isFromTeam(message) || known.has(message.id)) continue;
        known.add(message.id);
        if (!first) fresh.push(message);
      }
    }
    return fresh.sort((a, b) => a.createdAt - b.createdAt);
  }
}

/** The visitor's own contact record, read from the replica as it is now. */
export function contactOf(client: VisitorClient): Contact | null {
  const principal = client.status.get().principal;
  return principal?.kind === 'visitor' ? (client.store.state.contacts.get(principal.contactId) ?? null) : null;
}

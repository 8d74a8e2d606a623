import type { Conversation, Message } from '../model/model.js';
import { ruleError, type ConfabError } from '../protocol/errors.js';
import type { EngineState } from './state.js';

// What a channel allows, read by the engine's handlers and by the inbox's controls; kept apart
// from the handlers so that the inbox's first load does not carry the engine's command table.

/** T6: only email can be marked as spam (a chat's or a form's sender is blocked instead, T5). */
export function spamApplies(conversation: Conversation): boolean {
  return conversation.channel === 'email';
}

/** The longest text the Send API takes in one message. */
export const MESSENGER_MAX_TEXT = 2000;

/** Messenger lets a page answer a person within 24 hours of their last message (standard messaging). */
export const MESSENGER_REPLY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Why a reply in this conversation would reach no one, or null when it can go out: a form
 * submission that left no email address, or a Messenger thread whose person last wrote more than
 * 24 hours ago. The engine refuses such a reply; the inbox's editor says so before anyone types
 * (`store.read(replyBlocker, conversationId, now)`).
 */
export function replyBlocker(state: EngineState, conversationId: string, now: number): ConfabError | null {
  const conversation = state.conversations.get(conversationId);
  if (conversation?.channel === 'form') {
    const contact = conversation.contactId === null ? undefined : state.contacts.get(conversation.contactId);
    if (!contact?.email)
      return ruleError(
        'R1',
        'no-email-address',
        'This form submission left no email address: a reply would reach no one',
      );
  }
  if (conversation?.channel === 'messenger') {
    const lastInbound = lastMessageFromContact(state.messages.get(conversation.id) ?? []);
    if (!lastInbound || now - lastInbound.createdAt > MESSENGER_REPLY_WINDOW_MS)
      return ruleError(
        'R1',
        'messenger-window-closed',
        'Messenger allows a reply within 24 hours of the last message',
        {
          hours: 24,
        },
      );
  }
  return null;
}

function lastMessageFromContact(messages: readonly Message[]): Message | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.direction === 'inbound' && message.kind === 'reply') return message;
  }
  return undefined;
}

import type { Message } from '../model/model.js';
import type * as C from '../protocol/commands.js';
import { ruleError, type ConfabError } from '../protocol/errors.js';
import { agentHandlers } from './agent-commands.js';
import type { Decision } from './decision.js';
import type { EngineState } from './state.js';

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

/**
 * The server's reply rule over the shared one: a client shows a reply at once (the shared rule,
 * small enough for its bundle) and learns from the server whether the channel can carry it. A
 * Messenger reply is queued for the Send API (`messenger.queued`), as an email reply is for SMTP.
 */
export const channelReplyHandlers = {
  'message.reply'(decision: Decision, command: C.ReplyCommand): Record<string, string> {
    const conversation = decision.conversation(command.conversationId);
    const blocker = replyBlocker(decision.state, conversation.id, decision.now);
    if (blocker) throw blocker;
    const result = agentHandlers['message.reply'](decision, command) as { messageId: string };
    if (conversation.channel !== 'messenger') return result;
    if (command.text.length > MESSENGER_MAX_TEXT)
      throw ruleError('R1', 'messenger-too-long', 'Messenger takes at most 2000 characters in a message', {
        max: MESSENGER_MAX_TEXT,
      });
    const contact = conversation.contactId === null ? undefined : decision.state.contacts.get(conversation.contactId);
    const recipientId = contact?.properties['messengerId'] ?? '';
    // The reply as the shared rule emitted it, now marked queued: the sender reports sent or failed.
    const index = decision.events.findIndex(
      (event) => event.type === 'message.upserted' && event.message.id === result.messageId,
    );
    const emitted = decision.events[index] as { type: 'message.upserted'; message: Message };
    decision.events[index] = { type: 'message.upserted', message: { ...emitted.message, delivery: 'queued' } };
    decision.emit({
      type: 'messenger.queued',
      messageId: result.messageId,
      conversationId: conversation.id,
      recipientId,
      text: command.text,
    });
    return result;
  },
};

import type { Message } from '../model/model.js';
import type * as C from '../protocol/commands.js';
import { ruleError } from '../protocol/errors.js';
import { agentHandlers } from './agent-commands.js';
import type { Decision } from './decision.js';
import { MESSENGER_MAX_TEXT, replyBlocker } from './channel-rules.js';

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

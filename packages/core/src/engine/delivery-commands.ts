import type * as C from '../protocol/commands.js';
import { ruleError } from '../protocol/errors.js';
import type { Decision } from './decision.js';

/**
 * Outbound delivery the server does (email, Messenger): sending a failed message again. A client
 * shows nothing for it early (its optimistic engine leaves it out); the sender's answer does.
 */
export const deliveryHandlers = {
  'message.resend'(decision: Decision, command: C.ResendMessageCommand): void {
    const conversation = decision.conversation(command.conversationId);
    const message = decision.messagesOf(conversation.id).find((candidate) => candidate.id === command.messageId);
    if (message?.delivery !== 'failed')
      throw ruleError('C1', 'delivery-not-failed', 'Only a message whose delivery failed can be sent again');
    const { deliveryError: _previousError, ...retried } = message;
    // Notes of forwards and transcripts, and anything with email fields, went by email.
    const via =
      message.email || message.kind === 'system' || conversation.channel !== 'messenger' ? 'email' : 'messenger';
    decision.emit(
      { type: 'message.upserted', message: { ...retried, delivery: 'queued' } },
      { type: 'delivery.retried', messageId: message.id, conversationId: conversation.id, via },
    );
  },
};

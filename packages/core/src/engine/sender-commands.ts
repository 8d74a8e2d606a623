import type { Contact, Conversation, Message } from '../model/model.js';
import type * as C from '../protocol/commands.js';
import { ConfabError, ruleError } from '../protocol/errors.js';
import { upserted } from './agent-commands.js';
import type { Decision } from './decision.js';
import { emailKey } from './email.js';
import { newContact, newConversation, withIds, withMessage } from './records.js';
import { senderNotVerified, uncopiedCcAddresses } from './sender-trust.js';

type Result = Record<string, string> | void;

/** What a team member decides about mail filed under a verified contact (sender-trust.ts says why). */

/** The message, or a not-found refusal; and a `sender-check` refusal when it needs no confirming. */
function unverifiedMessage(decision: Decision, command: { conversationId: string; messageId: string }) {
  const conversation = decision.conversation(command.conversationId);
  const message = decision.messagesOf(conversation.id).find((candidate) => candidate.id === command.messageId);
  if (!message)
    throw new ConfabError('not-found', `No message ${command.messageId} in conversation ${conversation.id}`);
  if (!senderNotVerified(decision.state, message))
    throw ruleError(
      'sender-check',
      'sender-not-waiting',
      `Message ${message.id} is not waiting for its sender to be confirmed`,
    );
  return { conversation, message };
}

/** The conversation rebuilt from the messages it keeps (previews, counts and clocks). */
function rebuiltWith(conversation: Conversation, messages: readonly Message[]): Conversation {
  let next: Conversation = {
    ...conversation,
    preview: '',
    commentPreview: '',
    messageCount: 0,
    needsReply: false,
    lastReceivedAt: conversation.startedAt,
    lastActivityAt: conversation.startedAt,
    lastVisitorActivityAt: conversation.startedAt,
    emailMessageIds: [],
  };
  for (const message of messages) if (!message.suppressed) next = withMessage(next, message);
  return next;
}

export const senderTrustHandlers = {
  'message.confirmSender'(decision: Decision, command: C.ConfirmSenderCommand): Result {
    const { message } = unverifiedMessage(decision, command);
    decision.emit({ type: 'message.upserted', message: { ...message, senderConfirmed: true } });
  },

  'message.splitSender'(decision: Decision, command: C.SplitSenderCommand): Result {
    const { conversation, message } = unverifiedMessage(decision, command);
    const claimed = decision.state.contacts.get(message.authorId)!;
    const address = emailKey(message.email?.from ?? claimed.email);
    // A record of its own, never verified: the verified contact keeps theirs, and mail from the
    // address keeps going to the verified contact (verified first), marked, as before.
    const sender: Contact = newContact({
      id: decision.newId(),
      name: address.split('@')[0] || claimed.name,
      email: address,
      now: decision.now,
    });
    const remaining = decision.messagesOf(conversation.id).filter((candidate) => candidate.id !== message.id);
    decision.emit({ type: 'message.removed', messageId: message.id, conversationId: conversation.id });
    if (remaining.length === 0) decision.emit({ type: 'conversation.removed', conversationId: conversation.id });
    else {
      const keeps =
        remaining.some((candidate) => candidate.authorId === claimed.id) || conversation.contactId === claimed.id;
      decision.emit(
        upserted({
          ...rebuiltWith(conversation, remaining),
          participantIds: keeps
            ? conversation.participantIds
            : conversation.participantIds.filter((id) => id !== claimed.id),
        }),
      );
    }
    const conversationId = decision.newId();
    const moved: Message = { ...message, id: decision.newId(), conversationId, authorId: sender.id };
    const base = newConversation({
      id: conversationId,
      channel: conversation.channel,
      contactId: sender.id,
      participantIds: [sender.id],
      subject: message.email?.subject.trim() ?? conversation.subject,
      now: message.createdAt,
    });
    decision.emit({ type: 'contact.upserted', contact: sender }, upserted(withMessage(base, moved)), {
      type: 'message.upserted',
      message: moved,
    });
    return { conversationId, contactId: sender.id };
  },

  'conversation.copyOnReplies'(decision: Decision, command: C.CopyOnRepliesCommand): Result {
    const conversation = decision.conversation(command.conversationId);
    const address = emailKey(command.address);
    if (!uncopiedCcAddresses(decision.state, conversation.id).includes(address))
      throw ruleError(
        'cc-check',
        'cc-not-allowed',
        `${address} is not in the Cc of this conversation's mail, or is already copied`,
        {
          address,
        },
      );
    const contact = decision.contactForEmail(address);
    decision.emit(upserted({ ...conversation, participantIds: withIds(conversation.participantIds, [contact.id]) }));
    return { contactId: contact.id };
  },
};

import type { Conversation, Message } from '../model/model.js';
import type * as C from '../protocol/commands.js';
import { ruleError } from '../protocol/errors.js';
import { upserted } from './agent-commands.js';
import type { Decision } from './decision.js';
import { emailKey, latestEmail, prefixedSubject } from './email.js';
import { newMessage, withMessage } from './records.js';

type Result = Record<string, string> | void;

/**
 * Mail the team sends out of a thread (T4 transcript, T7 forward). Kept apart from the other
 * agent commands: a client has nothing to show for them before the server answers, so its
 * optimistic engine leaves them out.
 */

function authorName(decision: Decision, message: Message): string {
  if (message.authorType === 'bot') return 'Bot';
  if (message.authorType === 'agent') return decision.state.agents.get(message.authorId)?.name ?? 'Team';
  if (message.authorType === 'contact') return decision.state.contacts.get(message.authorId)?.name || 'Visitor';
  return 'Confab';
}

function timestamp(time: number): string {
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** An internal record of an action in the thread (forward, transcript): the team sees it, a visitor never does. */
function actionNote(
  decision: Decision,
  conversation: Conversation,
  text: string,
): { message: Message; next: Conversation } {
  const message = newMessage({
    id: decision.newId(),
    conversationId: conversation.id,
    kind: 'system',
    direction: 'outbound',
    authorType: 'agent',
    authorId: decision.agent.id,
    text,
    createdAt: decision.now,
    delivery: 'queued',
  });
  return { message, next: withMessage(conversation, message) };
}

export const mailHandlers = {
  'conversation.forward'(decision: Decision, command: C.ForwardCommand): Result {
    const conversation = decision.conversation(command.conversationId);
    if (conversation.channel !== 'email')
      throw ruleError('T7', 'forward-email-only', 'Only email conversations can be forwarded');
    const original = latestEmail(decision.messagesOf(conversation.id));
    if (!original?.email) throw ruleError('T7', 'no-email-to-forward', 'This conversation has no email to forward');
    const note = command.note?.trim() ?? '';
    const text = [
      ...(note ? [note, ''] : []),
      '---------- Forwarded message ----------',
      `From: ${original.email.from}`,
      `Date: ${timestamp(original.createdAt)}`,
      `Subject: ${original.email.subject}`,
      `To: ${original.email.to.join(', ')}`,
      '',
      original.text,
    ].join('\n');
    const to = emailKey(command.to);
    const { message, next } = actionNote(decision, conversation, `Forwarded to ${to}`);
    decision.emit(
      upserted(next),
      { type: 'message.upserted', message },
      {
        type: 'email.queued',
        messageId: message.id,
        conversationId: conversation.id,
        to: [to],
        subject: prefixedSubject('Fwd', original.email.subject),
        text,
        purpose: 'forward',
      },
    );
    return { messageId: message.id };
  },

  'conversation.sendTranscript'(decision: Decision, command: C.SendTranscriptCommand): Result {
    const conversation = decision.conversation(command.conversationId);
    const contact = conversation.contactId === null ? undefined : decision.state.contacts.get(conversation.contactId);
    // R2: only what went between the contact and the team: no comments, no internal notes, no
    // messages a blocked visitor sent that the team never received.
    const lines = decision
      .messagesOf(conversation.id)
      .filter((message) => message.kind === 'reply' && !message.suppressed)
      .map((message) => `[${timestamp(message.createdAt)}] ${authorName(decision, message)}: ${message.text}`);
    const title = conversation.subject || `Chat with ${contact?.name || 'a visitor'}`;
    const text = [`Transcript: ${title}`, '', ...lines].join('\n');
    const to = emailKey(command.to);
    const { message, next } = actionNote(decision, conversation, `Transcript sent to ${to}`);
    decision.emit(
      upserted(next),
      { type: 'message.upserted', message },
      {
        type: 'email.queued',
        messageId: message.id,
        conversationId: conversation.id,
        to: [to],
        subject: `Transcript: ${title}`,
        text,
        purpose: 'transcript',
      },
    );
    return { messageId: message.id };
  },
};

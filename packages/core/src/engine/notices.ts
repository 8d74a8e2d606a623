import type { AgentId, Message } from '../model/model.js';
import type { EngineState } from './state.js';

/**
 * What a new message asks of the signed-in agent's attention, with the name to say: a contact
 * wrote, or a teammate's comment mentions them (SPEC R1). `from` is '' when nobody is known by
 * that id (the UI says "unknown contact"). Nothing else is worth interrupting for.
 */
export type MessageNotice = { kind: 'contact-message' | 'mention'; from: string } | null;

export function messageNotice(state: EngineState, message: Message, me: AgentId | undefined): MessageNotice {
  if (message.kind === 'reply' && message.direction === 'inbound' && message.authorType === 'contact') {
    const contact = state.contacts.get(message.authorId);
    return { kind: 'contact-message', from: contact?.name || contact?.email || '' };
  }
  if (message.kind === 'comment' && me && message.authorId !== me && message.mentions.includes(me))
    return { kind: 'mention', from: state.agents.get(message.authorId)?.name ?? '' };
  return null;
}

/**
 * What goes into an agent's notifications (issue 16): a comment that mentions them, and a contact's
 * message in a conversation assigned to them, called a new chat when it is the contact's first
 * message there (a chat routed to them), else a reply. Messages in other conversations are news
 * (`messageNotice`) but not theirs to be notified of.
 */
export interface AgentNotification {
  kind: 'mention' | 'new-chat' | 'reply';
  /** Who wrote: a teammate's or contact's name; '' when nobody is known by that id. */
  from: string;
  conversationId: string;
  messageId: string;
  at: number;
  text: string;
}

export function agentNotification(
  state: EngineState,
  message: Message,
  me: AgentId | undefined,
): AgentNotification | null {
  const notice = messageNotice(state, message, me);
  if (!notice || !me) return null;
  const base = {
    from: notice.from,
    conversationId: message.conversationId,
    messageId: message.id,
    at: message.createdAt,
    text: message.text,
  };
  if (notice.kind === 'mention') return { kind: 'mention', ...base };
  if (state.conversations.get(message.conversationId)?.assigneeId !== me) return null;
  const firstFromContact = state.messages.get(message.conversationId)?.find((m) => m.direction === 'inbound');
  return { kind: !firstFromContact || firstFromContact.id === message.id ? 'new-chat' : 'reply', ...base };
}

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

import type { Conversation, Message } from '../model/model.js';
import type { Principal } from '../protocol/frames.js';
import { visibleToVisitor } from './projection.js';
import type { EngineState } from './state.js';
import { visitorOwns } from './visitor-commands.js';

/** Where a file is attached: its message and that message's conversation. */
export interface AttachmentCarrier {
  conversation: Conversation;
  message: Message;
}

/** The message of one of these conversations that carries the file, or null. */
export function attachmentCarrier(
  state: EngineState,
  fileId: string,
  conversationIds: Iterable<string>,
): AttachmentCarrier | null {
  for (const conversationId of conversationIds) {
    const conversation = state.conversations.get(conversationId);
    if (!conversation) continue;
    const message = state.messages
      .get(conversationId)
      ?.find((candidate) => candidate.attachments.some((attachment) => attachment.id === fileId));
    if (message) return { conversation, message };
  }
  return null;
}

/**
 * Whether a principal may download a file its message carries (issue 16): the team, unless a
 * blocked visitor sent it (T5, W3); a visitor, only from a message they may see in their own chat —
 * never a file on a comment (R2). What a principal may not download does not exist for it.
 */
export function mayDownloadAttachment(principal: Principal, carrier: AttachmentCarrier): boolean {
  const { conversation, message } = carrier;
  if (principal.kind === 'agent') return !message.suppressed;
  if (principal.kind === 'visitor') return visitorOwns(conversation, principal.contactId) && visibleToVisitor(message);
  return false;
}

/** The conversations of a contact (where a visitor's file is, before the server noted its chat). */
export function conversationsOfContact(state: EngineState, contactId: string): string[] {
  const found: string[] = [];
  for (const conversation of state.conversations.values())
    if (conversation.contactId === contactId) found.push(conversation.id);
  return found;
}

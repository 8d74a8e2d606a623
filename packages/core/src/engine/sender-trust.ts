import type { Channel, Message } from '../model/model.js';
import { emailKey } from './email.js';
import type { EngineState } from './state.js';

/**
 * Who sent what (issue 20 item 3). Only the chat widget proves who its visitor is (a session, and
 * for a verified visitor the site's signed identity token). Email, forms and Messenger prove
 * nothing about the person: anyone can write a verified visitor's address in a From header or a
 * form field. So mail from that address is filed under the contact (as any CRM threads it), but:
 * the team sees it marked "sender not verified" until a team member confirms or splits it off; a
 * visitor's browser never shows a conversation of these channels (`visitorOwns`); and an
 * address in an inbound Cc is copied on the team's replies only once a team member says so. The
 * commands are in sender-commands.ts; these questions about them are what the inbox shows.
 */

/** Channels whose sender nobody proved. */
export function isUnauthenticatedChannel(channel: Channel): boolean {
  return channel !== 'chat';
}

/**
 * Whether the team should see `message` marked "sender not verified": it came in over an
 * unauthenticated channel, is filed under a contact whose identity a site verified, and no team
 * member confirmed it is theirs.
 */
export function senderNotVerified(state: EngineState, message: Message): boolean {
  if (message.direction !== 'inbound' || message.authorType !== 'contact' || message.senderConfirmed) return false;
  const conversation = state.conversations.get(message.conversationId);
  if (!conversation || !isUnauthenticatedChannel(conversation.channel)) return false;
  return state.contacts.get(message.authorId)?.verified === true;
}

/**
 * Addresses in the Cc of the conversation's inbound mail that are not copied on the team's replies
 * yet (a team member may add them with `conversation.copyOnReplies`), in order of appearance.
 */
export function uncopiedCcAddresses(state: EngineState, conversationId: string): string[] {
  const conversation = state.conversations.get(conversationId);
  if (!conversation) return [];
  const copied = new Set<string>([emailKey(state.settings.email.address)]);
  for (const id of conversation.participantIds) {
    const participant = state.contacts.get(id);
    if (participant && !participant.emailSelfReported) copied.add(emailKey(participant.email));
  }
  const waiting: string[] = [];
  for (const message of state.messages.get(conversationId) ?? []) {
    if (message.direction !== 'inbound' || !message.email) continue;
    for (const address of message.email.cc) {
      const key = emailKey(address);
      if (key !== '' && !copied.has(key) && !waiting.includes(key)) waiting.push(key);
    }
  }
  return waiting;
}

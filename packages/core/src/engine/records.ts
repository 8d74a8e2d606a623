import type { Channel, Contact, Conversation, Message } from '../model/model.js';
import { graphemesOf } from '../text/graphemes.js';

/** Length of a list preview (L2.3, L2.6). */
export const PREVIEW_LENGTH = 140;

/**
 * The longest start of `text` of at most `max` UTF-16 units that ends between two graphemes: a cut
 * never splits an emoji, a flag or a letter from its accents (a cut surrogate pair is not even
 * Unicode). Without Intl.Segmenter, or when the first grapheme alone is too long, it still never
 * splits a surrogate pair.
 */
function cutBetweenGraphemes(text: string, max: number): string {
  let end = 0;
  for (const grapheme of graphemesOf(text)) {
    if (end + grapheme.length > max) break;
    end += grapheme.length;
  }
  if (end > 0) return text.slice(0, end);
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** One line of text, cut to the preview length (between graphemes) with an ellipsis. */
export function previewOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_LENGTH ? `${cutBetweenGraphemes(flat, PREVIEW_LENGTH - 1).trimEnd()}…` : flat;
}

/** A conversation before its first message: every field initialised. */
export function newConversation(fields: {
  id: string;
  channel: Channel;
  contactId: string | null;
  participantIds: string[];
  subject: string;
  now: number;
}): Conversation {
  return {
    id: fields.id,
    channel: fields.channel,
    status: 'open',
    assigneeId: null,
    contactId: fields.contactId,
    participantIds: fields.participantIds,
    subject: fields.subject,
    startedAt: fields.now,
    lastReceivedAt: fields.now,
    lastActivityAt: fields.now,
    lastVisitorActivityAt: fields.now,
    needsReply: false,
    ticketId: null,
    filtered: null,
    trashedAt: null,
    sentOnly: false,
    bot: 'none',
    preview: '',
    commentPreview: '',
    messageCount: 0,
    emailMessageIds: [],
  };
}

type MessageFields = Omit<Message, 'mentions' | 'attachments'> & Partial<Pick<Message, 'mentions' | 'attachments'>>;

/**
 * Every required field is named in the literal, so V8 keeps them in the message itself; two
 * named, the rest spread, put the rest in a property array of their own (~14 bytes a message).
 */
export function newMessage(fields: MessageFields): Message {
  const {
    id,
    conversationId,
    kind,
    direction,
    authorType,
    authorId,
    text,
    createdAt,
    mentions = [],
    attachments = [],
    ...optional
  } = fields;
  return {
    id,
    conversationId,
    kind,
    direction,
    authorType,
    authorId,
    text,
    createdAt,
    mentions,
    attachments,
    ...optional,
  };
}

export function newContact(fields: { id: string; name: string; email: string; now: number }): Contact {
  return {
    id: fields.id,
    name: fields.name,
    email: fields.email,
    verified: false,
    blocked: false,
    companyId: null,
    properties: {},
    createdAt: fields.now,
  };
}

/**
 * The conversation after an (agent-visible) message was added: L2 fields and clocks.
 * - `preview` follows the latest reply-kind message; `commentPreview` the latest comment.
 * - `needsReply` is true while the latest reply from a person is inbound; bot messages do not
 *   answer a visitor (after a hand-over the conversation still waits for a team member).
 * - `messageCount` counts reply-kind messages only, so that it is the same number for the team
 *   and the visitor and never reveals comments (R2).
 * Suppressed messages (T5) never come here: they change nothing the team sees.
 */
export function withMessage(conversation: Conversation, message: Message): Conversation {
  const next: Conversation = {
    ...conversation,
    lastActivityAt: Math.max(conversation.lastActivityAt, message.createdAt),
  };
  if (message.kind === 'comment') next.commentPreview = previewOf(message.text);
  if (message.kind === 'reply') {
    next.preview = previewOf(message.text);
    next.messageCount = conversation.messageCount + 1;
    if (message.authorType !== 'bot') next.needsReply = message.direction === 'inbound';
    if (message.direction === 'inbound') {
      next.lastReceivedAt = Math.max(conversation.lastReceivedAt, message.createdAt);
      next.lastVisitorActivityAt = Math.max(conversation.lastVisitorActivityAt, message.createdAt);
    }
  }
  if (message.email && !conversation.emailMessageIds.includes(message.email.messageId)) {
    next.emailMessageIds = [...conversation.emailMessageIds, message.email.messageId];
  }
  return next;
}

/** Adds ids that are not there yet, keeping order. */
export function withIds(list: readonly string[], add: readonly string[]): string[] {
  const result = [...list];
  for (const id of add) if (!result.includes(id)) result.push(id);
  return result;
}

/** Merges a properties patch; an empty value removes the property (the About panel's clear). */
export function mergeProperties(
  current: Record<string, string>,
  patch: Record<string, string>,
): Record<string, string> {
  const result: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === '') delete result[key];
    else result[key] = value;
  }
  return result;
}

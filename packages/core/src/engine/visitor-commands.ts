import type { Attachment, Contact, Conversation, Message } from '../model/model.js';
import { isHandoverReply } from './bot.js';
import type * as C from '../protocol/commands.js';
import { ConfabError, ruleError } from '../protocol/errors.js';
import type { ConfabEvent } from '../protocol/events.js';
import { upserted } from './agent-commands.js';
import { emailKey } from './email.js';
import type { Decision } from './decision.js';
import { newConversation, newMessage, withMessage } from './records.js';
import { route } from './routing.js';
import { idsOf } from './state.js';
import { isBotHandling } from './views.js';

type Result = Record<string, string> | void;

/** The visitor's contact id (only called for visitor commands, which execute checked). */
export function visitorId(decision: Decision): string {
  if (decision.principal.kind !== 'visitor') throw new ConfabError('forbidden', 'Only a visitor can do this');
  return decision.principal.contactId;
}

export function visitorOwns(conversation: Conversation, contactId: string): boolean {
  // Chats only: what came by email, form or Messenger proves nothing of its sender, so it never
  // reaches a visitor's browser, even when filed under their (verified) contact (sender-trust.ts).
  if (conversation.channel !== 'chat') return false;
  return conversation.contactId === contactId || conversation.participantIds.includes(contactId);
}

/** A conversation of this visitor; anyone else's answers as missing, never revealing it exists. */
export function ownConversation(decision: Decision, conversationId: string): Conversation {
  const conversation = decision.state.conversations.get(conversationId);
  if (!conversation || !visitorOwns(conversation, visitorId(decision))) {
    throw new ConfabError('not-found', `No conversation ${conversationId}`);
  }
  return conversation;
}

/**
 * A bot message. It is stamped a millisecond after the visitor's message it answers, so that the
 * thread (ordered by time, then id) always shows the answer after the question.
 */
export function botMessage(decision: Decision, conversationId: string, text: string, quickReplies?: string[]): Message {
  const message = newMessage({
    id: decision.newId(),
    conversationId,
    kind: 'reply',
    direction: 'outbound',
    authorType: 'bot',
    authorId: '',
    text,
    createdAt: decision.now + 1,
  });
  if (quickReplies) message.quickReplies = quickReplies;
  return message;
}

/**
 * W5 / G1: the bot hands the visitor over. Routing picks an agent (or nobody: the conversation
 * waits in Unassigned, and the bot says the team is away, S2).
 */
function handOver(decision: Decision, conversation: Conversation): { next: Conversation; events: ConfabEvent[] } {
  const routing = route(decision.state, decision.now);
  const text = routing.assigneeId
    ? 'Connecting you with a team member. They will reply here shortly.'
    : decision.state.settings.widget.awayMessage;
  const message = botMessage(decision, conversation.id, text);
  const next = withMessage({ ...conversation, bot: 'handed-over', assigneeId: routing.assigneeId }, message);
  return { next, events: [...routing.events, { type: 'message.upserted', message }] };
}

function visitorMessage(
  decision: Decision,
  conversationId: string,
  text: string,
  attachments: Attachment[] | undefined,
): Message {
  return newMessage({
    id: decision.newId(),
    conversationId,
    kind: 'reply',
    direction: 'inbound',
    authorType: 'contact',
    authorId: visitorId(decision),
    text,
    createdAt: decision.now,
    ...(attachments ? { attachments } : {}),
  });
}

/** Most open chats one visitor may have at once: a person needs a few, a script wants hundreds. */
export const MAX_OPEN_CHATS_PER_VISITOR = 10;
/** Most chats one visitor may start within CHAT_START_WINDOW_MS. */
export const MAX_CHAT_STARTS_PER_WINDOW = 5;
export const CHAT_START_WINDOW_MS = 60_000;

/** Refuses a chat start past the per-visitor limits (one visitor once started 258 in 10 s). */
function checkChatStarts(decision: Decision, contactId: string): void {
  let open = 0;
  let recent = 0;
  for (const id of idsOf(decision.state.conversationIdsByContact.get(contactId))) {
    const conversation = decision.state.conversations.get(id);
    if (!conversation || conversation.channel !== 'chat') continue;
    if (conversation.status === 'open' && conversation.trashedAt === null) open += 1;
    if (conversation.startedAt > decision.now - CHAT_START_WINDOW_MS) recent += 1;
  }
  if (open >= MAX_OPEN_CHATS_PER_VISITOR)
    throw ruleError(
      'chat-limit',
      'too-many-open-chats',
      `You have ${open} open chats; continue one of them (at most ${MAX_OPEN_CHATS_PER_VISITOR} at once).`,
      { open, max: MAX_OPEN_CHATS_PER_VISITOR },
    );
  if (recent >= MAX_CHAT_STARTS_PER_WINDOW)
    throw ruleError(
      'chat-limit',
      'too-many-new-chats',
      'Too many new chats in a minute; continue the one you started.',
    );
}

export const visitorHandlers = {
  'visitor.startChat'(decision: Decision, command: C.StartChatCommand): Result {
    const contact = decision.contact(visitorId(decision));
    checkChatStarts(decision, contact.id);
    const conversationId = decision.newId();
    const base = newConversation({
      id: conversationId,
      channel: 'chat',
      contactId: contact.id,
      participantIds: [contact.id],
      subject: '',
      now: decision.now,
    });
    const message = visitorMessage(decision, conversationId, command.text, command.attachments);
    const result = { conversationId, messageId: message.id };
    if (contact.blocked) {
      // T5 / W3: the chat exists (the visitor keeps using the widget) but sits in Filtered, with
      // nothing the visitor wrote: no preview, no reply-needed, no bot, no routing.
      message.suppressed = true;
      decision.emit(upserted({ ...base, filtered: 'blocked' }), { type: 'message.upserted', message });
      return result;
    }
    let conversation = withMessage(base, message);
    const bot = decision.state.settings.bot;
    if (bot.enabled) {
      // W5: the bot answers first; nobody is routed until the visitor asks for a person.
      const greeting = botMessage(decision, conversationId, bot.greeting, [...bot.quickReplies, bot.handoverReply]);
      // The widget shows the greeting as soon as the chat opens: it comes before the first message.
      greeting.createdAt = decision.now - 1;
      conversation = withMessage({ ...conversation, bot: 'active' }, greeting);
      decision.emit(
        upserted(conversation),
        { type: 'message.upserted', message },
        { type: 'message.upserted', message: greeting },
      );
      return result;
    }
    const routing = route(decision.state, decision.now);
    decision.emit(upserted({ ...conversation, assigneeId: routing.assigneeId }), ...routing.events, {
      type: 'message.upserted',
      message,
    });
    return result;
  },

  'visitor.message'(decision: Decision, command: C.VisitorMessageCommand): Result {
    const conversation = ownConversation(decision, command.conversationId);
    if (conversation.channel !== 'chat') {
      throw new ConfabError('forbidden', 'Only chat conversations can be continued in the widget', {
        reason: 'chat-only',
      });
    }
    const contact = decision.contact(visitorId(decision));
    const message = visitorMessage(decision, conversation.id, command.text, command.attachments);
    if (contact.blocked) {
      // W3: kept for the visitor; nothing on the team's side changes, so nothing can leak.
      message.suppressed = true;
      decision.emit({ type: 'message.upserted', message });
      return { messageId: message.id };
    }
    // T8: a message from the contact reopens the conversation (and brings it back from Trash).
    let next = withMessage({ ...conversation, status: 'open', trashedAt: null }, message);
    const events: ConfabEvent[] = [{ type: 'message.upserted', message }];
    if (isBotHandling(next)) {
      if (isHandoverReply(decision.state.settings, command.text)) {
        const handover = handOver(decision, next);
        next = handover.next;
        events.push(...handover.events);
      }
      // Otherwise the bot's answer is the server's to give (bot-replies.ts): it knows the team's answers.
    }
    decision.emit(upserted(next), ...events);
    return { messageId: message.id };
  },

  'visitor.requestHuman'(decision: Decision, command: C.RequestHumanCommand): Result {
    const conversation = ownConversation(decision, command.conversationId);
    const contact = decision.contact(visitorId(decision));
    // Already with a person (or blocked: nothing reaches the team): asking again changes nothing.
    if (!isBotHandling(conversation) || contact.blocked) return;
    const handover = handOver(decision, { ...conversation, lastVisitorActivityAt: decision.now });
    decision.emit(upserted(handover.next), ...handover.events);
  },

  'visitor.setProfile'(decision: Decision, command: C.SetVisitorProfileCommand): Result {
    const contact = decision.contact(visitorId(decision));
    const email = command.email === undefined ? undefined : emailKey(command.email);
    // An identity the site vouched for is not overwritten by what a visitor types; and typing an
    // address never merges with the contact that owns it (only verification does).
    if (contact.verified && email !== undefined && email !== contact.email) {
      throw new ConfabError('forbidden', 'A verified visitor cannot change their email address here', {
        reason: 'verified-email',
      });
    }
    const next: Contact = { ...contact, name: command.name?.trim() || contact.name };
    if (email !== undefined && email !== contact.email) {
      next.email = email;
      next.emailSelfReported = true;
    }
    if (next.name === contact.name && next.email === contact.email) return;
    decision.emit({ type: 'contact.upserted', contact: next });
  },

  typing(decision: Decision, command: C.TypingCommand): Result {
    // Ephemeral: the backend relays it. The engine only checks the conversation may be reached.
    if (decision.principal.kind === 'visitor') ownConversation(decision, command.conversationId);
    else decision.conversation(command.conversationId);
  },
};

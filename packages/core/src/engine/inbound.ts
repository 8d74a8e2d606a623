import type { Contact, Conversation, EmailFields, FilteredReason, Message } from '../model/model.js';
import type * as C from '../protocol/commands.js';
import { isEmailAddress } from '../protocol/validate.js';
import { upserted } from './agent-commands.js';
import type { Decision } from './decision.js';
import { conversationByEmailMessageId, emailKey, isRoleAddress, normalizeMessageId } from './email.js';
import { newContact, newConversation, newMessage, previewOf, withIds, withMessage } from './records.js';

type Result = Record<string, string> | void;

/**
 * Channel ingestion (system principal). Email, Messenger and form conversations are not routed
 * automatically: G1 speaks of chats, where a visitor waits live; the rest waits in Unassigned
 * (V3) for the team to pick up.
 */

/** The contact a message from this address belongs to; a blocked one wins, so the block holds (T5). */
function senderContact(decision: Decision, address: string, name?: string): Contact {
  const known = decision.contactsByEmail(address);
  return known.find((contact) => contact.blocked) ?? known[0] ?? decision.contactForEmail(address, name);
}

/**
 * A new inbound message joins an existing thread: the contact wrote again, so the conversation
 * reopens (T8), comes back from Trash (a reply is never lost in a deleted thread) and leaves Sent
 * (V12). A blocked sender's thread goes (back) to Filtered (T5).
 */
function joinThread(
  conversation: Conversation,
  message: Message,
  sender: Contact,
  participants: string[],
): Conversation {
  const next: Conversation = {
    ...conversation,
    status: 'open',
    trashedAt: null,
    sentOnly: false,
    participantIds: withIds(conversation.participantIds, participants),
  };
  if (sender.blocked && next.filtered === null) next.filtered = 'blocked';
  return withMessage(next, message);
}

function inboundMessage(
  decision: Decision,
  conversationId: string,
  sender: Contact,
  text: string,
  id = decision.newId(),
): Message {
  return newMessage({
    id,
    conversationId,
    kind: 'reply',
    direction: 'inbound',
    authorType: 'contact',
    authorId: sender.id,
    text,
    createdAt: decision.now,
  });
}

export const inboundHandlers = {
  'inbound.email'(decision: Decision, command: C.InboundEmailCommand): Result {
    const messageId = normalizeMessageId(command.messageId);
    // Idempotent ingestion: the same mail delivered twice is stored once.
    const duplicate = conversationByEmailMessageId(decision.state, messageId);
    if (duplicate) return { conversationId: duplicate.id };

    const from = emailKey(command.from);
    const team = emailKey(decision.state.settings.email.address);
    const sender = senderContact(decision, from, command.fromName);
    const cc = [...new Set((command.cc ?? []).map(emailKey))].filter(
      (address) => isEmailAddress(address) && address !== from && address !== team,
    );
    // A Cc is kept on the message, not made a participant: anyone can name anyone in a Cc, and a
    // participant is copied on every reply (a team member may add them: conversation.copyOnReplies).
    const participants = [sender.id];
    const email: EmailFields = {
      from,
      to: command.to.map(emailKey),
      cc,
      subject: command.subject,
      messageId,
    };
    if (command.inReplyTo) email.inReplyTo = normalizeMessageId(command.inReplyTo);
    if (command.html !== undefined) email.html = command.html;

    // Messages are stamped with their arrival time, not the sender's Date header: that header can
    // be wrong or in the future, and the list sorts by when mail reached the team (L1).
    const thread = email.inReplyTo ? conversationByEmailMessageId(decision.state, email.inReplyTo) : undefined;
    if (thread) {
      const message = { ...inboundMessage(decision, thread.id, sender, command.text), email };
      decision.emit(upserted(joinThread(thread, message, sender, participants)), { type: 'message.upserted', message });
      return { conversationId: thread.id };
    }

    // Filters apply to new threads: a reply to a thread the team is part of is never filtered
    // for its sender's role address (the team wrote to sales@ and sales@ answered).
    const roles = decision.state.settings.email.roleAddresses;
    const filtered: FilteredReason | null = decision.isBlockedAddress(from)
      ? 'blocked'
      : isRoleAddress(from, roles)
        ? 'role-address'
        : command.promotional
          ? 'promotional'
          : null;
    const conversationId = decision.newId();
    const message = { ...inboundMessage(decision, conversationId, sender, command.text), email };
    const base = newConversation({
      id: conversationId,
      channel: 'email',
      contactId: sender.id,
      participantIds: participants,
      subject: command.subject.trim(),
      now: decision.now,
    });
    decision.emit(upserted(withMessage({ ...base, filtered }, message)), { type: 'message.upserted', message });
    return { conversationId };
  },

  'inbound.messenger'(decision: Decision, command: C.InboundMessengerCommand): Result {
    let contact: Contact | undefined;
    for (const candidate of decision.state.contacts.values()) {
      if (candidate.properties['messengerId'] === command.senderId) {
        contact = candidate;
        break;
      }
    }
    // A Messenger user is one continuous thread with the page: join their latest conversation.
    let thread: Conversation | undefined;
    if (contact) {
      for (const conversation of decision.state.conversations.values()) {
        if (conversation.channel === 'messenger' && conversation.contactId === contact.id) {
          if (!thread || conversation.startedAt >= thread.startedAt) thread = conversation;
        }
      }
    }
    // Messenger's message id (mid) names the message, so a webhook delivered twice stores it once.
    const messageId = `messenger-${command.mid}`;
    if (thread && decision.messagesOf(thread.id).some((message) => message.id === messageId)) {
      return { conversationId: thread.id };
    }
    if (!contact) {
      contact = newContact({
        id: decision.newId(),
        name: command.senderName?.trim() || 'Messenger user',
        email: '',
        now: decision.now,
      });
      contact.properties = {
        messengerId: command.senderId,
        ...(command.pageId ? { messengerPageId: command.pageId } : {}),
      };
      decision.emit({ type: 'contact.upserted', contact });
    }
    if (thread) {
      const message = inboundMessage(decision, thread.id, contact, command.text, messageId);
      decision.emit(upserted(joinThread(thread, message, contact, [contact.id])), {
        type: 'message.upserted',
        message,
      });
      return { conversationId: thread.id };
    }
    const conversationId = decision.newId();
    const message = inboundMessage(decision, conversationId, contact, command.text, messageId);
    const base = newConversation({
      id: conversationId,
      channel: 'messenger',
      contactId: contact.id,
      participantIds: [contact.id],
      subject: '',
      now: decision.now,
    });
    const filtered: FilteredReason | null = contact.blocked ? 'blocked' : null;
    decision.emit(upserted(withMessage({ ...base, filtered }, message)), { type: 'message.upserted', message });
    return { conversationId };
  },

  'inbound.form'(decision: Decision, command: C.InboundFormCommand): Result {
    const field = (name: string): string => {
      const key = Object.keys(command.fields).find((candidate) => candidate.toLowerCase() === name);
      return key === undefined ? '' : (command.fields[key] ?? '').trim();
    };
    const address = emailKey(field('email'));
    const name = field('name');
    let contact: Contact;
    if (isEmailAddress(address)) {
      contact = senderContact(decision, address, name || undefined);
    } else {
      contact = newContact({ id: decision.newId(), name: name || 'Form visitor', email: '', now: decision.now });
      decision.emit({ type: 'contact.upserted', contact });
    }
    const body =
      field('message') ||
      Object.entries(command.fields)
        .map(([key, value]) => `${key}: ${value}`)
        .join('\n');
    const subject = previewOf(field('subject') || `Form ${command.formId}`);
    const conversationId = decision.newId();
    const message = inboundMessage(decision, conversationId, contact, body);
    const base = newConversation({
      id: conversationId,
      channel: 'form',
      contactId: contact.id,
      participantIds: [contact.id],
      subject,
      now: decision.now,
    });
    const filtered: FilteredReason | null = contact.blocked ? 'blocked' : null;
    decision.emit(upserted(withMessage({ ...base, filtered }, message)), { type: 'message.upserted', message });
    return { conversationId };
  },

  'visitor.create'(decision: Decision, command: C.CreateVisitorCommand): Result {
    const contact = newContact({
      id: decision.newId(),
      name: command.name?.trim() || 'Visitor',
      email: '',
      now: decision.now,
    });
    decision.emit({ type: 'contact.upserted', contact });
    return { contactId: contact.id };
  },

  'visitor.verify'(decision: Decision, command: C.VerifyVisitorCommand): Result {
    const contact = decision.contact(command.contactId);
    const email = emailKey(command.email);
    // Only a verified identity may take over an existing record; unverified ones never merge.
    const verified = decision.contactsByEmail(email).find((other) => other.verified && other.id !== contact.id);
    if (verified) return { contactId: verified.id };
    if (contact.verified && contact.email !== email) {
      // Another person signed in on a browser that holds a verified session: they get a record of
      // their own; the one before keeps theirs (and their conversations).
      const other: Contact = {
        ...newContact({ id: decision.newId(), name: command.name?.trim() || 'Visitor', email, now: decision.now }),
        verified: true,
      };
      decision.emit({ type: 'contact.upserted', contact: other });
      return { contactId: other.id };
    }
    const next: Contact = { ...contact, verified: true, email, name: command.name?.trim() || contact.name };
    delete next.emailSelfReported;
    decision.emit({ type: 'contact.upserted', contact: next });
    return { contactId: contact.id };
  },
};

// Record builders shared by the store's tests (not shipped: only *.test.ts files import it).
import { defaultSettings } from '../engine/state.js';
import type { Contact, Conversation, Message, View } from '../model/model.js';
import type { Snapshot } from '../protocol/events.js';

export function conversation(id: string, patch: Partial<Conversation> = {}): Conversation {
  return {
    id,
    channel: 'chat',
    status: 'open',
    assigneeId: null,
    contactId: null,
    participantIds: [],
    subject: '',
    startedAt: 0,
    lastReceivedAt: 0,
    lastActivityAt: 0,
    lastVisitorActivityAt: 0,
    needsReply: true,
    ticketId: null,
    filtered: null,
    trashedAt: null,
    sentOnly: false,
    bot: 'none',
    preview: '',
    commentPreview: '',
    messageCount: 0,
    emailMessageIds: [],
    ...patch,
  };
}

export function message(id: string, conversationId: string, text: string, patch: Partial<Message> = {}): Message {
  return {
    id,
    conversationId,
    kind: 'reply',
    direction: 'inbound',
    authorType: 'contact',
    authorId: '',
    text,
    createdAt: 0,
    mentions: [],
    attachments: [],
    ...patch,
  };
}

export function contact(id: string, name: string, email = `${id}@example.com`): Contact {
  return { id, name, email, verified: false, blocked: false, companyId: null, properties: {}, createdAt: 0 };
}

export function savedView(id: string, filter: View['filter'], name = id): View {
  return { id, name, filter, builtIn: false };
}

export function snapshot(patch: Partial<Snapshot> = {}): Snapshot {
  return {
    seq: 0,
    conversations: [],
    messages: [],
    contacts: [],
    agents: [],
    tickets: [],
    deals: [],
    companies: [],
    feedback: [],
    settings: defaultSettings(),
    views: [],
    ...patch,
  };
}

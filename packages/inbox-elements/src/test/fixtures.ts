/**
 * A small, hand-made inbox for element tests, served by the real engine behind the real memory
 * transport (DESIGN: tests use real parts). Every SPEC case the elements show has a conversation.
 */
import {
  createInboxClient,
  createMemoryBackend,
  createMemoryPersistence,
  type AgentRole,
  type ConfabEvent,
  type Conversation,
  type InboxClient,
  type MemoryBackend,
  type Message,
} from '@confab/core';
import { newConversation } from '@confab/core/engine';
import { until } from './dom.js';
import './frames.js';

export const MINUTE = 60_000;

export const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

export function conversation(id: string, now: number, fields: Partial<Conversation> = {}): Conversation {
  const base = newConversation({
    id,
    channel: 'email',
    contactId: 'contact-alice',
    participantIds: ['contact-alice'],
    subject: '',
    now: now - 10 * MINUTE,
  });
  return { ...base, needsReply: true, messageCount: 1, ...fields };
}

export function message(id: string, conversationId: string, now: number, fields: Partial<Message> = {}): Message {
  return {
    id,
    conversationId,
    kind: 'reply',
    direction: 'inbound',
    authorType: 'contact',
    authorId: 'contact-alice',
    text: '',
    createdAt: now - 10 * MINUTE,
    mentions: [],
    attachments: [],
    ...fields,
  };
}

/** The test inbox: three agents (Ann is signed in), contacts, and one conversation per case. */
export function testSeed(now: number): ConfabEvent[] {
  const events: ConfabEvent[] = [];
  const agent = (id: string, name: string, role: AgentRole = 'agent') =>
    events.push({
      type: 'agent.upserted',
      agent: {
        id,
        name,
        email: `${id}@team.example`,
        availability: 'available',
        role,
        invitePending: false,
        lastSeenAt: null,
        disabled: false,
      },
    });
  agent('agent-ann', 'Ann Agent', 'admin');
  agent('agent-bo', 'Bo Builder');
  agent('agent-cy', 'Cy Support');
  events.push({
    type: 'company.upserted',
    company: { id: 'company-acme', name: 'Acme BV', domain: 'acme.example', properties: { size: '50' } },
  });
  const contact = (
    id: string,
    name: string,
    email: string,
    extra: { blocked?: boolean; companyId?: string; properties?: Record<string, string> } = {},
  ) =>
    events.push({
      type: 'contact.upserted',
      contact: {
        id,
        name,
        email,
        verified: false,
        blocked: extra.blocked ?? false,
        companyId: extra.companyId ?? null,
        properties: extra.properties ?? {},
        createdAt: now - 30 * 24 * 60 * MINUTE,
      },
    });
  contact('contact-alice', 'Alice Andersen', 'alice@customer.example', {
    companyId: 'company-acme',
    properties: { plan: 'Pro', city: 'Utrecht' },
  });
  contact('contact-bob', 'Bob Visitor', '');
  contact('contact-carol', 'Carol Cc', 'carol@customer.example');
  contact('contact-spam', 'Promo Sender', 'deals@spam.example');
  contact('contact-blocked', 'Blocked Person', 'troll@bad.example', { blocked: true });
  contact('contact-hostile', HOSTILE, 'hostile@evil.example', { properties: { [HOSTILE]: HOSTILE } });

  const add = (c: Conversation, messages: Message[] = []) => {
    events.push({ type: 'conversation.upserted', conversation: c });
    for (const m of messages) events.push({ type: 'message.upserted', message: m });
  };

  add(
    conversation('c-email', now, {
      subject: 'Invoice question',
      preview: 'Could you check invoice 42?',
      commentPreview: 'Bo: checking with finance',
      participantIds: ['contact-alice', 'contact-carol'],
      assigneeId: 'agent-ann',
      ticketId: 'ticket-1',
      startedAt: now - 12 * MINUTE,
      lastReceivedAt: now - 2 * MINUTE,
      lastActivityAt: now - 2 * MINUTE,
      messageCount: 2,
    }),
    [
      message('m-email-1', 'c-email', now, {
        text: 'Could you check invoice 42? See https://billing.example/invoices/42 please.',
        createdAt: now - 12 * MINUTE,
        email: {
          from: 'alice@customer.example',
          to: ['support@confab.example'],
          cc: ['carol@customer.example'],
          subject: 'Invoice question',
          messageId: '<m1@customer.example>',
        },
      }),
      message('m-email-2', 'c-email', now, {
        kind: 'comment',
        direction: 'outbound',
        authorType: 'agent',
        authorId: 'agent-bo',
        text: '@Ann Agent checking with finance',
        mentions: ['agent-ann'],
        createdAt: now - 2 * MINUTE,
      }),
    ],
  );
  add(
    conversation('c-chat', now, {
      channel: 'chat',
      contactId: 'contact-bob',
      participantIds: ['contact-bob'],
      preview: 'Thanks, that helps!',
      needsReply: false,
      startedAt: now - 3 * 60 * MINUTE,
      lastReceivedAt: now - 5 * MINUTE,
      lastActivityAt: now - 4 * MINUTE,
    }),
    [
      message('m-chat-1', 'c-chat', now, {
        authorId: 'contact-bob',
        text: 'Do you ship to Belgium?',
        createdAt: now - 20 * MINUTE,
      }),
      message('m-chat-2', 'c-chat', now, {
        direction: 'outbound',
        authorType: 'agent',
        authorId: 'agent-ann',
        text: 'Yes we do.',
        createdAt: now - 6 * MINUTE,
      }),
      message('m-chat-3', 'c-chat', now, {
        authorId: 'contact-bob',
        text: 'Thanks, that helps!',
        createdAt: now - 5 * MINUTE,
      }),
    ],
  );
  add(
    conversation('c-bot', now, {
      channel: 'chat',
      contactId: 'contact-bob',
      participantIds: ['contact-bob'],
      bot: 'active',
      preview: 'What are your opening hours?',
      lastReceivedAt: now - 7 * MINUTE,
      lastVisitorActivityAt: now - 5 * MINUTE,
    }),
    [
      message('m-bot-1', 'c-bot', now, {
        authorId: 'contact-bob',
        text: 'What are your opening hours?',
        createdAt: now - 7 * MINUTE,
      }),
    ],
  );
  add(
    conversation('c-old', now, {
      channel: 'messenger',
      contactId: 'contact-alice',
      preview: 'Old messenger question',
      startedAt: now - 3 * 24 * 60 * MINUTE,
      lastReceivedAt: now - 3 * 24 * 60 * MINUTE,
      lastActivityAt: now - 3 * 24 * 60 * MINUTE,
      assigneeId: 'agent-bo',
    }),
  );
  add(
    conversation('c-form', now, {
      channel: 'form',
      contactId: 'contact-carol',
      participantIds: ['contact-carol'],
      subject: 'Support form',
      preview: 'My order did not arrive',
      lastReceivedAt: now - 30 * MINUTE,
    }),
  );
  add(
    conversation('c-spam', now, {
      contactId: 'contact-spam',
      participantIds: ['contact-spam'],
      subject: 'Huge discount',
      preview: 'Buy now',
      filtered: 'spam',
      lastReceivedAt: now - 40 * MINUTE,
    }),
  );
  add(
    conversation('c-blocked', now, {
      channel: 'chat',
      contactId: 'contact-blocked',
      participantIds: ['contact-blocked'],
      preview: 'Annoying message',
      filtered: 'blocked',
      lastReceivedAt: now - 45 * MINUTE,
    }),
  );
  add(
    conversation('c-trash', now, {
      contactId: 'contact-carol',
      participantIds: ['contact-carol'],
      subject: 'Deleted thread',
      preview: 'Please ignore',
      trashedAt: now - 60 * MINUTE,
      lastReceivedAt: now - 50 * MINUTE,
    }),
    [message('m-trash-1', 'c-trash', now, { authorId: 'contact-carol', text: 'Please ignore this one' })],
  );
  add(
    conversation('c-sent', now, {
      contactId: 'contact-carol',
      participantIds: ['contact-carol'],
      subject: 'Following up',
      preview: 'Just checking in',
      sentOnly: true,
      needsReply: false,
      lastReceivedAt: 0,
    }),
  );
  add(
    conversation('c-hostile', now, {
      channel: 'chat',
      contactId: 'contact-hostile',
      participantIds: ['contact-hostile'],
      subject: HOSTILE,
      preview: HOSTILE,
      commentPreview: HOSTILE,
      lastReceivedAt: now - 60 * MINUTE,
      ticketId: 'ticket-hostile',
    }),
    [
      message('m-hostile-1', 'c-hostile', now, {
        authorId: 'contact-hostile',
        text: `${HOSTILE} javascript:alert(1) <a href="javascript:alert(2)">click</a> https://ok.example/page`,
        attachments: [{ id: 'fil_AAAAAAAAAAAAAAAAAAAAAA', name: HOSTILE, size: 10, type: 'text/html' }],
      }),
    ],
  );
  events.push({
    type: 'ticket.upserted',
    ticket: {
      id: 'ticket-1',
      name: 'Invoice 42 refund',
      contactId: 'contact-alice',
      conversationId: 'c-email',
      properties: { status: 'open', priority: 'high', owner: 'Ann' },
      createdAt: now - 11 * MINUTE,
    },
  });
  events.push({
    type: 'ticket.upserted',
    ticket: {
      id: 'ticket-2',
      name: 'Older Alice ticket',
      contactId: 'contact-alice',
      conversationId: null,
      properties: { status: 'closed' },
      createdAt: now - 90 * 24 * 60 * MINUTE,
    },
  });
  events.push({
    type: 'ticket.upserted',
    ticket: {
      id: 'ticket-hostile',
      name: HOSTILE,
      contactId: 'contact-hostile',
      conversationId: 'c-hostile',
      properties: { status: HOSTILE },
      createdAt: now,
    },
  });
  events.push({
    type: 'feedback.upserted',
    feedback: {
      id: 'feedback-1',
      contactId: 'contact-alice',
      kind: 'satisfaction',
      score: 9,
      comment: 'Great help last time',
      submittedAt: now - 20 * 24 * 60 * MINUTE,
    },
  });
  events.push({
    type: 'deal.upserted',
    deal: {
      id: 'deal-1',
      name: 'Acme upgrade',
      amount: 1200,
      currency: 'EUR',
      stage: 'proposal',
      contactId: 'contact-alice',
      conversationId: null,
      createdAt: now - 5 * 24 * 60 * MINUTE,
    },
  });
  return events;
}

export interface TestInbox {
  memory: MemoryBackend;
  client: InboxClient;
  now: number;
}

const open: InboxClient[] = [];

/** A signed-in agent client over the memory transport, ready to render. */
export async function createTestInbox(
  options: {
    seed?: ConfabEvent[];
    agentId?: string;
    now?: number;
    readyWithinMs?: number;
    uploadMaxBytes?: number;
  } = {},
): Promise<TestInbox> {
  const now = options.now ?? Date.now();
  const memory = createMemoryBackend({
    seed: options.seed ?? testSeed(now),
    startTime: now,
    uploadMaxBytes: options.uploadMaxBytes,
  });
  await memory.backend.ready;
  const client = createInboxClient({
    transport: memory.transport(),
    token: memory.agentToken(options.agentId ?? 'agent-ann'),
    persistence: createMemoryPersistence(),
  });
  open.push(client);
  await until(() => client.status.get().ready && client.me.get(), 'the client to be ready', options.readyWithinMs);
  // Let the store flush its first batch (it notifies once per animation frame; a page in the
  // background may get no frames, so do not wait for one forever).
  await new Promise((resolve) => {
    requestAnimationFrame(resolve);
    setTimeout(resolve, 50);
  });
  return { memory, client, now };
}

/** Closes every client a test opened. Call in afterEach. */
export function closeTestInboxes(): void {
  for (const client of open.splice(0)) client.close();
}

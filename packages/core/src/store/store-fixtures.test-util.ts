// Record builders shared by the store's tests (not shipped: only *.test.ts files import it).
import { newConversation } from '../engine/records.js';
import { defaultSettings } from '../engine/state.js';
import type { Agent, Contact, Conversation, Message, View } from '../model/model.js';
import type { ConfabEvent, Snapshot } from '../protocol/events.js';

export function conversation(id: string, patch: Partial<Conversation> = {}): Conversation {
  const base = newConversation({ id, channel: 'chat', contactId: null, participantIds: [], subject: '', now: 0 });
  return { ...base, needsReply: true, ...patch };
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

/** An admin agent (`<id>@team.example`) as the event that adds or changes them. */
export function agentUpserted(id: string, name: string, patch: Partial<Agent> = {}): ConfabEvent {
  return {
    type: 'agent.upserted',
    agent: {
      id,
      name,
      email: `${id}@team.example`,
      availability: 'available',
      role: 'admin',
      invitePending: false,
      lastSeenAt: null,
      disabled: false,
      ...patch,
    },
  };
}

/** Waits until `check` passes (backends and clients answer on later macrotasks). */
export async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

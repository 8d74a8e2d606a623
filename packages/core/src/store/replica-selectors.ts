import { idsOf, type EngineState } from '../engine/state.js';
import type { Agent, Company, Contact, Conversation, Deal, Feedback, Message, Ticket } from '../model/model.js';

/**
 * Selectors over the replica, for `store.read(selector, …args)`: the one way a UI reads records
 * the store has no method for (DESIGN §3). Each is a pure function of the state; rules stay in
 * the engine's own selectors (team.ts, sender-trust.ts, notices.ts), which `read` takes too.
 */
export type ReplicaSelector<A extends unknown[], R> = (state: EngineState, ...args: A) => R;

const NO_MESSAGES: readonly Message[] = Object.freeze([]);

export function contactById(state: EngineState, id: string | null | undefined): Contact | undefined {
  return id ? state.contacts.get(id) : undefined;
}

export function ticketById(state: EngineState, id: string | null | undefined): Ticket | undefined {
  return id ? state.tickets.get(id) : undefined;
}

export function companyById(state: EngineState, id: string | null | undefined): Company | undefined {
  return id ? state.companies.get(id) : undefined;
}

/** A conversation's messages in creation order (the array is the replica's: do not change it). */
export function messagesOf(state: EngineState, conversationId: string): readonly Message[] {
  return state.messages.get(conversationId) ?? NO_MESSAGES;
}

/** Every team member the replica knows, disabled and invited ones included (for names). */
export function allAgents(state: EngineState): Agent[] {
  return [...state.agents.values()];
}

/** What the About panel lists of a contact besides the conversation on screen. */
export interface ContactRecords {
  /** Their other conversations not in Trash, most recent first. */
  conversations: Conversation[];
  tickets: Ticket[];
  feedback: Feedback[];
  /** Deals of the contact or of the conversation. */
  deals: Deal[];
}

/**
 * A contact's other records. Conversations come from the engine's contact index (no scan of every
 * conversation); tickets, feedback and deals are scanned, and only for the kinds asked for.
 */
export function contactRecords(
  state: EngineState,
  contactId: string,
  conversationId: string,
  kinds: { has(kind: keyof ContactRecords): boolean },
  limit: number,
): ContactRecords {
  const conversation = state.conversations.get(conversationId);
  const conversations: Conversation[] = [];
  if (kinds.has('conversations')) {
    for (const id of idsOf(state.conversationIdsByContact.get(contactId))) {
      const other = state.conversations.get(id);
      if (other && other.id !== conversationId && other.contactId === contactId && other.trashedAt === null)
        conversations.push(other);
    }
    conversations.sort((a, b) => b.lastReceivedAt - a.lastReceivedAt).splice(limit);
  }
  const tickets: Ticket[] = [];
  if (kinds.has('tickets'))
    for (const ticket of state.tickets.values()) {
      if (tickets.length === limit) break;
      if (ticket.contactId === contactId && ticket.id !== conversation?.ticketId) tickets.push(ticket);
    }
  const feedback = kinds.has('feedback') ? [...state.feedback.values()].filter((f) => f.contactId === contactId) : [];
  const deals = kinds.has('deals')
    ? [...state.deals.values()].filter((d) => d.conversationId === conversationId || d.contactId === contactId)
    : [];
  return { conversations, tickets, feedback, deals };
}

import type {
  Agent,
  AgentId,
  Company,
  Contact,
  ContactId,
  Conversation,
  ConversationId,
  Deal,
  Feedback,
  Message,
  MessageId,
  Settings,
  Ticket,
  View,
} from '../model/model.js';

/**
 * What happened. Events carry whole records after the change (upserts), so that applying an event
 * twice, or a projected subset of events, always leaves a replica in a state the server had.
 */
export type ConfabEvent =
  | { type: 'conversation.upserted'; conversation: Conversation }
  | { type: 'conversation.removed'; conversationId: ConversationId }
  | { type: 'message.upserted'; message: Message }
  | { type: 'message.removed'; messageId: MessageId; conversationId: ConversationId }
  | { type: 'contact.upserted'; contact: Contact }
  | { type: 'agent.upserted'; agent: Agent }
  | { type: 'ticket.upserted'; ticket: Ticket }
  | { type: 'deal.upserted'; deal: Deal }
  | { type: 'company.upserted'; company: Company }
  | { type: 'feedback.upserted'; feedback: Feedback }
  | { type: 'settings.updated'; settings: Settings }
  | { type: 'view.upserted'; view: View }
  | { type: 'view.removed'; viewId: string }
  /** R1: an agent was mentioned in a comment. Delivered to that agent only. */
  | { type: 'mention.created'; agentId: AgentId; conversationId: ConversationId; messageId: MessageId }
  /** G1: round-robin routing moved on to this agent. Internal: never sent to visitors. */
  | { type: 'routing.advanced'; agentId: AgentId }
  /** T4 / T7 / C1: outbound email handed to delivery (the server's mailer picks these up). */
  | {
      type: 'email.queued';
      messageId: MessageId;
      conversationId: ConversationId;
      to: string[];
      subject: string;
      text: string;
      purpose: 'reply' | 'compose' | 'forward' | 'transcript';
    }
  /** A reply in a Messenger thread handed to the Send API (the server's Messenger sender picks these up). */
  | {
      type: 'messenger.queued';
      messageId: MessageId;
      conversationId: ConversationId;
      recipientId: string;
      text: string;
    }
  /** An agent asked to send a failed message again: its sender (`via`) starts its attempts over. */
  | { type: 'delivery.retried'; messageId: MessageId; conversationId: ConversationId; via: 'email' | 'messenger' };

export type EventType = ConfabEvent['type'];

/** An event as the server ordered it. `seq` increases by one for every stored event. */
export interface SequencedEvent {
  seq: number;
  /** The command id that caused it, so the client can reconcile optimistic state. */
  cause: string | null;
  event: ConfabEvent;
}

/** Ephemeral signals: not stored, not sequenced. */
export interface TypingSignal {
  conversationId: ConversationId;
  /** `contact` for the visitor, `agent` for a team member. */
  who: 'contact' | 'agent';
  name: string;
  typing: boolean;
  /** Which team member types, for the team only (two teammates typing are two signals). */
  agentId?: string;
}

/** Another team member has a conversation open (`viewing: false` when they left it). */
export interface ViewingSignal {
  conversationId: ConversationId;
  agentId: string;
  name: string;
  viewing: boolean;
}

/**
 * Everything a principal may see, at one sequence number: the starting point of a replica.
 * The server projects it per principal before sending (DESIGN §1).
 */
export interface Snapshot {
  seq: number;
  conversations: Conversation[];
  messages: Message[];
  contacts: Contact[];
  agents: Agent[];
  tickets: Ticket[];
  deals: Deal[];
  companies: Company[];
  feedback: Feedback[];
  settings: Settings;
  views: View[];
}

/** A snapshot with no records: what a replica holds for nobody (a system principal, a sign-out). */
export function emptySnapshot(settings: Settings, seq = 0): Snapshot {
  return {
    seq,
    conversations: [],
    messages: [],
    contacts: [],
    agents: [],
    tickets: [],
    deals: [],
    companies: [],
    feedback: [],
    settings,
    views: [],
  };
}

export type { ContactId };

import type {
  Agent,
  Company,
  Contact,
  Conversation,
  Deal,
  Feedback,
  Message,
  Settings,
  Ticket,
  View,
} from '../model/model.js';

/**
 * The whole inbox as the engine sees it. Only `applyEvent` writes it; `execute` reads it.
 * Messages are kept per conversation in creation order.
 */
export interface EngineState {
  conversations: Map<string, Conversation>;
  messages: Map<string, Message[]>;
  contacts: Map<string, Contact>;
  agents: Map<string, Agent>;
  tickets: Map<string, Ticket>;
  deals: Map<string, Deal>;
  companies: Map<string, Company>;
  feedback: Map<string, Feedback>;
  settings: Settings;
  /** Saved views only; built-in views are constants (engine/views.ts). */
  views: Map<string, View>;
  /** The agent that routing (G1, round robin) chose last. */
  lastRoutedAgentId: string | null;
  /** Lower-cased email → ids of the contacts with it: inbound mail finds its sender without a scan. */
  contactIdsByEmail: Map<string, IdGroup>;
  /** Email Message-ID → the conversation whose thread holds it: threading without a scan. */
  conversationIdsByEmailMessageId: Map<string, string>;
  /** Contact id → ids of the conversations they started: per-visitor limits without a scan. */
  conversationIdsByContact: Map<string, IdGroup>;
}

/**
 * Ids under one key of an engine index, in insertion order. Nearly every key has one (an
 * address, a contact's conversation): that id is kept as it is, and only a key with more gets an
 * array (an array of one costs ~28 bytes more than its id: ~5 MB over 100k contacts). Read it
 * with `idsOf`: a string is one id, not a list of characters.
 */
export type IdGroup = string | string[];

/** The ids of a group (none for no group). */
export function idsOf(group: IdGroup | undefined): readonly string[] {
  return typeof group === 'string' ? [group] : (group ?? []);
}

/** Adds `id` under `key` (once). */
export function addToGroup(groups: Map<string, IdGroup>, key: string, id: string): void {
  const group = groups.get(key);
  if (group === id) return; // nearly always: a conversation's contact written again
  const ids = idsOf(group);
  if (!ids.includes(id)) groups.set(key, ids.length === 0 ? id : [...ids, id]);
}

/** Removes `id` from under `key` (none: nothing to do); the key stays, with no ids (as it did with Sets). */
export function removeFromGroup(groups: Map<string, IdGroup>, key: string | null | undefined, id: string): void {
  const ids = idsOf(groups.get(key!));
  if (!ids.includes(id)) return;
  const rest = ids.filter((other) => other !== id);
  groups.set(key!, rest.length === 1 ? rest[0] : rest);
}

export const DEFAULT_ROLE_ADDRESSES = [
  'admin',
  'billing',
  'contact',
  'help',
  'hello',
  'info',
  'jobs',
  'marketing',
  'news',
  'newsletter',
  'no-reply',
  'noreply',
  'office',
  'press',
  'sales',
  'support',
  'team',
  'webmaster',
];

export function defaultSettings(): Settings {
  return {
    routing: { mode: 'round-robin' },
    widget: {
      title: 'Chat with us',
      welcome: 'Hi! How can we help?',
      color: '#2f5bea',
      awayMessage: 'We are away right now. Leave your email and we will get back to you.',
    },
    bot: {
      enabled: false,
      greeting: 'Hi! I am the Confab bot. What can I help you with?',
      quickReplies: ['Pricing', 'Opening hours'],
      handoverReply: 'Talk to a person',
    },
    email: { roleAddresses: [...DEFAULT_ROLE_ADDRESSES], address: 'support@confab.example' },
    ticketProperties: ['status', 'priority'],
  };
}

export function createEngineState(settings: Settings = defaultSettings()): EngineState {
  return {
    conversations: new Map(),
    messages: new Map(),
    contacts: new Map(),
    agents: new Map(),
    tickets: new Map(),
    deals: new Map(),
    companies: new Map(),
    feedback: new Map(),
    settings,
    views: new Map(),
    lastRoutedAgentId: null,
    contactIdsByEmail: new Map(),
    conversationIdsByEmailMessageId: new Map(),
    conversationIdsByContact: new Map(),
  };
}

import type { AgentId, Conversation, ConversationFilter, View } from '../model/model.js';

/** The built-in views of SPEC V1–V12, defined as data exactly like a saved view. */
export const BUILT_IN_VIEWS: readonly View[] = [
  { id: 'all', name: 'All conversations', filter: { scope: 'inbox' }, builtIn: true },
  { id: 'mine', name: 'Assigned to me', filter: { scope: 'inbox', assignee: 'me' }, builtIn: true },
  {
    id: 'unassigned',
    name: 'Unassigned',
    filter: { scope: 'inbox', assignee: 'nobody', botHandling: false },
    builtIn: true,
  },
  { id: 'email', name: 'Email', filter: { scope: 'inbox', channels: ['email'] }, builtIn: true },
  { id: 'chat', name: 'Chat', filter: { scope: 'inbox', channels: ['chat'] }, builtIn: true },
  { id: 'messenger', name: 'Messenger', filter: { scope: 'inbox', channels: ['messenger'] }, builtIn: true },
  { id: 'forms', name: 'Forms', filter: { scope: 'inbox', channels: ['form'] }, builtIn: true },
  { id: 'tickets', name: 'Tickets', filter: { scope: 'inbox', hasTicket: true }, builtIn: true },
  { id: 'bots', name: 'Bots', filter: { scope: 'inbox', botHandling: true }, builtIn: true },
  { id: 'filtered', name: 'Filtered', filter: { scope: 'filtered' }, builtIn: true },
  { id: 'trash', name: 'Trash', filter: { scope: 'trash' }, builtIn: true },
  { id: 'sent', name: 'Sent', filter: { scope: 'sent' }, builtIn: true },
];

/** Which part of the inbox a conversation lives in (V1, V10, V11, V12). */
export function scopeOf(conversation: Conversation): NonNullable<ConversationFilter['scope']> {
  if (conversation.trashedAt !== null) return 'trash';
  if (conversation.filtered !== null) return 'filtered';
  if (conversation.sentOnly) return 'sent';
  return 'inbox';
}

/** A bot is still handling it and no person owns it yet (V9). */
export function isBotHandling(conversation: Conversation): boolean {
  return conversation.bot === 'active' && conversation.assigneeId === null;
}

/**
 * Whether a conversation passes a filter, for the agent `me`. This one function decides view
 * membership (V1–V12), saved views and the filter menu (F2).
 */
export function matchesFilter(conversation: Conversation, filter: ConversationFilter, me: AgentId | null): boolean {
  if (scopeOf(conversation) !== (filter.scope ?? 'inbox')) return false;
  if (filter.status !== undefined && conversation.status !== filter.status) return false;
  if (filter.channels !== undefined && !filter.channels.includes(conversation.channel)) return false;
  if (filter.assignee !== undefined) {
    const wanted = filter.assignee === 'me' ? me : filter.assignee === 'nobody' ? null : filter.assignee;
    if (filter.assignee === 'me' && me === null) return false;
    if (conversation.assigneeId !== wanted) return false;
  }
  if (filter.hasTicket !== undefined && (conversation.ticketId !== null) !== filter.hasTicket) return false;
  if (filter.botHandling !== undefined && isBotHandling(conversation) !== filter.botHandling) return false;
  if (filter.activityFrom !== undefined && conversation.lastActivityAt < filter.activityFrom) return false;
  if (filter.activityTo !== undefined && conversation.lastActivityAt > filter.activityTo) return false;
  return true;
}

/**
 * The list order (L1): most recently received message first; ties by id so that every replica
 * sorts identically.
 */
export function compareConversations(a: Conversation, b: Conversation): number {
  if (a.lastReceivedAt !== b.lastReceivedAt) return b.lastReceivedAt - a.lastReceivedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

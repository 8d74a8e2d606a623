import {
  ACTIVITY_PERIODS,
  type AgentId,
  type Conversation,
  type ConversationFilter,
  type View,
} from '../model/model.js';

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
  if (filter.labels !== undefined && !filter.labels.every((id) => conversation.labelIds?.includes(id))) return false;
  // Unresolved (`resolveFilter` was not asked), a period cannot be placed in time: nothing passes.
  if (filter.activityWithin !== undefined) return false;
  return true;
}

/**
 * The filter as it stands at `now`: a period (`activityWithin`, "last 7 days") becomes the start
 * of its range. A live query resolves its filter when it is made, so a saved view keeps the
 * period and means the last 7 days whenever it is opened.
 *
 * @example
 * resolveFilter({ activityWithin: '7d' }, Date.now()) // { activityFrom: <now - 7 days> }
 */
export function resolveFilter(filter: ConversationFilter, now: number): ConversationFilter {
  if (filter.activityWithin === undefined) return filter;
  const { activityWithin, ...resolved } = filter;
  resolved.activityFrom = Math.max(filter.activityFrom ?? -Infinity, now - ACTIVITY_PERIODS[activityWithin]);
  return resolved;
}

/** A date input's value (`2026-12-04`, the user's own calendar day) for a time. */
export function dateInputValue(time: number): string {
  const day = new Date(time);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

/**
 * A custom date range of the filter menu (F2) from two date inputs' values: from the start of the
 * first day to the end of the last, in the user's time zone; either may be empty (open). Null when
 * the range is backwards or a value is not a date.
 *
 * @example
 * customDateRange('2026-12-01', '2026-12-04') // { activityFrom: <1 Dec 00:00>, activityTo: <4 Dec 23:59:59.999> }
 */
export function customDateRange(
  from: string,
  to: string,
): Pick<ConversationFilter, 'activityFrom' | 'activityTo'> | null {
  const day = (value: string) => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    return match ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : null;
  };
  const start = from ? day(from) : undefined;
  const end = to ? day(to) : undefined;
  if (start === null || end === null || (start === undefined && end === undefined)) return null;
  const range: Pick<ConversationFilter, 'activityFrom' | 'activityTo'> = {};
  if (start) range.activityFrom = start.getTime();
  if (end) range.activityTo = new Date(end.getFullYear(), end.getMonth(), end.getDate() + 1).getTime() - 1;
  if (start && end && range.activityFrom! > range.activityTo!) return null;
  return range;
}

/**
 * A view narrowed by more filters (the filter menu, F2): the conversations that pass both, as one
 * filter — or null when no conversation can pass both ("Assigned to me" narrowed to a teammate,
 * open narrowed to closed, channels that do not overlap, an empty date range). Live queries and
 * saved views both use it, so a saved view shows exactly what the list showed.
 */
export function narrowFilter(
  view: ConversationFilter,
  narrow: ConversationFilter,
  me: AgentId | null,
): ConversationFilter | null {
  const both: ConversationFilter = { ...view };
  const scope = narrow.scope ?? view.scope ?? 'inbox';
  if (scope !== (view.scope ?? 'inbox')) return null;
  if (view.scope !== undefined || narrow.scope !== undefined) both.scope = scope;
  for (const key of ['status', 'hasTicket', 'botHandling'] as const) {
    if (narrow[key] === undefined) continue;
    if (view[key] !== undefined && view[key] !== narrow[key]) return null;
    (both as Record<typeof key, unknown>)[key] = narrow[key];
  }
  if (narrow.channels !== undefined) {
    both.channels = view.channels ? view.channels.filter((c) => narrow.channels!.includes(c)) : [...narrow.channels];
    if (both.channels.length === 0) return null;
  }
  if (narrow.assignee !== undefined) {
    const resolve = (assignee: ConversationFilter['assignee']) => (assignee === 'me' ? (me ?? 'me') : assignee);
    if (view.assignee !== undefined && resolve(view.assignee) !== resolve(narrow.assignee)) return null;
    both.assignee = view.assignee ?? narrow.assignee;
  }
  if (narrow.labels !== undefined) both.labels = [...new Set([...(view.labels ?? []), ...narrow.labels])];
  // Both periods hold when the shorter one does; kept as a period, so a saved view stays relative.
  const periods = [view.activityWithin, narrow.activityWithin].filter((period) => period !== undefined);
  if (periods.length) both.activityWithin = periods.sort((a, b) => ACTIVITY_PERIODS[a] - ACTIVITY_PERIODS[b])[0];
  const from = Math.max(view.activityFrom ?? -Infinity, narrow.activityFrom ?? -Infinity);
  const to = Math.min(view.activityTo ?? Infinity, narrow.activityTo ?? Infinity);
  if (from > to) return null;
  if (from !== -Infinity) both.activityFrom = from;
  if (to !== Infinity) both.activityTo = to;
  return both;
}

/**
 * The list order (L1): most recently received message first; ties by id so that every replica
 * sorts identically.
 */
export function compareConversations(a: Conversation, b: Conversation): number {
  if (a.lastReceivedAt !== b.lastReceivedAt) return b.lastReceivedAt - a.lastReceivedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

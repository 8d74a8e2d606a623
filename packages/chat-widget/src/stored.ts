import type { Persistence } from '@confab/core';

/** The widget's own records (the client's have other keys), in the client's database. */
export const WIDGET_PREFIX = 'widget:';
/** Team messages the visitor has seen, per conversation. */
export const SEEN_KEY = `${WIDGET_PREFIX}seen`;
/** The visitor chatted before: their client connects on every page without waiting to be opened. */
export const ACTIVE_KEY = `${WIDGET_PREFIX}active`;

export interface Kept {
  seen: Readonly<Record<string, number>>;
  chattedBefore: boolean;
}

/** Both of the widget's records, in one transaction. */
export async function readKept(storage: Persistence): Promise<Kept> {
  const kept = new Map(await storage.entries<unknown>(WIDGET_PREFIX));
  const stored = kept.get(SEEN_KEY);
  const seen: Record<string, number> = {};
  if (stored && typeof stored === 'object')
    for (const [conversationId, count] of Object.entries(stored))
      if (typeof count === 'number') seen[conversationId] = count;
  return { seen, chattedBefore: kept.get(ACTIVE_KEY) === true };
}

/** `https://chat.example.com` → `wss://chat.example.com/ws` (tokens never go in this URL). */
export function socketUrl(server: string): string {
  const url = new URL('/ws', server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

import { chatsWaitingForOpening, nextHoursChange, routableAgents } from '@confab/core';
import type { Backend } from '@confab/core/backend';

/** How long after an opening the sweep still routes the chats that waited for it (a sweep runs at least once a minute). */
export const OPENING_WINDOW_MS = 5 * 60_000;

/**
 * Issue 17 / G1: in the minutes after a workspace's business hours open, the chats that came in
 * while it was closed are routed (`routing.routeWaiting`), once someone can take them. The server's
 * sweep calls this for every loaded workspace. The command id names the opening: every process of
 * a cluster, and every sweep of that window, gives it once (idempotency); a chat an agent unassigns
 * later is theirs to place. Nobody available through the window: the chats stay unassigned, as G1
 * leaves any chat nobody can take.
 */
export async function routeAtOpening(backend: Backend, now: number): Promise<boolean> {
  const state = backend.state;
  const opened = nextHoursChange(state.settings.hours, now - OPENING_WINDOW_MS);
  if (opened === null || opened > now) return false;
  if (!chatsWaitingForOpening(state, now).length || !routableAgents(state).length) return false;
  await backend.execute({ kind: 'system' }, { type: 'routing.routeWaiting' }, `hours-open:${opened}`);
  return true;
}

import { chatsWaitingForOpening, routableAgents } from '@confab/core';
import type { Backend } from '@confab/core/backend';

/**
 * Issue 17 / G1: once a workspace's business hours open and someone can take them, the chats that
 * came in while it was closed are routed (`routing.routeWaiting`). The server's sweep calls this for
 * every loaded workspace at least once a minute. The command id names the minute: processes of a
 * cluster that sweep at the same time give it once (idempotency), and a later minute tries again
 * for chats nobody could take yet.
 */
export async function routeAtOpening(backend: Backend, now: number): Promise<boolean> {
  const state = backend.state;
  if (!chatsWaitingForOpening(state, now).length || !routableAgents(state).length) return false;
  await backend.execute({ kind: 'system' }, { type: 'routing.routeWaiting' }, `hours-open:${Math.floor(now / 60_000)}`);
  return true;
}

import type { EngineState } from './state.js';

/**
 * Collision (issue 16): an agent is told before sending when a teammate answered the same
 * conversation while they were writing. Times are the server's message times on both sides, so
 * that a skewed browser clock cannot hide an answer or invent one.
 */

/** The time of the newest message in the conversation, or 0: where a reply being started stands. */
export function latestMessageAt(state: EngineState, conversationId: string): number {
  let latest = 0;
  for (const message of state.messages.get(conversationId) ?? []) latest = Math.max(latest, message.createdAt);
  return latest;
}

/** The names of the teammates (not `agentId`) who replied to the contact after `since`, once each. */
export function teammatesRepliedAfter(
  state: EngineState,
  conversationId: string,
  since: number,
  agentId: string | null,
): string[] {
  const names = new Set<string>();
  for (const message of state.messages.get(conversationId) ?? []) {
    if (message.createdAt <= since || message.kind !== 'reply' || message.direction !== 'outbound') continue;
    if (message.authorType !== 'agent' || message.authorId === agentId) continue;
    names.add(state.agents.get(message.authorId)?.name ?? '');
  }
  return [...names].filter(Boolean);
}

import type { Conversation } from '../model/model.js';
import type * as C from '../protocol/commands.js';
import { upserted } from './agent-commands.js';
import type { Decision } from './decision.js';
import { isOpenAt } from './hours.js';
import { route } from './routing.js';
import type { EngineState } from './state.js';
import { isBotHandling } from './views.js';

type Result = Record<string, string> | void;

/**
 * Issue 17 / G1: the chats that came in while the team was closed and still wait for a person
 * (open, unassigned, not with the bot, not filtered), oldest first; none while it is closed now.
 * The server gives `routing.routeWaiting` when there are some and someone can take them.
 */
export function chatsWaitingForOpening(state: EngineState, now: number): Conversation[] {
  const hours = state.settings.hours;
  if (!hours?.enabled || !isOpenAt(hours, now)) return [];
  return [...state.conversations.values()]
    .filter((conversation) => isWaiting(conversation) && !isOpenAt(hours, conversation.startedAt))
    .sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
}

function isWaiting(conversation: Conversation): boolean {
  return (
    conversation.channel === 'chat' &&
    conversation.status === 'open' &&
    conversation.assigneeId === null &&
    conversation.trashedAt === null &&
    conversation.filtered === null &&
    !isBotHandling(conversation)
  );
}

export const hoursHandlers = {
  /**
   * Issue 17 / G1: at an opening the chats that came in while closed are routed, oldest first, as
   * each would have been on arrival. Each choice counts for the next (round robin's turn, least-open's load).
   */
  'routing.routeWaiting'(decision: Decision, _command: C.RouteWaitingCommand): Result {
    const working: EngineState = { ...decision.state, conversations: new Map(decision.state.conversations) };
    for (const conversation of chatsWaitingForOpening(decision.state, decision.now)) {
      const routing = route(working, decision.now);
      if (!routing.assigneeId) return;
      const next = { ...conversation, assigneeId: routing.assigneeId };
      working.conversations.set(next.id, next);
      if (routing.events.length) working.lastRoutedAgentId = routing.assigneeId;
      decision.emit(upserted(next), ...routing.events);
    }
  },
};

import type { Conversation } from '../model/model.js';
import type * as C from '../protocol/commands.js';
import { upserted } from './agent-commands.js';
import type { Decision } from './decision.js';
import { route } from './routing.js';
import type { EngineState } from './state.js';
import { isBotHandling } from './views.js';

type Result = Record<string, string> | void;

/** A chat that came in while nobody could take it and still waits for a person (not with the bot, not filtered). */
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
   * Issue 17 / G1: at an opening the waiting chats are routed, oldest first, as each would have been
   * on arrival. Each choice counts for the next (round robin's turn, least-open's load).
   */
  'routing.routeWaiting'(decision: Decision, _command: C.RouteWaitingCommand): Result {
    const working: EngineState = { ...decision.state, conversations: new Map(decision.state.conversations) };
    const waiting = [...working.conversations.values()].filter(isWaiting).sort((a, b) => a.startedAt - b.startedAt);
    for (const conversation of waiting) {
      const routing = route(working, decision.now);
      if (!routing.assigneeId) return;
      const next = { ...conversation, assigneeId: routing.assigneeId };
      working.conversations.set(next.id, next);
      if (routing.events.length) working.lastRoutedAgentId = routing.assigneeId;
      decision.emit(upserted(next), ...routing.events);
    }
  },
};

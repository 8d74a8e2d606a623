import type { Conversation } from '../model/model.js';
import type * as C from '../protocol/commands.js';
import { upserted } from './agent-commands.js';
import type { Decision } from './decision.js';
import type { EngineState } from './state.js';

type Result = Record<string, string> | void;

/**
 * T11 counts a visitor's typing as activity, but typing is an ephemeral signal, sent every few
 * seconds. The backend turns it into at most one durable `visitor.typed` per conversation and
 * window of this length (aligned on the epoch, so every process of a cluster names the same
 * window), which keeps the log from growing with keystrokes.
 */
export const TYPING_ACTIVITY_WINDOW_MS = 2 * 60_000;

/** Start of the typing window `now` falls in; the backend's command id names it. */
export function typingWindowStart(now: number): number {
  return now - (now % TYPING_ACTIVITY_WINDOW_MS);
}

/**
 * Whether typing at `now` would still move the T11 clock: a bot conversation whose visitor is not
 * blocked, and no typing recorded for this window yet. The backend asks this before giving
 * `visitor.typed`, so that only the first keystroke of a window costs a command.
 */
export function typingMovesBotClock(state: EngineState, conversation: Conversation, now: number): boolean {
  if (conversation.bot !== 'active' || conversation.status !== 'open') return false;
  const contact = conversation.contactId === null ? undefined : state.contacts.get(conversation.contactId);
  if (!contact || contact.blocked) return false;
  return conversation.lastVisitorActivityAt < typingWindowStart(now) + TYPING_ACTIVITY_WINDOW_MS;
}

export const visitorActivityHandlers = {
  /**
   * The visitor typed in a bot conversation (system principal; the backend gives it, once per
   * window). Activity counts to the END of the window: later keystrokes of the same window are not
   * recorded, so T11 may lift up to one window late but never before 30 quiet minutes.
   */
  'visitor.typed'(decision: Decision, command: C.VisitorTypedCommand): Result {
    const conversation = decision.conversation(command.conversationId);
    if (!typingMovesBotClock(decision.state, conversation, decision.now)) return;
    const windowEnd = typingWindowStart(decision.now) + TYPING_ACTIVITY_WINDOW_MS;
    decision.emit(upserted({ ...conversation, lastVisitorActivityAt: windowEnd }));
  },
};

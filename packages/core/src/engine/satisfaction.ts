import type { BusinessHours, Conversation, Feedback, SatisfactionSettings, Settings } from '../model/model.js';
import type { RefusalReason } from '../protocol/errors.js';
import type { EngineState } from './state.js';

/** Settings stored before issue 17 have no rating: it is off until an admin turns it on. */
export function satisfactionSettings(settings: Settings): SatisfactionSettings {
  return settings.satisfaction ?? { enabled: false, question: { en: '', nl: '' } };
}

/** Settings stored before issue 17 have no hours: always open (Monday to Friday 9–17 once switched on). */
export function businessHours(settings: Settings): BusinessHours {
  const weekday = [{ open: '09:00', close: '17:00' }];
  return (
    settings.hours ?? { enabled: false, timeZone: 'UTC', week: [weekday, weekday, weekday, weekday, weekday, [], []] }
  );
}

/** The visitor's rating of one chat (issue 17), if they gave one. */
export function ratingOf(state: Pick<EngineState, 'feedback'>, conversationId: string): Feedback | undefined {
  for (const feedback of state.feedback.values()) if (feedback.conversationId === conversationId) return feedback;
  return undefined;
}

/**
 * Why a visitor may not rate this chat of theirs now, or null when they may: ratings are on, the
 * chat is closed, and it was not rated before (a rating is given once; the widget asks again only
 * for a chat closed without one).
 */
export function ratingRefusal(
  state: Pick<EngineState, 'feedback' | 'settings'>,
  conversation: Conversation,
): Extract<RefusalReason, 'ratings-off' | 'rating-not-closed' | 'already-rated'> | null {
  if (!satisfactionSettings(state.settings).enabled) return 'ratings-off';
  if (conversation.status !== 'closed') return 'rating-not-closed';
  if (ratingOf(state, conversation.id)) return 'already-rated';
  return null;
}

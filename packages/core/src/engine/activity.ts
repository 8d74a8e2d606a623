import type { Activity, ConversationId } from '../model/model.js';
import type { ConfabEvent } from '../protocol/events.js';
import type { Decision } from './decision.js';
import { newMessage } from './records.js';

/**
 * A team-only note in the thread recording what the deciding agent did (issue 16): a system
 * message by that agent, which the visitor's projection never carries (`visibleToVisitor`). It
 * leaves the conversation's clocks, previews and counts as they were: an action is not a message.
 */
export function activityNote(decision: Decision, conversationId: ConversationId, activity: Activity): ConfabEvent {
  const message = newMessage({
    id: decision.newId(),
    conversationId,
    kind: 'system',
    direction: 'outbound',
    authorType: 'agent',
    authorId: decision.agent.id,
    text: '',
    createdAt: decision.now,
    activity,
  });
  return { type: 'message.upserted', message };
}

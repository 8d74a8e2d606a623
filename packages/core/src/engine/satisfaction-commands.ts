import type { Feedback } from '../model/model.js';
import type * as C from '../protocol/commands.js';
import { ruleError } from '../protocol/errors.js';
import type { Decision } from './decision.js';
import { newMessage } from './records.js';
import { ratingRefusal } from './satisfaction.js';
import { ownConversation, visitorId } from './visitor-commands.js';

type Result = Record<string, string> | void;

const RATING_REFUSALS = {
  'ratings-off': 'This team does not ask for ratings',
  'rating-not-closed': 'Only a closed conversation can be rated',
  'already-rated': 'This conversation was already rated',
};

/**
 * The visitor's rating (issue 17). Apart from `visitorHandlers`, which the widget's client runs to
 * draw early: a rating draws nothing there, so the widget's bundle leaves it out (DESIGN §4).
 */
export const satisfactionHandlers = {
  'visitor.rate'(decision: Decision, command: C.RateCommand): Result {
    const conversation = ownConversation(decision, command.conversationId);
    const contact = decision.contact(visitorId(decision));
    const refusal = ratingRefusal(decision.state, conversation);
    if (refusal) throw ruleError('satisfaction', refusal, RATING_REFUSALS[refusal]);
    // W3: a blocked visitor's words never reach the team.
    if (contact.blocked) return;
    const comment = command.comment?.trim() ?? '';
    const feedback: Feedback = {
      id: decision.newId(),
      contactId: contact.id,
      kind: 'satisfaction',
      score: command.score,
      comment,
      submittedAt: decision.now,
      conversationId: conversation.id,
    };
    // The team's note in the thread (A6's record is the feedback; the note says it where they work).
    const note = newMessage({
      id: decision.newId(),
      conversationId: conversation.id,
      kind: 'system',
      direction: 'inbound',
      authorType: 'contact',
      authorId: contact.id,
      text: '',
      createdAt: decision.now,
      activity: { type: 'rated', score: command.score, comment },
    });
    decision.emit({ type: 'feedback.upserted', feedback }, { type: 'message.upserted', message: note });
    return { feedbackId: feedback.id };
  },
};

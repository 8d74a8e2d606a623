import type { Conversation } from '../model/model.js';
import type * as C from '../protocol/commands.js';
import { upserted } from './agent-commands.js';
import { botAnswerFor, botFallback } from './bot.js';
import type { Decision } from './decision.js';
import { withMessage } from './records.js';
import { botMessage, visitorHandlers } from './visitor-commands.js';
import { isBotHandling } from './views.js';

/** The conversation as this decision has emitted it last (after the visitor's message). */
function emittedConversation(decision: Decision, id: string): Conversation | undefined {
  for (let index = decision.events.length - 1; index >= 0; index--) {
    const event = decision.events[index]!;
    if (event.type === 'conversation.upserted' && event.conversation.id === id) return event.conversation;
  }
  return undefined;
}

/** The bot's reply to `text`, after what the visitor's command emitted: the team's answer, else its fallback. */
function reply(decision: Decision, conversation: Conversation, text: string, fallback: boolean): void {
  const { settings } = decision.state;
  const answer = botAnswerFor(settings, text);
  if (!answer && !fallback) return;
  const message = answer
    ? botMessage(decision, conversation.id, answer.text, answer.offerHandover ? [settings.bot.handoverReply] : [])
    : botMessage(decision, conversation.id, botFallback(settings), [settings.bot.handoverReply]);
  decision.emit(upserted(withMessage(conversation, message)), { type: 'message.upserted', message });
}

/**
 * W5 on the server, over the shared visitor rules: the bot answers with the team's answers
 * (settings, matched by keyword) or the team's fallback. A visitor's client draws only the shared
 * part (their message, the greeting, the hand-over): the answers are not in a visitor's replica, so
 * a drawn guess could be wrong, and the widget's bundle stays without them.
 */
export const botReplyHandlers = {
  'visitor.startChat'(decision: Decision, command: C.StartChatCommand) {
    const result = visitorHandlers['visitor.startChat'](decision, command) as { conversationId: string };
    const conversation = emittedConversation(decision, result.conversationId);
    // A first message the team has an answer for gets it (the greeting came before the message).
    if (conversation && isBotHandling(conversation)) reply(decision, conversation, command.text, false);
    return result;
  },
  'visitor.message'(decision: Decision, command: C.VisitorMessageCommand) {
    const result = visitorHandlers['visitor.message'](decision, command);
    const conversation = emittedConversation(decision, command.conversationId);
    // Still with the bot after the message (not handed over, not a blocked visitor's): it answers.
    if (conversation && isBotHandling(conversation)) reply(decision, conversation, command.text, true);
    return result;
  },
};

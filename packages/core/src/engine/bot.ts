import type { BotAnswer, Settings } from '../model/model.js';

/** W5: the visitor's text is the bot's hand-over reply ("Talk to a person"), however it is cased or spaced. */
export function isHandoverReply(settings: Settings, text: string): boolean {
  const handover = settings.bot.handoverReply.trim().toLowerCase();
  return handover !== '' && text.trim().toLowerCase() === handover;
}

/** What the bot says when no answer matches, in settings stored before teams could set it. */
export const DEFAULT_BOT_FALLBACK = "I'm not sure I can help with that. Would you like to talk to a person?";

/** What the bot says when no answer matches: the team's fallback, else DEFAULT_BOT_FALLBACK. */
export function botFallback(settings: Settings): string {
  return settings.bot.fallback ?? DEFAULT_BOT_FALLBACK;
}

/** Lower-case words separated by single spaces, accents and punctuation dropped, padded with spaces. */
function words(text: string): string {
  const plain = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return ` ${plain} `;
}

/**
 * W5: the team's answer to a visitor's message: the first answer with a keyword (a word or a phrase)
 * that occurs in the message as whole words. "Pricing?" matches `pricing`; "prices" does not.
 *
 * @example
 * botAnswerFor(settings, 'What are your opening hours?') // the answer with keyword "opening hours"
 */
export function botAnswerFor(settings: Settings, text: string): BotAnswer | undefined {
  const said = words(text);
  return settings.bot.answers?.find((answer) =>
    answer.keywords.some((keyword) => {
      const wanted = words(keyword);
      return wanted !== '  ' && said.includes(wanted);
    }),
  );
}

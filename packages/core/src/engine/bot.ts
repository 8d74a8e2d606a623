import type { Settings } from '../model/model.js';

/** W5: the visitor's text is the bot's hand-over reply ("Talk to a person"), however it is cased or spaced. */
export function isHandoverReply(settings: Settings, text: string): boolean {
  const handover = settings.bot.handoverReply.trim().toLowerCase();
  return handover !== '' && text.trim().toLowerCase() === handover;
}

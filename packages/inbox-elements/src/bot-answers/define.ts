// Loaded by the settings panel on first use, so the bot answers editor stays out of the first paint.
import { defineOnce } from '../shared/define-once.js';
import { ConfabBotAnswers } from './bot-answers.js';

defineOnce('confab-bot-answers', ConfabBotAnswers);

declare global {
  interface HTMLElementTagNameMap {
    'confab-bot-answers': ConfabBotAnswers;
  }
}

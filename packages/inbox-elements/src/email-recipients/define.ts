// Loaded by the reply editor and the compose dialog when an email is being written, so the Cc/Bcc
// fields stay out of the inbox's first paint.
import { defineOnce } from '../shared/define-once.js';
import { ConfabEmailRecipients } from './email-recipients.js';

defineOnce('confab-email-recipients', ConfabEmailRecipients);

declare global {
  interface HTMLElementTagNameMap {
    'confab-email-recipients': ConfabEmailRecipients;
  }
}

// Loaded by the settings panel on first use, so the canned responses editor stays out of the first paint.
import { defineOnce } from '../shared/define-once.js';
import { ConfabCannedResponses } from './canned-responses.js';

defineOnce('confab-canned-responses', ConfabCannedResponses);

declare global {
  interface HTMLElementTagNameMap {
    'confab-canned-responses': ConfabCannedResponses;
  }
}

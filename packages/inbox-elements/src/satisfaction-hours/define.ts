// Loaded by the settings panel on first use, so this section stays out of the inbox's first paint.
import { defineOnce } from '../shared/define-once.js';
import { ConfabSatisfactionHours } from './satisfaction-hours.js';

defineOnce('confab-satisfaction-hours', ConfabSatisfactionHours);

declare global {
  interface HTMLElementTagNameMap {
    'confab-satisfaction-hours': ConfabSatisfactionHours;
  }
}

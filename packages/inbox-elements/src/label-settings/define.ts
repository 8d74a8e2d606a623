// Loaded by the settings panel on first use, so the Labels section stays out of the first paint.
import { defineOnce } from '../shared/define-once.js';
import { ConfabLabelSettings } from './label-settings.js';

defineOnce('confab-label-settings', ConfabLabelSettings);

declare global {
  interface HTMLElementTagNameMap {
    'confab-label-settings': ConfabLabelSettings;
  }
}

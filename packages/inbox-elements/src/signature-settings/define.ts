// Loaded by the settings panel, so the signature section stays out of the inbox's first paint.
import { defineOnce } from '../shared/define-once.js';
import { ConfabSignatureSettings } from './signature-settings.js';

defineOnce('confab-signature-settings', ConfabSignatureSettings);

declare global {
  interface HTMLElementTagNameMap {
    'confab-signature-settings': ConfabSignatureSettings;
  }
}

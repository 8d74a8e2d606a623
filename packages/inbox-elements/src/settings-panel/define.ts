// Registers <confab-settings-panel>. `import '@confab/inbox-elements/define/settings-panel.js'`.
import { defineOnce } from '../shared/define-once.js';
import { ConfabSettingsPanel } from './settings-panel.js';

defineOnce('confab-settings-panel', ConfabSettingsPanel);

declare global {
  interface HTMLElementTagNameMap {
    'confab-settings-panel': ConfabSettingsPanel;
  }
}

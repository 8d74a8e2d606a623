// Registers <confab-about-panel>. `import '@confab/inbox-elements/define/about-panel.js'`.
import { defineOnce } from '../shared/define-once.js';
import { ConfabAboutPanel } from './about-panel.js';

defineOnce('confab-about-panel', ConfabAboutPanel);

declare global {
  interface HTMLElementTagNameMap {
    'confab-about-panel': ConfabAboutPanel;
  }
}

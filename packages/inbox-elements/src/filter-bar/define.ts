// Registers <confab-filter-bar>. `import '@confab/inbox-elements/define/filter-bar.js'`.
import { defineOnce } from '../shared/define-once.js';
import { ConfabFilterBar } from './filter-bar.js';

defineOnce('confab-filter-bar', ConfabFilterBar);

declare global {
  interface HTMLElementTagNameMap {
    'confab-filter-bar': ConfabFilterBar;
  }
}

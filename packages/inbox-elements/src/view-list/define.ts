// Registers <confab-view-list>. `import '@confab/inbox-elements/define/view-list.js'`.
import { defineOnce } from '../shared/define-once.js';
import { ConfabViewList } from './view-list.js';

defineOnce('confab-view-list', ConfabViewList);

declare global {
  interface HTMLElementTagNameMap {
    'confab-view-list': ConfabViewList;
  }
}

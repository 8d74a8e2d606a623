// Registers <confab-inbox> and the parts it renders inside it. `import '@confab/inbox-elements/define/inbox.js'`.
import '../view-list/define.js';
import '../filter-bar/define.js';
import '../conversation-list/define.js';
import '../thread/define.js';
import '../about-panel/define.js';
import '../compose-dialog/define.js';
import '../settings-panel/define.js';
import '../shortcuts-dialog/define.js';
import { defineOnce } from '../shared/define-once.js';
import { ConfabInbox } from './inbox.js';

defineOnce('confab-inbox', ConfabInbox);

declare global {
  interface HTMLElementTagNameMap {
    'confab-inbox': ConfabInbox;
  }
}

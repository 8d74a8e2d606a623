// Registers <confab-inbox> and the parts it renders inside it. `import '@confab/inbox-elements/define/inbox.js'`.
import '../view-list/define.js';
import '../filter-bar/define.js';
import '../conversation-list/define.js';
import '../thread/define.js';
import '../about-panel/define.js';
// The compose and shortcuts dialogs and the settings panel are not needed for the first paint:
// <confab-inbox> loads them right after it (inbox.ts).
import { defineOnce } from '../shared/define-once.js';
import { ConfabInbox } from './inbox.js';

defineOnce('confab-inbox', ConfabInbox);

declare global {
  interface HTMLElementTagNameMap {
    'confab-inbox': ConfabInbox;
  }
}

// Registers <confab-conversation-list>. `import '@confab/inbox-elements/define/conversation-list.js'`.
import { defineOnce } from '../shared/define-once.js';
import { ConfabConversationList } from './conversation-list.js';

defineOnce('confab-conversation-list', ConfabConversationList);

declare global {
  interface HTMLElementTagNameMap {
    'confab-conversation-list': ConfabConversationList;
  }
}

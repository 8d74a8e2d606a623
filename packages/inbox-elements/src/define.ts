/**
 * Registers the `confab-*` tags of the inbox's first paint; `<confab-inbox>` loads the rest right
 * after it (each part alone: `define/<part>.js`, which also registers the parts it renders). Safe
 * to load twice: a tag that exists is left as it is.
 */
import './inbox/define.js';
import './reply-editor/define.js';
import { ConfabInbox } from './inbox/inbox.js';
import { ConfabViewList } from './view-list/view-list.js';
import { ConfabFilterBar } from './filter-bar/filter-bar.js';
import { ConfabConversationList } from './conversation-list/conversation-list.js';
import { ConfabThread } from './thread/thread.js';
import { ConfabReplyEditor } from './reply-editor/reply-editor.js';
import { ConfabAboutPanel } from './about-panel/about-panel.js';

// The bundle built from this entry (dist/bundles/confab-inbox.js) is all a page needs: the
// elements, and the client with its WebSocket transport to give them.
export { createInboxClient, createWebSocketTransport } from '@confab/core';
export { defineOnce } from './shared/define-once.js';

/**
 * Every tag the inbox's first paint needs, and its class. The dialogs, the settings panel and its
 * sections, and the notifications load right after the first paint (`define/compose-dialog.js`,
 * `define/settings-panel.js`, … register one alone).
 */
export const INBOX_TAGS: Record<string, CustomElementConstructor> = {
  'confab-inbox': ConfabInbox,
  'confab-view-list': ConfabViewList,
  'confab-filter-bar': ConfabFilterBar,
  'confab-conversation-list': ConfabConversationList,
  'confab-thread': ConfabThread,
  'confab-reply-editor': ConfabReplyEditor,
  'confab-about-panel': ConfabAboutPanel,
};

/**
 * Registers every `confab-*` tag of the inbox. Safe to load twice (a second copy of the bundle,
 * or a host that defined a tag already): a tag that exists is left as it is.
 */
import { ConfabInbox } from './inbox/inbox.js';
import { ConfabViewList } from './view-list/view-list.js';
import { ConfabFilterBar } from './filter-bar/filter-bar.js';
import { ConfabConversationList } from './conversation-list/conversation-list.js';
import { ConfabThread } from './thread/thread.js';
import { ConfabReplyEditor } from './reply-editor/reply-editor.js';
import { ConfabAboutPanel } from './about-panel/about-panel.js';
import { ConfabComposeDialog } from './compose-dialog/compose-dialog.js';
import { ConfabSettingsPanel } from './settings-panel/settings-panel.js';
import { ConfabShortcutsDialog } from './shortcuts-dialog/shortcuts-dialog.js';
import type { ConfabTeamSection } from './team-section/team-section.js';
import { defineOnce } from './shared/define-once.js';

export { defineOnce };

// The bundle built from this entry (dist/bundles/confab-inbox.js) is all a page needs: the
// elements, and the client with its WebSocket transport to give them.
export { createInboxClient, createWebSocketTransport } from '@confab/core';

export const INBOX_TAGS: Record<string, CustomElementConstructor> = {
  'confab-inbox': ConfabInbox,
  'confab-view-list': ConfabViewList,
  'confab-filter-bar': ConfabFilterBar,
  'confab-conversation-list': ConfabConversationList,
  'confab-thread': ConfabThread,
  'confab-reply-editor': ConfabReplyEditor,
  'confab-about-panel': ConfabAboutPanel,
  'confab-compose-dialog': ConfabComposeDialog,
  'confab-settings-panel': ConfabSettingsPanel,
  'confab-shortcuts-dialog': ConfabShortcutsDialog,
};

for (const [tag, element] of Object.entries(INBOX_TAGS)) defineOnce(tag, element);

declare global {
  interface HTMLElementTagNameMap {
    'confab-inbox': ConfabInbox;
    'confab-view-list': ConfabViewList;
    'confab-filter-bar': ConfabFilterBar;
    'confab-conversation-list': ConfabConversationList;
    'confab-thread': ConfabThread;
    'confab-reply-editor': ConfabReplyEditor;
    'confab-about-panel': ConfabAboutPanel;
    'confab-compose-dialog': ConfabComposeDialog;
    'confab-settings-panel': ConfabSettingsPanel;
    'confab-shortcuts-dialog': ConfabShortcutsDialog;
    /** Defined on first use by the settings panel (team-section/define.ts). */
    'confab-team-section': ConfabTeamSection;
  }
}

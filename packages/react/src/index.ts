/**
 * @confab/react — the Confab inbox in React: one component per inbox element and `useStore` for
 * the client's stores. Each component registers only its own tag (and the parts inside it), so an
 * app that uses two parts loads two. The chat window is `@confab/react/chat`; JSX types for using
 * the tags directly with React 19 are `@confab/react/jsx`.
 */
export { ConfabInbox } from './elements/inbox.js';
export { ConfabViewList } from './elements/view-list.js';
export { ConfabFilterBar } from './elements/filter-bar.js';
export { ConfabConversationList } from './elements/conversation-list.js';
export { ConfabThread } from './elements/thread.js';
export { ConfabReplyEditor } from './elements/reply-editor.js';
export { ConfabAboutPanel } from './elements/about-panel.js';
export { ConfabComposeDialog } from './elements/compose-dialog.js';
export { ConfabSettingsPanel } from './elements/settings-panel.js';
export { ConfabShortcutsDialog } from './elements/shortcuts-dialog.js';
export { useStore } from './use-store.js';

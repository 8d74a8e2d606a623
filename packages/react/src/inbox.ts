// React components for the ten inbox elements, made with @lit/react. Each component sets the
// element's properties (objects such as `client` too, never attributes) and turns `on…` props
// into listeners for the `confab-*` DOM events that element sends, typed from ConfabEventMap.
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import {
  ConfabAboutPanel as AboutPanelElement,
  ConfabComposeDialog as ComposeDialogElement,
  ConfabConversationList as ConversationListElement,
  ConfabFilterBar as FilterBarElement,
  ConfabInbox as InboxElement,
  ConfabReplyEditor as ReplyEditorElement,
  ConfabSettingsPanel as SettingsPanelElement,
  ConfabShortcutsDialog as ShortcutsDialogElement,
  ConfabThread as ThreadElement,
  ConfabViewList as ViewListElement,
  type ConfabEventMap,
} from '@confab/inbox-elements';
// Registers every `confab-*` tag (a tag already defined is left alone), so a part used alone
// finds the parts it renders inside it.
import '@confab/inbox-elements/define.js';

/** `'confab-open-record'` as the event it names, so a handler gets `CustomEvent<OpenRecordDetail>`. */
function event<K extends keyof ConfabEventMap>(name: K): EventName<ConfabEventMap[K]> {
  return name as EventName<ConfabEventMap[K]>;
}

const OPEN_RECORD = { onOpenRecord: event('confab-open-record') };
const SELECT_CONVERSATION = { onSelectConversation: event('confab-select-conversation') };
const VIEW_LIST_EVENTS = {
  onViewChange: event('confab-view-change'),
  onCompose: event('confab-compose'),
  onOpenSettings: event('confab-open-settings'),
};
const FILTER_CHANGE = { onFilterChange: event('confab-filter-change') };

/**
 * The whole inbox: views, list, thread, About panel, dialogs.
 * Cancelable events (`onOpenRecord`, `onCompose`, `onOpenSettings`) ask the host first:
 * `e.preventDefault()` means "handled", and the inbox does not follow its own link.
 * @example <ConfabInbox client={client} locale="nl" onOpenRecord={(e) => { e.preventDefault(); open(e.detail); }} />
 */
export const ConfabInbox = createComponent({
  react: React,
  tagName: 'confab-inbox',
  elementClass: InboxElement,
  displayName: 'ConfabInbox',
  events: { ...VIEW_LIST_EVENTS, ...SELECT_CONVERSATION, ...OPEN_RECORD, ...FILTER_CHANGE },
});

/** The views with their live counts (V1–V12 and saved views). */
export const ConfabViewList = createComponent({
  react: React,
  tagName: 'confab-view-list',
  elementClass: ViewListElement,
  displayName: 'ConfabViewList',
  events: VIEW_LIST_EVENTS,
});

/** The filter menu and search box of a list (F1–F3). */
export const ConfabFilterBar = createComponent({
  react: React,
  tagName: 'confab-filter-bar',
  elementClass: FilterBarElement,
  displayName: 'ConfabFilterBar',
  events: FILTER_CHANGE,
});

/** The conversations of one view, filter and search. */
export const ConfabConversationList = createComponent({
  react: React,
  tagName: 'confab-conversation-list',
  elementClass: ConversationListElement,
  displayName: 'ConfabConversationList',
  events: SELECT_CONVERSATION,
});

/** One conversation: messages, comments, actions, and its reply editor. */
export const ConfabThread = createComponent({
  react: React,
  tagName: 'confab-thread',
  elementClass: ThreadElement,
  displayName: 'ConfabThread',
  events: OPEN_RECORD,
});

/** The reply and comment editor of a conversation (the thread renders its own). */
export const ConfabReplyEditor = createComponent({
  react: React,
  tagName: 'confab-reply-editor',
  elementClass: ReplyEditorElement,
  displayName: 'ConfabReplyEditor',
});

/** The contact, company and records beside a conversation. */
export const ConfabAboutPanel = createComponent({
  react: React,
  tagName: 'confab-about-panel',
  elementClass: AboutPanelElement,
  displayName: 'ConfabAboutPanel',
  events: { ...OPEN_RECORD, ...SELECT_CONVERSATION },
});

/** The new-email dialog (C1). */
export const ConfabComposeDialog = createComponent({
  react: React,
  tagName: 'confab-compose-dialog',
  elementClass: ComposeDialogElement,
  displayName: 'ConfabComposeDialog',
});

/** The inbox settings (I1). */
export const ConfabSettingsPanel = createComponent({
  react: React,
  tagName: 'confab-settings-panel',
  elementClass: SettingsPanelElement,
  displayName: 'ConfabSettingsPanel',
});

/** The keyboard shortcuts dialog. */
export const ConfabShortcutsDialog = createComponent({
  react: React,
  tagName: 'confab-shortcuts-dialog',
  elementClass: ShortcutsDialogElement,
  displayName: 'ConfabShortcutsDialog',
});

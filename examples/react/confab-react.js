// @ts-check
// React components for the Confab inbox elements, made with @lit/react. Each wrapper sets the
// element's properties (objects such as `client` included, not attributes) and maps `on…` props to
// the elements' `confab-*` DOM events, typed from the elements' own event map.
import React from 'react';
import { createComponent } from '@lit/react';
import {
  ConfabInbox as InboxElement,
  ConfabViewList as ViewListElement,
  ConfabConversationList as ConversationListElement,
  ConfabThread as ThreadElement,
} from '@confab/inbox-elements';
// Registers the `confab-*` tags (guarded: a second copy never throws).
import '@confab/inbox-elements/define.js';

/**
 * `'confab-open-record'` typed as the event it names, so a handler prop gets `CustomEvent<OpenRecordDetail>`.
 * @template {keyof import('@confab/inbox-elements').ConfabEventMap} K
 * @param {K} name
 * @returns {import('@lit/react').EventName<import('@confab/inbox-elements').ConfabEventMap[K]>}
 */
const event = (name) => /** @type {any} */ (name);

/**
 * The whole inbox.
 * @example <ConfabInbox client={client} locale="nl" onOpenRecord={(e) => { e.preventDefault(); open(e.detail); }} />
 */
export const ConfabInbox = createComponent({
  react: React,
  tagName: 'confab-inbox',
  elementClass: InboxElement,
  displayName: 'ConfabInbox',
  events: {
    onViewChange: event('confab-view-change'),
    onSelectConversation: event('confab-select-conversation'),
    onOpenRecord: event('confab-open-record'),
    onCompose: event('confab-compose'),
    onOpenSettings: event('confab-open-settings'),
  },
});

/** The views with their live counts (V1–V12 and saved views). */
export const ConfabViewList = createComponent({
  react: React,
  tagName: 'confab-view-list',
  elementClass: ViewListElement,
  displayName: 'ConfabViewList',
  events: {
    onViewChange: event('confab-view-change'),
    onCompose: event('confab-compose'),
    onOpenSettings: event('confab-open-settings'),
  },
});

/** The conversations of one view, filter and search. */
export const ConfabConversationList = createComponent({
  react: React,
  tagName: 'confab-conversation-list',
  elementClass: ConversationListElement,
  displayName: 'ConfabConversationList',
  events: {
    onSelectConversation: event('confab-select-conversation'),
  },
});

/** One conversation's messages, header actions and reply editor. */
export const ConfabThread = createComponent({
  react: React,
  tagName: 'confab-thread',
  elementClass: ThreadElement,
  displayName: 'ConfabThread',
  events: {
    onOpenRecord: event('confab-open-record'),
  },
});

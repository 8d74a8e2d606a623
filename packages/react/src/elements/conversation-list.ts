import * as React from 'react';
import { createComponent } from '@lit/react';
import { ConfabConversationList as ConversationListElement } from '@confab/inbox-elements';
import { SELECT_CONVERSATION } from '../events.js';
// Registers <confab-conversation-list> and the parts it renders; an app that uses this part alone loads no other.
import '@confab/inbox-elements/define/conversation-list.js';

/** The conversations of one view, filter and search. */
export const ConfabConversationList = createComponent({
  react: React,
  tagName: 'confab-conversation-list',
  elementClass: ConversationListElement,
  displayName: 'ConfabConversationList',
  events: SELECT_CONVERSATION,
});

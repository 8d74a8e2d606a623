import * as React from 'react';
import { createComponent } from '@lit/react';
import { ConfabInbox as InboxElement } from '@confab/inbox-elements';
import { OPEN_RECORD, SELECT_CONVERSATION, FILTER_CHANGE, VIEW_LIST_EVENTS } from '../events.js';
// Registers <confab-inbox> and the parts it renders; an app that uses this part alone loads no other.
import '@confab/inbox-elements/define/inbox.js';

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

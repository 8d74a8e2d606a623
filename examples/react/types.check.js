// @ts-check
// Not shipped: proves the wrappers are typed. `tsc -p examples/react` (run by react.test.mjs)
// fails if any line below stops being an error, i.e. if a prop or event type decays to `any`.
import React from 'react';
import { ConfabInbox, ConfabThread, ConfabConversationList } from '@confab/react';

const h = React.createElement;

export const typed = [
  h(ConfabInbox, {
    onOpenRecord: (e) => {
      /** @type {'contact' | 'ticket' | 'company' | 'deal'} */
      const type = e.detail.type;
      // @ts-expect-error — the open-record detail has `type` and `id`, nothing else.
      return [type, e.detail.url];
    },
  }),
  // @ts-expect-error — `client` is an InboxClient, not a string.
  h(ConfabInbox, { client: 'token' }),
  // @ts-expect-error — the theme is 'light' or 'dark'.
  h(ConfabThread, { theme: 'blue' }),
  h(ConfabConversationList, {
    onSelectConversation: (e) => {
      // @ts-expect-error — the conversation id is a string.
      /** @type {number} */ const id = e.detail.conversationId;
      return id;
    },
  }),
];

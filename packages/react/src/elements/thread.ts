import * as React from 'react';
import { createComponent } from '@lit/react';
import { ConfabThread as ThreadElement } from '@confab/inbox-elements';
import { OPEN_RECORD } from '../events.js';
// Registers <confab-thread> and the parts it renders; an app that uses this part alone loads no other.
import '@confab/inbox-elements/define/thread.js';

/** One conversation: messages, comments, actions, and its reply editor. */
export const ConfabThread = createComponent({
  react: React,
  tagName: 'confab-thread',
  elementClass: ThreadElement,
  displayName: 'ConfabThread',
  events: OPEN_RECORD,
});

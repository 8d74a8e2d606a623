import * as React from 'react';
import { createComponent } from '@lit/react';
import { ConfabReplyEditor as ReplyEditorElement } from '@confab/inbox-elements';
// Registers <confab-reply-editor> and the parts it renders; an app that uses this part alone loads no other.
import '@confab/inbox-elements/define/reply-editor.js';

/** The reply and comment editor of a conversation (the thread renders its own). */
export const ConfabReplyEditor = createComponent({
  react: React,
  tagName: 'confab-reply-editor',
  elementClass: ReplyEditorElement,
  displayName: 'ConfabReplyEditor',
});

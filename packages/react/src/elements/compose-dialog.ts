import * as React from 'react';
import { createComponent } from '@lit/react';
import { ConfabComposeDialog as ComposeDialogElement } from '@confab/inbox-elements';
// Registers <confab-compose-dialog> and the parts it renders; an app that uses this part alone loads no other.
import '@confab/inbox-elements/define/compose-dialog.js';

/** The new-email dialog (C1). */
export const ConfabComposeDialog = createComponent({
  react: React,
  tagName: 'confab-compose-dialog',
  elementClass: ComposeDialogElement,
  displayName: 'ConfabComposeDialog',
});

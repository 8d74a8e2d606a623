import * as React from 'react';
import { createComponent } from '@lit/react';
import { ConfabShortcutsDialog as ShortcutsDialogElement } from '@confab/inbox-elements';
// Registers <confab-shortcuts-dialog> and the parts it renders; an app that uses this part alone loads no other.
import '@confab/inbox-elements/define/shortcuts-dialog.js';

/** The keyboard shortcuts dialog. */
export const ConfabShortcutsDialog = createComponent({
  react: React,
  tagName: 'confab-shortcuts-dialog',
  elementClass: ShortcutsDialogElement,
  displayName: 'ConfabShortcutsDialog',
});

// Registers <confab-shortcuts-dialog>. `import '@confab/inbox-elements/define/shortcuts-dialog.js'`.
import { defineOnce } from '../shared/define-once.js';
import { ConfabShortcutsDialog } from './shortcuts-dialog.js';

defineOnce('confab-shortcuts-dialog', ConfabShortcutsDialog);

declare global {
  interface HTMLElementTagNameMap {
    'confab-shortcuts-dialog': ConfabShortcutsDialog;
  }
}

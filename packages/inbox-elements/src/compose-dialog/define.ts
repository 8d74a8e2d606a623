// Registers <confab-compose-dialog>. `import '@confab/inbox-elements/define/compose-dialog.js'`.
import { defineOnce } from '../shared/define-once.js';
import { ConfabComposeDialog } from './compose-dialog.js';

defineOnce('confab-compose-dialog', ConfabComposeDialog);

declare global {
  interface HTMLElementTagNameMap {
    'confab-compose-dialog': ConfabComposeDialog;
  }
}

// Registers <confab-reply-editor>. `import '@confab/inbox-elements/define/reply-editor.js'`.
import { defineOnce } from '../shared/define-once.js';
import { ConfabReplyEditor } from './reply-editor.js';

defineOnce('confab-reply-editor', ConfabReplyEditor);

declare global {
  interface HTMLElementTagNameMap {
    'confab-reply-editor': ConfabReplyEditor;
  }
}

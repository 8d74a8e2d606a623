// Registers <confab-thread> and the parts it renders inside it. `import '@confab/inbox-elements/define/thread.js'`.
import '../reply-editor/define.js';
import { defineOnce } from '../shared/define-once.js';
import { ConfabThread } from './thread.js';

defineOnce('confab-thread', ConfabThread);

declare global {
  interface HTMLElementTagNameMap {
    'confab-thread': ConfabThread;
  }
}

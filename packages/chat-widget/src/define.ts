import { ConfabChat } from './chat/confab-chat.js';

// Guarded: a second copy of this module, or a page that took the name, does not throw.
if (!customElements.get('confab-chat')) customElements.define('confab-chat', ConfabChat);

declare global {
  interface HTMLElementTagNameMap {
    'confab-chat': ConfabChat;
  }
}

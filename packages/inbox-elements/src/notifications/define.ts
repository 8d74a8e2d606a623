import { defineOnce } from '../shared/define-once.js';
import { ConfabNotifications } from './notifications.js';

defineOnce('confab-notifications', ConfabNotifications);

declare global {
  interface HTMLElementTagNameMap {
    'confab-notifications': ConfabNotifications;
  }
}

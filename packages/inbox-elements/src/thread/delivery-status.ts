import { html, nothing } from 'lit';
import type { Message } from '@confab/core';
import type { Catalog } from '../i18n/en.js';

/**
 * Under an outbound email (C1, T4, T7): where its delivery stands, with the mail server's answer
 * while it is retried or once it failed, and Send again after a failure.
 */
export function renderDelivery(message: Message, t: Catalog, sendAgain: () => void) {
  const { delivery, deliveryError } = message;
  if (!delivery) return nothing;
  const text =
    delivery === 'sent'
      ? t.deliverySent
      : delivery === 'failed'
        ? t.deliveryFailed(deliveryError)
        : deliveryError
          ? t.deliveryRetrying(deliveryError)
          : t.deliveryQueued;
  // Focusable from script: after Send again its button is gone, and focus moves here.
  return html`<div class="delivery ${delivery}" part="delivery" tabindex="-1" data-message-id=${message.id}>
    <span>${text}</span>
    ${delivery === 'failed' ? html`<button class="button" @click=${sendAgain}>${t.sendAgain}</button>` : nothing}
  </div>`;
}

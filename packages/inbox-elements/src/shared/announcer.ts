import { html, type ReactiveController, type ReactiveElement } from 'lit';
import { emit } from './events.js';

export type Urgency = 'polite' | 'assertive';

export interface AnnounceDetail {
  text: string;
  urgency: Urgency;
}

/** Quiet time before a message is read out: typing a search announces its last count only. */
export const ANNOUNCE_DEBOUNCE_MS = 400;

/**
 * Asks the inbox's announcer to read `text` out (WCAG 4.1.3): result counts, empty states,
 * mentions. A part used without `<confab-inbox>` can listen for `confab-announce` itself.
 */
export function announce(from: EventTarget, text: string, urgency: Urgency = 'polite'): void {
  emit(from, 'confab-announce', { text, urgency });
}

/**
 * The inbox's one pair of live regions (polite and assertive). Messages are debounced per urgency;
 * the region is emptied at once so that the same text said twice is read twice.
 */
export class Announcer implements ReactiveController {
  private readonly said: Record<Urgency, string> = { polite: '', assertive: '' };
  private readonly timers: Partial<Record<Urgency, ReturnType<typeof setTimeout>>> = {};

  constructor(private readonly host: ReactiveElement) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.timers.polite);
    clearTimeout(this.timers.assertive);
  }

  say(text: string, urgency: Urgency = 'polite'): void {
    clearTimeout(this.timers[urgency]);
    this.said[urgency] = '';
    this.host.requestUpdate();
    this.timers[urgency] = setTimeout(() => {
      this.said[urgency] = text;
      this.host.requestUpdate();
    }, ANNOUNCE_DEBOUNCE_MS);
  }

  render() {
    return html`<div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        ${this.said.polite}
      </div>
      <div class="visually-hidden" role="alert" aria-live="assertive" aria-atomic="true">${this.said.assertive}</div>`;
  }
}

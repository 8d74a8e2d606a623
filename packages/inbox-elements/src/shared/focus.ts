import type { ReactiveController, ReactiveElement } from 'lit';
import { deepActiveElement } from './dialog.js';

/**
 * Focus is on nothing in particular: the page's body, no element, or an element already removed
 * (browsers move focus off a removed element only at their next rendering step).
 */
export function focusIsLost(): boolean {
  const active = deepActiveElement();
  return !active || active === document.body || active === document.documentElement || !active.isConnected;
}

/**
 * Keeps keyboard focus from falling to `<body>` when a render removes the control that had it
 * (WCAG 2.4.3): the swapped Mark as closed button, a removed filter chip, the bulk toolbar, a
 * closed edit form. After each update, if the control that last had focus in the host's shadow
 * root is gone and nothing has focus, `fallback(lost)` names where focus goes instead: the
 * replacement control, the next item, the list. One helper, used by every element that removes
 * focused controls.
 */
export class FocusKeeper implements ReactiveController {
  private last: Element | null = null;

  constructor(
    private readonly host: ReactiveElement,
    private readonly fallback: (lost: Element) => HTMLElement | null | undefined,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener('focusin', this.remember);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('focusin', this.remember);
    this.last = null;
  }

  hostUpdated(): void {
    const lost = this.last;
    if (!lost || lost.isConnected) return;
    this.last = null;
    if (focusIsLost()) this.fallback(lost)?.focus();
  }

  private remember = (): void => {
    this.last = (this.host.renderRoot as ShadowRoot).activeElement;
  };
}

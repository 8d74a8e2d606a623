import type { ReactiveController, ReactiveElement } from 'lit';

/** The element that has focus, looking inside shadow roots. */
export function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal `<dialog>` in the host's shadow root (selected by `selector`): opens with showModal,
 * keeps Tab inside, closes on Escape, and gives focus back to where it was.
 */
export class ModalController implements ReactiveController {
  private returnFocus: HTMLElement | null = null;

  constructor(
    private readonly host: ReactiveElement,
    private readonly selector = 'dialog',
    private readonly onClose?: () => void,
  ) {
    host.addController(this);
  }

  get dialog(): HTMLDialogElement | null {
    return (this.host.renderRoot as ShadowRoot).querySelector<HTMLDialogElement>(this.selector);
  }

  async open(): Promise<void> {
    await this.host.updateComplete;
    const dialog = this.dialog;
    if (!dialog || dialog.open) return;
    this.returnFocus = deepActiveElement() as HTMLElement | null;
    dialog.showModal();
    dialog.addEventListener('keydown', this.trapTab);
    dialog.addEventListener('cancel', this.onCancel);
    const autofocus = dialog.querySelector<HTMLElement>('[autofocus]') ?? this.focusables(dialog)[0];
    autofocus?.focus();
  }

  close(): void {
    const dialog = this.dialog;
    if (!dialog?.open) return;
    dialog.removeEventListener('keydown', this.trapTab);
    dialog.removeEventListener('cancel', this.onCancel);
    dialog.close();
    this.returnFocus?.focus();
    this.returnFocus = null;
    this.onClose?.();
  }

  hostDisconnected(): void {
    this.dialog?.close();
  }

  private onCancel = (event: Event): void => {
    event.preventDefault();
    this.close();
  };

  private trapTab = (event: KeyboardEvent): void => {
    if (event.key !== 'Tab') return;
    const dialog = this.dialog;
    if (!dialog) return;
    const items = this.focusables(dialog);
    if (!items.length) return;
    const active = deepActiveElement();
    const first = items[0];
    const last = items[items.length - 1];
    if (event.shiftKey && (active === first || !items.includes(active as HTMLElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  };

  private focusables(dialog: HTMLElement): HTMLElement[] {
    return deepFocusables(dialog);
  }
}

/** Focusable, visible elements under `root` in tree order, looking inside shadow roots. */
export function deepFocusables(root: Element): HTMLElement[] {
  const found: HTMLElement[] = [];
  const visit = (node: Element): void => {
    if (node instanceof HTMLElement && node.matches(FOCUSABLE) && node.getClientRects().length > 0) found.push(node);
    if (node.shadowRoot) for (const child of node.shadowRoot.children) visit(child);
    for (const child of node.children) visit(child);
  };
  for (const child of root.children) visit(child);
  return found;
}

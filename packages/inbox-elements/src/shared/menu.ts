import type { ReactiveController, ReactiveElement } from 'lit';

let nextMenuId = 0;

/**
 * An ARIA menu button (APG pattern) for a host element that renders the markup itself:
 * the trigger gets `id=${menu.triggerId}`, `aria-haspopup="menu"`, `aria-expanded=${menu.open}`,
 * `aria-controls=${menu.menuId}`, `@click=${menu.toggle}` and `@keydown=${menu.onTriggerKeydown}`;
 * the popup `role="menu"` gets `id=${menu.menuId}` and `@keydown=${menu.onMenuKeydown}`, and is
 * rendered only while `menu.open`. Arrow keys, Home and End move between items, Escape closes and
 * returns focus to the trigger, a click outside closes.
 */
export class MenuController implements ReactiveController {
  open = false;
  readonly triggerId: string;
  readonly menuId: string;

  constructor(
    private readonly host: ReactiveElement,
    name: string,
  ) {
    const id = (nextMenuId += 1);
    this.triggerId = `${name}-trigger-${id}`;
    this.menuId = `${name}-menu-${id}`;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.setOpen(false);
  }

  toggle = (): void => {
    if (this.open) this.close();
    else void this.show('first');
  };

  async show(focus: 'first' | 'last' = 'first'): Promise<void> {
    this.setOpen(true);
    await this.host.updateComplete;
    const items = this.items();
    (focus === 'first' ? items[0] : items[items.length - 1])?.focus();
  }

  close(returnFocus = true): void {
    if (!this.open) return;
    this.setOpen(false);
    if (returnFocus) this.trigger()?.focus();
  }

  onTriggerKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      void this.show(event.key === 'ArrowDown' ? 'first' : 'last');
    }
  };

  onMenuKeydown = (event: KeyboardEvent): void => {
    const items = this.items();
    const current = items.indexOf(this.root().activeElement as HTMLElement);
    let next = -1;
    switch (event.key) {
      case 'ArrowDown':
        next = (current + 1) % items.length;
        break;
      case 'ArrowUp':
        next = (current - 1 + items.length) % items.length;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = items.length - 1;
        break;
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        this.close();
        return;
      case 'Tab':
        this.close(false);
        return;
      default:
        return;
    }
    event.preventDefault();
    items[next]?.focus();
  };

  private onOutsidePointer = (event: Event): void => {
    const path = event.composedPath();
    const menu = this.root().getElementById(this.menuId);
    const trigger = this.trigger();
    if ((menu && path.includes(menu)) || (trigger && path.includes(trigger))) return;
    this.close(false);
  };

  private setOpen(open: boolean): void {
    if (open === this.open) return;
    this.open = open;
    if (open) document.addEventListener('pointerdown', this.onOutsidePointer, true);
    else document.removeEventListener('pointerdown', this.onOutsidePointer, true);
    this.host.requestUpdate();
  }

  private root(): ShadowRoot | Document {
    return (this.host.renderRoot as ShadowRoot) ?? document;
  }

  private trigger(): HTMLElement | null {
    return this.root().getElementById(this.triggerId);
  }

  private items(): HTMLElement[] {
    const menu = this.root().getElementById(this.menuId);
    return menu ? [...menu.querySelectorAll<HTMLElement>('[role^="menuitem"]')] : [];
  }
}

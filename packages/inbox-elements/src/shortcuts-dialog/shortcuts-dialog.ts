import { html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { ConfabElement } from '../shared/confab-element.js';
import { ModalController } from '../shared/dialog.js';
import { baseStyles } from '../shared/theme.js';
import { icon } from '../shared/icons.js';
import { emit } from '../shared/events.js';
import { shortcutsDialogStyles } from './shortcuts-dialog.styles.js';

/**
 * The keyboard shortcuts help (`?` in the inbox), as a modal dialog, with the switch that turns
 * single-key shortcuts off (WCAG 2.1.4); the inbox keeps the choice.
 *
 * @example
 * <confab-shortcuts-dialog></confab-shortcuts-dialog>
 * shortcuts.show();
 *
 * @fires confab-shortcuts-change - The single-key switch changed; `detail.singleKey`.
 * @csspart dialog - The dialog box.
 * @cssproperty --confab-surface - Key cap background.
 *
 * @tagname confab-shortcuts-dialog
 */
export class ConfabShortcutsDialog extends ConfabElement {
  static override styles = [baseStyles, shortcutsDialogStyles];

  /** Whether the dialog is showing. */
  @property({ type: Boolean, reflect: true }) accessor open = false;
  /** Single-key shortcuts are on (the switch's state). */
  @property({ type: Boolean, attribute: 'single-key' }) accessor singleKey = true;

  private readonly modal = new ModalController(this, 'dialog', () => (this.open = false));

  async show(): Promise<void> {
    this.open = true;
    await this.modal.open();
  }

  close(): void {
    this.modal.close();
  }

  private onSwitch = (event: Event): void => {
    this.singleKey = (event.target as HTMLInputElement).checked;
    emit(this, 'confab-shortcuts-change', { singleKey: this.singleKey });
  };

  override render() {
    const t = this.t;
    return html`<dialog part="dialog" aria-labelledby="title">
      ${
        this.open
          ? html`<div class="dialog-header">
                <h2 id="title">${t.shortcutsTitle}</h2>
                <button type="button" class="icon-button" aria-label=${t.close} @click=${() => this.close()}>
                  ${icon('close')}
                </button>
              </div>
              <div class="dialog-body">
                <dl>
                  ${t.shortcuts.map(
                    ([keys, action]) =>
                      html`<dt><kbd>${keys}</kbd></dt>
                        <dd>${action}</dd>`,
                  )}
                </dl>
                <label class="switch">
                  <input type="checkbox" .checked=${this.singleKey} @change=${this.onSwitch} />
                  ${t.singleKeyShortcuts}
                </label>
              </div>`
          : nothing
      }
    </dialog>`;
  }
}

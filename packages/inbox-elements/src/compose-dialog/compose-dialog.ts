import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ConfabElement } from '../shared/confab-element.js';
import { ModalController } from '../shared/dialog.js';
import { baseStyles } from '../shared/theme.js';
import { icon } from '../shared/icons.js';
import { composeDialogStyles } from './compose-dialog.styles.js';
import { emailReplyOf } from '@confab/core';
import { StoreController } from '@confab/element-kit';
import '../email-recipients/define.js';

/**
 * Compose (C1): a modal dialog that writes a new outbound email. It appears under Sent (V12)
 * until the recipient answers. Focus stays inside while open and returns where it was on close.
 *
 * @example
 * <confab-compose-dialog .client=${client}></confab-compose-dialog>
 * dialog.show();
 *
 * @csspart dialog - The dialog box.
 * @csspart send - The send button.
 * @cssproperty --confab-bg - Dialog background.
 *
 * @tagname confab-compose-dialog
 */
export class ConfabComposeDialog extends ConfabElement {
  static override styles = [baseStyles, composeDialogStyles];

  /** Whether the dialog is showing. */
  @property({ type: Boolean, reflect: true }) accessor open = false;
  @state() private accessor error = '';
  @state() private accessor busy = false;

  /** The signature the engine adds below a new email (C1), shown as what will be added. */
  private readonly signature = new StoreController(
    this,
    () => this.client?.store.revision,
    () => this.client!.store.read(emailReplyOf, null, this.client!.store.me)?.signature ?? '',
  );

  private readonly modal = new ModalController(this, 'dialog', () => (this.open = false));

  /** Opens the dialog with empty fields. */
  async show(): Promise<void> {
    this.error = '';
    this.open = true;
    await this.updateComplete;
    this.renderRoot.querySelector('form')?.reset();
    await this.modal.open();
  }

  /** Closes the dialog; focus goes back where it was. */
  close(): void {
    this.modal.close();
  }

  override render() {
    const t = this.t;
    return html`<dialog part="dialog" aria-labelledby="title">
      ${
        this.open
          ? html`<form @submit=${this.submit}>
              <div class="dialog-header">
                <h2 id="title">${t.composeTitle}</h2>
                <button type="button" class="icon-button" aria-label=${t.close} @click=${() => this.close()}>
                  ${icon('close')}
                </button>
              </div>
              <div class="dialog-body">
                <label class="field"><span>${t.to}</span><input name="to" type="email" required autofocus /></label>
                <confab-email-recipients
                  .locale=${this.resolvedLocale}
                  .theme=${this.theme}
                  .signature=${this.signature.value ?? ''}
                ></confab-email-recipients>
                <label class="field"><span>${t.subject}</span><input name="subject" required /></label>
                <label class="field"><span>${t.message}</span><textarea name="text" required></textarea></label>
                ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
              </div>
              <div class="dialog-actions">
                <button type="button" class="button" @click=${() => this.close()}>${t.cancel}</button>
                <button type="submit" class="button primary" part="send" ?disabled=${this.busy}>${t.send}</button>
              </div>
            </form>`
          : nothing
      }
    </dialog>`;
  }

  private submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const copies = this.renderRoot.querySelector('confab-email-recipients')?.copies() ?? {};
    this.busy = true;
    const refusal = await this.run({
      type: 'email.compose',
      to: String(data.get('to') ?? '').trim(),
      ...copies,
      subject: String(data.get('subject') ?? '').trim(),
      text: String(data.get('text') ?? ''),
    });
    this.busy = false;
    if (refusal) this.error = this.t.error(refusal.message);
    else this.close();
  };
}

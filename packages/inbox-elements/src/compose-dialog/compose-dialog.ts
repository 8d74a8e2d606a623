import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ConfabElement } from '../shared/confab-element.js';
import { ModalController } from '../shared/dialog.js';
import { baseStyles } from '../shared/theme.js';
import { icon } from '../shared/icons.js';
import { composeDialogStyles } from './compose-dialog.styles.js';
import { ATTACHMENT_TYPES, emailReplyOf, httpUploadSender, type DraftField, type UploadSender } from '@confab/core';
import { StoreController } from '@confab/element-kit';
import { acceptFileDrag, uploadListStyles } from '../shared/upload-list.js';
import { UploadsController } from '../shared/uploads-controller.js';
import '../email-recipients/define.js';
import type { ConfabEmailRecipients } from '../email-recipients/email-recipients.js';

/**
 * The new email's draft key. It has no conversation yet; drafts are the signed-in agent's (a
 * change of person clears them), and no conversation id is blank, so '' names it alone.
 */
export const NEW_EMAIL_DRAFT = '';

/** The form's fields kept in the draft besides its text (`text`). */
const DRAFT_FIELDS = ['to', 'subject', 'cc', 'bcc'] as const satisfies readonly DraftField[];

/**
 * Compose (C1): a modal dialog that writes a new outbound email. It appears under Sent (V12)
 * until the recipient answers. Focus stays inside while open and returns where it was on close.
 * Files (issue 16) are attached with the button, by pasting into the message or by dropping them
 * on the dialog; each uploads at once (core `createUploads`, the reply editor's list), and the
 * email waits until none is still on its way; they go out as MIME parts. To, Cc, Bcc, Subject and
 * the message are a draft (`client.drafts`, key `NEW_EMAIL_DRAFT`): closed or reloaded, the dialog
 * opens with them again; sending empties it. Files are not kept (they are picked again).
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
  static override styles = [baseStyles, composeDialogStyles, uploadListStyles];

  /** Whether the dialog is showing. */
  @property({ type: Boolean, reflect: true }) accessor open = false;
  /**
   * Sends a picked file to the server (issue 16). Default: POST to `/api/files` with the page's
   * session, as the reply editor does.
   */
  @property({ attribute: false }) accessor upload: UploadSender = httpUploadSender({ url: '/api/files' });
  @state() private accessor error = '';
  @state() private accessor busy = false;

  /** The signature the engine adds below a new email (C1), shown as what will be added. */
  private readonly signature = new StoreController(
    this,
    () => this.client?.store.revision,
    () => this.client!.store.read(emailReplyOf, null, this.client!.store.me)?.signature ?? '',
  );

  private readonly modal = new ModalController(this, 'dialog', () => (this.open = false));

  /** The email's files; the message keeps focus when a file's button gives way. */
  private readonly files = new UploadsController(this, { keepFocus: () => this.textarea()?.focus() });

  /** Opens the dialog with the draft's fields (empty without one) and no files. */
  async show(): Promise<void> {
    this.error = '';
    this.files.clear();
    this.open = true;
    await this.updateComplete;
    this.renderRoot.querySelector('form')?.reset();
    this.restoreDraft();
    await this.modal.open();
  }

  private recipients(): ConfabEmailRecipients | null {
    return this.renderRoot.querySelector('confab-email-recipients');
  }

  /** The fields as the draft has them. */
  private restoreDraft(): void {
    const drafts = this.client?.drafts;
    const form = this.renderRoot.querySelector('form');
    const recipients = this.recipients();
    if (!drafts || !form || !recipients) return;
    for (const name of ['to', 'subject'] as const)
      (form.elements.namedItem(name) as HTMLInputElement).value = drafts.get(NEW_EMAIL_DRAFT, name);
    (form.elements.namedItem('text') as HTMLTextAreaElement).value = drafts.get(NEW_EMAIL_DRAFT);
    recipients.cc = drafts.get(NEW_EMAIL_DRAFT, 'cc');
    recipients.bcc = drafts.get(NEW_EMAIL_DRAFT, 'bcc');
  }

  /** Keeps every field as typed (an input anywhere in the form, the Cc/Bcc fields' too: it is composed). */
  private saveDraft = (event: Event): void => {
    const drafts = this.client?.drafts;
    const form = event.currentTarget as HTMLFormElement;
    const recipients = this.recipients();
    if (!drafts || !recipients) return;
    const data = new FormData(form);
    const values = { to: data.get('to'), subject: data.get('subject'), cc: recipients.cc, bcc: recipients.bcc };
    for (const field of DRAFT_FIELDS) drafts.set(NEW_EMAIL_DRAFT, String(values[field] ?? ''), field);
    drafts.set(NEW_EMAIL_DRAFT, String(data.get('text') ?? ''));
  };

  private clearDraft(): void {
    for (const field of DRAFT_FIELDS) this.client?.drafts.set(NEW_EMAIL_DRAFT, '', field);
    this.client?.drafts.set(NEW_EMAIL_DRAFT, '');
    this.recipients()?.reset();
  }

  /** Closes the dialog; focus goes back where it was. */
  close(): void {
    this.modal.close();
  }

  override render() {
    const t = this.t;
    const uploading = this.files.value.some((file) => file.state === 'uploading');
    return html`<dialog part="dialog" aria-labelledby="title" @dragover=${acceptFileDrag} @drop=${this.files.brought}>
      ${
        this.open
          ? html`<form @submit=${this.submit} @input=${this.saveDraft}>
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
                <label class="field"
                  ><span>${t.message}</span><textarea name="text" required @paste=${this.files.brought}></textarea>
                </label>
                ${this.files.render(t, this.resolvedLocale)}
                ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
              </div>
              <div class="dialog-actions">
                <button type="button" class="button attach" @click=${this.pickFiles}>
                  ${icon('attach')}${t.attachFile}
                </button>
                <input
                  type="file"
                  multiple
                  hidden
                  tabindex="-1"
                  accept=${ATTACHMENT_TYPES.join(',')}
                  @change=${this.files.picked}
                />
                <button type="button" class="button" @click=${() => this.close()}>${t.cancel}</button>
                <button type="submit" class="button primary" part="send" ?disabled=${this.busy || uploading}>
                  ${t.send}
                </button>
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
    // A file still uploading would be left out: the email waits (Send is disabled meanwhile).
    if (this.files.busy()) return;
    const attachments = this.files.attachments();
    this.busy = true;
    const refusal = await this.run({
      type: 'email.compose',
      to: String(data.get('to') ?? '').trim(),
      ...copies,
      subject: String(data.get('subject') ?? '').trim(),
      text: String(data.get('text') ?? ''),
      ...(attachments.length ? { attachments } : {}),
    });
    this.busy = false;
    if (refusal) this.error = this.t.error(refusal.message);
    else {
      this.files.clear();
      this.clearDraft();
      this.close();
    }
  };

  private textarea(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
  }

  private pickFiles = (): void => {
    this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click();
  };
}

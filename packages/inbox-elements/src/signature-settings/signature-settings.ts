import { css, html } from 'lit';
import { state } from 'lit/decorators.js';
import { emailReplyOf, MAX_SIGNATURE_LENGTH } from '@confab/core';
import { StoreController } from '@confab/element-kit';
import { ConfabElement } from '../shared/confab-element.js';
import { baseStyles } from '../shared/theme.js';
import { signatureSettingsCatalogFor } from './signature-settings-i18n.js';

/**
 * The signed-in agent's own email signature (issue 17), in the settings: every agent sets theirs
 * (`agent.setSignature`, kept on their agent record); the engine adds it below their email replies
 * and new emails, never below chat, Messenger or comments. An empty field removes it.
 *
 * @example
 * <confab-signature-settings .client=${client}></confab-signature-settings>
 *
 * @tagname confab-signature-settings
 */
export class ConfabSignatureSettings extends ConfabElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      form {
        display: grid;
        gap: 8px;
      }
      h3 {
        margin: 0;
        font-size: 1em;
      }
      .muted {
        margin: 0;
        color: var(--_muted);
      }
      textarea {
        width: 100%;
        min-height: 80px;
        resize: vertical;
      }
    `,
  ];

  @state() private accessor status = '';

  /** The signature the engine adds to a new email of the signed-in agent: theirs. */
  private readonly signature = new StoreController(
    this,
    () => this.client?.store.revision,
    () => this.client!.store.read(emailReplyOf, null, this.client!.store.me)?.signature ?? '',
  );

  override render() {
    const t = signatureSettingsCatalogFor(this.resolvedLocale);
    return html`<form aria-labelledby="signature-title" @submit=${this.save} @input=${() => (this.status = '')}>
      <h3 id="signature-title">${t.title}</h3>
      <p class="muted" id="signature-help">${t.help}</p>
      <label class="field"
        ><span>${t.signature}</span
        ><textarea
          name="signature"
          maxlength=${MAX_SIGNATURE_LENGTH}
          aria-describedby="signature-help"
          .value=${this.signature.value ?? ''}
        ></textarea>
      </label>
      <div><button class="button primary" type="submit">${t.save}</button></div>
      <div class="status" role="status">${this.status}</div>
    </form>`;
  }

  private save = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const t = signatureSettingsCatalogFor(this.resolvedLocale);
    const signature = String(new FormData(event.target as HTMLFormElement).get('signature') ?? '').trim();
    const refusal = await this.run({ type: 'agent.setSignature', signature });
    this.status = refusal ? this.t.error(refusal.message) : signature ? t.saved : t.removed;
  };
}

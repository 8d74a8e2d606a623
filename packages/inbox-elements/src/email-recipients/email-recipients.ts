import { css, html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { ConfabElement } from '../shared/confab-element.js';
import { baseStyles } from '../shared/theme.js';
import { emailRecipientsCatalogFor } from './email-recipients-i18n.js';

/** Addresses as typed in one field: split on commas, semicolons and white space. */
function addresses(value: string): string[] {
  return value
    .split(/[,;\s]+/)
    .map((address) => address.trim())
    .filter(Boolean);
}

/**
 * The extras of an email being written (issue 17): Cc and Bcc fields, collapsed behind a "Cc/Bcc"
 * button until wanted (focus then moves to Cc), and the agent's signature shown as what will be
 * added below the text. The addresses are checked by the engine when the email is sent: a bad one
 * is refused, naming it. Used inside the reply editor (email replies) and the compose dialog.
 *
 * @example
 * <confab-email-recipients .signature=${signature} .cc=${draftCc} @input=${saveDraft}></confab-email-recipients>
 * const { cc, bcc } = recipients.copies();
 *
 * @tagname confab-email-recipients
 */
export class ConfabEmailRecipients extends ConfabElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: end;
      }
      .field {
        flex: 1 1 200px;
      }
      input {
        width: 100%;
      }
      .muted {
        color: var(--_muted);
        margin: 4px 0 0;
      }
      .signature {
        margin: 6px 0 0;
        white-space: pre-line;
      }
    `,
  ];

  /** The signature the engine will add below the text ('' for none). */
  @property() accessor signature = '';
  /** Whether the Cc and Bcc fields show. */
  @property({ type: Boolean, reflect: true }) accessor expanded = false;
  /** The Cc field as typed (a draft's, when the reply editor gives it back); `input` tells a change. */
  @property() accessor cc = '';
  /** The Bcc field as typed. */
  @property() accessor bcc = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Copies given back from a draft are shown, not hidden behind the button.
    if ((changed.has('cc') || changed.has('bcc')) && (this.cc || this.bcc)) this.expanded = true;
  }

  /** The addresses typed, for the command: only the fields that hold any. */
  copies(): { cc?: string[]; bcc?: string[] } {
    const cc = addresses(this.cc);
    const bcc = addresses(this.bcc);
    return { ...(cc.length ? { cc } : {}), ...(bcc.length ? { bcc } : {}) };
  }

  /** Empties and collapses the fields (after sending). */
  reset(): void {
    this.cc = '';
    this.bcc = '';
    this.expanded = false;
  }

  override render() {
    const t = emailRecipientsCatalogFor(this.resolvedLocale);
    return html`${
      this.expanded
        ? html`<div class="row">
              <label class="field"
                ><span>${t.cc}</span
                ><input
                  id="cc"
                  inputmode="email"
                  autocomplete="off"
                  aria-describedby="hint"
                  .value=${this.cc}
                  @input=${(event: Event) => (this.cc = (event.target as HTMLInputElement).value)}
              /></label>
              <label class="field"
                ><span>${t.bcc}</span
                ><input
                  inputmode="email"
                  autocomplete="off"
                  aria-describedby="hint"
                  .value=${this.bcc}
                  @input=${(event: Event) => (this.bcc = (event.target as HTMLInputElement).value)}
              /></label>
            </div>
            <p class="muted" id="hint">${t.hint}</p>`
        : html`<button type="button" class="button" @click=${this.expand}>${t.show}</button>`
    }
    ${this.signature ? html`<p class="signature muted">${t.signature} ${this.signature}</p>` : nothing}`;
  }

  private expand = async (): Promise<void> => {
    this.expanded = true;
    await this.updateComplete;
    // The button that had focus is gone: focus goes where the agent wants to type.
    this.renderRoot.querySelector<HTMLInputElement>('#cc')?.focus();
  };
}

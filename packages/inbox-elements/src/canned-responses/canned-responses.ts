import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import type { CannedResponse } from '@confab/core';
import { teamSettingsControllers } from '../shared/team-settings.js';
import { ConfabElement } from '../shared/confab-element.js';
import { baseStyles } from '../shared/theme.js';
import { refusalText } from '../i18n/i18n.js';
import { cannedCatalogFor, type CannedCatalog } from './canned-i18n.js';
import { cannedResponsesStyles } from './canned-responses.styles.js';

const NONE: readonly CannedResponse[] = Object.freeze([]);

/** A field of a snippet the last refusal was about: its row and which input. */
interface FieldError {
  row: number;
  field: 'shortcut' | 'title';
}

const emptySnippet = (): CannedResponse => ({ shortcut: '', title: '', text: { en: '', nl: '' } });
const isEmpty = (snippet: CannedResponse) =>
  !snippet.shortcut.trim() && !snippet.title.trim() && !snippet.text.en.trim() && !snippet.text.nl.trim();

/**
 * The team's canned responses in the settings (issue 16): a shortcut, a title and a text in English
 * and Dutch each. Agents insert them by typing `/` in the reply editor. Admins add, edit and remove
 * them and save the list at once (`settings.update`); the engine refuses a shortcut used twice or a
 * snippet without text, and the refusal is shown in an alert. Everyone else sees the list read-only.
 *
 * @example
 * <confab-canned-responses .client=${client}></confab-canned-responses>
 *
 * @csspart form - The editor form (admins).
 * @csspart snippet - One canned response's group of fields.
 * @csspart add - The "Add canned response" button.
 * @cssproperty --confab-border - Each snippet's border.
 *
 * @tagname confab-canned-responses
 */
export class ConfabCannedResponses extends ConfabElement {
  static override styles = [baseStyles, cannedResponsesStyles];

  /** The list being edited; undefined while it follows the saved settings. */
  @state() private accessor draft: CannedResponse[] | undefined;
  @state() private accessor error = '';
  @state() private accessor fieldError: FieldError | undefined;
  @state() private accessor status = '';

  private readonly team = teamSettingsControllers(this);

  private get ct(): CannedCatalog {
    return cannedCatalogFor(this.resolvedLocale);
  }

  private get snippets(): readonly CannedResponse[] {
    return this.draft ?? this.team.settings.value?.cannedResponses ?? NONE;
  }

  override render() {
    if (!this.team.settings.value) return nothing;
    const t = this.ct;
    return html`<section aria-labelledby="canned-title">
      <h3 id="canned-title" tabindex="-1">${t.title}</h3>
      ${this.team.mayChange.value ? this.renderForm() : this.renderList()}
    </section>`;
  }

  private renderList() {
    const t = this.ct;
    return html`<p class="muted">${t.adminOnly}</p>
      ${
        this.snippets.length
          ? html`<ul>
              ${this.snippets.map((snippet) => html`<li><code>/${snippet.shortcut}</code> ${snippet.title}</li>`)}
            </ul>`
          : html`<p class="muted">${t.none}</p>`
      }`;
  }

  private renderForm() {
    const t = this.ct;
    return html`<form part="form" novalidate @submit=${this.save}>
      <p class="muted" id="canned-help">${t.help}</p>
      ${this.snippets.length ? nothing : html`<p class="muted">${t.none}</p>`}
      ${this.snippets.map((snippet, row) => this.renderSnippet(snippet, row))}
      <div id="canned-error" class="error" role="alert">${this.error}</div>
      <div class="actions">
        <button type="button" class="button" part="add" @click=${this.addSnippet}>${t.add}</button>
        <span class="status" role="status">${this.status}</span>
        <button type="submit" class="button primary">${t.save}</button>
      </div>
    </form>`;
  }

  private renderSnippet(snippet: CannedResponse, row: number) {
    const t = this.ct;
    const invalid = (field: FieldError['field']) =>
      this.fieldError?.row === row && this.fieldError.field === field ? 'true' : nothing;
    const describedBy = (field: FieldError['field']) =>
      this.fieldError?.row === row && this.fieldError.field === field ? 'canned-error' : nothing;
    const edit = (change: (snippet: CannedResponse, value: string) => CannedResponse) => (event: Event) =>
      this.edit(row, (current) => change(current, (event.target as HTMLInputElement).value));
    return html`<fieldset part="snippet" data-row=${row}>
      <legend>${t.snippet(snippet.shortcut)}</legend>
      <label class="field"
        ><span>${t.shortcut}</span
        ><input
          name="shortcut"
          autocomplete="off"
          spellcheck="false"
          maxlength="32"
          .value=${snippet.shortcut}
          aria-invalid=${invalid('shortcut')}
          aria-describedby=${describedBy('shortcut')}
          @input=${edit((current, value) => ({ ...current, shortcut: value.trim() }))}
      /></label>
      <label class="field"
        ><span>${t.name}</span
        ><input
          name="title"
          autocomplete="off"
          .value=${snippet.title}
          aria-invalid=${invalid('title')}
          aria-describedby=${describedBy('title')}
          @input=${edit((current, value) => ({ ...current, title: value }))}
      /></label>
      <label class="field"
        ><span>${t.textEn}</span
        ><textarea
          name="text-en"
          lang="en"
          .value=${snippet.text.en}
          @input=${edit((current, value) => ({ ...current, text: { ...current.text, en: value } }))}
        ></textarea>
      </label>
      <label class="field"
        ><span>${t.textNl}</span
        ><textarea
          name="text-nl"
          lang="nl"
          .value=${snippet.text.nl}
          @input=${edit((current, value) => ({ ...current, text: { ...current.text, nl: value } }))}
        ></textarea>
      </label>
      <div class="actions">
        <button
          type="button"
          class="button"
          aria-label=${t.removeFor(snippet.shortcut)}
          @click=${() => this.removeSnippet(row)}
        >
          ${t.remove}
        </button>
      </div>
    </fieldset>`;
  }

  private edit(row: number, change: (snippet: CannedResponse) => CannedResponse): void {
    this.status = '';
    this.draft = this.snippets.map((snippet, index) => (index === row ? change(snippet) : snippet));
  }

  private addSnippet = async (): Promise<void> => {
    this.status = '';
    this.draft = [...this.snippets, emptySnippet()];
    await this.updateComplete;
    this.fieldOf(this.draft.length - 1, 'shortcut')?.focus();
  };

  private async removeSnippet(row: number): Promise<void> {
    this.status = '';
    this.fieldError = undefined;
    this.draft = this.snippets.filter((_, index) => index !== row);
    await this.updateComplete;
    // Focus goes to the next snippet's first field, else the previous one's, else Add.
    const next = Math.min(row, this.draft.length - 1);
    (this.fieldOf(next, 'shortcut') ?? this.shadowRoot!.querySelector<HTMLElement>('[part="add"]'))?.focus();
  }

  private fieldOf(row: number, field: FieldError['field']): HTMLInputElement | null {
    return this.shadowRoot!.querySelector<HTMLInputElement>(`fieldset[data-row="${row}"] [name="${field}"]`);
  }

  private save = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const t = this.ct;
    this.error = '';
    this.status = '';
    this.fieldError = undefined;
    const snippets = this.snippets.filter((snippet) => !isEmpty(snippet));
    try {
      await this.client!.send({ type: 'settings.update', patch: { cannedResponses: snippets } });
    } catch (error) {
      const marked = this.explain(error, snippets, t);
      await this.updateComplete;
      if (marked) this.fieldOf(marked.row, marked.field)?.focus();
      return;
    }
    this.draft = undefined;
    this.status = t.saved;
  };

  /** Words a refusal; an invalid field is marked on its snippet (the path names it: `…cannedResponses.2.shortcut`). */
  private explain(error: unknown, sent: readonly CannedResponse[], t: CannedCatalog): FieldError | undefined {
    const { code, path = '' } = (error ?? {}) as Partial<Record<'code' | 'path', string>>;
    const match = /cannedResponses\.(\d+)\.(shortcut|title)$/.exec(path);
    if (code === 'invalid' && match) {
      // Rows that were left empty were not sent: find the row on screen.
      const row = this.snippets.indexOf(sent[Number(match[1])]!);
      const field = match[2] as FieldError['field'];
      this.draft = [...this.snippets];
      this.fieldError = { row, field };
      this.error = field === 'shortcut' ? t.badShortcut : t.badTitle;
      return this.fieldError;
    }
    const { reason, params } = (error ?? {}) as { reason?: string; params?: { shortcut?: string } };
    if (reason === 'duplicate-shortcut') {
      this.draft = [...this.snippets];
      this.fieldError = {
        row: this.draft.map((snippet) => snippet.shortcut).lastIndexOf(params?.shortcut ?? ''),
        field: 'shortcut',
      };
    }
    this.error = this.t.error(refusalText(this.t, error));
    return this.fieldError;
  }
}

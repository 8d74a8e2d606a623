import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { botFallback, type BotAnswer } from '@confab/core';
import { teamSettingsControllers } from '../shared/team-settings.js';
import { ConfabElement } from '../shared/confab-element.js';
import { baseStyles } from '../shared/theme.js';
import { refusalText } from '../i18n/i18n.js';
import { cannedResponsesStyles } from '../canned-responses/canned-responses.styles.js';
import { botAnswersCatalogFor, type BotAnswersCatalog } from './bot-answers-i18n.js';

/** An answer as edited: its keywords as typed (comma-separated). */
interface DraftAnswer {
  keywords: string;
  text: string;
  offerHandover: boolean;
}

/** The field of a row (or the fallback) the last refusal was about. */
type FieldError = { row: number; field: 'keywords' | 'text' } | { row: -1; field: 'fallback' };

const toDraft = (answer: BotAnswer): DraftAnswer => ({ ...answer, keywords: answer.keywords.join(', ') });
const keywordsOf = (draft: DraftAnswer) =>
  draft.keywords
    .split(',')
    .map((keyword) => keyword.trim())
    .filter(Boolean);
const isEmpty = (draft: DraftAnswer) => !draft.keywords.trim() && !draft.text.trim();

/**
 * The bot's answers in the settings (W5, issue 17): keywords, the answer, and whether it also offers
 * the hand-over; and what the bot says when nothing matches. Admins edit and save them at once
 * (`settings.update`); the engine matches them to visitors' messages. Everyone else sees a summary.
 *
 * @example
 * <confab-bot-answers .client=${client}></confab-bot-answers>
 *
 * @csspart form - The editor form (admins).
 * @csspart answer - One answer's group of fields.
 * @csspart add - The "Add answer" button.
 * @cssproperty --confab-border - Each answer's border.
 *
 * @tagname confab-bot-answers
 */
export class ConfabBotAnswers extends ConfabElement {
  static override styles = [baseStyles, cannedResponsesStyles];

  /** The answers being edited; undefined while they follow the saved settings. */
  @state() private accessor draft: DraftAnswer[] | undefined;
  /** The fallback being edited; undefined while it follows the saved settings. */
  @state() private accessor draftFallback: string | undefined;
  @state() private accessor error = '';
  @state() private accessor fieldError: FieldError | undefined;
  @state() private accessor status = '';

  private readonly team = teamSettingsControllers(this);

  private get bt(): BotAnswersCatalog {
    return botAnswersCatalogFor(this.resolvedLocale);
  }

  private get answers(): readonly DraftAnswer[] {
    return this.draft ?? (this.team.settings.value?.bot.answers ?? []).map(toDraft);
  }

  private get fallback(): string {
    const settings = this.team.settings.value;
    return this.draftFallback ?? (settings ? botFallback(settings) : '');
  }

  override render() {
    if (!this.team.settings.value) return nothing;
    const t = this.bt;
    return html`<section aria-labelledby="bot-answers-title">
      <h3 id="bot-answers-title" tabindex="-1">${t.title}</h3>
      ${this.team.mayChange.value ? this.renderForm() : this.renderSummary()}
    </section>`;
  }

  private renderSummary() {
    const t = this.bt;
    return html`<p class="muted">${t.adminOnly}</p>
      ${
        this.answers.length
          ? html`<ul>
              ${this.answers.map((answer) => html`<li>${answer.keywords}: ${answer.text}</li>`)}
            </ul>`
          : html`<p class="muted">${t.none}</p>`
      }`;
  }

  private renderForm() {
    const t = this.bt;
    const fallbackInvalid = this.fieldError?.field === 'fallback';
    return html`<form part="form" novalidate @submit=${this.save}>
      <p class="muted">${t.help}</p>
      ${this.answers.length ? nothing : html`<p class="muted">${t.none}</p>`}
      ${this.answers.map((answer, row) => this.renderAnswer(answer, row))}
      <label class="field"
        ><span>${t.fallback}</span
        ><textarea
          name="fallback"
          .value=${this.fallback}
          aria-invalid=${fallbackInvalid ? 'true' : nothing}
          aria-describedby=${fallbackInvalid ? 'bot-answers-error' : nothing}
          @input=${(event: Event) => {
            this.status = '';
            this.draftFallback = (event.target as HTMLTextAreaElement).value;
          }}
        ></textarea>
      </label>
      <div id="bot-answers-error" class="error" role="alert">${this.error}</div>
      <div class="actions">
        <button type="button" class="button" part="add" @click=${this.addAnswer}>${t.add}</button>
        <span class="status" role="status">${this.status}</span>
        <button type="submit" class="button primary">${t.save}</button>
      </div>
    </form>`;
  }

  private renderAnswer(answer: DraftAnswer, row: number) {
    const t = this.bt;
    const marked = (field: 'keywords' | 'text') => this.fieldError?.row === row && this.fieldError.field === field;
    const edit = (change: (answer: DraftAnswer, target: HTMLInputElement) => DraftAnswer) => (event: Event) =>
      this.edit(row, (current) => change(current, event.target as HTMLInputElement));
    return html`<fieldset part="answer" data-row=${row}>
      <legend>${t.answer(keywordsOf(answer).join(', '))}</legend>
      <label class="field"
        ><span>${t.keywords}</span
        ><input
          name="keywords"
          autocomplete="off"
          .value=${answer.keywords}
          aria-invalid=${marked('keywords') ? 'true' : nothing}
          aria-describedby=${marked('keywords') ? 'bot-answers-error' : nothing}
          @input=${edit((current, target) => ({ ...current, keywords: target.value }))}
      /></label>
      <label class="field"
        ><span>${t.text}</span
        ><textarea
          name="text"
          .value=${answer.text}
          aria-invalid=${marked('text') ? 'true' : nothing}
          aria-describedby=${marked('text') ? 'bot-answers-error' : nothing}
          @input=${edit((current, target) => ({ ...current, text: target.value }))}
        ></textarea>
      </label>
      <label
        ><input
          type="checkbox"
          name="offerHandover"
          .checked=${answer.offerHandover}
          @change=${edit((current, target) => ({ ...current, offerHandover: target.checked }))}
        />${t.offerHandover}</label
      >
      <div class="actions">
        <button
          type="button"
          class="button"
          aria-label=${t.removeFor(keywordsOf(answer).join(', '))}
          @click=${() => this.removeAnswer(row)}
        >
          ${t.remove}
        </button>
      </div>
    </fieldset>`;
  }

  private edit(row: number, change: (answer: DraftAnswer) => DraftAnswer): void {
    this.status = '';
    this.draft = this.answers.map((answer, index) => (index === row ? change(answer) : answer));
  }

  private addAnswer = async (): Promise<void> => {
    this.status = '';
    this.draft = [...this.answers, { keywords: '', text: '', offerHandover: false }];
    await this.updateComplete;
    this.fieldOf(this.draft.length - 1, 'keywords')?.focus();
  };

  private async removeAnswer(row: number): Promise<void> {
    this.status = '';
    this.fieldError = undefined;
    this.draft = this.answers.filter((_, index) => index !== row);
    await this.updateComplete;
    // Focus goes to the next answer's keywords, else the previous one's, else Add.
    const next = Math.min(row, this.draft.length - 1);
    (this.fieldOf(next, 'keywords') ?? this.shadowRoot!.querySelector<HTMLElement>('[part="add"]'))?.focus();
  }

  private fieldOf(row: number, field: 'keywords' | 'text' | 'fallback'): HTMLElement | null {
    const scope = field === 'fallback' ? '' : `fieldset[data-row="${row}"] `;
    return this.shadowRoot!.querySelector<HTMLElement>(`${scope}[name="${field}"]`);
  }

  private save = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    this.error = '';
    this.status = '';
    this.fieldError = undefined;
    const kept = this.answers.filter((answer) => !isEmpty(answer));
    const answers: BotAnswer[] = kept.map((answer) => ({
      keywords: keywordsOf(answer),
      text: answer.text,
      offerHandover: answer.offerHandover,
    }));
    try {
      await this.client!.send({ type: 'settings.update', patch: { bot: { answers, fallback: this.fallback } } });
    } catch (error) {
      const marked = this.explain(error, kept);
      await this.updateComplete;
      if (marked) this.fieldOf(marked.row, marked.field)?.focus();
      return;
    }
    this.draft = undefined;
    this.draftFallback = undefined;
    this.status = this.bt.saved;
  };

  /** Words a refusal; an invalid field is marked (the path names it: `…bot.answers.2.text`, `…bot.fallback`). */
  private explain(error: unknown, sent: readonly DraftAnswer[]): FieldError | undefined {
    const t = this.bt;
    const { code, path = '' } = (error ?? {}) as Partial<Record<'code' | 'path', string>>;
    const answer = /answers\.(\d+)\.(keywords|text)/.exec(path);
    this.draft = [...this.answers];
    if (code === 'invalid' && answer) {
      // Rows left empty were not sent: find the row on screen.
      const field = answer[2] as 'keywords' | 'text';
      this.fieldError = { row: this.answers.indexOf(sent[Number(answer[1])]!), field };
      this.error = field === 'keywords' ? t.badKeywords : t.badText;
    } else if (code === 'invalid' && path.endsWith('bot.fallback')) {
      this.fieldError = { row: -1, field: 'fallback' };
      this.error = t.badFallback;
    } else this.error = this.t.error(refusalText(this.t, error));
    return this.fieldError;
  }
}

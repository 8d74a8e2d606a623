import { css, html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { businessHours, satisfactionSettings, type OpeningRange, type Settings } from '@confab/core';
import { ConfabElement } from '../shared/confab-element.js';
import { teamSettingsControllers } from '../shared/team-settings.js';
import { baseStyles } from '../shared/theme.js';
import { settingsPanelStyles } from '../settings-panel/settings-panel.styles.js';
import { satisfactionHoursCatalogFor, type SatisfactionHoursCatalog } from './satisfaction-hours-i18n.js';

/** A time field's value as the settings keep it: a close at 00:00 is the end of the day. */
function closeOf(value: string): string {
  return value === '00:00' ? '24:00' : value;
}

/** The zones this browser knows, for the picker's suggestions (older engines: none, typing still works). */
function knownTimeZones(): string[] {
  return (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
}

/** The zone of the admin's browser: what a team that never set its hours most likely means. */
function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * The rating after a closed chat and the team's business hours in the settings (issue 17, I1, S2,
 * G1): whether the widget asks for a rating and its question in English and Dutch; whether hours
 * apply, their IANA time zone (a searchable list of the zones the browser knows; the browser's own
 * zone until the team saved one), and opening ranges per weekday (add a range for a lunch break,
 * remove one; a day with no times is closed). Admins only; the engine checks what is saved (a zone
 * it knows, a close after each opening).
 *
 * @example
 * <confab-satisfaction-hours .client=${client}></confab-satisfaction-hours>
 *
 * @csspart form - The form (admins).
 *
 * @tagname confab-satisfaction-hours
 */
export class ConfabSatisfactionHours extends ConfabElement {
  static override styles = [
    baseStyles,
    settingsPanelStyles,
    css`
      .day {
        display: grid;
        gap: 4px;
        margin-bottom: 8px;
      }
      .range {
        display: flex;
        align-items: center;
        gap: 8px;
      }
    `,
  ];

  @state() private accessor status = '';
  /** The week as being edited, once a range was added or removed; until then the saved one shows. */
  @state() private accessor week: OpeningRange[][] | undefined;

  private readonly team = teamSettingsControllers(this);

  private get st(): SatisfactionHoursCatalog {
    return satisfactionHoursCatalogFor(this.resolvedLocale);
  }

  override render() {
    const settings = this.team.settings.value;
    if (!settings || !this.team.mayChange.value) return nothing;
    const t = this.st;
    const rating = satisfactionSettings(settings);
    const hours = businessHours(settings);
    const week = this.week ?? hours.week;
    // novalidate: the engine checks what is saved and says why in the status; WebKit's own check of a
    // cleared time field failed the form without a word (checkValidity false, every field valid).
    return html`<form part="form" novalidate @submit=${this.save} @input=${() => (this.status = '')}>
      <fieldset>
        <legend>${t.rating}</legend>
        <label class="choice"><input type="checkbox" name="ratingOn" .checked=${rating.enabled} />${t.ratingOn}</label>
        <label class="field"
          ><span>${t.questionEn}</span><input name="questionEn" .value=${rating.question.en}
        /></label>
        <label class="field"
          ><span>${t.questionNl}</span><input name="questionNl" .value=${rating.question.nl}
        /></label>
      </fieldset>
      <fieldset>
        <legend>${t.hours}</legend>
        <label class="choice"><input type="checkbox" name="hoursOn" .checked=${hours.enabled} />${t.hoursOn}</label>
        <label class="field"
          ><span>${t.timeZone}</span
          ><input
            name="timeZone"
            list="zones"
            autocomplete="off"
            aria-describedby="zone-help"
            .value=${settings.hours ? hours.timeZone : browserTimeZone()}
        /></label>
        <datalist id="zones">${knownTimeZones().map((zone) => html`<option value=${zone}></option>`)}</datalist>
        <p class="muted" id="zone-help">${t.timeZoneHelp}</p>
        <p class="muted">${t.closedHelp}</p>
        ${t.days.map((day, index) => this.renderDay(day, index, week[index] ?? []))}
      </fieldset>
      <div class="actions">
        <span class="status" role="status">${this.status}</span>
        <button class="button primary" type="submit">${t.save}</button>
      </div>
    </form>`;
  }

  /** A weekday: its ranges (at least one pair of fields; empty ones mean closed), add and remove. */
  private renderDay(day: string, index: number, ranges: readonly OpeningRange[]) {
    const t = this.st;
    const shown = ranges.length ? ranges : [{ open: '', close: '' }];
    return html`<div class="day" role="group" aria-label=${day}>
      <span>${day}</span>
      ${shown.map(
        (range, n) =>
          html`<div class="range">
            <input
              type="time"
              name="open-${index}"
              data-range=${n}
              aria-label=${t.opens(day, n + 1)}
              .value=${live(range.open)}
            />
            <input
              type="time"
              name="close-${index}"
              aria-label=${t.closes(day, n + 1)}
              .value=${live(range.close === '24:00' ? '00:00' : range.close)}
            />
            ${
              shown.length > 1
                ? html`<button class="button" type="button" @click=${() => this.removeRange(index, n)}>
                    ${t.removeRange(day, n + 1)}
                  </button>`
                : nothing
            }
          </div>`,
      )}
      <button class="button" type="button" data-add=${index} @click=${() => this.addRange(index)}>
        ${t.addRange(day)}
      </button>
    </div>`;
  }

  /** The week as the fields hold it now, every pair kept (empty ones too), closes as typed. */
  private weekInForm(): OpeningRange[][] {
    const data = new FormData(this.renderRoot.querySelector('form')!);
    return this.st.days.map((_, index) => {
      const closes = data.getAll(`close-${index}`);
      return data.getAll(`open-${index}`).map((open, n) => ({ open: String(open), close: String(closes[n] ?? '') }));
    });
  }

  private async addRange(day: number): Promise<void> {
    const week = this.weekInForm();
    week[day]!.push({ open: '', close: '' });
    this.week = week;
    await this.updateComplete;
    // The new range's first field, where the admin types next.
    this.field(day, week[day]!.length - 1)?.focus();
  }

  private async removeRange(day: number, range: number): Promise<void> {
    const week = this.weekInForm();
    week[day]!.splice(range, 1);
    this.week = week;
    await this.updateComplete;
    // The button that had focus is gone: focus goes to the range before it.
    this.field(day, Math.max(0, range - 1))?.focus();
  }

  private field(day: number, range: number): HTMLInputElement | null {
    return this.renderRoot.querySelector(`input[name="open-${day}"][data-range="${range}"]`);
  }

  private save = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const field = (name: string) => String(data.get(name) ?? '').trim();
    // A pair left empty is no range; a day with none is closed.
    const week = this.weekInForm().map((ranges) =>
      ranges
        .map(({ open, close }) => ({ open: open.trim(), close: close.trim() }))
        .filter(({ open, close }) => open || close)
        .map(({ open, close }) => ({ open, close: closeOf(close) })),
    );
    const patch: Pick<Settings, 'satisfaction' | 'hours'> = {
      satisfaction: { enabled: data.has('ratingOn'), question: { en: field('questionEn'), nl: field('questionNl') } },
      hours: { enabled: data.has('hoursOn'), timeZone: field('timeZone'), week },
    };
    const refusal = await this.run({ type: 'settings.update', patch });
    this.status = refusal ? this.st.error(refusal.message) : this.st.saved;
    // Saved: the settings show again as the engine keeps them.
    if (!refusal) this.week = undefined;
  };
}

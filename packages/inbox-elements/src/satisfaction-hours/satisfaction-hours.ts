import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
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

/**
 * The rating after a closed chat and the team's business hours in the settings (issue 17, I1, S2,
 * G1): whether the widget asks for a rating and its question in English and Dutch; whether hours
 * apply, their IANA time zone, and one opening range per weekday. Admins only; the engine checks
 * what is saved (a zone it knows, a close after the opening).
 *
 * @example
 * <confab-satisfaction-hours .client=${client}></confab-satisfaction-hours>
 *
 * @csspart form - The form (admins).
 *
 * @tagname confab-satisfaction-hours
 */
export class ConfabSatisfactionHours extends ConfabElement {
  static override styles = [baseStyles, settingsPanelStyles];

  @state() private accessor status = '';

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
        <label class="field"><span>${t.timeZone}</span><input name="timeZone" .value=${hours.timeZone} /></label>
        <p class="muted">${t.closedHelp}</p>
        ${t.days.map((day, index) => this.renderDay(day, index, hours.week[index]?.[0]))}
      </fieldset>
      <div class="actions">
        <span class="status" role="status">${this.status}</span>
        <button class="button primary" type="submit">${t.save}</button>
      </div>
    </form>`;
  }

  private renderDay(day: string, index: number, range: OpeningRange | undefined) {
    const t = this.st;
    return html`<div class="choice" role="group" aria-label=${day}>
      <span class="day">${day}</span>
      <input type="time" name="open-${index}" aria-label=${t.opens(day)} .value=${range?.open ?? ''} />
      <input
        type="time"
        name="close-${index}"
        aria-label=${t.closes(day)}
        .value=${range ? (range.close === '24:00' ? '00:00' : range.close) : ''}
      />
    </div>`;
  }

  private save = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const field = (name: string) => String(data.get(name) ?? '').trim();
    const week = this.st.days.map((_, index) => {
      const open = field(`open-${index}`);
      const close = field(`close-${index}`);
      return open || close ? [{ open, close: closeOf(close) }] : [];
    });
    const patch: Pick<Settings, 'satisfaction' | 'hours'> = {
      satisfaction: { enabled: data.has('ratingOn'), question: { en: field('questionEn'), nl: field('questionNl') } },
      hours: { enabled: data.has('hoursOn'), timeZone: field('timeZone'), week },
    };
    const refusal = await this.run({ type: 'settings.update', patch });
    this.status = refusal ? this.st.error(refusal.message) : this.st.saved;
  };
}

import { html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import {
  CHANNELS,
  assignableAgents,
  customDateRange,
  dateInputValue,
  narrowFilter,
  teamLabels,
  type ActivityPeriod,
  type Agent,
  type Channel,
  type ConversationFilter,
  type Label,
} from '@confab/core';
import { ConfabElement } from '../shared/confab-element.js';
import { StoreController, shallowArrayEqual } from '@confab/element-kit';
import { MenuController } from '../shared/menu.js';
import { FocusKeeper } from '../shared/focus.js';
import { baseStyles } from '../shared/theme.js';
import { emit } from '../shared/events.js';
import { icon } from '../shared/icons.js';
import { filterBarStyles } from './filter-bar.styles.js';
import { formatDay } from '../i18n/i18n.js';

/** The date presets of the filter menu (F2), kept as periods: a query places them in time. */
const PERIODS: ActivityPeriod[] = ['24h', '7d', '30d'];

interface Chip {
  label: string;
  remove: () => void;
}

/**
 * Search (F1) and the filter menu (F2: status, channel, assignee, label, date), with every active
 * filter shown as a removable chip. It reports changes; the list applies them to a live query (F3).
 * Date presets stay relative ("last 7 days" is the last 7 days whenever the query or a saved view
 * is made); "Custom range…" opens two date inputs for a fixed range of whole days.
 *
 * @example
 * <confab-filter-bar .client=${client} @confab-filter-change=${(e) => list.filter = e.detail.filter}></confab-filter-bar>
 *
 * @fires confab-filter-change - The filter or the search changed; `detail.filter`, `detail.search`.
 * @csspart search - The search field.
 * @csspart filter-button - The button opening the filter menu.
 * @csspart menu - The filter menu.
 * @csspart chip - A removable active-filter chip.
 * @csspart date-range - The custom date range form (From, To, Apply).
 * @cssproperty --confab-accent-soft - Chip background.
 * @cssproperty --confab-border - Field and chip borders.
 *
 * @tagname confab-filter-bar
 */
export class ConfabFilterBar extends ConfabElement {
  static override styles = [baseStyles, filterBarStyles];

  /** The view the filters narrow (used when saving a view). */
  @property() accessor view = 'all';
  /** The filter-menu part of the query (status, channels, assignee, activity range). */
  @property({ attribute: false }) accessor filter: ConversationFilter = {};
  /** The search text (F1). */
  @property() accessor search = '';

  @state() private accessor saving = false;
  /** The custom date range form is open; `rangeProblem` says why its dates were not taken. */
  @state() private accessor choosingRange = false;
  @state() private accessor rangeProblem = false;
  /** Why the filters cannot be saved as a view, while the save form is open. */
  @state() private accessor saveProblem: string | null = null;
  @query('input[type="search"]') private accessor searchInput!: HTMLInputElement;

  private readonly menu = new MenuController(this, 'filter');
  /** A removed chip hands focus to the chip now in its place (or the one before), else to Filter. */
  protected readonly focusKeeper = new FocusKeeper(this, (lost) => {
    const chips = [...this.renderRoot.querySelectorAll<HTMLElement>('.chip')];
    const index = Number((lost as HTMLElement).dataset.index ?? chips.length);
    return (
      chips[Math.min(index, chips.length - 1)] ?? this.renderRoot.querySelector<HTMLElement>('[part="filter-button"]')
    );
  });
  private readonly agents = new StoreController(
    this,
    () => this.client?.store.revision,
    () => this.client!.store.read(assignableAgents),
    shallowArrayEqual<Agent>,
  );
  private readonly labels = new StoreController(
    this,
    () => this.client?.store.revision,
    () => this.client!.store.read(teamLabels),
    shallowArrayEqual<Label>,
  );

  /** Moves focus to the search field (the `/` shortcut). */
  focusSearch(): void {
    this.searchInput?.focus();
    this.searchInput?.select();
  }

  override render() {
    const t = this.t;
    const chips = this.chips();
    return html`
      <div class="row">
        <div class="search">
          ${icon('search')}
          <input
            part="search"
            type="search"
            aria-label=${t.search}
            placeholder=${t.searchPlaceholder}
            .value=${this.search}
            @input=${this.onSearch}
          />
        </div>
        <div class="anchor">
          <button
            id=${this.menu.triggerId}
            class="button"
            part="filter-button"
            aria-haspopup="menu"
            aria-expanded=${this.menu.open ? 'true' : 'false'}
            aria-controls=${this.menu.menuId}
            @click=${this.menu.toggle}
            @keydown=${this.menu.onTriggerKeydown}
          >
            ${icon('filter')}${t.filter}
          </button>
          ${this.menu.open ? this.renderMenu() : nothing}
        </div>
      </div>
      ${
        chips.length
          ? html`<ul class="chips" aria-label=${t.filtersLabel}>
              ${chips.map(
                (chip, index) =>
                  html`<li>
                    <button
                      class="chip"
                      part="chip"
                      data-index=${index}
                      aria-label=${t.removeFilter(chip.label)}
                      @click=${chip.remove}
                    >
                      ${chip.label}${icon('close')}
                    </button>
                  </li>`,
              )}
              <li><button class="link-button" @click=${this.clear}>${t.clearFilters}</button></li>
              <li><button class="link-button" @click=${this.startSaving}>${t.saveView}</button></li>
            </ul>`
          : nothing
      }
      ${this.choosingRange ? this.renderRangeForm() : nothing}
      ${
        this.saving
          ? html`<form class="save" @submit=${this.saveView}>
              <input name="name" aria-label=${t.viewName} placeholder=${t.viewName} required autofocus />
              <button class="button primary" type="submit">${t.save}</button>
              <button class="button" type="button" @click=${() => (this.saving = false)}>${t.cancel}</button>
              ${this.saveProblem ? html`<p class="error save-problem" role="alert">${this.saveProblem}</p>` : nothing}
            </form>`
          : nothing
      }
    `;
  }

  private renderMenu() {
    const t = this.t;
    const f = this.filter;
    const radio = (label: string, checked: boolean, choose: () => void) =>
      html`<button role="menuitemradio" tabindex="-1" aria-checked=${checked ? 'true' : 'false'} @click=${choose}>
        <span class="check-mark" aria-hidden="true">${checked ? '●' : ''}</span>${label}
      </button>`;
    const checkbox = (label: string, checked: boolean, toggle: () => void) =>
      html`<button role="menuitemcheckbox" tabindex="-1" aria-checked=${checked ? 'true' : 'false'} @click=${toggle}>
        <span class="check-mark" aria-hidden="true">${checked ? '✓' : ''}</span>${label}
      </button>`;
    const agents = this.agents.value ?? [];
    const labels = this.labels.value ?? [];
    const custom = f.activityFrom !== undefined || f.activityTo !== undefined;
    const hasDate = custom || f.activityWithin !== undefined;
    return html`<div
      id=${this.menu.menuId}
      class="menu"
      part="menu"
      role="menu"
      aria-label=${t.filter}
      @keydown=${this.menu.onMenuKeydown}
    >
      <div role="group" aria-label=${t.status}>
        <div class="group-label" aria-hidden="true">${t.status}</div>
        ${radio(t.anyStatus, f.status === undefined, () => this.patch({ status: undefined }))}
        ${radio(t.statusOpen, f.status === 'open', () => this.patch({ status: 'open' }))}
        ${radio(t.statusClosed, f.status === 'closed', () => this.patch({ status: 'closed' }))}
      </div>
      <div role="group" aria-label=${t.channel}>
        <div class="group-label" aria-hidden="true">${t.channel}</div>
        ${CHANNELS.map((channel) =>
          checkbox(t.channels[channel], f.channels?.includes(channel) ?? false, () => this.toggleChannel(channel)),
        )}
      </div>
      <div role="group" aria-label=${t.assignee}>
        <div class="group-label" aria-hidden="true">${t.assignee}</div>
        ${radio(t.anyone, f.assignee === undefined, () => this.patch({ assignee: undefined }))}
        ${radio(t.me, f.assignee === 'me', () => this.patch({ assignee: 'me' }))}
        ${radio(t.nobody, f.assignee === 'nobody', () => this.patch({ assignee: 'nobody' }))}
        ${agents.map((agent) => radio(agent.name, f.assignee === agent.id, () => this.patch({ assignee: agent.id })))}
      </div>
      ${
        labels.length
          ? html`<div role="group" aria-label=${t.label}>
              <div class="group-label" aria-hidden="true">${t.label}</div>
              ${labels.map((label) =>
                checkbox(label.name, f.labels?.includes(label.id) ?? false, () => this.toggleLabel(label.id)),
              )}
            </div>`
          : nothing
      }
      <div role="group" aria-label=${t.date}>
        <div class="group-label" aria-hidden="true">${t.date}</div>
        ${radio(t.anyTime, !hasDate, () => this.setPeriod(undefined))}
        ${PERIODS.map((period) => radio(this.periodName(period), f.activityWithin === period, () => this.setPeriod(period)))}
        ${radio(t.customRange, custom, this.openRangeForm)}
      </div>
    </div>`;
  }

  private periodName(period: ActivityPeriod): string {
    return period === '24h' ? this.t.last24h : period === '7d' ? this.t.last7d : this.t.last30d;
  }

  /** From and To as date inputs (whole days in the agent's calendar), applied together. */
  private renderRangeForm() {
    const t = this.t;
    const f = this.filter;
    const invalid = this.rangeProblem ? 'true' : nothing;
    const describedBy = this.rangeProblem ? 'range-problem' : nothing;
    return html`<form class="range" part="date-range" aria-label=${t.rangeLabel} @submit=${this.applyRange}>
      <label
        >${t.dateFrom}
        <input
          type="date"
          name="from"
          aria-invalid=${invalid}
          aria-describedby=${describedBy}
          .value=${f.activityFrom === undefined ? '' : dateInputValue(f.activityFrom)}
      /></label>
      <label
        >${t.dateTo}
        <input
          type="date"
          name="to"
          aria-invalid=${invalid}
          aria-describedby=${describedBy}
          .value=${f.activityTo === undefined ? '' : dateInputValue(f.activityTo)}
      /></label>
      <button class="button primary" type="submit">${t.applyRange}</button>
      <button class="button" type="button" @click=${this.closeRangeForm}>${t.cancel}</button>
      <p id="range-problem" class="error" role="alert">${this.rangeProblem ? t.rangeInvalid : ''}</p>
    </form>`;
  }

  private chips(): Chip[] {
    const t = this.t;
    const f = this.filter;
    const chips: Chip[] = [];
    if (f.status) {
      chips.push({
        label: `${t.status}: ${f.status === 'open' ? t.statusOpen : t.statusClosed}`,
        remove: () => this.patch({ status: undefined }),
      });
    }
    for (const channel of f.channels ?? []) {
      chips.push({ label: `${t.channel}: ${t.channels[channel]}`, remove: () => this.toggleChannel(channel) });
    }
    if (f.assignee) {
      const name =
        f.assignee === 'me'
          ? t.me
          : f.assignee === 'nobody'
            ? t.nobody
            : (this.client?.store.agentName(f.assignee) ?? f.assignee);
      chips.push({ label: `${t.assignee}: ${name}`, remove: () => this.patch({ assignee: undefined }) });
    }
    for (const id of f.labels ?? []) {
      const name = this.labels.value?.find((label) => label.id === id)?.name;
      // A label deleted since keeps its chip, so the filter can still be removed.
      chips.push({ label: `${t.label}: ${name ?? id}`, remove: () => this.toggleLabel(id) });
    }
    if (f.activityWithin !== undefined) {
      chips.push({ label: `${t.date}: ${this.periodName(f.activityWithin)}`, remove: () => this.setPeriod(undefined) });
    } else if (f.activityFrom !== undefined || f.activityTo !== undefined) {
      const day = (time: number | undefined) => (time === undefined ? '' : formatDay(time, this.resolvedLocale));
      chips.push({
        label: `${t.date}: ${t.between(day(f.activityFrom), day(f.activityTo))}`,
        remove: () => this.setPeriod(undefined),
      });
    }
    return chips;
  }

  private patch(change: Partial<ConversationFilter>): void {
    const next: ConversationFilter = { ...this.filter, ...change };
    for (const key of Object.keys(next) as Array<keyof ConversationFilter>)
      if (next[key] === undefined) delete next[key];
    this.filter = next;
    this.changed();
  }

  private toggleChannel(channel: Channel): void {
    const current = this.filter.channels ?? [];
    const channels = current.includes(channel) ? current.filter((c) => c !== channel) : [...current, channel];
    this.patch({ channels: channels.length ? channels : undefined });
  }

  private toggleLabel(id: string): void {
    const current = this.filter.labels ?? [];
    const labels = current.includes(id) ? current.filter((each) => each !== id) : [...current, id];
    this.patch({ labels: labels.length ? labels : undefined });
  }

  /** A preset, or none: either replaces a custom range. */
  private setPeriod(period: ActivityPeriod | undefined): void {
    this.choosingRange = false;
    this.patch({ activityWithin: period, activityFrom: undefined, activityTo: undefined });
  }

  private openRangeForm = async (): Promise<void> => {
    this.menu.close(false);
    this.rangeProblem = false;
    this.choosingRange = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('form.range input')?.focus();
  };

  private closeRangeForm = (): void => {
    this.choosingRange = false;
    this.renderRoot.querySelector<HTMLElement>('[part="filter-button"]')?.focus();
  };

  private applyRange = (event: SubmitEvent): void => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const range = customDateRange(String(data.get('from') ?? ''), String(data.get('to') ?? ''));
    this.rangeProblem = range === null;
    if (!range) {
      this.renderRoot.querySelector<HTMLInputElement>('form.range input')?.focus();
      return;
    }
    this.patch({ activityWithin: undefined, activityFrom: range.activityFrom, activityTo: range.activityTo });
    this.closeRangeForm();
  };

  private clear = (): void => {
    this.choosingRange = false;
    this.filter = {};
    this.changed();
  };

  private onSearch = (event: Event): void => {
    this.search = (event.target as HTMLInputElement).value;
    this.changed();
  };

  private changed(): void {
    emit(this, 'confab-filter-change', { filter: this.filter, search: this.search });
  }

  private startSaving = async (): Promise<void> => {
    this.saving = true;
    this.saveProblem = null;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('form.save input')?.focus();
  };

  private saveView = async (event: Event): Promise<void> => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const name = (new FormData(form).get('name') as string).trim();
    if (!name) return;
    const base = this.client?.store.views().find((view) => view.id === this.view)?.filter ?? {};
    // A saved view is exactly what the list shows: the current view narrowed by the menu.
    const filter = narrowFilter(base, this.filter, this.client?.me.get()?.id ?? null);
    this.saveProblem = filter ? null : this.t.viewMatchesNothing;
    if (!filter) return;
    const error = await this.run({ type: 'view.save', name, filter });
    if (!error) this.saving = false;
  };
}

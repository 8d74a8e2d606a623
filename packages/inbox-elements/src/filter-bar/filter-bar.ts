import { html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import {
  CHANNELS,
  assignableAgents,
  narrowFilter,
  type Agent,
  type Channel,
  type ConversationFilter,
} from '@confab/core';
import { ConfabElement } from '../shared/confab-element.js';
import { StoreController, shallowArrayEqual } from '@confab/element-kit';
import { MenuController } from '../shared/menu.js';
import { FocusKeeper } from '../shared/focus.js';
import { baseStyles } from '../shared/theme.js';
import { emit } from '../shared/events.js';
import { icon } from '../shared/icons.js';
import { filterBarStyles } from './filter-bar.styles.js';

/** Date ranges of the filter menu (F2): activity within the last N milliseconds. */
const DATE_RANGES = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
type DateRange = keyof typeof DATE_RANGES;

interface Chip {
  label: string;
  remove: () => void;
}

/**
 * Search (F1) and the filter menu (F2: status, channel, assignee, date), with every active filter
 * shown as a removable chip. It reports changes; the list applies them to a live query (F3).
 *
 * @example
 * <confab-filter-bar .client=${client} @confab-filter-change=${(e) => list.filter = e.detail.filter}></confab-filter-bar>
 *
 * @fires confab-filter-change - The filter or the search changed; `detail.filter`, `detail.search`.
 * @csspart search - The search field.
 * @csspart filter-button - The button opening the filter menu.
 * @csspart menu - The filter menu.
 * @csspart chip - A removable active-filter chip.
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

  @state() private accessor dateRange: DateRange | undefined;
  @state() private accessor saving = false;
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
      <div role="group" aria-label=${t.date}>
        <div class="group-label" aria-hidden="true">${t.date}</div>
        ${radio(t.anyTime, f.activityFrom === undefined, () => this.setDateRange(undefined))}
        ${radio(t.last24h, this.dateRange === '24h', () => this.setDateRange('24h'))}
        ${radio(t.last7d, this.dateRange === '7d', () => this.setDateRange('7d'))}
        ${radio(t.last30d, this.dateRange === '30d', () => this.setDateRange('30d'))}
      </div>
    </div>`;
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
    if (f.activityFrom !== undefined) {
      const label =
        this.dateRange === '24h'
          ? t.last24h
          : this.dateRange === '7d'
            ? t.last7d
            : this.dateRange === '30d'
              ? t.last30d
              : t.date;
      chips.push({ label: `${t.date}: ${label}`, remove: () => this.setDateRange(undefined) });
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

  private setDateRange(range: DateRange | undefined): void {
    this.dateRange = range;
    this.patch({ activityFrom: range ? Date.now() - DATE_RANGES[range] : undefined, activityTo: undefined });
  }

  private clear = (): void => {
    this.dateRange = undefined;
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

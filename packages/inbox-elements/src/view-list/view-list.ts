import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { View } from '@confab/core';
import { ConfabElement } from '../shared/confab-element.js';
import { StoreController, shallowArrayEqual } from '@confab/element-kit';
import { baseStyles } from '../shared/theme.js';
import { emit } from '../shared/events.js';
import { icon } from '../shared/icons.js';
import { formatCount } from '../i18n/i18n.js';
import { viewListStyles } from './view-list.styles.js';

/** Initials for an avatar. */
function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0]!.toUpperCase())
    .join('');
}

/**
 * The inbox sidebar: Compose (C1), the views V1–V12 and saved views with live counts, the
 * signed-in agent with the Available / Away switch (S1), and the settings entry (I1).
 *
 * @example
 * <confab-view-list .client=${client} view="all"></confab-view-list>
 *
 * @fires confab-view-change - A view was chosen; `detail.viewId`.
 * @fires confab-compose - Compose was chosen (cancelable).
 * @fires confab-open-settings - Settings was chosen (cancelable).
 * @csspart compose - The Compose button.
 * @csspart nav - The navigation landmark holding the views.
 * @csspart view - Each view button.
 * @csspart count - The live count of a view.
 * @csspart footer - The agent, availability switch and settings button.
 * @csspart availability - The Available / Away switch.
 * @csspart settings - The Settings button.
 * @cssproperty --confab-surface - Sidebar background.
 * @cssproperty --confab-accent - Compose button and the current view.
 * @cssproperty --confab-accent-soft - Background of the current view.
 * @cssproperty --confab-success - Availability colour.
 *
 * @tagname confab-view-list
 */
export class ConfabViewList extends ConfabElement {
  static override styles = [baseStyles, viewListStyles];

  /** Id of the selected view (`all`, `mine`, …, or a saved view's id). */
  @property({ reflect: true }) accessor view = 'all';

  private readonly views = new StoreController(
    this,
    () => this.client?.store.revision,
    () => this.client!.store.views(),
    shallowArrayEqual<View>,
  );

  private readonly counts = new StoreController(
    this,
    () => this.client?.store.revision,
    () => this.client!.store.views().map((view) => this.client!.store.count(view.id)),
    shallowArrayEqual<number>,
  );

  private readonly me = new StoreController(this, () => this.client?.me);

  /** The saved view being renamed, and why the last name was refused. */
  @state() private accessor renaming: string | undefined;
  @state() private accessor renameError = '';

  override render() {
    const t = this.t;
    const views = this.views.value ?? [];
    const counts = this.counts.value ?? [];
    const builtIn = views.map((view, index) => ({ view, count: counts[index] ?? 0 })).filter((v) => v.view.builtIn);
    const saved = views.map((view, index) => ({ view, count: counts[index] ?? 0 })).filter((v) => !v.view.builtIn);
    const me = this.me.value;
    const available = me?.availability === 'available';
    return html`
      <div class="top">
        <button class="button primary compose" part="compose" @click=${this.compose}>
          ${icon('compose')}${t.compose}
        </button>
        <slot name="actions"></slot>
      </div>
      <nav part="nav" aria-label=${t.viewsLabel}>
        <ul>
          ${builtIn.map(({ view, count }) => this.renderView(view, t.views[view.id] ?? view.name, count))}
        </ul>
        ${
          saved.length
            ? html`<h2 id="saved-heading">${t.savedViews}</h2>
                <ul aria-labelledby="saved-heading">
                  ${saved.map(({ view, count }) => this.renderView(view, view.name, count))}
                </ul>`
            : nothing
        }
      </nav>
      <div class="footer" part="footer">
        <span class="avatar ${available ? 'available' : ''}" aria-hidden="true">${initials(me?.name ?? '')}</span>
        <span class="who">
          <span class="name" title=${me?.name ?? ''}>${me?.name ?? ''}</span>
          <button
            class="switch"
            part="availability"
            role="switch"
            aria-checked=${available ? 'true' : 'false'}
            ?disabled=${!me}
            @click=${this.toggleAvailability}
          >
            <span class="track" aria-hidden="true"></span>
            <span>${t.available}</span>
          </button>
        </span>
        <button
          class="icon-button"
          part="settings"
          aria-label=${t.settings}
          title=${t.settings}
          @click=${this.openSettings}
        >
          ${icon('settings')}
        </button>
      </div>
    `;
  }

  private renderView(view: View, label: string, count: number) {
    if (view.id === this.renaming) return this.renderRename(view);
    const current = view.id === this.view;
    return html`<li>
      <button
        class="view"
        part="view"
        aria-current=${current ? 'page' : 'false'}
        data-view=${view.id}
        @click=${() => this.choose(view.id)}
      >
        <span>${label}</span>
        <span class="count" part="count">${formatCount(count, this.resolvedLocale)}</span>
      </button>
      ${
        view.builtIn
          ? nothing
          : html`<button
                class="icon-button"
                data-rename=${view.id}
                aria-label=${this.t.renameView(view.name)}
                @click=${() => this.startRename(view.id)}
              >
                ${icon('compose')}
              </button>
              <button
                class="icon-button"
                aria-label=${this.t.deleteView(view.name)}
                @click=${() => this.deleteView(view.id)}
              >
                ${icon('close')}
              </button>`
      }
    </li>`;
  }

  /** A saved view's name as a field: Enter saves, Escape (or Cancel) keeps the old name. */
  private renderRename(view: View) {
    const t = this.t;
    return html`<li class="renaming">
      <form
        class="rename"
        @submit=${(event: SubmitEvent) => this.rename(event, view)}
        @keydown=${(event: KeyboardEvent) => {
          if (event.key !== 'Escape') return;
          event.preventDefault();
          event.stopPropagation();
          void this.endRename(view.id);
        }}
      >
        <input
          name="name"
          aria-label=${t.newViewName(view.name)}
          .value=${view.name}
          maxlength="200"
          aria-invalid=${this.renameError ? 'true' : 'false'}
          aria-describedby=${this.renameError ? 'rename-error' : nothing}
        />
        <button class="icon-button" type="submit" aria-label=${t.saveViewName}>${icon('check')}</button>
        <button class="icon-button" type="button" aria-label=${t.cancel} @click=${() => this.endRename(view.id)}>
          ${icon('close')}
        </button>
      </form>
      <p id="rename-error" class="error" role="alert">${this.renameError}</p>
    </li>`;
  }

  private async startRename(viewId: string): Promise<void> {
    this.renaming = viewId;
    this.renameError = '';
    await this.updateComplete;
    const field = this.renderRoot.querySelector<HTMLInputElement>('.rename input');
    field?.focus();
    field?.select();
  }

  /** Leaves the name field; focus goes back to the view's Rename button. */
  private async endRename(viewId: string): Promise<void> {
    this.renaming = undefined;
    this.renameError = '';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`[data-rename="${viewId}"]`)?.focus();
  }

  private async rename(event: SubmitEvent, view: View): Promise<void> {
    event.preventDefault();
    const name = String(new FormData(event.target as HTMLFormElement).get('name') ?? '');
    const refusal = await this.run({ type: 'view.rename', viewId: view.id, name });
    if (refusal) {
      this.renameError = refusal.message;
      this.renderRoot.querySelector<HTMLInputElement>('.rename input')?.focus();
      return;
    }
    await this.endRename(view.id);
  }

  private choose(viewId: string): void {
    this.view = viewId;
    emit(this, 'confab-view-change', { viewId });
  }

  private async deleteView(viewId: string): Promise<void> {
    await this.run({ type: 'view.delete', viewId });
    if (this.view === viewId) this.choose('all');
  }

  private compose = (): void => {
    emit(this, 'confab-compose', {}, true);
  };

  private openSettings = (): void => {
    emit(this, 'confab-open-settings', {}, true);
  };

  private toggleAvailability = (): void => {
    const me = this.me.value;
    if (!me) return;
    void this.run({
      type: 'agent.setAvailability',
      availability: me.availability === 'available' ? 'away' : 'available',
    });
  };
}

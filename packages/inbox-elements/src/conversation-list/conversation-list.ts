import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import {
  contactById,
  labelsOf,
  labelStates,
  type AgentCommand,
  type Label,
  type Conversation,
  type ConversationFilter,
  type LiveQuery,
} from '@confab/core';
import { ConfabElement } from '../shared/confab-element.js';
import { StoreController } from '@confab/element-kit';
import { baseStyles } from '../shared/theme.js';
import { emit } from '../shared/events.js';
import { FocusKeeper } from '../shared/focus.js';
import { announce } from '../shared/announcer.js';
import { channelIcon, icon } from '../shared/icons.js';
import { formatStarted } from '../i18n/i18n.js';
import { MenuController } from '../shared/menu.js';
import { labelChip, labelChipStyles } from '../shared/label-chip.js';
import { conversationListStyles, ROW_HEIGHT } from './conversation-list.styles.js';

/** Rows drawn beyond the visible ones on each side, so fast scrolling does not show gaps. */
const OVERSCAN = 4;
/** Never more rows in the DOM than this (DESIGN §4). */
const MAX_ROWS = 60;
/** How long a bulk action can be undone by default (WCAG 2.2.1: long enough, and held while in use). */
const UNDO_MS = 20_000;

interface Snackbar {
  message: string;
  undo?: () => void;
}

/**
 * The conversations of a view (L1), narrowed by filter and search (F3), most recently received
 * first. Each row previews L2; rows are virtualized (fixed height, at most 60 in the DOM) so that
 * 100,000 conversations scroll smoothly. Rows are options of a multi-select listbox: the check
 * box (shown on hover and focus) selects for bulk Delete and Mark as closed (L3), with time to
 * undo (`undo-timeout`, 20 s by default; the notice stays while it has focus or the pointer).
 * Result counts and the empty state are announced (`confab-announce`) when the query changes.
 *
 * Keyboard: ↓/j and ↑/k move, Enter opens, x or Space selects, Shift+click selects a range,
 * Ctrl/Cmd+Z undoes the last bulk action.
 *
 * @example
 * <confab-conversation-list .client=${client} view="all"></confab-conversation-list>
 *
 * @fires confab-select-conversation - A conversation was opened; `detail.conversationId`.
 * @csspart toolbar - Select-all and the bulk actions.
 * @csspart listbox - The scrolling listbox.
 * @csspart row - A conversation row (option).
 * @csspart checkbox - The selection check box of a row.
 * @csspart snackbar - The undo notice after a bulk action.
 * @cssproperty --confab-accent - Reply-needed indicator and selection.
 * @cssproperty --confab-accent-soft - Background of selected and open rows.
 * @cssproperty --confab-muted - Secondary text.
 *
 * @tagname confab-conversation-list
 */
export class ConfabConversationList extends ConfabElement {
  static override styles = [baseStyles, labelChipStyles, conversationListStyles];

  /** The view whose conversations are listed (V1–V12 id or a saved view id). */
  @property({ reflect: true }) accessor view = 'all';
  /** The filter menu's part of the query (F2). */
  @property({ attribute: false }) accessor filter: ConversationFilter = {};
  /** Search text (F1). */
  @property() accessor search = '';
  /** The open conversation (marked `aria-current`). */
  @property({ attribute: 'conversation-id' }) accessor conversationId: string | undefined;
  /** Milliseconds a bulk action can be undone (counted while the notice has neither focus nor pointer). */
  @property({ type: Number, attribute: 'undo-timeout' }) accessor undoTimeout = UNDO_MS;

  /** Index of the first row drawn. */
  @state() private accessor first = 0;
  @state() private accessor viewportHeight = 800;
  /** Index of the keyboard-active row. */
  @state() private accessor active = 0;
  @state() private accessor selected: ReadonlySet<string> = new Set();
  @state() private accessor snackbar: Snackbar | undefined;

  private liveQuery: LiveQuery | undefined;
  private readonly labelMenu = new MenuController(this, 'labels');
  private anchor = 0;
  private snackbarTimer: ReturnType<typeof setTimeout> | undefined;
  private clockTimer: ReturnType<typeof setInterval> | undefined;
  private resizeObserver: ResizeObserver | undefined;
  /** The query changed (not the first one): say the new count once the result is drawn. */
  private countToAnnounce = false;
  /** The bulk toolbar and the undo notice go away under focus: focus goes to the list. */
  protected readonly focusKeeper = new FocusKeeper(this, () => this.scroller());

  private readonly result = new StoreController(this, () => this.liveQuery);
  // Names and previews of contacts can change without the list order changing.
  private readonly revision = new StoreController(this, () => this.client?.store.revision);
  /** Why the client stopped for good: shown instead of an empty list that would look like no work. */
  private readonly stopped = new StoreController(this, () => this.client?.stopped);

  override connectedCallback(): void {
    super.connectedCallback();
    // Relative times ("12 min ago") age while the list is open.
    this.clockTimer = setInterval(() => this.requestUpdate(), 60_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.clockTimer);
    clearTimeout(this.snackbarTimer);
    this.resizeObserver?.disconnect();
    this.liveQuery?.dispose();
    this.liveQuery = undefined;
  }

  /** Total rows in the current result. */
  get total(): number {
    return this.result.value?.total ?? 0;
  }

  /** Moves keyboard focus to the list. */
  override focus(): void {
    this.scroller()?.focus();
  }

  /** Moves the active row by `delta` rows and keeps it in view. */
  move(delta: number): void {
    this.setActive(this.active + delta);
  }

  /**
   * `j`/`k` from outside the list: the next or previous conversation after the open one. While
   * none of the list is open, the first `j` opens the active row (the first one) instead of the second.
   */
  openNext(delta: 1 | -1): void {
    const activeIsOpen = this.result.value?.slice(this.active, 1)[0]?.id === this.conversationId;
    if (activeIsOpen) this.move(delta);
    this.openActive();
  }

  /** Opens the active row's conversation. */
  openActive(): void {
    const conversation = this.result.value?.slice(this.active, 1)[0];
    if (conversation) this.open(conversation.id);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const queryChanged = changed.has('view') || changed.has('filter') || changed.has('search') || changed.has('client');
    if (this.client && (queryChanged || !this.liveQuery)) {
      this.countToAnnounce = !!this.liveQuery;
      this.liveQuery?.dispose();
      this.liveQuery = this.client.store.query({ viewId: this.view, filter: this.filter, search: this.search });
      if (changed.has('view')) {
        this.selected = new Set();
        this.active = 0;
        this.first = 0;
        const scroller = this.scroller();
        if (scroller) scroller.scrollTop = 0;
      }
    }
    this.toggleAttribute('selecting', this.selected.size > 0);
  }

  protected override updated(): void {
    const result = this.result.value;
    if (!this.countToAnnounce || !result) return;
    this.countToAnnounce = false;
    announce(this, result.total ? this.t.resultCount(result.total) : this.t.emptyList);
  }

  protected override firstUpdated(): void {
    this.resizeObserver = new ResizeObserver(([entry]) => {
      if (entry && entry.contentRect.height > 0) this.viewportHeight = entry.contentRect.height;
    });
    const scroller = this.scroller();
    if (scroller) this.resizeObserver.observe(scroller);
  }

  override render() {
    const t = this.t;
    const result = this.result.value;
    const total = result?.total ?? 0;
    const count = Math.min(MAX_ROWS, Math.ceil(this.viewportHeight / ROW_HEIGHT) + 1 + 2 * OVERSCAN);
    const first = Math.max(0, Math.min(this.first, total - 1));
    const rows = result && total ? result.slice(first, count) : [];
    const now = Date.now();
    const inTrash = this.view === 'trash';
    const selectedCount = this.selected.size;
    const stopped = this.stopped.value ?? null;
    return html`
      <div class="toolbar" part="toolbar">
        <label class="select-all">
          <input
            type="checkbox"
            aria-label=${t.selectAll}
            .checked=${total > 0 && selectedCount === total}
            .indeterminate=${selectedCount > 0 && selectedCount < total}
            ?disabled=${total === 0}
            @change=${this.toggleAll}
          />
          <span ?hidden=${selectedCount > 0} aria-hidden="true">${t.selectAll}</span>
        </label>
        ${
          selectedCount
            ? html`<span class="selected-count">${t.selected(selectedCount)}</span>
                <div role="group" aria-label=${t.bulkActions} class="line">
                  ${
                    inTrash
                      ? html`<button class="button" @click=${this.bulkRestore}>${t.restore}</button>
                          <button class="button danger" @click=${this.bulkDeleteForever}>${t.deleteForever}</button>`
                      : html`<button class="button" @click=${this.bulkDelete}>${t.delete}</button>
                          <button class="button" @click=${this.bulkClose}>${t.markClosed}</button>`
                  }
                  <div class="anchor">
                    <button
                      id=${this.labelMenu.triggerId}
                      class="button"
                      aria-haspopup="menu"
                      aria-expanded=${this.labelMenu.open ? 'true' : 'false'}
                      aria-controls=${this.labelMenu.menuId}
                      @click=${this.labelMenu.toggle}
                      @keydown=${this.labelMenu.onTriggerKeydown}
                    >
                      ${t.labels}
                    </button>
                    ${this.labelMenu.open ? this.renderLabelMenu() : nothing}
                  </div>
                </div>`
            : nothing
        }
      </div>
      ${
        stopped
          ? html`<div class="stopped" role="alert">
              <p class="stopped-title">${t.stopped[stopped].title}</p>
              <p>${t.stopped[stopped].advice}</p>
            </div>`
          : total === 0
            ? html`<p class="empty">${t.emptyList}</p>`
            : nothing
      }
      <div
        class="scroller"
        part="listbox"
        role="listbox"
        aria-label=${t.listLabel}
        aria-multiselectable="true"
        aria-activedescendant=${this.active >= first && this.active < first + rows.length ? `row-${this.active}` : nothing}
        tabindex="0"
        ?hidden=${total === 0}
        @scroll=${this.onScroll}
        @click=${this.onClick}
        @keydown=${this.onKeydown}
      >
        <div class="canvas" role="presentation" .style=${`height:${total * ROW_HEIGHT}px`}>
          ${repeat(
            rows,
            (conversation) => conversation.id,
            (conversation, i) => this.renderRow(conversation, first + i, total, now),
          )}
        </div>
      </div>
      <div class="snackbar" part="snackbar" role="status">
        ${
          this.snackbar
            ? html`<div
                @focusin=${this.holdSnackbar}
                @mouseenter=${this.holdSnackbar}
                @focusout=${this.releaseSnackbar}
                @mouseleave=${this.releaseSnackbar}
              >
                <span>${this.snackbar.message}</span>
                ${this.snackbar.undo ? html`<button @click=${this.undo}>${t.undo}</button>` : nothing}
              </div>`
            : nothing
        }
      </div>
    `;
  }

  /** L3 + issue 16: each team label, checked when every selected conversation has it, mixed when some do. */
  private renderLabelMenu() {
    const t = this.t;
    const states = this.client!.store.read(labelStates, [...this.selected]);
    return html`<div
      id=${this.labelMenu.menuId}
      class="menu"
      role="menu"
      aria-label=${t.labels}
      @keydown=${this.labelMenu.onMenuKeydown}
    >
      ${
        states.length
          ? states.map(
              ({ label, applied }) =>
                html`<button
                  role="menuitemcheckbox"
                  tabindex="-1"
                  aria-checked=${applied === 'all' ? 'true' : applied === 'some' ? 'mixed' : 'false'}
                  @click=${() => void this.toggleLabel(label, applied === 'all')}
                >
                  <span class="check-mark" aria-hidden="true"
                    >${applied === 'all' ? '✓' : applied === 'some' ? '–' : ''}</span
                  >${labelChip(label)}
                </button>`,
            )
          : html`<div role="menuitem" tabindex="-1" aria-disabled="true">${t.noLabels}</div>`
      }
    </div>`;
  }

  /** Puts the label on every selected conversation, or takes it off all when all have it; the selection stays. */
  private async toggleLabel(label: Label, remove: boolean): Promise<void> {
    // One label per opening, as a menu does; focus returns to Labels for the next one.
    this.labelMenu.close();
    const store = this.client!.store;
    const ids = [...this.selected];
    const changed = ids.filter((id) => (store.conversation(id)?.labelIds?.includes(label.id) ?? false) === remove);
    const type = remove ? 'conversation.removeLabel' : 'conversation.addLabel';
    const undoType = remove ? 'conversation.addLabel' : 'conversation.removeLabel';
    await this.bulk(
      { type, conversationIds: ids, labelId: label.id },
      remove ? this.t.labelRemovedMany(label.name, changed.length) : this.t.labelAddedMany(label.name, changed.length),
      { type: undoType, conversationIds: changed, labelId: label.id },
    );
  }

  private renderRow(conversation: Conversation, index: number, total: number, now: number) {
    const t = this.t;
    const contact = this.client?.store.read(contactById, conversation.contactId);
    const labels = this.client?.store.read(labelsOf, conversation) ?? [];
    const name = contact?.name || contact?.email || t.unknownContact;
    const participants = conversation.participantIds.length;
    const selected = this.selected.has(conversation.id);
    // Positions are set through the CSSOM (`.style`), which a strict style-src allows; a style
    // attribute it refuses, and Lit's styleMap writes one on first render.
    return html`<div
      id="row-${index}"
      class="row ${index === this.active ? 'active' : ''} ${conversation.needsReply ? 'needs' : ''}"
      part="row"
      role="option"
      aria-selected=${selected ? 'true' : 'false'}
      aria-current=${conversation.id === this.conversationId ? 'true' : 'false'}
      aria-setsize=${total}
      aria-posinset=${index + 1}
      data-index=${index}
      data-id=${conversation.id}
      .style=${`transform:translateY(${index * ROW_HEIGHT}px)`}
    >
      <span class="check" part="checkbox" aria-hidden="true">${selected ? '✓' : ''}</span>
      <div class="line">
        <span class="indicator"></span>
        <span class="visually-hidden">${conversation.needsReply ? t.needsReply : t.answered}.</span>
        <span class="name">${name}</span>
        ${
          participants > 1
            ? html`<span class="participants" aria-hidden="true">${participants}</span
                ><span class="visually-hidden">${t.participants(participants)}</span>`
            : nothing
        }
        ${
          labels.length
            ? html`<span class="visually-hidden">${t.rowLabels(labels.map((label) => label.name).join(', '))}</span
                ><span class="row-labels" aria-hidden="true">${labels.map(labelChip)}</span>`
            : nothing
        }
      </div>
      <div class="meta">
        ${conversation.status === 'closed' ? html`<span class="badge">${t.closed}</span>` : nothing}
        <time datetime=${new Date(conversation.startedAt).toISOString()}
          >${formatStarted(conversation.startedAt, now, this.resolvedLocale)}</time
        >
        ${channelIcon(conversation.channel, t.channels[conversation.channel] ?? conversation.channel)}
      </div>
      <div class="text">
        ${conversation.subject ? html`<span class="subject">${conversation.subject}</span> · ` : nothing}${conversation.preview}
      </div>
      ${
        conversation.commentPreview
          ? html`<div class="comment">
              ${icon('comment')}<span class="visually-hidden">${t.comment}:</span>${conversation.commentPreview}
            </div>`
          : nothing
      }
    </div>`;
  }

  private scroller(): HTMLElement | null {
    return this.renderRoot?.querySelector<HTMLElement>('.scroller') ?? null;
  }

  private onScroll = (event: Event): void => {
    const top = (event.currentTarget as HTMLElement).scrollTop;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    if (first !== this.first) this.first = first;
  };

  private onClick = (event: MouseEvent): void => {
    const row = (event.target as Element).closest<HTMLElement>('[role="option"]');
    if (!row) return;
    const index = Number(row.dataset.index);
    const id = row.dataset.id!;
    this.active = index;
    const onCheckbox = (event.target as Element).closest('.check') !== null;
    if (event.shiftKey) this.selectRange(this.anchor, index);
    else if (onCheckbox || event.metaKey || event.ctrlKey) this.toggle(id, index);
    else this.open(id);
  };

  private onKeydown = (event: KeyboardEvent): void => {
    if (event.altKey) return;
    const page = Math.max(1, Math.floor(this.viewportHeight / ROW_HEIGHT) - 1);
    const key = event.key;
    const withCommand = event.ctrlKey || event.metaKey;
    if ((key === 'ArrowDown' || key === 'j') && !withCommand) this.setActive(this.active + 1, event.shiftKey);
    else if ((key === 'ArrowUp' || key === 'k') && !withCommand) this.setActive(this.active - 1, event.shiftKey);
    else if (key === 'PageDown') this.setActive(this.active + page);
    else if (key === 'PageUp') this.setActive(this.active - page);
    else if (key === 'Home') this.setActive(0);
    else if (key === 'End') this.setActive(this.total - 1);
    else if (key === 'Enter') this.openActive();
    else if ((key === 'x' || key === ' ') && !withCommand) {
      const conversation = this.result.value?.slice(this.active, 1)[0];
      if (conversation) this.toggle(conversation.id, this.active);
    } else if (key === 'a' && withCommand) this.selectAll(true);
    else if (key === 'z' && withCommand && this.canUndo) this.undo();
    else if (key === 'Escape' && this.selected.size) this.selectAll(false);
    else return;
    event.preventDefault();
  };

  private setActive(index: number, extendSelection = false): void {
    const total = this.total;
    if (!total) return;
    const next = Math.max(0, Math.min(total - 1, index));
    this.active = next;
    if (extendSelection) this.selectRange(this.anchor, next);
    const scroller = this.scroller();
    if (!scroller) return;
    const top = next * ROW_HEIGHT;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > scroller.scrollTop + scroller.clientHeight)
      scroller.scrollTop = top + ROW_HEIGHT - scroller.clientHeight;
    // Draw the new window now, so the active descendant exists when assistive technology looks.
    this.first = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
  }

  private open(conversationId: string): void {
    this.conversationId = conversationId;
    emit(this, 'confab-select-conversation', { conversationId });
  }

  private toggle(id: string, index: number): void {
    const next = new Set(this.selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.selected = next;
    this.anchor = index;
  }

  private selectRange(from: number, to: number): void {
    const start = Math.min(from, to);
    const ids = this.result.value?.slice(start, Math.abs(to - from) + 1).map((c) => c.id) ?? [];
    this.selected = new Set([...this.selected, ...ids]);
  }

  private toggleAll = (event: Event): void => {
    this.selectAll((event.target as HTMLInputElement).checked);
  };

  /** Selects every conversation of the current result, or none. */
  selectAll(select: boolean): void {
    const result = this.result.value;
    this.selected = select && result ? new Set(result.slice(0, result.total).map((c) => c.id)) : new Set();
  }

  private takeSelection(): string[] {
    const ids = [...this.selected];
    this.selected = new Set();
    return ids;
  }

  private bulkDelete = async (): Promise<void> => {
    const ids = this.takeSelection();
    await this.bulk({ type: 'conversation.trash', conversationIds: ids }, this.t.deletedMany(ids.length), {
      type: 'conversation.restore',
      conversationIds: ids,
    });
  };

  private bulkClose = async (): Promise<void> => {
    const ids = this.takeSelection();
    // Undo reopens only what this action closed.
    const wereOpen = ids.filter((id) => this.client?.store.conversation(id)?.status === 'open');
    await this.bulk(
      { type: 'conversation.setStatus', conversationIds: ids, status: 'closed' },
      this.t.closedMany(ids.length),
      {
        type: 'conversation.setStatus',
        conversationIds: wereOpen,
        status: 'open',
      },
    );
  };

  private bulkRestore = async (): Promise<void> => {
    const ids = this.takeSelection();
    await this.bulk({ type: 'conversation.restore', conversationIds: ids }, this.t.restoredMany(ids.length), {
      type: 'conversation.trash',
      conversationIds: ids,
    });
  };

  private bulkDeleteForever = async (): Promise<void> => {
    const ids = this.takeSelection();
    await this.bulk(
      { type: 'conversation.deleteForever', conversationIds: ids },
      this.t.deletedForeverMany(ids.length),
    );
  };

  private async bulk(command: AgentCommand, done: string, undo?: AgentCommand): Promise<void> {
    // The notice of the action before goes: until this one is confirmed, Undo (and Ctrl/Cmd+Z)
    // would undo that one instead of the last.
    clearTimeout(this.snackbarTimer);
    this.snackbar = undefined;
    const error = await this.run(command);
    if (error) this.showSnackbar({ message: this.t.error(error.message) });
    else this.showSnackbar({ message: done, undo: undo ? () => void this.run(undo) : undefined });
  }

  private showSnackbar(snackbar: Snackbar): void {
    this.snackbar = snackbar;
    this.releaseSnackbar();
  }

  /** While the notice has focus or the pointer, it stays. */
  private holdSnackbar = (): void => {
    clearTimeout(this.snackbarTimer);
  };

  private releaseSnackbar = (event?: FocusEvent | MouseEvent): void => {
    const notice = event?.currentTarget as HTMLElement | undefined;
    if (notice && (notice.matches(':hover') || notice.contains(this.shadowRoot!.activeElement))) return;
    clearTimeout(this.snackbarTimer);
    this.snackbarTimer = setTimeout(() => (this.snackbar = undefined), this.undoTimeout);
  };

  /** A bulk action can be undone now. */
  get canUndo(): boolean {
    return !!this.snackbar?.undo;
  }

  /** Undoes the last bulk action (the Undo button, Ctrl/Cmd+Z), and focuses the list. */
  undo = (): void => {
    const undo = this.snackbar?.undo;
    clearTimeout(this.snackbarTimer);
    this.snackbar = undefined;
    undo?.();
    this.focus();
  };
}

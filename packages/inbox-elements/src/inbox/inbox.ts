import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { provide } from '@lit/context';
import type { ConversationFilter, InboxClient, Message } from '@confab/core';
import { clientContext, linksContext, localeContext, type RecordLinks } from '../shared/context.js';
import { ModalController } from '../shared/dialog.js';
import { baseStyles } from '../shared/theme.js';
import { icon } from '../shared/icons.js';
import { catalogFor, inheritedLang } from '../i18n/i18n.js';
import type { FilterChangeDetail, SelectConversationDetail, ViewChangeDetail } from '../shared/events.js';
import type { ConfabFilterBar } from '../filter-bar/filter-bar.js';
import type { ConfabConversationList } from '../conversation-list/conversation-list.js';
import type { ConfabComposeDialog } from '../compose-dialog/compose-dialog.js';
import type { ConfabShortcutsDialog } from '../shortcuts-dialog/shortcuts-dialog.js';
import type { TeamInvites } from '../team-section/invites.js';
import { inboxStyles } from './inbox.styles.js';
import { exportPartsOf } from '../shared/parts.js';

/** What each inner element passes on as the inbox's own parts (see shared/parts.ts). */
const EXPORTED = {
  viewList: exportPartsOf('confab-view-list'),
  filterBar: exportPartsOf('confab-filter-bar'),
  list: exportPartsOf('confab-conversation-list'),
  thread: exportPartsOf('confab-thread'),
  about: exportPartsOf('confab-about-panel'),
  compose: exportPartsOf('confab-compose-dialog'),
  shortcuts: exportPartsOf('confab-shortcuts-dialog'),
  settings: exportPartsOf('confab-settings-panel'),
};

/** Longest part of a message read out by the live region. */
const ANNOUNCE_LENGTH = 120;
/** Below this width the About panel starts collapsed, so the thread keeps room (T10). */
const NARROW_WIDTH = 1000;

function isEditable(target: EventTarget | undefined): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
}

/**
 * The whole agent inbox: views (V), filters and search (F), the conversation list (L), the thread
 * (T) with its reply editor (R), the About panel (A), Compose (C), settings (I) and the shortcuts
 * help. It provides the client, locale and record links to every part inside it by context.
 *
 * Keyboard: `/` search, `j`/`k` next and previous conversation, `?` shortcuts, Escape closes.
 * New messages are announced in a polite live region.
 *
 * @example
 * <confab-inbox .client=${createInboxClient({ transport, token })} locale="nl"
 *   ticket-url-template="https://crm.example/tickets/{id}"></confab-inbox>
 *
 * @fires confab-view-change - Bubbles from the view list.
 * @fires confab-select-conversation - Bubbles from the list.
 * @fires confab-open-record - Bubbles from the thread and the About panel (cancelable).
 * @fires confab-compose - Cancel it to show your own composer.
 * @fires confab-open-settings - Cancel it to show your own settings.
 * @csspart layout - The grid of the panels.
 * @csspart left - The views and list panel (collapsible, T10).
 * @csspart right - The About panel (collapsible, T10).
 * @csspart toggle-left - The button collapsing the left panel.
 * @csspart toggle-right - The button collapsing the right panel.
 * @cssproperty --confab-inbox-height - Height of the inbox (default 100% of its container).
 * @cssproperty --confab-sidebar-width - Width of the views sidebar (220px).
 * @cssproperty --confab-list-width - Width of the conversation list (380px).
 * @cssproperty --confab-about-width - Width of the About panel (300px).
 * @cssproperty --confab-font-family - Font of every part.
 * @cssproperty --confab-font-size - Base font size (14px).
 * @cssproperty --confab-bg - Background.
 * @cssproperty --confab-surface - Panels background.
 * @cssproperty --confab-surface-2 - Hover background.
 * @cssproperty --confab-fg - Text.
 * @cssproperty --confab-muted - Secondary text.
 * @cssproperty --confab-border - Borders.
 * @cssproperty --confab-accent - Accent (buttons, links, indicators).
 * @cssproperty --confab-accent-fg - Text on the accent.
 * @cssproperty --confab-accent-soft - Selected backgrounds.
 * @cssproperty --confab-comment-bg - Internal comments.
 * @cssproperty --confab-comment-border - Internal comments border.
 * @cssproperty --confab-danger - Errors and destructive actions.
 * @cssproperty --confab-success - Available, saved.
 * @cssproperty --confab-focus - Focus ring.
 *
 * @tagname confab-inbox
 */
export class ConfabInbox extends LitElement {
  static override styles = [baseStyles, inboxStyles];

  /** The core client. Every part inside gets it by context. */
  @provide({ context: clientContext })
  @property({ attribute: false })
  accessor client: InboxClient | undefined;

  /** BCP 47 language (`en`, `nl`); default the nearest `lang` attribute. */
  @property({ reflect: true }) accessor locale: string | undefined;
  /** `light` or `dark`; without it the inbox follows the system. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | undefined;
  /** The selected view. */
  @property({ reflect: true }) accessor view = 'all';
  /** The open conversation. */
  @property({ attribute: 'conversation-id', reflect: true }) accessor conversationId: string | undefined;
  /** T3: ticket record URL in the host product, `{id}` replaced. */
  @property({ attribute: 'ticket-url-template' }) accessor ticketUrlTemplate: string | undefined;
  /** A1/A8: record URL in the host product, `{type}` and `{id}` replaced. */
  @property({ attribute: 'record-url-template' }) accessor recordUrlTemplate: string | undefined;
  /** T10: the views and list panel is collapsed. */
  @property({ type: Boolean, reflect: true, attribute: 'left-collapsed' }) accessor leftCollapsed = false;
  /** T10: the About panel is collapsed. */
  @property({ type: Boolean, reflect: true, attribute: 'right-collapsed' }) accessor rightCollapsed = false;
  /** Delivers team invitations from the settings' Team section (mail, or a link to copy). */
  @property({ attribute: false }) accessor teamInvites: TeamInvites | undefined;

  @provide({ context: localeContext })
  @state()
  private accessor providedLocale: string | undefined;

  @provide({ context: linksContext })
  @state()
  private accessor links: RecordLinks | undefined;

  @state() private accessor filter: ConversationFilter = {};
  @state() private accessor search = '';
  @state() private accessor announcement = '';

  @query('confab-filter-bar') private accessor filterBar!: ConfabFilterBar;
  @query('confab-conversation-list') private accessor list!: ConfabConversationList;
  @query('confab-compose-dialog') private accessor composeDialog!: ConfabComposeDialog;
  @query('confab-shortcuts-dialog') private accessor shortcutsDialog!: ConfabShortcutsDialog;

  /** The settings form is drawn only while its dialog is open (it is not needed for the first paint). */
  @state() private accessor settingsOpen = false;
  private readonly settingsModal = new ModalController(this, 'dialog.settings', () => (this.settingsOpen = false));
  private stopListening: (() => void) | undefined;
  private resizeObserver: ResizeObserver | undefined;
  /** The About panel was collapsed for lack of width, not by the user. */
  private rightCollapsedForWidth = false;
  private listeningTo: InboxClient | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onKeydown);
    this.resizeObserver = new ResizeObserver(([entry]) => entry && this.fitWidth(entry.contentRect.width));
    this.resizeObserver.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKeydown);
    this.resizeObserver?.disconnect();
    this.stopListening?.();
    this.stopListening = undefined;
    this.listeningTo = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.providedLocale = this.locale || inheritedLang(this) || 'en';
    if (changed.has('ticketUrlTemplate') || changed.has('recordUrlTemplate') || !this.links) {
      this.links = { ticketUrlTemplate: this.ticketUrlTemplate, recordUrlTemplate: this.recordUrlTemplate };
    }
    if (this.client !== this.listeningTo) this.listen();
  }

  /** Focuses the search field. */
  focusSearch(): void {
    if (this.leftCollapsed) this.leftCollapsed = false;
    void this.updateComplete.then(() => this.filterBar?.focusSearch());
  }

  override render() {
    const t = catalogFor(this.providedLocale);
    const theme = this.theme ?? undefined;
    return html`
      <div class="layout" part="layout">
        <div id="left" class="left" part="left" ?hidden=${this.leftCollapsed}>
          <confab-view-list
            exportparts=${EXPORTED.viewList}
            .view=${this.view}
            .theme=${theme}
            @confab-view-change=${this.onViewChange}
            @confab-compose=${this.onCompose}
            @confab-open-settings=${this.onOpenSettings}
          ></confab-view-list>
          <section class="list-column" aria-label=${t.listLabel}>
            <confab-filter-bar
              exportparts=${EXPORTED.filterBar}
              .view=${this.view}
              .filter=${this.filter}
              .search=${this.search}
              .theme=${theme}
              @confab-filter-change=${this.onFilterChange}
            ></confab-filter-bar>
            <confab-conversation-list
              exportparts=${EXPORTED.list}
              .view=${this.view}
              .filter=${this.filter}
              .search=${this.search}
              .conversationId=${this.conversationId}
              .theme=${theme}
              @confab-select-conversation=${this.onSelect}
            ></confab-conversation-list>
          </section>
        </div>
        <section class="center" aria-label=${t.threadLabel}>
          <confab-thread
            exportparts=${EXPORTED.thread}
            .conversationId=${this.conversationId}
            .theme=${theme}
            @confab-select-conversation=${this.onSelect}
          >
            <button
              slot="header-start"
              class="icon-button"
              part="toggle-left"
              aria-controls="left"
              aria-expanded=${this.leftCollapsed ? 'false' : 'true'}
              aria-label=${this.leftCollapsed ? t.expandLeft : t.collapseLeft}
              title=${this.leftCollapsed ? t.expandLeft : t.collapseLeft}
              @click=${() => (this.leftCollapsed = !this.leftCollapsed)}
            >
              ${icon('panelLeft')}
            </button>
            <button
              slot="header-end"
              class="icon-button"
              part="toggle-right"
              aria-controls="right"
              aria-expanded=${this.rightCollapsed ? 'false' : 'true'}
              aria-label=${this.rightCollapsed ? t.expandRight : t.collapseRight}
              title=${this.rightCollapsed ? t.expandRight : t.collapseRight}
              @click=${this.toggleRight}
            >
              ${icon('panelRight')}
            </button>
          </confab-thread>
        </section>
        <section id="right" class="right" part="right" aria-label=${t.aboutLabel} ?hidden=${this.rightCollapsed}>
          <confab-about-panel
            exportparts=${EXPORTED.about}
            .conversationId=${this.conversationId}
            .theme=${theme}
            @confab-select-conversation=${this.onSelect}
          ></confab-about-panel>
        </section>
      </div>
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.announcement}</div>
      <confab-compose-dialog exportparts=${EXPORTED.compose} .theme=${theme}></confab-compose-dialog>
      <confab-shortcuts-dialog exportparts=${EXPORTED.shortcuts} .theme=${theme}></confab-shortcuts-dialog>
      <dialog class="settings" aria-labelledby="settings-title">
        <div class="dialog-header">
          <h2 id="settings-title">${t.settingsTitle}</h2>
          <button type="button" class="icon-button" aria-label=${t.close} @click=${() => this.settingsModal.close()}>
            ${icon('close')}
          </button>
        </div>
        <div class="dialog-body settings-body">
          ${
            this.settingsOpen
              ? html`<confab-settings-panel
                  exportparts=${EXPORTED.settings}
                  .theme=${theme}
                  .teamInvites=${this.teamInvites}
                ></confab-settings-panel>`
              : nothing
          }
        </div>
      </dialog>
    `;
  }

  private toggleRight = (): void => {
    this.rightCollapsedForWidth = false;
    this.rightCollapsed = !this.rightCollapsed;
  };

  private fitWidth(width: number): void {
    if (width === 0) return;
    const narrow = width < NARROW_WIDTH;
    if (narrow && !this.rightCollapsed) {
      this.rightCollapsed = true;
      this.rightCollapsedForWidth = true;
    } else if (!narrow && this.rightCollapsedForWidth) {
      this.rightCollapsed = false;
      this.rightCollapsedForWidth = false;
    }
  }

  private listen(): void {
    this.stopListening?.();
    this.listeningTo = this.client;
    this.stopListening = this.client?.on('message', (message) => this.announce(message));
  }

  /** The polite live region reads out messages from contacts as they arrive. */
  private announce(message: Message): void {
    if (message.kind !== 'reply' || message.direction !== 'inbound') return;
    const t = catalogFor(this.providedLocale);
    const contact = this.client?.store.state.contacts.get(message.authorId);
    const name = contact?.name || contact?.email || t.unknownContact;
    this.announcement = t.newMessageFrom(name, message.text.slice(0, ANNOUNCE_LENGTH));
  }

  private onViewChange = (event: CustomEvent<ViewChangeDetail>): void => {
    this.view = event.detail.viewId;
  };

  private onFilterChange = (event: CustomEvent<FilterChangeDetail>): void => {
    this.filter = event.detail.filter;
    this.search = event.detail.search;
  };

  private onSelect = (event: CustomEvent<SelectConversationDetail>): void => {
    this.conversationId = event.detail.conversationId;
  };

  // Hosts may cancel these events (they bubble on past us); act only once every listener ran.
  private onCompose = async (event: Event): Promise<void> => {
    await Promise.resolve();
    if (!event.defaultPrevented) await this.composeDialog.show();
  };

  private onOpenSettings = async (event: Event): Promise<void> => {
    await Promise.resolve();
    if (event.defaultPrevented) return;
    this.settingsOpen = true;
    await this.settingsModal.open();
  };

  private onKeydown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const origin = event.composedPath()[0];
    if (isEditable(origin)) return;
    const inList = event.composedPath().includes(this.list);
    if (event.key === '/') {
      event.preventDefault();
      this.focusSearch();
    } else if (event.key === '?') {
      event.preventDefault();
      void this.shortcutsDialog.show();
    } else if ((event.key === 'j' || event.key === 'k') && !inList && !this.leftCollapsed) {
      event.preventDefault();
      this.list.move(event.key === 'j' ? 1 : -1);
      this.list.openActive();
    }
  };
}

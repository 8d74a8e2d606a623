import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { provide } from '@lit/context';
import { messageNotice, type ConversationFilter, type InboxClient, type Message } from '@confab/core';
import { clientContext, linksContext, localeContext, type RecordLinks } from '../shared/context.js';
import { ModalController } from '../shared/dialog.js';
import { baseStyles } from '../shared/theme.js';
import { icon } from '../shared/icons.js';
import { catalogFor, catalogLoaded, markLanguage, pageLang } from '../i18n/i18n.js';
import { Announcer } from '../shared/announcer.js';
import type { FilterChangeDetail, SelectConversationDetail, ViewChangeDetail } from '../shared/events.js';
import type { ConfabFilterBar } from '../filter-bar/filter-bar.js';
import type { ConfabConversationList } from '../conversation-list/conversation-list.js';
import type { ConfabThread } from '../thread/thread.js';
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
  notifications: exportPartsOf('confab-notifications'),
  settings: exportPartsOf('confab-settings-panel'),
};

/** Longest part of a message read out by the live region. */
const ANNOUNCE_LENGTH = 120;
/** Below this width the About panel starts collapsed, so the thread keeps room (T10). */
const NARROW_WIDTH = 1000;
/**
 * At or below this width (a laptop at 200 % zoom is 640 CSS px) the inbox shows one pane at a
 * time, list → thread → About, each with a way back (WCAG 1.4.10): nothing clipped, no sideways scrolling.
 */
const ONE_PANE_WIDTH = 720;

type Pane = 'list' | 'thread' | 'about';

function isEditable(target: EventTarget | undefined): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
}

/** A control where a letter key could mean something else: single-key shortcuts leave it alone (WCAG 2.1.4). */
function isControl(target: EventTarget | undefined): boolean {
  return target instanceof Element && target.matches('button, a[href], summary, [role^="menuitem"], [role="tab"]');
}

/** Alt+J, Alt+K, Alt+/ and Alt+? by physical key (on a Mac, Alt+J types a character). */
const ALT_KEYS: Record<string, [plain: string, shifted: string]> = {
  KeyJ: ['j', 'j'],
  KeyK: ['k', 'k'],
  Slash: ['/', '?'],
};

/** Where the user's choice of shortcut keys is kept between visits (a preference, not server state). */
const SHORTCUTS_KEY = 'confab-inbox:shortcuts';

/**
 * The whole agent inbox: views (V), filters and search (F), the conversation list (L), the thread
 * (T) with its reply editor (R), the About panel (A), Compose (C), settings (I) and the shortcuts
 * help. It provides the client, locale and record links to every part inside it by context.
 *
 * Keyboard: `/` search, `j`/`k` next and previous conversation, `?` shortcuts, Escape closes;
 * each also with Alt. `shortcuts="modifier"` (or the switch in the shortcuts dialog) turns the
 * single keys off. They work anywhere on the page except in text fields and on buttons and links.
 * New messages from contacts, mentions of the agent, result counts and empty states are read out
 * by one announcer (polite and assertive live regions).
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
  /**
   * `single-key`: `j`, `k`, `/`, `?` work alone and with Alt; `modifier`: only with Alt (WCAG 2.1.4).
   * Default: the agent's last choice in the shortcuts dialog, else `single-key`.
   */
  @property({ reflect: true }) accessor shortcuts: 'single-key' | 'modifier' | undefined;
  /** Delivers team invitations from the settings' Team section (mail, or a link to copy). */
  @property({ attribute: false }) accessor teamInvites: TeamInvites | undefined;

  @provide({ context: localeContext })
  @state()
  private accessor providedLocale: string | undefined;

  @provide({ context: linksContext })
  @state()
  private accessor links: RecordLinks | undefined;

  @state() private accessor filter: ConversationFilter = {};
  /** One pane at a time (narrow), and which. */
  @state() private accessor onePane = false;
  @state() private accessor pane: Pane = 'list';
  @state() private accessor search = '';
  private readonly announcer = new Announcer(this);

  @query('confab-filter-bar') private accessor filterBar!: ConfabFilterBar;
  @query('confab-conversation-list') private accessor list!: ConfabConversationList;
  @query('confab-thread') private accessor thread!: ConfabThread;
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
    // On the document, so that shortcuts work right after load, before anything in the inbox has focus.
    document.addEventListener('keydown', this.onKeydown);
    this.addEventListener('confab-announce', this.onAnnounce);
    this.resizeObserver = new ResizeObserver(([entry]) => entry && this.fitWidth(entry.contentRect.width));
    this.resizeObserver.observe(this);
    // Not needed for the first paint: their code loads right after it.
    void import('../notifications/define.js');
    void import('../compose-dialog/define.js');
    void import('../shortcuts-dialog/define.js');
    void import('../settings-panel/define.js');
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('keydown', this.onKeydown);
    this.removeEventListener('confab-announce', this.onAnnounce);
    this.resizeObserver?.disconnect();
    this.stopListening?.();
    this.stopListening = undefined;
    this.listeningTo = undefined;
  }

  /** The inbox in a language still loading waits for it (as every element does). */
  protected override async scheduleUpdate(): Promise<void> {
    const loaded = catalogLoaded(this.locale || pageLang(this));
    if (loaded) await loaded;
    super.scheduleUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.providedLocale = this.locale || pageLang(this) || 'en';
    markLanguage(this, this.providedLocale);
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
    const one = this.onePane;
    return html`
      <div class="layout" part="layout">
        <div id="left" class="left" part="left" ?hidden=${one ? this.pane !== 'list' : this.leftCollapsed}>
          <confab-view-list
            exportparts=${EXPORTED.viewList}
            .view=${this.view}
            .theme=${theme}
            @confab-view-change=${this.onViewChange}
            @confab-compose=${this.onCompose}
            @confab-open-settings=${this.onOpenSettings}
            @confab-select-conversation=${this.onSelect}
          >
            <confab-notifications
              slot="actions"
              exportparts=${EXPORTED.notifications}
              .theme=${theme}
            ></confab-notifications>
          </confab-view-list>
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
        <section class="center" aria-label=${t.threadLabel} ?hidden=${one && this.pane !== 'thread'}>
          <confab-thread
            exportparts=${EXPORTED.thread}
            .conversationId=${this.conversationId}
            .theme=${theme}
            @confab-select-conversation=${this.onSelect}
          >
            ${
              one
                ? html`<button slot="header-start" class="button" @click=${() => this.showPane('list')}>
                      ${t.backToList}
                    </button>
                    <button slot="header-end" class="button" @click=${() => this.showPane('about')}>
                      ${t.aboutLabel}
                    </button>`
                : this.renderToggles()
            }
          </confab-thread>
        </section>
        <section
          id="right"
          class="right"
          part="right"
          aria-label=${t.aboutLabel}
          ?hidden=${one ? this.pane !== 'about' : this.rightCollapsed}
        >
          ${
            one
              ? html`<button class="button back" @click=${() => this.showPane('thread')}>
                  ${t.backToConversation}
                </button>`
              : nothing
          }
          <confab-about-panel
            exportparts=${EXPORTED.about}
            .conversationId=${this.conversationId}
            .theme=${theme}
            @confab-select-conversation=${this.onSelect}
          ></confab-about-panel>
        </section>
      </div>
      ${this.announcer.render()}
      <confab-compose-dialog exportparts=${EXPORTED.compose} .theme=${theme}></confab-compose-dialog>
      <confab-shortcuts-dialog
        exportparts=${EXPORTED.shortcuts}
        .theme=${theme}
        .singleKey=${this.singleKeyShortcuts}
        @confab-shortcuts-change=${this.onShortcutsChange}
      ></confab-shortcuts-dialog>
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

  /** T10: the buttons that collapse and expand the side panels (several panes side by side). */
  private renderToggles() {
    const t = catalogFor(this.providedLocale);
    return html`<button
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
      </button>`;
  }

  /** One pane at a time: shows `pane` and moves focus into it, since the control used is gone. */
  private async showPane(pane: Pane): Promise<void> {
    this.pane = pane;
    await this.updateComplete;
    if (pane === 'list') this.list.focus();
    else if (pane === 'thread') this.thread.focus();
    else this.renderRoot.querySelector<HTMLElement>('.right .back')?.focus();
  }

  private toggleRight = (): void => {
    this.rightCollapsedForWidth = false;
    this.rightCollapsed = !this.rightCollapsed;
  };

  private fitWidth(width: number): void {
    if (width === 0) return;
    const onePane = width <= ONE_PANE_WIDTH;
    if (onePane !== this.onePane) {
      this.onePane = onePane;
      this.toggleAttribute('one-pane', onePane);
      if (onePane) this.pane = this.conversationId ? 'thread' : 'list';
    }
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

  /**
   * Read out as they arrive: messages from contacts, and comments that mention the signed-in agent
   * (assertive: someone asks for them). The open thread is a `log`, which reads its own additions.
   */
  private announce(message: Message): void {
    const client = this.client;
    const notice = client && client.store.read(messageNotice, message, client.me.get()?.id);
    if (!notice) return;
    const t = catalogFor(this.providedLocale);
    const text = message.text.slice(0, ANNOUNCE_LENGTH);
    if (notice.kind === 'mention') this.announcer.say(t.mentionedYou(notice.from, text), 'assertive');
    else this.announcer.say(t.newMessageFrom(notice.from || t.unknownContact, text));
  }

  private onAnnounce = (event: CustomEvent<{ text: string; urgency: 'polite' | 'assertive' }>): void => {
    event.stopPropagation();
    this.announcer.say(event.detail.text, event.detail.urgency);
  };

  private get singleKeyShortcuts(): boolean {
    return (this.shortcuts ?? storedShortcuts()) !== 'modifier';
  }

  private onShortcutsChange = (event: CustomEvent<{ singleKey: boolean }>): void => {
    this.shortcuts = event.detail.singleKey ? 'single-key' : 'modifier';
    try {
      localStorage.setItem(SHORTCUTS_KEY, this.shortcuts);
    } catch {
      // Storage may be off (private mode, a sandbox): the choice lasts for this page.
    }
  };

  private onViewChange = (event: CustomEvent<ViewChangeDetail>): void => {
    this.view = event.detail.viewId;
  };

  private onFilterChange = (event: CustomEvent<FilterChangeDetail>): void => {
    this.filter = event.detail.filter;
    this.search = event.detail.search;
  };

  private onSelect = (event: CustomEvent<SelectConversationDetail>): void => {
    this.conversationId = event.detail.conversationId;
    if (this.onePane) void this.showPane('thread');
  };

  // Hosts may cancel these events (they bubble on past us); act only once every listener ran.
  private onCompose = async (event: Event): Promise<void> => {
    await Promise.resolve();
    if (event.defaultPrevented) return;
    await customElements.whenDefined('confab-compose-dialog'); // loads right after the first paint
    await this.composeDialog.show();
  };

  private onOpenSettings = async (event: Event): Promise<void> => {
    await Promise.resolve();
    if (event.defaultPrevented) return;
    this.settingsOpen = true;
    await this.settingsModal.open();
  };

  private onKeydown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || this.hidden) return;
    const path = event.composedPath();
    const origin = path[0];
    // The inbox's page: the inbox itself, or nothing focused; never the host's own controls.
    const onPage = origin === document.body || origin === document.documentElement || origin === document;
    if ((!onPage && !path.includes(this)) || isEditable(origin)) return;
    const withCommand = event.ctrlKey || event.metaKey;
    const alt = ALT_KEYS[event.code];
    const key = withCommand
      ? undefined
      : event.altKey
        ? alt?.[event.shiftKey ? 1 : 0]
        : this.singleKeyShortcuts && !isControl(origin)
          ? event.key
          : undefined;
    const inList = path.includes(this.list);
    if (key === '/') this.focusSearch();
    else if (key === '?')
      void customElements.whenDefined('confab-shortcuts-dialog').then(() => this.shortcutsDialog.show());
    else if ((key === 'j' || key === 'k') && (!inList || event.altKey) && !this.leftCollapsed)
      this.list.openNext(key === 'j' ? 1 : -1);
    else if (withCommand && event.key === 'z' && this.list?.canUndo) this.list.undo();
    else return;
    event.preventDefault();
  };
}

function storedShortcuts(): string | null {
  try {
    return localStorage.getItem(SHORTCUTS_KEY);
  } catch {
    return null;
  }
}

import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import {
  composedText,
  isHandoverReply,
  isPendingRecord,
  MAX_TEXT_LENGTH,
  startedConversation,
  visitorSelectors,
} from '@confab/core';
import type {
  Attachment,
  Message,
  PickedFile,
  Readable,
  TimelineItem,
  TimelineTarget,
  VisitorClient,
  VisitorSelectors,
} from '@confab/core';
import { StoreController, cachedFormatter, renderText, shallowArrayEqual, typedEmit } from '@confab/element-kit';
import type { WidgetLocale } from '../boot.js';
import { STRINGS, teamText, type Strings } from '../i18n.js';
import { NewMessages } from '../new-messages.js';
import { chatStyles } from './confab-chat.styles.js';
import type { ChatFiles, OutgoingFiles } from './files.js';

/**
 * The chat element's DOM events: `confab-*`, bubbling and composed (DESIGN §2). The script-tag
 * widget turns them into `window.Confab` events.
 */
export interface ConfabChatEventDetails {
  /** Escape or the close button: the owner decides whether the window closes. */
  'confab-close-request': Record<string, never>;
  'confab-message-sent': { conversationId: string | null; text: string };
  'confab-conversation-started': { conversationId: string };
  /** The visitor looks at another conversation (or at the list, or a new one). */
  'confab-conversation-change': { conversationId: string | null };
}

type ConfabChatEvents = { [E in keyof ConfabChatEventDetails]: CustomEvent<ConfabChatEventDetails[E]> };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends ConfabChatEvents {}
}

const emit = typedEmit<ConfabChatEvents>();

const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 4000;
const NEW_CONVERSATION_DRAFT = 'new';

const sendIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M3 20.5 21 12 3 3.5v6.6L15 12 3 13.9z" />
</svg>`;
const closeIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path
    d="M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 1 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z"
  />
</svg>`;
const attachIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6z" />
</svg>`;
const listIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true">
  <path d="M4 6h16v2H4zm0 5h16v2H4zm0 5h16v2H4z" />
</svg>`;

const hasFiles = (item: TimelineItem) => item.attachments.length + item.waitingFiles.length > 0;
const allowDrop = (event: Event) => event.preventDefault();

/** Date formats are slow to create (milliseconds each): one per locale, made when first needed. */
function formatter(locale: WidgetLocale): Intl.DateTimeFormat {
  return cachedFormatter(`time:${locale}`, () => new Intl.DateTimeFormat(locale, { timeStyle: 'short' }));
}

/**
 * The visitor's chat window: welcome text, the conversation with delivery states and typing
 * indicators, bot quick replies, the team's availability (with "leave your email" when nobody is
 * there), an optional pre-chat form, and the visitor's earlier conversations. It renders what its
 * `client` holds and sends the visitor's commands through it; it keeps no copy of server state.
 *
 * @example
 * const chat = document.createElement('confab-chat');
 * chat.client = createVisitorClient({ transport });
 * chat.open = true;
 *
 * @fires confab-close-request - Escape or the close button (the owner decides).
 * @fires confab-message-sent - The visitor sent a message.
 * @fires confab-conversation-started - A new conversation was confirmed by the server.
 * @fires confab-conversation-change - Another conversation (or none) is shown.
 * @csspart window - The dialog (or region, inline).
 * @csspart header - Title, availability and buttons.
 * @csspart messages - The scrolling list of messages.
 * @csspart message - One message.
 * @csspart composer - The message form.
 * @cssproperty --confab-color - Accent colour (header, the visitor's bubbles, buttons).
 */
export class ConfabChat extends LitElement {
  static override styles = chatStyles;

  // Declared without decorators: their runtime would be the widget's only use of it (DESIGN §4).
  // `attribute: false` on internal state also keeps it out of the manifest's attributes.
  static override properties = {
    client: { attribute: false },
    locale: {},
    greeting: {},
    inline: { type: Boolean, reflect: true },
    open: { type: Boolean, reflect: true },
    position: { reflect: true },
    prechat: { type: Boolean },
    files: { state: true, attribute: false },
    forms: { state: true, attribute: false },
    selected: { state: true, attribute: false },
    showingHistory: { state: true, attribute: false },
    startCommandId: { state: true, attribute: false },
    announcement: { state: true, attribute: false },
    prechatFilled: { state: true, attribute: false },
    emailSaved: { state: true, attribute: false },
  };

  /** The visitor client whose state this window shows. */
  declare client: VisitorClient | null;
  declare locale: WidgetLocale;
  /** Replaces the team's welcome text. */
  declare greeting: string;
  /** Rendered inside a page element: always shown, no close button. */
  declare inline: boolean;
  declare open: boolean;
  declare position: 'right' | 'left';
  /** Ask a new visitor's name and email before the first message. */
  declare prechat: boolean;
  /** Origin of the Confab server for files (`/api/files`); '' for the page's own. */
  server = '';
  /** The files part (issue 16), loaded on first use. */
  declare private files: ChatFiles | null;
  private filesLoading: Promise<ChatFiles> | null = null;
  /** The pre-chat form and the rating, loaded when one is shown. */
  declare private forms: ReturnType<typeof import('./forms.js').withStyles> | undefined;
  private formsLoading: Promise<unknown> | undefined;
  private waitingForFiles = false;

  /** undefined: follow the newest conversation; null: a new one; else that conversation. */
  declare private selected: string | null | undefined;
  declare private showingHistory: boolean;
  /** The `visitor.startChat` command behind the new conversation being shown. */
  declare private startCommandId: string | null;
  declare private announcement: string;
  declare private prechatFilled: boolean;
  declare private emailSaved: string;

  constructor() {
    super();
    this.client = null;
    this.locale = 'en';
    this.greeting = '';
    this.inline = false;
    this.open = false;
    this.position = 'right';
    this.prechat = false;
    this.files = null;
    this.selected = undefined;
    this.showingHistory = false;
    this.startCommandId = null;
    this.announcement = '';
    this.prechatFilled = false;
    this.emailSaved = '';
  }

  private get composer(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('#composer');
  }

  private get messageList(): HTMLElement | null {
    return this.renderRoot.querySelector('.messages');
  }

  // What the window shows comes from core's selectors and the client's own stores; each
  // controller re-renders only when its value changed.
  private readonly threads = this.watch((selectors) => selectors.threads, shallowArrayEqual);
  private readonly teamMessages = this.watch((selectors) => selectors.teamMessages);
  private readonly availability = this.watch((selectors) => selectors.availability);
  private readonly contact = this.watch((selectors) => selectors.contact);
  private readonly settings = this.watch((selectors) => selectors.settings);
  private readonly timeline = this.watch((selectors) => selectors.timeline(this.timelineTarget()));
  private readonly rating = this.watch((selectors) => selectors.rating(this.conversationId));
  private readonly pending = new StoreController(this, () => this.client?.pending);
  private readonly typing = new StoreController(this, () => this.client?.typing);
  private readonly connection = new StoreController(this, () => this.client?.connection);
  private readonly stopped = new StoreController(this, () => this.client?.stopped);
  private readonly status = new StoreController(this, () => this.client?.status);
  private typingSentAt = 0;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private typingConversation: string | null = null;
  private newMessages = new NewMessages();
  private lastShownCount = 0;
  private lastViewed: string | null | undefined = undefined;

  private get strings(): Strings {
    return STRINGS[this.locale] ?? STRINGS.en;
  }

  private get selectors(): VisitorSelectors | undefined {
    return this.client ? visitorSelectors(this.client) : undefined;
  }

  /** A controller for one of the client's selectors. */
  private watch<T>(pick: (selectors: VisitorSelectors) => Readable<T>, equals?: (a: T, b: T) => boolean) {
    return new StoreController<T>(this, () => this.selectors && pick(this.selectors), undefined, equals);
  }

  /** The conversation shown now, or null for a new one (or while one is being started). */
  get conversationId(): string | null {
    const client = this.client;
    if (!client || this.showingHistory) return null;
    if (this.selected !== undefined) return this.selected;
    if (this.startCommandId || this.restoredStart()) return null;
    const newest = visitorSelectors(client).threads.get()[0];
    return newest && !isPendingRecord(newest.id) ? newest.id : null;
  }

  /** What the timeline shows: the conversation, or a start still in the outbox (maybe from before a reload). */
  private timelineTarget(): TimelineTarget {
    const conversationId = this.conversationId;
    let startCommandId = this.startCommandId;
    if (!conversationId && this.selected === undefined) startCommandId ??= this.restoredStart();
    return { conversationId, startCommandId: conversationId ? null : startCommandId };
  }

  /** A `visitor.startChat` waiting in the outbox (written offline, maybe before a reload). */
  private restoredStart(): string | null {
    const entry = this.client?.pending.get().find((candidate) => candidate.command.type === 'visitor.startChat');
    return entry?.id ?? null;
  }

  /** Moves focus into the window: the message field, else the first control. */
  async focusWindow() {
    await this.updateComplete;
    // The pre-chat form comes with the forms part: it takes focus once it is there.
    if (this.prechat && !this.forms) await this.loadForms().then(() => this.updateComplete);
    const target =
      this.composer ??
      this.renderRoot.querySelector<HTMLElement>('input, button:not([data-close])') ??
      this.renderRoot.querySelector<HTMLElement>('button');
    target?.focus();
  }

  /** Shows a new, empty conversation. */
  startNewConversation() {
    this.selected = null;
    this.startCommandId = null;
    this.showingHistory = false;
  }

  override willUpdate(changed: PropertyValues<this>) {
    // WCAG 3.1.2: Dutch text on an English page is marked Dutch.
    if (this.getAttribute('lang') !== this.locale) this.setAttribute('lang', this.locale);
    if (changed.has('client')) {
      this.newMessages = new NewMessages();
      this.selected = undefined;
      this.startCommandId = null;
      this.showingHistory = false;
    }
    // A start confirmed (also one restored from the outbox after a reload): follow it. First: what
    // follows reads the conversation shown (its rating may have come in the same update).
    if (
      this.startCommandId &&
      this.client &&
      !(this.pending.value ?? []).some((entry) => entry.id === this.startCommandId)
    ) {
      this.startCommandId = null;
      this.selected = undefined;
    }
    // Files to show, or a rating: their part loads now (neither is in the first load).
    if (!this.files && this.timeline.value?.items.some(hasFiles)) void this.loadFiles();
    if (this.prechat || this.rating.value?.state !== 'none') void this.loadForms();
    const fresh = this.newMessages.take(this.teamMessages.value ?? [], !!this.status.value?.ready);
    if (fresh.length) this.announce(fresh[fresh.length - 1]);
  }

  override updated() {
    const viewed = this.showingHistory ? null : this.conversationId;
    if (viewed !== this.lastViewed) {
      this.lastViewed = viewed;
      emit(this, 'confab-conversation-change', { conversationId: viewed });
    }
    const list = this.messageList;
    const count = list?.querySelectorAll('li').length ?? 0;
    if (list && count !== this.lastShownCount) list.scrollTop = list.scrollHeight;
    this.lastShownCount = count;
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.typingTimer);
  }

  override render() {
    const client = this.client;
    const t = this.strings;
    const settings = this.settings.value;
    const title = teamText(settings?.widget.title, 'title', this.locale);
    const availability = this.availability.value ?? 'unknown';
    const connection = this.connection.value ?? 'offline';
    const stopped = this.stopped.value ?? null;
    const statusText = stopped
      ? t.unavailable
      : availability === 'available'
        ? t.available
        : availability === 'away'
          ? t.away
          : t.connecting;
    // Closed, the window is not drawn at all: a host page pays nothing for what nobody sees.
    if (!this.open && !this.inline) return nothing;
    const threads = this.threads.value ?? [];
    return html`
      <div
        part="window"
        class="window"
        role=${this.inline ? 'region' : 'dialog'}
        aria-labelledby="title"
        @keydown=${this.onKeydown}
      >
        <div class="header" part="header">
          <div class="heading">
            <h2 id="title">${title}</h2>
            <p class="availability" data-availability=${availability}>
              <span class="dot" aria-hidden="true"></span>${statusText}
            </p>
          </div>
          ${
            threads.length && !this.showingHistory
              ? html`<button class="icon" type="button" aria-label=${t.showConversations} @click=${this.showHistory}>
                  ${listIcon}
                </button>`
              : nothing
          }
          ${
            this.inline
              ? nothing
              : html`<button
                  class="icon"
                  type="button"
                  data-close
                  aria-label=${t.closeChat}
                  @click=${this.requestClose}
                >
                  ${closeIcon}
                </button>`
          }
        </div>
        ${
          stopped
            ? html`<p class="banner" role="alert">${t.stopped[stopped]}</p>`
            : connection === 'offline' && client && (this.status.value?.ready || this.pending.value?.length)
              ? html`<p class="banner" role="status">${t.offline}</p>`
              : nothing
        }
        ${this.showingHistory ? (this.forms?.renderHistory(this, threads) ?? nothing) : this.renderConversation()}
        <div class="visually-hidden" aria-live="polite">${this.announcement}</div>
      </div>
    `;
  }

  private renderConversation() {
    const client = this.client;
    const t = this.strings;
    const conversationId = this.conversationId;
    const timeline = this.timeline.value;
    const conversation = timeline?.conversation;
    const shown = timeline?.items ?? [];
    const bot = this.settings.value?.bot;
    // W5: with the bot on, its greeting and quick replies welcome the visitor before a chat exists
    // (a quick reply starts it); once it exists the greeting is the thread's first message.
    const botFirst = bot?.enabled && !conversation && !shown.length;
    const welcome =
      this.greeting ||
      (bot?.enabled
        ? botFirst
          ? bot.greeting
          : ''
        : teamText(this.settings.value?.widget.welcome, 'welcome', this.locale));
    // The bot's latest offer stands until it says something else (the greeting's, after a first message it has no answer to).
    const lastBot = [...shown].reverse().find((item) => item.authorType === 'bot');
    const botActive = conversation?.bot === 'active';
    // Offered once the server confirmed the conversation (a pending one has no id to answer in).
    const quickReplies = botFirst
      ? bot.quickReplies
      : botActive && conversation && !isPendingRecord(conversation.id)
        ? lastBot?.quickReplies
        : [];
    const typing = (this.typing.value ?? []).filter(
      (signal) => signal.typing && signal.who === 'agent' && signal.conversationId === conversationId,
    );
    const contact = this.contact.value ?? null;
    const away = client
      ? this.availability.value === 'away' && !botActive && conversation?.bot !== 'handed-over'
      : false;
    const showPrechat =
      this.prechat &&
      !this.prechatFilled &&
      !conversation &&
      !shown.length &&
      !contact?.email &&
      !this.threads.value?.length;
    const time = formatter(this.locale);
    return html`
      <section class="messages" part="messages" aria-label=${t.messagesLabel} tabindex="0">
        ${welcome ? html`<p class="welcome">${welcome}</p>` : nothing}
        ${away ? this.renderAway(contact?.email ?? '') : nothing}
        <ol>
          ${shown.map((item) => this.renderMessage(item, time))}
        </ol>
        ${typing.length ? html`<p class="typing">${t.typing(typing.map((signal) => signal.name || t.team).join(', '))}</p>` : nothing}
        ${
          quickReplies?.length
            ? html`<div class="quick-replies" role="group" aria-label=${t.quickReplies}>
                ${quickReplies.map((reply) => html`<button type="button" @click=${() => this.onQuickReply(reply, conversation?.id ?? null)}>${reply}</button>`)}
              </div>`
            : nothing
        }
        ${conversation?.status === 'closed' ? html`<p class="notice">${t.closed}</p>` : nothing}
        ${this.forms?.renderRating(this, this.rating.value) ?? nothing}
      </section>
      ${showPrechat ? (this.forms?.renderPrechat(this) ?? nothing) : this.renderComposer(conversationId)}
    `;
  }

  private renderMessage(item: TimelineItem, time: Intl.DateTimeFormat) {
    const { own, delivery, commandId } = item;
    const t = this.strings;
    const author = own
      ? t.you
      : item.authorType === 'bot'
        ? t.bot
        : (this.client?.store.agentName(item.authorId) ?? t.team);
    const deliveryText =
      delivery === 'failed'
        ? t.failed
        : delivery === 'queued' && this.connection.value !== 'online'
          ? t.waiting
          : delivery === 'queued' || delivery === 'sending'
            ? t.sending
            : delivery === 'sent'
              ? t.sent
              : '';
    return html`<li
      part="message"
      class="message ${own ? 'own' : 'team'} ${item.authorType}"
      data-delivery=${delivery ?? nothing}
    >
      <span class="author">${author}</span>
      ${item.text ? html`<p class="text">${renderText(item.text)}</p>` : nothing}
      ${hasFiles(item) && this.files ? this.files.renderAttachments(item) : nothing}
      <span class="meta">${time.format(item.createdAt)}${deliveryText ? ` · ${deliveryText}` : ''}</span>
      ${delivery === 'failed' && commandId ? html`<button type="button" class="link" @click=${() => this.retry(commandId)}>${t.retry}</button>` : nothing}
    </li>`;
  }

  private renderAway(email: string) {
    const t = this.strings;
    const message = teamText(this.settings.value?.widget.awayMessage, 'awayMessage', this.locale);
    const saved = this.emailSaved || email;
    return html`<div class="away" role="note">
      <p>${message}</p>
      ${
        saved
          ? html`<p class="saved">${t.emailSaved(saved)}</p>`
          : html`<form class="inline-form" @submit=${this.onLeaveEmail}>
              <label for="away-email">${t.email}</label>
              <div class="row">
                <input id="away-email" name="email" type="email" autocomplete="email" required />
                <button type="submit" class="primary">${t.save}</button>
              </div>
            </form>`
      }
    </div>`;
  }

  private renderComposer(conversationId: string | null): TemplateResult {
    const t = this.strings;
    const draft = this.client?.drafts.get(conversationId ?? NEW_CONVERSATION_DRAFT) ?? '';
    return html`<form
      part="composer"
      class="composer"
      @submit=${this.onSubmit}
      @dragover=${allowDrop}
      @drop=${this.onFiles}
    >
      ${this.files?.renderUploads() ?? nothing}
      <label class="visually-hidden" for="composer">${t.message}</label>
      <textarea
        id="composer"
        rows="1"
        maxlength=${MAX_TEXT_LENGTH}
        placeholder=${t.placeholder}
        .value=${draft}
        @input=${this.onInput}
        @keydown=${this.onComposerKeydown}
        @paste=${this.onFiles}
      ></textarea>
      <button type="button" class="icon" aria-label=${t.attachFile} @click=${this.pickFiles}>${attachIcon}</button>
      <input type="file" multiple hidden @change=${this.onFiles} />
      <button type="submit" class="send" aria-label=${t.send}>${sendIcon}</button>
    </form>`;
  }

  // ---- behaviour ------------------------------------------------------------------------------

  private onKeydown(event: KeyboardEvent) {
    if (event.key === 'Escape' && !this.inline) {
      event.stopPropagation();
      this.requestClose();
    }
  }

  private requestClose() {
    emit(this, 'confab-close-request', {});
  }

  private showHistory() {
    this.showingHistory = true;
    void this.loadForms()
      .then(() => this.updateComplete)
      .then(() => this.renderRoot.querySelector<HTMLElement>('.history button')?.focus());
  }

  /** @internal Shows one of the visitor's conversations (the list, loaded later, calls it). */
  openThread(conversationId: string) {
    this.selected = conversationId;
    this.startCommandId = null;
    this.showingHistory = false;
    void this.focusWindow();
  }

  /** Says a new team message out loud (politely) to screen-reader users. */
  private announce(message: Message) {
    const t = this.strings;
    const author = message.authorType === 'bot' ? t.bot : (this.client?.store.agentName(message.authorId) ?? t.team);
    this.announcement = t.newMessage(author, message.text);
  }

  private onComposerKeydown(event: KeyboardEvent) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      (event.target as HTMLTextAreaElement).form?.requestSubmit();
    }
  }

  private onInput(event: InputEvent) {
    const client = this.client;
    const text = (event.target as HTMLTextAreaElement).value;
    const conversationId = this.conversationId;
    client?.drafts.set(conversationId ?? NEW_CONVERSATION_DRAFT, text);
    if (!client || !conversationId) return;
    const now = Date.now();
    if (now - this.typingSentAt > TYPING_REPEAT_MS || this.typingConversation !== conversationId) {
      this.typingSentAt = now;
      this.typingConversation = conversationId;
      void client.send({ type: 'typing', conversationId, typing: true });
    }
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  private stopTyping() {
    clearTimeout(this.typingTimer);
    const conversationId = this.typingConversation;
    if (!conversationId || !this.typingSentAt) return;
    this.typingSentAt = 0;
    void this.client?.send({ type: 'typing', conversationId, typing: false });
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const field = this.composer;
    if (!field || this.waitingForFiles) return;
    let files: OutgoingFiles | null | undefined;
    if (this.files) {
      // The message waits until its files are up (or wait in the outbox, offline); one refused
      // keeps it here, and its alert says why.
      this.waitingForFiles = true;
      files = await this.files.settled();
      this.waitingForFiles = false;
      if (!files) return;
    }
    // Sent as typed; only stray blank lines before it and whitespace after it are dropped.
    const text = composedText(field.value);
    if (!text && !files?.count) return;
    this.client?.drafts.set(this.conversationId ?? NEW_CONVERSATION_DRAFT, '');
    field.value = '';
    this.files?.uploads.clear();
    void this.send(text, files?.command, files?.waiting);
  }

  private pickFiles(event: Event) {
    ((event.currentTarget as HTMLElement).nextElementSibling as HTMLElement).click();
  }

  /** Files picked, pasted or dropped: each uploads at once (the files part loads on first use). */
  private onFiles(event: Event & Partial<ClipboardEvent & DragEvent>) {
    const input = event.target as HTMLInputElement;
    const list = (event.clipboardData ?? event.dataTransfer ?? input).files;
    if (!list?.length) return;
    event.preventDefault();
    const files = [...list];
    if (input.type === 'file') input.value = '';
    void this.loadFiles().then((part) => files.forEach(part.uploads.add));
  }

  private loadForms() {
    return (this.formsLoading ??= import('./forms.js').then((part) => (this.forms = part.withStyles(this))));
  }

  /** @internal The pre-chat form was answered (its part, loaded later, says so). */
  prechatDone() {
    this.prechatFilled = true;
  }

  private loadFiles(): Promise<ChatFiles> {
    return (this.filesLoading ??= import('./files.js').then(({ ChatFiles }) => (this.files = new ChatFiles(this))));
  }

  /** Sends the visitor's text (and files): in the conversation shown, or as the start of a new one. */
  async send(text: string, withFiles?: { attachments?: Attachment[] }, files?: PickedFile[]) {
    const client = this.client;
    if (!client) return;
    this.stopTyping();
    const conversationId = this.conversationId;
    emit(this, 'confab-message-sent', { conversationId, text });
    // A new conversation not confirmed yet (maybe restored after a reload): the text waits in the
    // outbox under the name of the conversation its start creates, and goes once that one is
    // confirmed; it survives a reload, and fails with the start if the start is refused.
    const startId = conversationId ? null : this.pendingStart();
    if (conversationId || startId) {
      await client
        .send(
          {
            type: 'visitor.message',
            conversationId: conversationId ?? startedConversation(startId!),
            text,
            ...withFiles,
          },
          files,
        )
        .catch(() => undefined);
      return;
    }
    const command = { type: 'visitor.startChat' as const, text, ...withFiles };
    const sent = client.send(command, files);
    const entry = client.pending.get().find((candidate) => candidate.command === command);
    this.startCommandId = entry?.id ?? null;
    this.selected = null;
    try {
      const { conversationId: started } = await sent;
      if (this.selected === null && this.startCommandId === (entry?.id ?? null)) {
        this.selected = started;
        this.startCommandId = null;
      }
      emit(this, 'confab-conversation-started', { conversationId: started });
    } catch {
      // Refused: the outbox keeps it as failed, shown with "Try again".
    }
  }

  /** The `visitor.startChat` behind the new conversation shown, while it is in the outbox. */
  private pendingStart(): string | null {
    const startId = this.startCommandId ?? (this.selected === undefined ? this.restoredStart() : null);
    return startId && this.client?.pending.get().some((entry) => entry.id === startId) ? startId : null;
  }

  private async retry(commandId: string) {
    await this.client?.retry(commandId).catch(() => undefined);
  }

  private onQuickReply(reply: string, conversationId: string | null) {
    const client = this.client;
    if (client && conversationId && isHandoverReply(client.store.settings(), reply)) {
      // W5: a person takes over; routing (G1) decides who.
      void client.send({ type: 'visitor.requestHuman', conversationId }).catch(() => undefined);
      return;
    }
    void this.send(reply);
  }

  private onLeaveEmail(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const email = String(new FormData(form).get('email') ?? '').trim();
    if (!email || !this.client) return;
    this.emailSaved = email;
    void this.client.send({ type: 'visitor.setProfile', email }).catch(() => {
      this.emailSaved = '';
    });
  }
}

import {
  closedSince,
  createVisitorClient,
  emailKey,
  createWebSocketTransport,
  openPersistence,
  visitorSelectors,
  writable,
  type Persistence,
  type Readable,
  type Transport,
  type VisitorClient,
} from '@confab/core';
import { startBackground, type Background } from './background.js';
import { arrivedMessages, viewOf, watchView, type ClientView, type TeamMessageView } from './client-view.js';
import {
  mayHaveStored,
  widgetNamespace,
  type AppApi,
  type Availability,
  type Boot,
  type ConfabState,
  type WidgetLocale,
} from './boot.js';
import type { ConfabChat, ConfabChatEventDetails } from './chat/confab-chat.js';
import { resolveLocale, STRINGS } from './i18n.js';
import { createGuard, defineElement, guardedTransport, guardedWebSocket, unwrapWebSocket } from './pristine.js';
import { ACTIVE_KEY, readKept, SEEN_KEY, socketUrl, type Kept } from './stored.js';
import { followVisualViewport } from './visual-viewport.js';
import { NewMessages } from './new-messages.js';

/** The launcher's icon while the window is open (the loader's sheet has the closed one, CHAT_ICON). */
const CLOSE_ICON =
  'M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 1 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z';

export interface WidgetOptions {
  /** Replaces the WebSocket transport (tests and custom backends). */
  transport?: () => Transport;
}

/**
 * Takes over from the loader: implements `window.Confab`, runs the calls queued before, and turns
 * the visitor client's changes into widget events and the launcher's badge.
 *
 * What a host page pays before any interaction is kept small (DESIGN §4): the chat window (Lit and
 * the element, a part of its own) loads on intent (hover or focus of the launcher) or first open, is
 * created when first opened, and the client connects at once only for a visitor who chatted
 * before (their unread replies and badge matter); a first-time visitor connects on open.
 */
export function startWidget(boot: Boot, options: WidgetOptions = {}): AppApi {
  const { config, pristine, root, launcher, badge } = boot;
  const guard = createGuard(pristine);
  const theme = new CSSStyleSheet();
  // The launcher's unread badge (the loader draws it hidden; only the app shows it), the team's
  // colour and the open window's icon: adopted once the client has state (which alone can tell of a
  // badge or a colour) or the window opens.
  const badgeStyle = new CSSStyleSheet();

  let chat: ConfabChat | null = null;
  /** The chat window's part, once asked for (asked again after a failed load). */
  let chatPart: Promise<typeof import('./chat/confab-chat.js')> | null = null;
  const loadChat = () =>
    (chatPart ??= import('./chat/confab-chat.js').catch((error: unknown) => {
      chatPart = null;
      throw error;
    }));
  // Intent: the part is fetched and evaluated before the click that needs it.
  const prefetchChat = () => void loadChat().catch(() => undefined);
  launcher?.addEventListener('pointerenter', prefetchChat);
  launcher?.addEventListener('focus', prefetchChat);
  let stopFollowingViewport: () => void = () => undefined;
  let open = !!config.inline;
  let client: VisitorClient | null = null;
  let unsubscribers: Array<() => void> = [];
  let unread = 0;
  let availability: Availability = 'unknown';
  /** The visitor's chats as last told (their statuses tell when one closed). */
  let threads: ClientView['threads'] = [];
  let teamMessages = new NewMessages();
  /** The client's unread count (core's selector over `seen`). */
  let unreadCount: Readable<number> | null = null;
  /**
   * A returning visitor's client in a worker (background.ts), until the page needs one of its own,
   * and the view it last posted.
   */
  let background: Background | null = null;
  let backgroundView: ClientView | null = null;
  /** The worker's last view when the page took over: it stands until the page's client has state. */
  let handoffView: ClientView | null = null;
  let themeColor = '';
  /**
   * Replies that arrive while the window is closed are read out here (WCAG 4.1.3): the window's
   * own live region exists only while it is open, and the badge is not read. Added when the client
   * first has state (whose messages are known, not announced), in the same task as the badge and
   * the team colour it brings: until then the widget writes nothing into the page, and then the
   * host lays it out once (DESIGN §4).
   */
  let closedAnnouncer: HTMLElement | null = null;
  /** The badge's and the team colour's sheets are adopted, and the live region is there. */
  let styled = false;

  // One IndexedDB database for the client (outbox, session, snapshot) and for what the widget
  // keeps itself: what the visitor has read (team messages per conversation) and whether they
  // ever chatted. Not localStorage: its first use blocks the main thread while it loads. Opened
  // when first needed: a visitor who never chatted gets no database until they do.
  const namespace = widgetNamespace(config.site);
  const seen = writable<Readonly<Record<string, number>>>({});
  let opening: Promise<Persistence> | null = null;
  const widgetStorage = () => (opening ??= openPersistence(namespace));
  /** Writes what the widget keeps; a write that fails costs a badge or a reconnect, nothing the visitor sent. */
  const keep = (write: (storage: Persistence) => Promise<unknown>) =>
    void widgetStorage()
      .then(write)
      .catch(() => undefined);
  /**
   * Settles once a sign-out finished deleting the person before. A client created meanwhile (a
   * queued `load()` runs right after a queued `logout()`) reads storage only after it.
   */
  let signingOut: Promise<unknown> = Promise.resolve();
  void Promise.resolve(boot.stored)
    // Found by the loader at idle time (a visitor who chatted before), or asked now: since idle
    // time another tab may have chatted.
    .then((found) => found || mayHaveStored(config.site))
    // Cannot tell: as for a visitor who chatted before.
    .catch(() => true)
    .then((maybe) => {
      if (!maybe) return;
      if (!client && mayRunInBackground()) background = startBackground(config, namespace, backgroundHandlers);
      if (!background) readKeptOnPage();
    })
    .catch(() => undefined);

  /** The widget's records, read on the page: for a visitor who chatted before, the client connects. */
  function readKeptOnPage() {
    void widgetStorage()
      .then(readKept)
      .then(useKept)
      .catch(() => undefined);
  }

  let keptRead = false;
  function useKept({ seen: stored, chattedBefore }: Kept, connect = true) {
    keptRead = true;
    const merged = { ...seen.get() };
    for (const [conversationId, count] of Object.entries(stored))
      if (!(conversationId in merged)) merged[conversationId] = count;
    seen.set(merged);
    if (chattedBefore) {
      // Stored already: this page need not write it again.
      markedActive = true;
      if (connect) ensureClient();
    } else if (client) onChange();
  }

  /**
   * Whether a returning visitor's client may start in a worker: not once the page has a client or
   * a window, an identity to present, or a transport or WebSocket of its own (a test's, a proxy's:
   * a worker would not use it).
   */
  function mayRunInBackground(): boolean {
    if (options.transport || open || config.inline || config.identity || typeof Worker !== 'function') return false;
    try {
      return Function.prototype.toString.call(unwrapWebSocket(pristine.WebSocket)).includes('[native code]');
    } catch {
      return false;
    }
  }

  const backgroundHandlers = {
    kept: (kept: Kept) => useKept(kept, false),
    view(view: ClientView, fresh: TeamMessageView[]) {
      backgroundView = view;
      onChange(fresh);
    },
    error: (code: string, message: string) => boot.emit('error', { code, message }),
    failed() {
      background = null;
      backgroundView = null;
      if (!client) readKeptOnPage();
    },
  };

  /** The page takes over from the worker: its client closes as the page's connects. */
  function stopBackground(): Promise<void> {
    const stopping = background?.stop() ?? Promise.resolve();
    background = null;
    backgroundView = null;
    return stopping;
  }

  /**
   * Shows the chat window, created the first time it is needed, once its part loaded: unless in
   * the meantime it was closed again or the widget removed.
   */
  async function showChat(focus = false) {
    const part = await loadChat();
    if (!open || boot.app !== api) return;
    const chatWindow = ensureChat(part.ConfabChat);
    chatWindow.open = true;
    if (focus) void chatWindow.focusWindow();
    onChange();
  }

  function ensureChat(ConfabChat: typeof import('./chat/confab-chat.js').ConfabChat): ConfabChat {
    if (chat) return chat;
    const tag = defineElement('confab-chat', ConfabChat, pristine.define);
    chat = document.createElement(tag) as ConfabChat;
    chat.locale = config.locale;
    chat.greeting = config.greeting;
    chat.inline = !!config.inline;
    chat.open = open;
    chat.position = config.position;
    chat.prechat = !!config.prechat;
    chat.server = config.server;
    chat.client = client;
    // The element's events become `window.Confab` events (and their `confab-*` DOM events, from
    // the widget's host): they stop at the element, so the page hears each of them once.
    const forward = <E extends keyof ConfabChatEventDetails>(
      type: E,
      listener: (detail: ConfabChatEventDetails[E]) => void,
    ) =>
      chat!.addEventListener(type, (event) => {
        event.stopPropagation();
        listener((event as CustomEvent<ConfabChatEventDetails[E]>).detail);
      });
    forward('confab-close-request', () => setOpen(false));
    forward('confab-message-sent', (detail) => {
      markActive();
      boot.emit('message-sent', detail);
    });
    forward('confab-conversation-started', (detail) => boot.emit('conversation-started', detail));
    forward('confab-conversation-change', () => onChange());
    root.append(chat);
    if (!config.inline) stopFollowingViewport = followVisualViewport(chat);
    return chat;
  }

  function removeChat() {
    stopFollowingViewport();
    chat?.remove();
    chat = null;
  }

  function newClient(): VisitorClient {
    const transport = options.transport
      ? options.transport()
      : createWebSocketTransport({
          url: socketUrl(config.server),
          WebSocket: guardedWebSocket(pristine.WebSocket, guard),
        });
    return createVisitorClient({
      transport: guardedTransport(transport, guard),
      namespace,
      persistence: deferredPersistence(signingOut.then(widgetStorage)),
      ...(config.identity ? { identity: config.identity } : {}),
      ...(config.site !== 'default' ? { site: config.site } : {}),
    });
  }

  /** The visitor client, connected; created the first time it is needed. */
  function ensureClient(): VisitorClient {
    if (client) return client;
    // Taking over from the worker, the page goes on from what it told: the messages it knew are
    // not announced again, those that came meanwhile are.
    if (background) {
      handoffView = backgroundView;
      // The page's first state announces only what came after the worker's last word.
      teamMessages = new NewMessages(handoffView?.ready ? handoffView.lastTeamMessageAt : Infinity);
      void stopBackground();
      // Stopped before it told: the page reads them itself.
      if (!keptRead) readKeptOnPage();
    } else {
      threads = [];
      teamMessages = new NewMessages();
    }
    const created = newClient();
    client = created;
    if (chat) chat.client = created;
    const selectors = visitorSelectors(created);
    unreadCount = selectors.unread(seen);
    unsubscribers = [
      watchView(created, unreadCount, onChange),
      created.on('refused', (_entry, error) => boot.emit('error', { code: error.code, message: error.message })),
      created.on('error', (error) => boot.emit('error', { code: error.code, message: error.message })),
    ];
    return created;
  }

  function disconnect(): Promise<void> {
    const stopping = stopBackground();
    handoffView = null;
    for (const unsubscribe of unsubscribers) unsubscribe();
    unsubscribers = [];
    const closing = client?.close() ?? Promise.resolve();
    client = null;
    unreadCount = null;
    return Promise.all([stopping, closing]).then(() => undefined);
  }

  /**
   * Another person from now on: the old client goes (its socket closes, so the server sends it
   * nothing more), and so does the window with everything typed in it. Resolves once the old
   * client's writes are stored, so that the next client never reads them.
   */
  async function dropPerson(forget: boolean): Promise<void> {
    const previous = client;
    // The worker's client stores its last writes before this person's data is forgotten.
    const stopping = stopBackground();
    disconnect();
    removeChat();
    threads = [];
    teamMessages = new NewMessages();
    if (!forget) return Promise.all([stopping, previous?.close()]).then(() => undefined);
    // Without a client on this page the stored data is still there: one that never connects forgets it.
    // Created before `signingOut` names this sign-out: its storage must not wait for itself.
    const forgetter = previous ?? newClient();
    const forgetting = stopping.then(() => forgetter.forget());
    signingOut = forgetting.catch(() => undefined);
    await forgetting;
  }

  /** What the widget itself kept about the person before: read counts and "chatted before". */
  function forgetWidgetState() {
    seen.set({});
    markedActive = false;
    knownContact = null;
    keep((storage) => Promise.all([storage.del(SEEN_KEY), storage.del(ACTIVE_KEY)]));
    if (unread) {
      unread = 0;
      boot.emit('unread-count-changed', { unread });
    }
  }

  /** After a switch, the window (if it was open) and the connection come back for the new person. */
  function resume() {
    if (!open && !config.inline && !config.identity) {
      updateLauncher();
      return;
    }
    ensureClient();
    void showChat().catch(reportLoadFailure);
    onChange();
  }

  function reportLoadFailure(error: unknown) {
    boot.emit('error', { code: 'load-failed', message: String(error) });
  }

  function reconnect() {
    // Taking over from the worker is a new connection too.
    if (background) {
      ensureClient();
      return;
    }
    if (!client) return;
    disconnect();
    ensureClient();
  }

  /** From now on, this visitor's client connects on every page without waiting to be opened. */
  function markActive() {
    keep((storage) => storage.set(ACTIVE_KEY, true));
  }

  /** What the page shows of the visitor's client: its own, or the worker's. */
  function currentView(): ClientView | null {
    if (!client || !unreadCount) return backgroundView;
    const own = viewOf(client, unreadCount);
    // Until the page's own client has state, the worker's last view stands: the badge,
    // availability and threads do not blink back to "nothing known".
    if (!own.ready && handoffView) return { ...handoffView, connection: own.connection };
    handoffView = null;
    return own;
  }

  /**
   * Turns a change of the visitor's client into widget events, the unread badge and the team
   * colour. `fresh`: the team messages that arrived, as the worker found them.
   */
  function onChange(fresh: readonly TeamMessageView[] = []) {
    // First: what the open window shows counts as read in the unread count read below.
    markSeen();
    const view = currentView();
    if (!view) return;
    if ((view.ready || open) && !styled) {
      styled = true;
      badgeStyle.replaceSync(
        '[part=badge]{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 6px;box-sizing:border-box;' +
          'border-radius:10px;background:#c8102e;color:#fff;font:700 12px/20px system-ui,sans-serif;text-align:center}' +
          `[aria-expanded=true] i{clip-path:path('${CLOSE_ICON}')}`,
      );
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, badgeStyle, theme];
      if (!config.inline) root.append((closedAnnouncer = liveRegion()));
    }
    if (view.contactId) markActiveOnce();
    if (view.contactId && knownContact && view.contactId !== knownContact) forgetWidgetState();
    if (view.contactId) knownContact = view.contactId;
    const arrived = client ? arrivedMessages(client, teamMessages) : fresh;
    for (const message of arrived) {
      if (closedAnnouncer && !open) {
        const t = STRINGS[config.locale];
        const author = message.author === 'bot' ? t.bot : (message.authorName ?? t.team);
        closedAnnouncer.textContent = t.newMessage(author, message.text);
      }
      boot.emit('message-received', {
        conversationId: message.conversationId,
        messageId: message.id,
        text: message.text,
        author: message.author,
      });
    }
    for (const conversationId of closedSince(threads, view.threads))
      boot.emit('conversation-closed', { conversationId });
    threads = view.threads;
    if (view.availability !== availability) {
      availability = view.availability;
      boot.emit('availability-changed', { availability });
    }
    if (view.unread !== unread) {
      unread = view.unread;
      boot.emit('unread-count-changed', { unread });
    }
    const color = config.color || view.color;
    if (color !== themeColor && CSS.supports('color', color)) {
      themeColor = color;
      theme.replaceSync(`:host{--confab-color:${color}}`);
    }
    updateLauncher();
  }

  let markedActive = false;
  /** The contact this page last showed: read counts belong to them. */
  let knownContact: string | null = null;
  function markActiveOnce() {
    if (markedActive) return;
    markedActive = true;
    markActive();
  }

  /** What the visitor looks at while the window is open counts as read. */
  function markSeen() {
    const conversationId = chat?.conversationId;
    if (!open || !client || !conversationId) return;
    const count = visitorSelectors(client).teamMessageCounts.get().get(conversationId) ?? 0;
    if (count === (seen.get()[conversationId] ?? 0)) return;
    const next = { ...seen.get(), [conversationId]: count };
    seen.set(next);
    keep((storage) => storage.set(SEEN_KEY, next));
  }

  function updateLauncher() {
    if (!launcher || !badge) return;
    const t = STRINGS[config.locale];
    // Only what changed is written: each write would cost the host page a style and layout pass.
    setAttribute(launcher, 'aria-expanded', String(open));
    setAttribute(
      launcher,
      'aria-label',
      open ? t.closeChat : unread ? `${t.openChat}, ${t.unread(unread)}` : t.openChat,
    );
    const count = unread > 9 ? '9+' : String(unread);
    if (badge.textContent !== count) badge.textContent = count;
    if (badge.hidden !== (open || !unread)) badge.hidden = open || !unread;
  }

  function state(): ConfabState {
    const view = currentView();
    return {
      open,
      unread,
      availability,
      identity: view?.identity ?? null,
      connection: view?.connection ?? 'offline',
      conversationId: chat?.conversationId ?? null,
    };
  }

  /**
   * The open window never hides what has focus on the page (WCAG 2.4.11): when the visitor tabs to
   * a link behind it, it closes to its launcher. Escape on the page closes it too.
   */
  function onPageFocus(event: FocusEvent) {
    const target = event.target;
    if (!chat || !(target instanceof Element) || target === boot.host) return;
    const behind = target.getBoundingClientRect();
    const covering = chat.getBoundingClientRect();
    const overlaps =
      behind.left < covering.right &&
      behind.right > covering.left &&
      behind.top < covering.bottom &&
      behind.bottom > covering.top;
    if (overlaps) setOpen(false);
  }

  function onPageKeydown(event: KeyboardEvent) {
    if (event.key === 'Escape' && !event.defaultPrevented && event.target !== boot.host) setOpen(false);
  }

  function watchPage(watch: boolean) {
    const listen = watch ? document.addEventListener.bind(document) : document.removeEventListener.bind(document);
    listen('focusin', onPageFocus as EventListener);
    listen('keydown', onPageKeydown as EventListener);
  }

  /** Resolves once the window shows (its part loaded) or will not. */
  async function setOpen(next: boolean) {
    if (config.inline || open === next) return;
    open = next;
    watchPage(next);
    if (next) {
      ensureClient();
      onChange();
      boot.emit('open', state());
      await showChat(true).catch(reportLoadFailure);
    } else {
      if (chat) chat.open = false;
      // Focus goes back to the launcher, unless the visitor already moved on in the page.
      if (document.activeElement === boot.host) launcher?.focus();
      updateLauncher();
      boot.emit('close', state());
    }
  }

  const api: AppApi = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!open),
    async load() {
      // A worker's client is connected already.
      if (!background) ensureClient();
    },
    async remove() {
      watchPage(false);
      disconnect();
      removeChat();
      boot.app = null;
      boot.teardown();
    },
    async refresh() {
      reconnect();
    },
    async getState() {
      return state();
    },
    async identify(identity, token) {
      if (token) {
        // The server checks the site's signature, then this visitor becomes that contact. If it
        // names another person than the data on this browser, the new client forgets that data
        // before it shows or sends any of it.
        const shown = client ? visitorSelectors(client).contact.get() : null;
        const samePerson = !!shown?.verified && emailKey(shown.email) === emailKey(identity?.email ?? '');
        config.identity = token;
        markActive();
        if (samePerson) {
          // A fresh token for whom the window shows already: keep the window, say hello again.
          reconnect();
          return;
        }
        await dropPerson(false);
        resume();
        return;
      }
      const name = identity?.name?.trim();
      const email = identity?.email?.trim();
      if (name || email) {
        markActive();
        await ensureClient().send({
          type: 'visitor.setProfile',
          ...(name ? { name } : {}),
          ...(email ? { email } : {}),
        });
      }
    },
    async logout() {
      // Everything of the person before goes: replica, outbox, drafts, session, snapshot, read counts.
      delete config.identity;
      await dropPerson(true);
      forgetWidgetState();
      resume();
    },
    async setLocale(locale: WidgetLocale) {
      config.locale = resolveLocale(locale);
      boot.host.setAttribute('lang', config.locale);
      if (chat) chat.locale = config.locale;
      updateLauncher();
    },
  };

  // Inline, the chat is on the page from the start.
  if (config.inline) {
    ensureClient();
    void showChat().catch(reportLoadFailure);
  }
  boot.app = api;
  // Said once: the loader said it already if it waited for intent (a first-time visitor).
  if (!boot.ready) {
    boot.ready = true;
    boot.emit('ready', state());
  }
  for (const [method, args, resolve, reject] of boot.queue.splice(0)) {
    try {
      resolve((api[method] as (...values: unknown[]) => unknown)(...args));
    } catch (error) {
      reject(error);
    }
  }
  return api;
}

function setAttribute(element: Element, name: string, value: string) {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

/** A live region out of sight (set through the CSSOM, which a strict style-src allows). */
function liveRegion(): HTMLElement {
  const region = document.createElement('div');
  region.setAttribute('role', 'status');
  Object.assign(region.style, {
    position: 'absolute',
    width: '1px',
    height: '1px',
    overflow: 'hidden',
    clipPath: 'inset(50%)',
    whiteSpace: 'nowrap',
  });
  return region;
}

/** A Persistence usable at once, whose calls wait for the real one to open. */
function deferredPersistence(opening: Promise<Persistence>): Persistence {
  let opened: Persistence | null = null;
  void opening.then((persistence) => (opened = persistence));
  return {
    get kind() {
      return opened?.kind ?? 'indexeddb';
    },
    get fallbackReason() {
      return opened?.fallbackReason;
    },
    get: async <T>(key: string) => (await opening).get<T>(key),
    set: async (key, value) => (await opening).set(key, value),
    del: async (key) => (await opening).del(key),
    entries: async <T>(prefix: string) => (await opening).entries<T>(prefix),
    replace: async (key, value) => (await opening).replace(key, value),
  };
}

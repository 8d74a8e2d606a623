import { createVisitorClient, createWebSocketTransport, type Transport, type VisitorClient } from '@confab/core';
import type { AppApi, Availability, Boot, ConfabState, WidgetLocale } from './boot.js';
import { ConfabChat, type ConfabChatEventDetails } from './chat/confab-chat.js';
import { resolveLocale, STRINGS } from './i18n.js';
import { createGuard, defineElement, guardedTransport, guardedWebSocket } from './pristine.js';
import { availabilityOf, contactOf, NewTeamMessages, teamMessageCount, unreadOf } from './visitor-view.js';

/** The launcher's icon path while the window is closed (the loader drew it) and while open. */
const CHAT_ICON = 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z';
const CLOSE_ICON = 'M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 1 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z';

export interface WidgetOptions {
  /** Replaces the WebSocket transport (tests and custom backends). */
  transport?: () => Transport;
}

/**
 * Takes over from the loader: creates the visitor client and the chat window, implements
 * `window.Confab`, runs the calls queued before, and turns client changes into widget events.
 */
export function startWidget(boot: Boot, options: WidgetOptions = {}): AppApi {
  const { config, pristine, root, launcher, badge } = boot;
  const guard = createGuard(pristine);
  const tag = defineElement('confab-chat', ConfabChat, pristine.define);
  const chat = document.createElement(tag) as ConfabChat;
  chat.locale = config.locale;
  chat.greeting = config.greeting;
  chat.inline = !!config.inline;
  chat.open = !!config.inline;
  chat.position = config.position;
  chat.prechat = !!config.prechat;
  const theme = new CSSStyleSheet();
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, theme];
  root.append(chat);

  const seenKey = `confab-widget-${config.site}:seen`;
  const seen: Record<string, number> = readSeen();
  let client: VisitorClient;
  let unsubscribers: Array<() => void> = [];
  let unread = 0;
  let availability: Availability = 'unknown';
  let statuses = new Map<string, string>();
  let teamMessages = new NewTeamMessages();
  let themeColor = '';

  function connect() {
    const transport = options.transport
      ? options.transport()
      : createWebSocketTransport({ url: socketUrl(config.server), WebSocket: guardedWebSocket(pristine.WebSocket, guard) });
    client = createVisitorClient({
      transport: guardedTransport(transport, guard),
      namespace: `confab-widget-${config.site}`,
      ...(config.identity ? { identity: config.identity } : {}),
    });
    chat.client = client;
    statuses = new Map();
    teamMessages = new NewTeamMessages();
    unsubscribers = [
      client.store.revision.subscribe(onChange),
      client.status.subscribe(onChange),
      // Revisions wait for an animation frame, which hidden tabs never get: a site's listeners
      // (a title that flashes "1 new message") must hear about replies in a background tab too.
      client.on('event', queueChange),
      client.on('resync', queueChange),
      client.on('refused', (_entry, error) => boot.emit('error', { code: error.code, message: error.message })),
      client.on('error', (error) => boot.emit('error', { code: error.code, message: error.message })),
    ];
  }

  function disconnect() {
    for (const unsubscribe of unsubscribers) unsubscribe();
    unsubscribers = [];
    client.close();
  }

  let changeQueued = false;
  function queueChange() {
    if (changeQueued) return;
    changeQueued = true;
    queueMicrotask(() => {
      changeQueued = false;
      onChange();
    });
  }

  /** Turns a change of the replica into widget events, the unread badge and the team colour. */
  function onChange() {
    const store = client.store;
    const ready = client.status.get().ready;
    for (const message of teamMessages.take(store, ready)) {
      boot.emit('message-received', {
        conversationId: message.conversationId,
        messageId: message.id,
        text: message.text,
        author: message.authorType === 'bot' ? 'bot' : 'agent',
      });
    }
    for (const conversation of store.state.conversations.values()) {
      const before = statuses.get(conversation.id);
      if (before === 'open' && conversation.status === 'closed') boot.emit('conversation-closed', { conversationId: conversation.id });
      statuses.set(conversation.id, conversation.status);
    }
    const nextAvailability = availabilityOf(client);
    if (nextAvailability !== availability) {
      availability = nextAvailability;
      boot.emit('availability-changed', { availability });
    }
    markSeen();
    const nextUnread = unreadOf(store, seen);
    if (nextUnread !== unread) {
      unread = nextUnread;
      boot.emit('unread-count-changed', { unread });
    }
    const color = config.color || store.state.settings.widget.color;
    if (color !== themeColor && CSS.supports('color', color)) {
      themeColor = color;
      theme.replaceSync(`:host{--confab-color:${color}}`);
    }
    updateLauncher();
  }

  /** What the visitor looks at while the window is open counts as read. */
  function markSeen() {
    const conversationId = chat.conversationId;
    if (!chat.open || !conversationId) return;
    const count = teamMessageCount(client.store, conversationId);
    if (count === (seen[conversationId] ?? 0)) return;
    seen[conversationId] = count;
    try {
      localStorage.setItem(seenKey, pristine.stringify(seen));
    } catch {
      // Storage blocked: unread counts last for this page only.
    }
  }

  function readSeen(): Record<string, number> {
    try {
      const value = pristine.parse(localStorage.getItem(seenKey) ?? '{}') as unknown;
      return value && typeof value === 'object' ? (value as Record<string, number>) : {};
    } catch {
      return {};
    }
  }

  function updateLauncher() {
    if (!launcher || !badge) return;
    const t = STRINGS[chat.locale];
    launcher.setAttribute('aria-expanded', String(chat.open));
    launcher.setAttribute('aria-label', chat.open ? t.closeChat : unread ? `${t.openChat}, ${t.unread(unread)}` : t.openChat);
    launcher.querySelector('path')?.setAttribute('d', chat.open ? CLOSE_ICON : CHAT_ICON);
    badge.hidden = chat.open || !unread;
    badge.textContent = unread > 9 ? '9+' : String(unread);
  }

  function state(): ConfabState {
    const contact = contactOf(client);
    return {
      open: chat.open,
      unread,
      availability,
      identity: contact && (contact.email || contact.verified) ? { email: contact.email, name: contact.name, verified: contact.verified } : null,
      connection: client.connection.get(),
      conversationId: chat.conversationId,
    };
  }

  function setOpen(open: boolean) {
    if (chat.inline || chat.open === open) return;
    chat.open = open;
    if (open) {
      void chat.focusWindow();
      onChange();
      boot.emit('open', state());
    } else {
      // Focus goes back to the launcher, unless the visitor already moved on in the page.
      if (document.activeElement === boot.host) launcher?.focus();
      updateLauncher();
      boot.emit('close', state());
    }
  }

  const forward = <E extends keyof ConfabChatEventDetails>(type: E, listener: (detail: ConfabChatEventDetails[E]) => void) =>
    chat.addEventListener(type, (event) => listener((event as CustomEvent<ConfabChatEventDetails[E]>).detail));
  forward('close-request', () => setOpen(false));
  forward('message-sent', (detail) => boot.emit('message-sent', detail));
  forward('conversation-started', (detail) => boot.emit('conversation-started', detail));
  forward('view-change', () => onChange());

  const api: AppApi = {
    async open() {
      setOpen(true);
    },
    async close() {
      setOpen(false);
    },
    async toggle() {
      setOpen(!chat.open);
    },
    async load() {},
    async remove() {
      disconnect();
      chat.remove();
      boot.app = null;
      boot.teardown();
    },
    async refresh() {
      disconnect();
      connect();
    },
    async getState() {
      return state();
    },
    async identify(identity, token) {
      if (token) {
        // The server checks the site's signature, then this visitor becomes that contact.
        config.identity = token;
        disconnect();
        connect();
        return;
      }
      const name = identity?.name?.trim();
      const email = identity?.email?.trim();
      if (name || email) await client.send({ type: 'visitor.setProfile', ...(name ? { name } : {}), ...(email ? { email } : {}) });
    },
    async setLocale(locale: WidgetLocale) {
      config.locale = chat.locale = resolveLocale(locale);
      updateLauncher();
    },
  };

  connect();
  boot.app = api;
  boot.emit('ready', state());
  for (const [method, args, resolve, reject] of boot.queue.splice(0)) {
    try {
      resolve((api[method] as (...values: unknown[]) => unknown)(...args));
    } catch (error) {
      reject(error);
    }
  }
  return api;
}

/** `https://chat.example.com` → `wss://chat.example.com/ws` (tokens never go in this URL). */
export function socketUrl(server: string): string {
  const url = new URL('/ws', server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

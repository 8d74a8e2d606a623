/**
 * What the script-tag loader and the chat app share. The loader (≤ 2 KB, no dependencies) draws the
 * launcher, owns `window.Confab` and its listeners, and queues calls; the app takes over from it.
 * They meet through two realm-wide symbols, so a cached app module can start again after
 * `Confab.remove()` and a second copy of the loader can see that one already runs.
 */

import { databaseName } from '@confab/core';

/** `window[Symbol.for(BOOT_KEY)]`: the running loader's {@link Boot}. */
export const BOOT_KEY = 'confab.widget.boot';
/** `window[Symbol.for(APP_KEY)]`: the app's start function, once its module ran. */
export const APP_KEY = 'confab.widget.app';

export type WidgetLocale = 'en' | 'nl';

/** A site's widget keeps its data (the client's and its own) in one namespace: one database. */
export const widgetNamespace = (site: string): string => 'confab-widget-' + site;

/**
 * Whether this browser may hold the data of the site's widget, from the browser's list of
 * IndexedDB databases, by core's name for the namespace's (opening a database that is not there
 * would create it: a version change, and main-thread work on the host page). Rejects when it cannot
 * tell (a browser without that list, storage denied).
 */
export function mayHaveStored(site: string): Promise<boolean> {
  const name = databaseName(widgetNamespace(site));
  return new Promise<IDBDatabaseInfo[]>((resolve) => resolve(indexedDB.databases())).then((databases) => {
    for (let i = 0; i < databases.length; i++) if (databases[i].name == name) return true;
    return false;
  });
}

/** Configuration read from the script tag's `data-*` attributes. */
export interface WidgetConfig {
  /** Origin of the Confab server (`data-server`); default: the page's origin. */
  server: string;
  /** Site id (`data-site`); also separates persisted data of several widgets on one origin. */
  site: string;
  /** `data-position`: which bottom corner the launcher sits in. */
  position: 'right' | 'left';
  /** `data-color`: the accent colour (any CSS colour); empty for the team's setting. */
  color: string;
  /** `data-locale`, else the page's `lang`, else the browser's language. */
  locale: WidgetLocale;
  /** `data-greeting`: replaces the team's welcome text. */
  greeting: string;
  /** `data-inline`: a CSS selector; the chat renders inside that element instead of floating. */
  inline: string;
  /** `data-prechat`: ask a new visitor's name and email before the first message. */
  prechat: boolean;
  /** URL of the chat app bundle (beside the loader; `data-app` overrides). */
  app: string;
  /** A site-signed identity token from `Confab.identify()` before the app ran. */
  identity?: string;
}

/** References taken when the loader ran, before a hostile page could patch them later. */
export interface PristineGlobals {
  stringify: typeof JSON.stringify;
  parse: typeof JSON.parse;
  fetch: typeof fetch;
  WebSocket: typeof WebSocket;
  define: CustomElementRegistry['define'];
  /** `Array.prototype`'s own properties, as descriptors. */
  arrayMethods: Record<string, PropertyDescriptor>;
}

export type Availability = 'available' | 'away' | 'unknown';

/** `Confab.getState()`. */
export interface ConfabState {
  open: boolean;
  /** Agent and bot messages the visitor has not seen. */
  unread: number;
  /** Whether any agent of the team is available (S2, W4); `unknown` until the app connected. */
  availability: Availability;
  /** The visitor as the site identified them, or the profile they left. */
  identity: { email: string; name: string; verified: boolean } | null;
  connection: 'connecting' | 'online' | 'offline';
  /** The conversation the window shows, or null (none yet, or the history list). */
  conversationId: string | null;
}

/** Every widget event, with its detail. The DOM form is `confab-<name>` (bubbling, composed). */
export interface ConfabEventDetails {
  /**
   * The widget answers calls, once per page: when the chat app starts (at idle time for a visitor
   * who chatted before), or at idle time for a first-time visitor, whose chat loads on intent.
   */
  ready: ConfabState;
  open: ConfabState;
  close: ConfabState;
  'conversation-started': { conversationId: string };
  'conversation-closed': { conversationId: string };
  'message-received': { conversationId: string; messageId: string; text: string; author: 'agent' | 'bot' };
  'message-sent': { conversationId: string | null; text: string };
  'unread-count-changed': { unread: number };
  'availability-changed': { availability: Availability };
  error: { code: string; message: string };
}
export type ConfabEventName = keyof ConfabEventDetails;
export type ConfabListener<E extends ConfabEventName> = (detail: ConfabEventDetails[E]) => void;

/**
 * `window.Confab`. Every method but `on` and `off` returns a promise; calls made before the app
 * loaded wait in a queue and run in order once it has.
 *
 * @example
 * window.Confab.on('message-received', ({ text }) => console.log(text));
 * await window.Confab.open();
 */
export interface ConfabApi {
  open(): Promise<void>;
  close(): Promise<void>;
  toggle(): Promise<void>;
  /** Loads the chat now instead of waiting for intent or idle time. */
  load(): Promise<void>;
  /** Takes the widget off the page (launcher, window, connection, `window.Confab`). */
  remove(): Promise<void>;
  /** Reconnects and re-reads the team's settings and availability. */
  refresh(): Promise<void>;
  getState(): Promise<ConfabState>;
  /** Tells who the visitor is; `token` is the site's server-signed identity token. */
  identify(identity: { email: string; name?: string }, token: string): Promise<void>;
  /**
   * Signs the visitor out on this browser (call it when your site signs its user out): their
   * conversations leave the screen, their unsent messages and drafts are dropped, and the stored
   * session is deleted, so the next person on this browser starts as a new anonymous visitor.
   */
  logout(): Promise<void>;
  setLocale(locale: WidgetLocale): Promise<void>;
  on<E extends ConfabEventName>(event: E, listener: ConfabListener<E>): () => void;
  off<E extends ConfabEventName>(event: E, listener: ConfabListener<E>): void;
}

/** The methods the app implements (the loader keeps `on` and `off`). */
export type AppApi = Omit<ConfabApi, 'on' | 'off'>;

export type QueuedCall = [
  method: keyof AppApi,
  args: unknown[],
  resolve: (value: unknown) => void,
  reject: (error: unknown) => void,
];

/** What the loader hands the app. */
export interface Boot {
  config: WidgetConfig;
  pristine: PristineGlobals;
  /** The element on the page that holds the widget's shadow root; DOM events start here. */
  host: HTMLElement;
  root: ShadowRoot;
  /** The launcher the loader drew; null in inline mode. */
  launcher: HTMLButtonElement | null;
  badge: HTMLElement | null;
  /** Calls made before the app took over, oldest first. */
  queue: QueuedCall[];
  /** Set by the app when it takes over; the stub then forwards every call to it. */
  app: AppApi | null;
  /** True once loading the app was asked for. */
  loading: boolean;
  /**
   * True once `ready` was emitted: by the app when it starts, or at idle time by the loader for a
   * first-time visitor, whose app waits for intent. Either way it is emitted once.
   */
  ready: boolean;
  /** The loader's idle-time {@link mayHaveStored}: where it found data, the app need not ask again. */
  stored?: Promise<boolean>;
  /** Calls `on()` listeners and dispatches the `confab-<event>` DOM event from `host`. */
  emit<E extends ConfabEventName>(event: E, detail: ConfabEventDetails[E]): void;
  /** Takes the loader's part off the page (used by `remove()`). */
  teardown(): void;
}

type ConfabDomEvents = { [E in ConfabEventName as `confab-${E}`]: CustomEvent<ConfabEventDetails[E]> };

declare global {
  interface Window {
    Confab?: ConfabApi;
  }
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends ConfabDomEvents {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DocumentEventMap extends ConfabDomEvents {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface WindowEventMap extends ConfabDomEvents {}
}

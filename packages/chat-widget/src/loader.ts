/**
 * The script-tag loader: what `<script async src=".../confab-widget.js" data-…>` runs. It is built
 * as a classic script (IIFE, see rollup.config.js) and must stay under 2,048 bytes brotli: plain
 * DOM, no Lit, no core (but core's name for a database). It reads its config, defines the
 * `window.Confab` stub (which queues calls), draws the launcher, and loads the chat app on hover,
 * focus, click or a call; at idle time only for a visitor whose browser may hold the widget's data
 * (W2: they connect at once). A first-time visitor's page never evaluates the app before intent.
 */
import { APP_KEY, BOOT_KEY, mayHaveStored } from './boot.js';
import type { AppApi, Boot, ConfabApi, ConfabState, PristineGlobals, QueuedCall, WidgetConfig } from './boot.js';

type AnyListener = (detail: unknown) => void;

/** The launcher's icon while the window is closed, in a 24 × 24 box (widget.ts has the open one). */
const CHAT_ICON = 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z';

function startLoader(w: Window & typeof globalThis, d: Document) {
  const bootKey = Symbol.for(BOOT_KEY);
  const globals = w as unknown as Record<symbol, unknown>;
  // A second copy of the script on the page: the first one already runs.
  if (globals[bootKey]) return;

  const script = (d.currentScript || d.querySelector('script[src*="confab-widget.js"]')) as HTMLScriptElement | null;
  const data = script ? script.dataset : ({} as DOMStringMap);
  const language = (data.locale || d.documentElement.lang || navigator.language || '').toLowerCase();
  // Absolute, so that import() (which resolves against this script's URL) reads `data-app` as the
  // page does.
  const app = new URL(data.app || 'confab-widget-app.js', (!data.app && script && script.src) || d.baseURI).href;
  const config: WidgetConfig = {
    // The page's origin; a page without one (srcdoc, sandboxed) falls back to the script's.
    server: data.server || (location.origin != 'null' ? location.origin : new URL(app).origin),
    site: data.site || 'default',
    position: data.position == 'left' ? 'left' : 'right',
    color: data.color && CSS.supports('color', data.color) ? data.color : '',
    locale: language.startsWith('nl') ? 'nl' : 'en',
    greeting: data.greeting || '',
    inline: data.inline || '',
    prechat: data.prechat != null,
    app,
  };

  // Taken now, before a hostile page patches them later (the app uses these, not the globals).
  const pristine: PristineGlobals = {
    stringify: JSON.stringify,
    parse: JSON.parse,
    fetch: w.fetch,
    WebSocket: w.WebSocket,
    define: customElements.define,
    arrayMethods: Object.getOwnPropertyDescriptors(Array.prototype),
  };

  // Host-page CSS cannot reach into the shadow root; `!important` on :host beats even the page's
  // own `!important` rules for the host element, and `all: initial` cuts inherited fonts and sizes.
  const host = d.createElement('div');
  const root = host.attachShadow({ mode: 'open' });
  host.lang = config.locale;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(
    `:host{all:initial!important;display:block!important;--confab-color:${config.color || '#2f5bea'};` +
      (config.inline
        ? 'position:relative!important;height:100%!important}'
        : `position:fixed!important;z-index:2147483000!important;bottom:20px!important;${config.position}:20px!important}`) +
      'button{all:initial;box-sizing:border-box;position:relative;display:grid;place-items:center;width:56px;height:56px;' +
      'border-radius:28px;background:var(--confab-color);color:#fff;cursor:pointer;box-shadow:0 4px 14px #0004}' +
      'button:focus-visible{outline:3px solid var(--confab-color);outline-offset:3px}' +
      // The icon is a clipped box, not an SVG: the host's first SVG element costs it ~2 ms of main thread.
      `i{width:24px;height:24px;scale:1.17;background:currentColor;clip-path:path('${CHAT_ICON}')}` +
      '[hidden]{display:none!important}@media(forced-colors:active){button{border:2px solid ButtonText}i{forced-color-adjust:none;background:ButtonText}}',
  );
  root.adoptedStyleSheets = [sheet];

  const queue: QueuedCall[] = [];
  const listeners: Record<string, Set<AnyListener>> = {};
  /** Calls that wait for an app that will not come. */
  const rejectQueued = (error: Error) => {
    const waiting = queue.splice(0);
    for (let i = 0; i < waiting.length; i++) waiting[i][3](error);
  };
  const boot: Boot = {
    config,
    pristine,
    host,
    root,
    launcher: null,
    badge: null,
    queue,
    app: null,
    loading: false,
    ready: false,
    emit(event, detail) {
      const current = [...(listeners[event] || [])];
      for (let i = 0; i < current.length; i++) {
        try {
          current[i](detail);
        } catch (error) {
          // A site's listener that throws must not stop the others, nor the widget: the page
          // hears of it as of any uncaught error.
          reportError(error);
        }
      }
      host.dispatchEvent(new CustomEvent('confab-' + event, { bubbles: true, composed: true, detail }));
    },
    teardown() {
      host.remove();
      if (w.Confab == api) delete w.Confab;
      delete globals[bootKey];
      // Nothing loads after removal.
      boot.loading = true;
      rejectQueued(new Error('Confab was removed'));
    },
  };

  function load() {
    if (boot.loading) return;
    boot.loading = true;
    // The app module runs once per page; after a remove() and a new script tag it is still there.
    const startApp = globals[Symbol.for(APP_KEY)] as ((boot: Boot) => void) | undefined;
    if (startApp) return startApp(boot);
    // import(), not a <script src>: under Trusted Types a script's src is a sink that would need a
    // policy of ours; import() is no sink, and it inherits this script's nonce (or 'strict-dynamic').
    import(config.app).catch(() => {
      boot.loading = false;
      const error = new Error('Confab could not load ' + config.app);
      rejectQueued(error);
      boot.emit('error', { code: 'load-failed', message: error.message });
    });
  }

  /** The state before the app loaded: closed, nothing read, not connected. */
  const notLoaded = (): ConfabState => ({
    open: false,
    unread: 0,
    availability: 'unknown',
    identity: null,
    connection: 'offline',
    conversationId: null,
  });

  const call = (method: keyof AppApi, args: unknown[]) =>
    new Promise((resolve, reject) => {
      if (boot.app) return resolve((boot.app[method] as (...a: unknown[]) => unknown)(...args));
      if (method == 'remove') return resolve(boot.teardown());
      if (method == 'getState' && !boot.loading) return resolve(notLoaded());
      queue.push([method, args, resolve, reject]);
      load();
    });

  const off = (event: string, listener: AnyListener) => {
    if (listeners[event]) listeners[event].delete(listener);
  };
  const api = {
    on(event: string, listener: AnyListener) {
      (listeners[event] ||= new Set()).add(listener);
      return () => off(event, listener);
    },
    off,
  } as unknown as ConfabApi;
  const methods = 'open close toggle load remove refresh getState identify logout setLocale'.split(' ');
  for (let i = 0; i < methods.length; i++) {
    const method = methods[i] as keyof AppApi;
    (api as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => call(method, args);
  }

  if (!config.inline) {
    const launcher = (boot.launcher = d.createElement('button'));
    // No type="button": in a shadow root there is no form for it to submit.
    launcher.part = 'launcher';
    launcher.setAttribute('aria-label', config.locale == 'nl' ? 'Chat openen' : 'Open chat');
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-haspopup', 'dialog');
    const icon = d.createElement('i');
    // Hidden until the app knows of unread replies; the app brings its style (widget.ts).
    const badge = (boot.badge = d.createElement('span'));
    badge.part = 'badge';
    badge.setAttribute('aria-hidden', 'true');
    badge.hidden = true;
    launcher.append(icon, badge);
    launcher.addEventListener('pointerenter', load);
    launcher.addEventListener('focus', load);
    launcher.addEventListener('click', () => api.toggle());
    root.append(launcher);
  }

  globals[bootKey] = boot;
  w.Confab = api;

  const mount = () => {
    let target: Element | null = null;
    try {
      target = config.inline ? d.querySelector(config.inline) : null;
    } catch {
      // An invalid selector: float instead.
    }
    (target || d.body).append(host);
    // Floating, it goes in the top layer where the browser has one: then a page's transform, filter
    // or contain on body (which would make body the box a fixed element sits in) cannot move it.
    if (!target && 'showPopover' in host) {
      host.popover = 'manual';
      host.showPopover();
    }
  };
  if (d.readyState == 'loading') d.addEventListener('DOMContentLoaded', mount);
  else mount();

  /**
   * Idle time, unless intent or a call came first: the app for a visitor who chatted before (their
   * unread replies); a first-time visitor's app waits for intent, and the loader says `ready` itself.
   * When it cannot tell: the app.
   */
  const idle = () =>
    boot.loading ||
    (boot.stored = mayHaveStored(config.site))
      .then((maybe) => {
        if (maybe) load();
        else if (!boot.loading) {
          boot.ready = true;
          boot.emit('ready', notLoaded());
        }
      })
      .catch(load);

  // Inline chat is visible at once; a floating one waits for intent or idle time.
  if (config.inline) load();
  else if ('requestIdleCallback' in w) requestIdleCallback(idle, { timeout: 5000 });
  else setTimeout(idle, 3000);
}

startLoader(window, document);

/**
 * Test kit for pages that load the REAL built script tag (dist/bundles/confab-widget.js, served by
 * web-test-runner from the repository root): add and remove the tag, reach into the widget's
 * shadow roots by role and name, and a WebSocket stand-in wired to an in-page memory backend.
 */
import { expect } from '@open-wc/testing';
import {
  createInboxClient,
  createMemoryPersistence,
  createWebSocketTransport,
  type InboxClient,
  type MemoryBackend,
  type VisitorClient,
} from '@confab/core';
import { inOrderDelivery } from '@confab/core/testing';
import { BOOT_KEY, type Boot, type ConfabApi } from '../boot.js';

export const LOADER_URL = '/packages/chat-widget/dist/bundles/confab-widget.js';

// Taken before any test patches the page's globals.
const stringify = JSON.stringify;
const parse = JSON.parse;

/** Waits until `check` returns something truthy, and returns it. */
export async function waitFor<T>(
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const start = performance.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The reference server web-test-runner.config.js starts, and a token of its test agent. */
export interface ReferenceServer {
  url: string;
  wsUrl: string;
  agentToken: string;
}

export async function referenceServer(): Promise<ReferenceServer> {
  const info = (await (await fetch('/__confab/server.json')).json()) as ReferenceServer;
  expect(info.url, 'the reference server runs (build it: npx tsc -b)').to.be.a('string');
  return info;
}

/** An agent's client on the reference server, over a real WebSocket. */
export function referenceAgent(server: ReferenceServer): InboxClient {
  return createInboxClient({
    transport: createWebSocketTransport({ url: server.wsUrl }),
    token: server.agentToken,
    persistence: createMemoryPersistence(),
  });
}

/** A unique site id, so that each test has its own persisted visitor. */
export function uniqueSite(): string {
  return `test-${Math.random().toString(36).slice(2, 10)}`;
}

/** Adds `<script async src=".../confab-widget.js" data-…>` and resolves once it ran. */
export function addWidgetScript(
  data: Record<string, string> = {},
  target: Document = document,
  nonce = '',
): Promise<HTMLScriptElement> {
  const script = target.createElement('script');
  script.async = true;
  script.src = LOADER_URL;
  if (nonce) script.nonce = nonce;
  for (const [key, value] of Object.entries(data)) script.dataset[key] = value;
  return new Promise((resolve, reject) => {
    script.onload = () => resolve(script);
    script.onerror = () => reject(new Error('the widget script did not load'));
    (target.head ?? target.documentElement).append(script);
  });
}

/** The running widget's boot record (what the loader handed the app). */
export function bootOf(win: Window = window): Boot | undefined {
  return (win as unknown as Record<symbol, Boot | undefined>)[Symbol.for(BOOT_KEY)];
}

export function confab(win: Window = window): ConfabApi {
  const api = win.Confab;
  if (!api) throw new Error('window.Confab is not defined');
  return api;
}

/** Removes the widget and every widget script tag (between tests). */
export async function removeWidget(win: Window = window) {
  await win.Confab?.remove().catch(() => undefined);
  for (const script of win.document.querySelectorAll('script[src*="confab-widget"]')) script.remove();
}

/** Every element below `root`, through open shadow roots. */
export function deepElements(root: ParentNode): Element[] {
  const found: Element[] = [];
  const walk = (node: ParentNode) => {
    for (const element of node.querySelectorAll('*')) {
      found.push(element);
      if (element.shadowRoot) walk(element.shadowRoot);
    }
  };
  if (root instanceof Element && root.shadowRoot) walk(root.shadowRoot);
  walk(root);
  return found;
}

function roleOf(element: Element): string | null {
  const explicit = element.getAttribute('role');
  if (explicit) return explicit;
  const tag = element.localName;
  if (tag === 'button') return 'button';
  if (tag === 'a' && element.hasAttribute('href')) return 'link';
  if (tag === 'textarea') return 'textbox';
  if (tag === 'progress') return 'progressbar';
  if (tag === 'img' && element.getAttribute('alt')) return 'img';
  if (tag === 'ul' || tag === 'ol') return 'list';
  if (tag === 'input')
    return ['email', 'text', ''].includes((element as HTMLInputElement).type)
      ? 'textbox'
      : (element as HTMLInputElement).type;
  if (/^h[1-6]$/.test(tag)) return 'heading';
  if (tag === 'fieldset') return 'group';
  if (tag === 'section' && (element.hasAttribute('aria-label') || element.hasAttribute('aria-labelledby')))
    return 'region';
  return null;
}

/** A simplified accessible name: aria-labelledby, aria-label, a `<label for>`, or the text. */
export function nameOf(element: Element): string {
  const root = element.getRootNode() as Document | ShadowRoot;
  const labelledBy = element.getAttribute('aria-labelledby');
  if (labelledBy)
    return labelledBy
      .split(/\s+/)
      .map((id) => root.getElementById(id)?.textContent ?? '')
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
  const label =
    element.getAttribute('aria-label') ?? (element.localName === 'img' ? element.getAttribute('alt') : null);
  if (label) return label.trim();
  const legend = element.localName === 'fieldset' ? element.querySelector(':scope > legend') : null;
  if (legend) return (legend.textContent ?? '').replace(/\s+/g, ' ').trim();
  if (element.id) {
    const forLabel = root.querySelector(`label[for="${element.id}"]`);
    if (forLabel) return (forLabel.textContent ?? '').replace(/\s+/g, ' ').trim();
  }
  return (element.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function isShown(element: Element): boolean {
  return (element as HTMLElement).checkVisibility?.() ?? true;
}

/** All shown elements of this role (and name: exact string, or a pattern). */
export function allByRole(root: ParentNode, role: string, name?: string | RegExp): HTMLElement[] {
  return deepElements(root).filter((element) => {
    if (roleOf(element) !== role || !isShown(element)) return false;
    if (name === undefined) return true;
    const actual = nameOf(element);
    return typeof name === 'string' ? actual === name : name.test(actual);
  }) as HTMLElement[];
}

export function queryByRole(root: ParentNode, role: string, name?: string | RegExp): HTMLElement | null {
  return allByRole(root, role, name)[0] ?? null;
}

export function getByRole(root: ParentNode, role: string, name?: string | RegExp): HTMLElement {
  const found = queryByRole(root, role, name);
  if (!found) throw new Error(`No ${role} named ${String(name)}`);
  return found;
}

export function findByRole(
  root: ParentNode,
  role: string,
  name?: string | RegExp,
  timeoutMs = 5000,
): Promise<HTMLElement> {
  return waitFor(() => queryByRole(root, role, name), `${role} ${String(name)}`, timeoutMs);
}

/** The widget's chat element, once the app created it. */
export function chatElement(win: Window = window): HTMLElement | null {
  const root = bootOf(win)?.root;
  if (!root) return null;
  return (
    ([...root.children].find((child) => child.localName.startsWith('confab-chat') && child.shadowRoot) as
      HTMLElement | undefined) ?? null
  );
}

/** The visitor client the widget's window shows. */
export function widgetClient(win: Window = window): VisitorClient | null {
  return (chatElement(win) as (HTMLElement & { client?: VisitorClient | null }) | null)?.client ?? null;
}

/** The text a visitor can read in the chat window. */
export function chatText(win: Window = window): string {
  return (chatElement(win)?.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ');
}

/** Types into the message field and sends, as a visitor would. */
export async function sendAsVisitor(text: string, win: Window = window) {
  const boot = bootOf(win)!;
  const field = (await findByRole(boot.root, 'textbox', /^(Message|Bericht)$/)) as HTMLTextAreaElement;
  field.value = text;
  field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  getByRole(boot.root, 'button', /^(Send|Versturen)$/).click();
}

/**
 * A stand-in for the browser's WebSocket that talks to an in-page memory backend, with a switch
 * for the network. Install it on a window BEFORE the widget script runs (the loader keeps the
 * WebSocket it finds, as it would on a real page).
 */
export interface FakeNetwork {
  readonly WebSocket: typeof WebSocket;
  /** Drops every link and refuses new ones until `up()`. */
  down(): void;
  up(): void;
  /** URLs the widget connected to. */
  readonly urls: string[];
}

export function createFakeNetwork(memory: MemoryBackend): FakeNetwork {
  let online = true;
  const sockets = new Set<FakeSocket>();
  const urls: string[] = [];

  class FakeSocket extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readonly url: string;
    readyState = 0;
    #onopen: ((event: Event) => void) | null = null;
    #onmessage: ((event: MessageEvent) => void) | null = null;
    #onclose: ((event: CloseEvent) => void) | null = null;
    #onerror: ((event: Event) => void) | null = null;
    #connection: ReturnType<MemoryBackend['backend']['connect']> | null = null;
    // Each way, frames arrive in the order they were sent, as on a real socket.
    #toPage = inOrderDelivery(1);
    #toServer = inOrderDelivery(1);

    constructor(url: string | URL) {
      super();
      this.url = String(url);
      urls.push(this.url);
      setTimeout(() => this.#open(), 1);
    }
    get onopen() {
      return this.#onopen;
    }
    set onopen(handler) {
      this.#onopen = handler;
    }
    get onmessage() {
      return this.#onmessage;
    }
    set onmessage(handler) {
      this.#onmessage = handler;
    }
    get onclose() {
      return this.#onclose;
    }
    set onclose(handler) {
      this.#onclose = handler;
    }
    get onerror() {
      return this.#onerror;
    }
    set onerror(handler) {
      this.#onerror = handler;
    }

    #open() {
      if (this.readyState !== 0) return;
      if (!online) {
        this.#closed(1006, 'network down');
        return;
      }
      sockets.add(this);
      this.readyState = 1;
      this.#connection = memory.backend.connect(
        (frame) => {
          const data = stringify(frame);
          this.#toPage(() => {
            if (this.readyState === 1) this.#onmessage?.(new MessageEvent('message', { data }));
          });
        },
        (code, reason) => this.#closed(code, reason),
      );
      this.#onopen?.(new Event('open'));
    }

    #closed(code: number, reason: string) {
      if (this.readyState === 3) return;
      this.readyState = 3;
      sockets.delete(this);
      this.#connection?.close();
      this.#connection = null;
      this.#onerror?.(new Event('error'));
      this.#onclose?.(new CloseEvent('close', { code, reason }));
    }

    send(data: string) {
      if (this.readyState !== 1) throw new Error('not open');
      // What arrives is exactly what the widget put on the wire (a broken JSON.stringify shows).
      // Parsed here with the original JSON.parse: the "server" shares this page's globals, and a
      // test that patches them must not break the server's side.
      const value: unknown = parse(data);
      const connection = this.#connection;
      this.#toServer(() => connection?.receive(value));
    }

    close(code = 1000, reason = '') {
      this.#closed(code, reason);
    }
  }

  return {
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    urls,
    down() {
      online = false;
      for (const socket of [...sockets]) socket.close(1006, 'network down');
    },
    up() {
      online = true;
      window.dispatchEvent(new Event('online'));
    },
  };
}

/** An agent record for a memory backend's seed. */
export function agentSeed(id: string, name: string, availability: 'available' | 'away' = 'available') {
  return {
    type: 'agent.upserted' as const,
    agent: {
      id,
      name,
      email: `${id}@team.example`,
      availability,
      role: 'admin' as const,
      invitePending: false,
      lastSeenAt: null,
      disabled: false,
    },
  };
}

/**
 * Adds the widget script with `network` as the page's WebSocket while the loader runs (it keeps
 * what it finds), then gives the page its own WebSocket back.
 */
export async function loadWidget(
  network: FakeNetwork,
  data: Record<string, string> = {},
  win: Window & typeof globalThis = window,
): Promise<ConfabApi> {
  const original = win.WebSocket;
  win.WebSocket = network.WebSocket;
  try {
    await addWidgetScript({ site: uniqueSite(), ...data }, win.document);
  } finally {
    win.WebSocket = original;
  }
  return confab(win);
}

/**
 * A page of its own in a same-origin srcdoc frame: its own globals to patch (without breaking the
 * test runner's), its own policy, and no dev-server script injected into it.
 */
export async function framePage(html: string): Promise<{ frame: HTMLIFrameElement; win: Window & typeof globalThis }> {
  const frame = document.createElement('iframe');
  frame.srcdoc = html;
  frame.width = '900';
  frame.height = '760';
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  return { frame, win: frame.contentWindow as Window & typeof globalThis };
}

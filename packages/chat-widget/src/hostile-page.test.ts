import { expect } from '@open-wc/testing';
import { createMemoryBackend, type MemoryBackend, type Principal } from '@confab/core';
import { unwrapWebSocket } from './pristine.js';
import {
  addWidgetScript,
  agentSeed,
  bootOf,
  chatElement,
  createFakeNetwork,
  findByRole,
  framePage,
  getByRole,
  loadWidget,
  removeWidget,
  sendAsVisitor,
  uniqueSite,
  waitFor,
  type FakeNetwork,
} from './testing/widget-page.js';

const ANNA: Principal = { kind: 'agent', agentId: 'agent-1' };

// This page took the widget's element name before the widget came (an old copy, or a namesake).
class PagesOwnChat extends HTMLElement {
  connectedCallback() {
    this.textContent = 'the page’s own element';
  }
}
customElements.define('confab-chat', PagesOwnChat);

/** The widget on a page that is hostile by accident: aggressive CSS resets and patched globals. */
describe('the widget on a hostile page', () => {
  let memory: MemoryBackend;
  let network: FakeNetwork;
  let reset: HTMLStyleElement;

  beforeEach(async () => {
    memory = createMemoryBackend({ seed: [agentSeed('agent-1', 'Anna')] });
    await memory.backend.ready;
    network = createFakeNetwork(memory);
    reset = document.createElement('style');
    reset.textContent = `
      * { all: unset; }
      html { font-size: 62.5%; }
      div { display: inline !important; position: static !important; font: 7px serif !important; color: red !important; }
      button { width: 10px !important; height: 10px !important; background: lime !important; }
    `;
    document.head.append(reset);
  });

  afterEach(async () => {
    reset.remove();
    await removeWidget();
  });

  it('W1 a page that already defined <confab-chat> keeps its element, and the widget still opens', async () => {
    const api = await loadWidget(network);
    await api.open();
    const chat = await waitFor(() => chatElement(), 'the chat element');
    expect(chat.localName).to.not.equal('confab-chat');
    expect(chat.localName.startsWith('confab-chat-')).to.equal(true);
    expect(customElements.get('confab-chat')).to.equal(PagesOwnChat);
    expect(await findByRole(chat.shadowRoot!, 'dialog', 'Chat with us')).to.exist;
  });

  it('W1 CSS resets (* { all: unset }, html { font-size: 62.5% }, !important rules) change nothing in the widget', async () => {
    const api = await loadWidget(network);
    const boot = bootOf()!;
    const launcher = getByRole(boot.root, 'button', 'Open chat');
    const box = launcher.getBoundingClientRect();
    expect([box.width, box.height]).to.deep.equal([56, 56]);
    expect(Math.round(innerWidth - box.right)).to.equal(20);
    expect(Math.round(innerHeight - box.bottom)).to.equal(20);
    expect(getComputedStyle(boot.host).position).to.equal('fixed');
    await api.open();
    const chat = await waitFor(() => chatElement(), 'the chat element');
    const dialog = await findByRole(chat.shadowRoot!, 'dialog', 'Chat with us');
    expect(dialog.getBoundingClientRect().width).to.equal(370);
    const title = chat.shadowRoot!.querySelector('h2')!;
    expect(getComputedStyle(title).fontSize).to.equal('17px');
    expect(getComputedStyle(chat.shadowRoot!.querySelector('textarea')!).fontSize).to.equal('14px');
    expect(getComputedStyle(title).color).to.equal('rgb(255, 255, 255)');
  });

  it('W1 a right-to-left page (dir="rtl", direction: rtl !important on the host) does not mirror the widget', async () => {
    const rtl = document.createElement('style');
    rtl.textContent = 'div { direction: rtl !important; unicode-bidi: bidi-override !important; }';
    document.head.append(rtl);
    document.documentElement.dir = 'rtl';
    try {
      const api = await loadWidget(network);
      await api.open();
      const chat = await waitFor(() => chatElement(), 'the chat element');
      const dialog = await findByRole(chat.shadowRoot!, 'dialog', 'Chat with us');
      expect(getComputedStyle(dialog).direction).to.equal('ltr');
      const title = getByRole(chat.shadowRoot!, 'heading', 'Chat with us').getBoundingClientRect();
      const close = getByRole(chat.shadowRoot!, 'button', 'Close chat').getBoundingClientRect();
      expect(title.left, 'the title starts on the left').to.be.below(close.left);
    } finally {
      document.documentElement.removeAttribute('dir');
      rtl.remove();
    }
  });

  it('W1 patched globals (Array.prototype.toJSON, JSON.stringify, JSON.parse, fetch) do not break chatting, and stay patched for the page', async () => {
    // A page of its own, so that its patched globals do not break the test runner's messages.
    const { frame, win } = await framePage(
      '<!doctype html><html lang="en"><head><title>Old shop</title></head><body><h1>Old shop</h1></body></html>',
    );
    try {
      const api = await loadWidget(network, {}, win);
      await api.open();
      await waitFor(async () => (await api.getState()).connection === 'online', 'online');
      const arrayPrototype = win.Array.prototype as unknown as { toJSON?: () => unknown };
      // What old libraries did: Prototype.js's Array#toJSON, a "safe" JSON shim, a fetch wrapper.
      const hijackedStringify = () => '"hijacked"';
      const hijackedParse = () => ({ hijacked: true });
      const blockedFetch = () => Promise.reject(new Error('fetch is blocked by this page'));
      arrayPrototype.toJSON = function () {
        return 'not an array';
      };
      win.JSON.stringify = hijackedStringify as typeof JSON.stringify;
      win.JSON.parse = hijackedParse as typeof JSON.parse;
      win.fetch = blockedFetch as typeof fetch;

      await sendAsVisitor('Hello despite the page', win);
      const conversation = await waitFor(
        () => [...memory.backend.state.conversations.values()][0],
        'the chat reaches the team',
      );
      expect(conversation.preview).to.equal('Hello despite the page');
      await memory.backend.execute(ANNA, {
        type: 'message.reply',
        conversationId: conversation.id,
        text: 'We hear you',
      });
      await waitFor(() => chatElement(win)!.shadowRoot!.textContent!.includes('We hear you'), 'the reply arrives');
      await sendAsVisitor('And a second one', win);
      await waitFor(
        () =>
          (memory.backend.state.messages.get(conversation.id) ?? []).some(
            (message) => message.text === 'And a second one',
          ),
        'the second message',
      );
      expect(win.JSON.stringify, 'the page keeps its own versions').to.equal(hijackedStringify);
      expect(win.JSON.parse).to.equal(hijackedParse);
      expect(win.fetch).to.equal(blockedFetch);
      expect(arrayPrototype.toJSON).to.be.a('function');
      await removeWidget(win);
    } finally {
      frame.remove();
    }
  });

  for (const kind of ['a subclass', 'a wrapper function', 'a Proxy'] as const)
    it(`W1 a page that replaced WebSocket with ${kind} that logs and rewrites every frame still chats, and keeps its patch`, async () => {
      const { frame, win } = await framePage(
        '<!doctype html><html lang="en"><head><title>Tracked shop</title></head><body><h1>Tracked shop</h1></body></html>',
      );
      try {
        // The analytics script ran before the widget's tag, as it does on most pages.
        const tracker = analyticsSocket(kind, network.WebSocket);
        win.WebSocket = tracker.WebSocket;
        await addWidgetScript({ site: uniqueSite() }, win.document);
        const api = win.Confab!;
        await api.open();
        await waitFor(async () => (await api.getState()).connection === 'online', 'online');
        await sendAsVisitor('Hello past the tracker', win);
        const conversation = await waitFor(
          () => [...memory.backend.state.conversations.values()][0],
          'the chat reaches the team',
        );
        expect(conversation.preview).to.equal('Hello past the tracker');
        await memory.backend.execute(ANNA, {
          type: 'message.reply',
          conversationId: conversation.id,
          text: 'Reply past the tracker',
        });
        await waitFor(() => chatElement(win)!.shadowRoot!.textContent!.includes('Reply past the tracker'), 'the reply');

        // The page's own sockets still go through its tracker.
        expect(win.WebSocket).to.equal(tracker.WebSocket);
        const own = new win.WebSocket('ws://127.0.0.1:9/page-analytics');
        await waitFor(() => own.readyState === 1, 'the page’s own socket opens');
        own.send('{"page":"own frame"}');
        own.close();
        expect(tracker.sent).to.deep.equal(['{"page":"own frame"}']);
        await removeWidget(win);
      } finally {
        frame.remove();
      }
    });

  it('W1 a script that patches WebSocket.prototype.send and onmessage after the chat started does not rewrite the widget’s frames, and the page keeps its patch', async () => {
    const { frame, win } = await framePage(
      '<!doctype html><html lang="en"><head><title>Replayed shop</title></head><body><h1>Replayed shop</h1></body></html>',
    );
    try {
      const api = await loadWidget(network, {}, win);
      await api.open();
      await waitFor(async () => (await api.getState()).connection === 'online', 'online');
      // A session-replay script loaded later patches the class's prototype in place.
      const prototype = network.WebSocket.prototype;
      const { send } = prototype;
      const accessor = Object.getOwnPropertyDescriptor(prototype, 'onmessage')!;
      const recorded: string[] = [];
      const recordingSend = function (this: WebSocket, data: string) {
        recorded.push(data);
        send.call(this, `{"tracked":${JSON.stringify(data)}}`);
      };
      prototype.send = recordingSend;
      Object.defineProperty(prototype, 'onmessage', {
        configurable: true,
        get: accessor.get,
        set(this: WebSocket, handler: ((event: MessageEvent) => void) | null) {
          const tracked = (event: MessageEvent) =>
            handler?.(new MessageEvent('message', { data: `tracked:${event.data}` }));
          accessor.set!.call(this, handler && tracked);
        },
      });
      // A new link after a network blip is made under the patch too.
      network.down();
      network.up();
      await waitFor(async () => (await api.getState()).connection === 'online', 'online again');
      await sendAsVisitor('Hello past the recorder', win);
      const conversation = await waitFor(
        () => [...memory.backend.state.conversations.values()][0],
        'the chat reaches the team',
      );
      expect(conversation.preview).to.equal('Hello past the recorder');
      await memory.backend.execute(ANNA, {
        type: 'message.reply',
        conversationId: conversation.id,
        text: 'Reply past the recorder',
      });
      await waitFor(() => chatElement(win)!.shadowRoot!.textContent!.includes('Reply past the recorder'), 'the reply');

      expect(prototype.send).to.equal(recordingSend);
      const own = new network.WebSocket('ws://127.0.0.1:9/page-analytics');
      await waitFor(() => own.readyState === 1, 'the page’s own socket opens');
      own.send('{"page":"own frame"}');
      own.close();
      expect(recorded).to.deep.equal(['{"page":"own frame"}']);
      await removeWidget(win);
    } finally {
      frame.remove();
    }
  });

  it('W1 the WebSocket beneath a subclass, a wrapper function or a Proxy is the class they wrap; a plain class stays itself', () => {
    class Socket extends EventTarget {
      onmessage: ((event: MessageEvent) => void) | null = null;
      send() {}
      close() {}
    }
    const Base = Socket as unknown as typeof WebSocket;
    for (const kind of ['a subclass', 'a wrapper function', 'a Proxy'] as const)
      expect(unwrapWebSocket(analyticsSocket(kind, Base).WebSocket), kind).to.equal(Base);
    expect(unwrapWebSocket(Base)).to.equal(Base);
    expect(unwrapWebSocket(WebSocket), 'the browser’s own').to.equal(WebSocket);
    class Twice extends analyticsSocket('a subclass', Base).WebSocket {}
    expect(unwrapWebSocket(Twice), 'wrapped twice').to.equal(Base);
  });
});

/**
 * What session-replay and analytics scripts do to WebSocket, in its three shapes: every frame
 * sent is logged and wrapped in an envelope, every frame received gets a prefix. A client that
 * used this WebSocket would neither be understood nor understand.
 */
function analyticsSocket(kind: 'a subclass' | 'a wrapper function' | 'a Proxy', Original: typeof WebSocket) {
  const sent: string[] = [];
  const envelope = (data: unknown) => `{"tracked":${JSON.stringify(String(data))}}`;
  const tamper = (socket: WebSocket) => {
    const send = socket.send.bind(socket);
    socket.send = (data) => {
      sent.push(String(data));
      send(envelope(data));
    };
    const descriptor = findDescriptor(socket, 'onmessage');
    Object.defineProperty(socket, 'onmessage', {
      configurable: true,
      get: () => descriptor?.get?.call(socket),
      set: (handler: ((event: MessageEvent) => void) | null) =>
        descriptor?.set?.call(
          socket,
          handler && ((event: MessageEvent) => handler(new MessageEvent('message', { data: `tracked:${event.data}` }))),
        ),
    });
    return socket;
  };
  let Patched: typeof WebSocket;
  if (kind === 'a subclass') {
    Patched = class TrackedWebSocket extends Original {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        tamper(this);
      }
    };
  } else if (kind === 'a wrapper function') {
    const TrackedWebSocket = function (url: string | URL, protocols?: string | string[]) {
      return tamper(new Original(url, protocols));
    };
    TrackedWebSocket.prototype = Original.prototype;
    Patched = TrackedWebSocket as unknown as typeof WebSocket;
  } else {
    Patched = new Proxy(Original, {
      construct: (target, args: [string]) => tamper(new target(...args)),
    });
  }
  return { WebSocket: Patched, sent };
}

function findDescriptor(object: object, key: string): PropertyDescriptor | undefined {
  for (let current: object | null = object; current; current = Object.getPrototypeOf(current) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(current, key);
    if (descriptor) return descriptor;
  }
  return undefined;
}

import { expect } from '@open-wc/testing';
import { openPersistence, type InboxClient } from '@confab/core';
import {
  addWidgetScript,
  bootOf,
  chatElement,
  chatText,
  confab,
  referenceAgent,
  referenceServer,
  removeWidget,
  sendAsVisitor,
  uniqueSite,
  waitFor,
  widgetClient,
} from './testing/widget-page.js';

/** The reference server runs with its demo identity settings (web-test-runner.config.js). */
const DEMO_SECRET = 'demo-identity-secret';
const DEMO_AUDIENCE = 'confab-demo';

const encoder = new TextEncoder();
const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');

/** Signs an identity as a site's backend would with any JWT library: an HS256 JWT, by hand. */
async function identityToken(email: string, name: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => base64url(encoder.encode(JSON.stringify(value)));
  const signingInput = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ email, name, aud: DEMO_AUDIENCE, iat: now, exp: now + 3600 })}`;
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(DEMO_SECRET),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(signingInput)));
  return `${signingInput}.${base64url(signature)}`;
}

/**
 * The page's WebSocket, as the widget finds it when its script runs: a real socket underneath
 * that records every frame it receives, and a switch for the network (down: the open sockets
 * drop and new ones go nowhere). Its own class on EventTarget, like the browser's, so the
 * widget takes it as the page's socket rather than unwrapping it as a page's patch.
 */
function recordingNetwork() {
  const Native = window.WebSocket;
  const sockets: RecordingSocket[] = [];
  const received: Array<{ socket: number; data: string }> = [];
  let up = true;

  class RecordingSocket extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readonly url: string;
    #native: WebSocket;
    #onopen: ((event: Event) => void) | null = null;
    #onmessage: ((event: MessageEvent) => void) | null = null;
    #onclose: ((event: CloseEvent) => void) | null = null;
    #onerror: ((event: Event) => void) | null = null;

    constructor(url: string | URL) {
      super();
      this.url = String(url);
      // Port 9 (discard) refuses the connection: the transport sees a dead network and retries.
      this.#native = new Native(up ? url : 'ws://127.0.0.1:9/ws');
      const index = sockets.push(this) - 1;
      this.#native.onopen = (event) => this.#onopen?.(event);
      this.#native.onmessage = (event: MessageEvent) => {
        received.push({ socket: index, data: String(event.data) });
        this.#onmessage?.(event);
      };
      this.#native.onclose = (event) => this.#onclose?.(event);
      this.#native.onerror = (event) => this.#onerror?.(event);
    }
    get readyState() {
      return this.#native.readyState;
    }
    get bufferedAmount() {
      return this.#native.bufferedAmount;
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
    send(data: string) {
      this.#native.send(data);
    }
    close(code?: number, reason?: string) {
      this.#native.close(code, reason);
    }
  }

  return {
    WebSocket: RecordingSocket as unknown as typeof WebSocket,
    sockets,
    received,
    down() {
      up = false;
      for (const socket of sockets) socket.close();
    },
    up() {
      up = true;
      window.dispatchEvent(new Event('online'));
    },
  };
}

/** Samples what the page shows on every animation frame, until stopped. */
function everyFrame(sample: () => void): () => void {
  let running = true;
  const loop = () => {
    if (!running) return;
    sample();
    requestAnimationFrame(loop);
  };
  loop();
  return () => {
    running = false;
  };
}

/** Everything the widget stored for this site, as text. */
async function storedText(site: string): Promise<string> {
  const storage = await openPersistence(`confab-widget-${site}`);
  try {
    return JSON.stringify(await storage.entries(''));
  } finally {
    storage.close?.();
  }
}

describe('switching identity in one browser, against the reference server (issue 7 item 12)', () => {
  let inbox: InboxClient | null = null;
  const restore = window.WebSocket;

  afterEach(async () => {
    window.WebSocket = restore;
    inbox?.close();
    await removeWidget();
  });

  it('W2 verified A → verified B → signed out: nothing of the one before shows (not for a frame), is sent, stays stored, or reaches the socket', async () => {
    const info = await referenceServer();
    const tag = Math.random().toString(36).slice(2, 8);
    const ann = { email: `ann-${tag}@example.com`, name: 'Ann' };
    const bob = { email: `bob-${tag}@example.com`, name: 'Bob' };
    const annText = `ann-secret-${tag}`;
    const annQueued = `ann-queued-${tag}`;
    const annDraft = `ann-draft-${tag}`;
    const bobText = `bob-secret-${tag}`;

    const agent = referenceAgent(info);
    inbox = agent;
    const network = recordingNetwork();
    const site = uniqueSite();
    window.WebSocket = network.WebSocket;
    await addWidgetScript({ server: info.url, site });
    window.WebSocket = restore;
    const api = confab();

    // A signs in and chats; the agent sees it.
    await api.identify(ann, await identityToken(ann.email, ann.name));
    await api.open();
    await waitFor(async () => (await api.getState()).identity?.verified, 'A verified', 8000);
    await sendAsVisitor(annText);
    const annChat = await waitFor(
      () => [...agent.store.state.conversations.values()].find((conversation) => conversation.preview === annText),
      'A’s chat in the inbox',
      8000,
    );
    const annContact = agent.store.state.contacts.get(annChat.contactId!);
    expect(annContact?.email).to.equal(ann.email);
    expect(annContact?.verified).to.equal(true);
    await waitFor(() => widgetClient()?.pending.get().length === 0, 'A’s message confirmed');

    // Offline, A queues a message and leaves a draft.
    network.down();
    await waitFor(async () => (await api.getState()).connection !== 'online', 'offline', 8000);
    await sendAsVisitor(annQueued);
    await waitFor(() => widgetClient()?.pending.get().length === 1, 'A’s message queued');
    const field = chatElement()!.shadowRoot!.querySelector('textarea')!;
    field.value = annDraft;
    field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    const annSockets = network.sockets.length;

    // B signs in on the same browser. From the moment the call is made, nothing of A may show.
    const bobToken = await identityToken(bob.email, bob.name);
    const switching = api.identify(bob, bobToken);
    const shownOfAnn: string[] = [];
    const stopWatching = everyFrame(() => {
      const text = chatText();
      const field = chatElement()?.shadowRoot?.querySelector('textarea');
      if (text.includes(annText) || text.includes(annQueued)) shownOfAnn.push(`frame: ${text.slice(0, 120)}`);
      if (field?.value.includes(annDraft)) shownOfAnn.push('the draft in the message field');
      const client = widgetClient();
      if (client?.store.state.conversations.has(annChat.id)) shownOfAnn.push('A’s conversation in the replica');
      if (JSON.stringify(client?.pending.get() ?? []).includes(annQueued)) shownOfAnn.push('A’s queued command');
    });
    network.up();
    await switching;
    await waitFor(
      async () => {
        const state = await api.getState();
        return state.connection === 'online' && state.identity?.email === bob.email;
      },
      'B online and verified',
      8000,
    );
    await sendAsVisitor(bobText);
    const bobChat = await waitFor(
      () => [...agent.store.state.conversations.values()].find((conversation) => conversation.preview === bobText),
      'B’s chat in the inbox',
      8000,
    );
    expect(bobChat.contactId).to.not.equal(annChat.contactId);
    expect(agent.store.state.contacts.get(bobChat.contactId!)?.email).to.equal(bob.email);
    expect(agent.store.state.contacts.get(annChat.contactId!)?.email, 'A stays A').to.equal(ann.email);

    // The old socket hears nothing more: the agent replies to A; none of it reaches this page.
    const afterSwitch = network.received.length;
    const annReply = `reply-to-ann-${tag}`;
    await agent.send({ type: 'message.reply', conversationId: annChat.id, text: annReply });
    const bobReply = `reply-to-bob-${tag}`;
    await agent.send({ type: 'message.reply', conversationId: bobChat.id, text: bobReply });
    await waitFor(() => chatText().includes(bobReply), 'B gets their reply', 8000);
    stopWatching();
    expect(shownOfAnn, 'what B saw of A').to.deep.equal([]);
    const heard = network.received.slice(afterSwitch).map((frame) => frame.data);
    expect(heard.join('\n')).to.not.contain(annReply);
    for (const socket of network.sockets.slice(0, annSockets))
      expect(socket.readyState, 'A’s sockets are closed').to.equal(WebSocket.CLOSED);
    // A's queued message was never sent, as anyone.
    const annMessages = agent.store.state.messages.get(annChat.id) ?? [];
    expect(annMessages.map((message) => message.text)).to.not.include(annQueued);
    expect(JSON.stringify([...agent.store.state.messages.values()])).to.not.contain(annQueued);
    const stored = await storedText(site);
    expect(stored).to.not.contain(annText);
    expect(stored).to.not.contain(annQueued);
    expect(stored).to.not.contain(annDraft);
    expect(stored).to.not.contain(ann.email);

    // B signs out: the window stays, empty, for a new anonymous visitor.
    const bobSockets = network.sockets.length;
    const loggingOut = bootOf()!.app!.logout();
    const shownOfBob: string[] = [];
    const stopWatchingBob = everyFrame(() => {
      if (chatText().includes(bobText) || chatText().includes(bobReply)) shownOfBob.push(chatText().slice(0, 120));
      if (widgetClient()?.store.state.conversations.has(bobChat.id)) shownOfBob.push('B’s conversation in the replica');
    });
    await loggingOut;
    await waitFor(async () => (await api.getState()).connection === 'online', 'the new visitor online', 8000);
    const state = await api.getState();
    expect(state.identity).to.equal(null);
    expect(state.conversationId).to.equal(null);
    const anonymous = widgetClient()!.status.get().principal;
    expect(anonymous?.kind === 'visitor' && anonymous.contactId).to.not.equal(bobChat.contactId);
    const afterLogout = network.received.length;
    const lateReply = `late-reply-to-bob-${tag}`;
    await agent.send({ type: 'message.reply', conversationId: bobChat.id, text: lateReply });
    await waitFor(
      () => (agent.store.state.messages.get(bobChat.id) ?? []).some((message) => message.text === lateReply),
      'the late reply in the inbox',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    stopWatchingBob();
    expect(shownOfBob, 'what the next visitor saw of B').to.deep.equal([]);
    expect(
      network.received
        .slice(afterLogout)
        .map((frame) => frame.data)
        .join('\n'),
    ).to.not.contain(lateReply);
    for (const socket of network.sockets.slice(annSockets, bobSockets))
      expect(socket.readyState, 'B’s sockets are closed').to.equal(WebSocket.CLOSED);
    const storedAfter = await storedText(site);
    expect(storedAfter).to.not.contain(bobText);
    expect(storedAfter).to.not.contain(bob.email);
  });

  it('W2 the same person identified again with a fresh token keeps the window, the conversation and the session', async () => {
    const info = await referenceServer();
    const tag = Math.random().toString(36).slice(2, 8);
    const cleo = { email: `cleo-${tag}@example.com`, name: 'Cleo' };
    const text = `cleo-${tag}`;
    await addWidgetScript({ server: info.url, site: uniqueSite() });
    const api = confab();
    await api.identify(cleo, await identityToken(cleo.email, cleo.name));
    await api.open();
    await waitFor(async () => (await api.getState()).identity?.verified, 'verified', 8000);
    await sendAsVisitor(text);
    await waitFor(() => widgetClient()?.pending.get().length === 0 && chatText().includes(text), 'sent', 8000);
    const before = await api.getState();
    const chatWindow = chatElement();
    const principal = widgetClient()!.status.get().principal;

    const fresh = await identityToken(cleo.email.toUpperCase(), cleo.name);
    await api.identify({ ...cleo, email: cleo.email.toUpperCase() }, fresh);
    expect(chatElement(), 'the same window').to.equal(chatWindow);
    await waitFor(
      () => JSON.stringify(widgetClient()!.status.get().principal) === JSON.stringify(principal),
      'welcomed as the same contact',
      8000,
    );
    await waitFor(() => chatText().includes(text), 'the conversation shown again', 8000);
    expect((await api.getState()).conversationId).to.equal(before.conversationId);
  });

  it('W2 logout() on a page where the chat never connected still deletes what an earlier page stored', async () => {
    const info = await referenceServer();
    const tag = Math.random().toString(36).slice(2, 8);
    const dana = { email: `dana-${tag}@example.com`, name: 'Dana' };
    const text = `dana-${tag}`;
    const site = uniqueSite();
    await addWidgetScript({ server: info.url, site });
    await confab().identify(dana, await identityToken(dana.email, dana.name));
    await confab().open();
    await sendAsVisitor(text);
    await waitFor(() => widgetClient()?.pending.get().length === 0 && chatText().includes(text), 'sent', 8000);
    await waitFor(async () => (await storedText(site)).includes(dana.email), 'stored', 8000);
    await removeWidget();

    // The next page: the site signs its user out before the chat app even ran (the call waits in
    // the loader's queue and runs first, before any client exists on this page).
    await addWidgetScript({ server: info.url, site });
    const boot = bootOf()!;
    const loggedOut = new Promise((resolve, reject) => boot.queue.push(['logout', [], resolve, reject]));
    await confab().load();
    await loggedOut;
    const left = await storedText(site);
    expect(left).to.not.contain(dana.email);
    expect(left).to.not.contain(text);
    await waitFor(async () => (await confab().getState()).connection === 'online', 'a new visitor online', 8000);
    expect((await confab().getState()).identity).to.equal(null);
    await confab().open();
    await waitFor(() => widgetClient()?.status.get().ready, 'the window shows the new visitor', 8000);
    expect(chatText()).to.not.contain(text);
    expect(widgetClient()!.store.state.conversations.size).to.equal(0);
  });
});

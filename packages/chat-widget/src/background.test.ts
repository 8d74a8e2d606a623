import { expect } from '@open-wc/testing';
import type { InboxClient } from '@confab/core';
import type { ConfabApi, ConfabEventDetails } from './boot.js';
import {
  LOADER_URL,
  addWidgetScript,
  bootOf,
  chatElement,
  confab,
  framePage,
  referenceAgent,
  referenceServer,
  removeWidget,
  sendAsVisitor,
  uniqueSite,
  waitFor,
  type ReferenceServer,
} from './testing/widget-page.js';

/** The test's agent connects with this in its URL, so that its frames are told apart from the widget's. */
const AGENT_MARK = 'as=agent';

/**
 * Counts what the widget's WebSockets on the page send. The widget takes `send` from the class
 * when its client starts (pristine.ts), so a wrapper installed before the script tag sees the
 * page's frames; a worker's sockets are not the page's.
 */
function countPageFrames(win: Window & typeof globalThis = window) {
  const prototype = win.WebSocket.prototype;
  const send = prototype.send;
  const counter = { frames: 0, restore: () => void (prototype.send = send) };
  prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
    if (!this.url.includes(AGENT_MARK)) counter.frames += 1;
    send.call(this, data);
  };
  return counter;
}

const markedAgent = (info: ReferenceServer) => referenceAgent({ ...info, wsUrl: `${info.wsUrl}?${AGENT_MARK}` });

/** A visitor chats on one page of `site` and leaves it: on the next page they are a returning visitor. */
async function chatOnce(info: ReferenceServer, site: string, agent: InboxClient) {
  await addWidgetScript({ server: info.url, site });
  const api = confab();
  await api.open();
  await waitFor(async () => (await api.getState()).connection === 'online', 'online', 8000);
  const question = `Anyone there? ${Math.random().toString(36).slice(2, 8)}`;
  await sendAsVisitor(question);
  const conversation = await waitFor(
    () => [...agent.store.state.conversations.values()].find((candidate) => candidate.preview === question),
    'the chat in the inbox',
    8000,
  );
  await removeWidget();
  return conversation.id;
}

function listen<E extends keyof ConfabEventDetails>(api: ConfabApi, event: E): ConfabEventDetails[E][] {
  const heard: ConfabEventDetails[E][] = [];
  api.on(event, (detail) => heard.push(detail));
  return heard;
}

/** Real script tag, real reference server (web-test-runner.config.js), real worker. */
describe('a returning visitor’s client in a worker until the chat opens (DESIGN §4)', () => {
  let agent: InboxClient | null = null;

  afterEach(async () => {
    agent?.close();
    agent = null;
    await removeWidget();
  });

  it('W2 replies while they browse count on the badge and reach the page’s listeners, while the page sends nothing; on open the page takes over without repeating a reply', async () => {
    const info = await referenceServer();
    const site = uniqueSite();
    agent = markedAgent(info);
    const conversationId = await chatOnce(info, site, agent);

    const page = countPageFrames();
    try {
      await addWidgetScript({ server: info.url, site });
      const api = confab();
      const received = listen(api, 'message-received');
      const unreadCounts = listen(api, 'unread-count-changed');
      const availabilities = listen(api, 'availability-changed');
      await waitFor(async () => (await api.getState()).connection === 'online', 'the worker’s client online', 8000);
      await agent.send({ type: 'message.reply', conversationId, text: 'A reply while you browse' });
      await waitFor(() => received.length === 1, 'the reply heard on the page', 8000);
      expect(received[0]).to.include({ conversationId, text: 'A reply while you browse', author: 'agent' });
      await waitFor(async () => (await api.getState()).unread === 1, 'one unread', 8000);
      const { badge, launcher } = bootOf()!;
      expect(badge!.hidden).to.equal(false);
      expect(badge!.textContent).to.equal('1');
      expect(launcher!.getAttribute('aria-label')).to.equal('Open chat, 1 unread message');
      expect(page.frames, 'frames sent from the page').to.equal(0);

      await api.open();
      await waitFor(
        () => chatElement()?.shadowRoot?.textContent?.includes('A reply while you browse'),
        'the reply in the window',
        8000,
      );
      await waitFor(() => page.frames > 0, 'the page’s own client connected', 8000);
      await agent.send({ type: 'message.reply', conversationId, text: 'And one more' });
      await waitFor(() => chatElement()?.shadowRoot?.textContent?.includes('And one more'), 'the next reply', 8000);
      await waitFor(() => received.length === 2, 'the next reply heard', 8000);
      expect(received.map((message) => message.text)).to.deep.equal(['A reply while you browse', 'And one more']);
      expect((await api.getState()).unread).to.equal(0);
      // The page's client took over without the badge or the team's availability blinking back.
      expect(unreadCounts.map(({ unread }) => unread)).to.deep.equal([1, 0]);
      expect(availabilities.map(({ availability }) => availability)).to.have.lengthOf(1);
    } finally {
      page.restore();
    }
  });

  it('on a page whose policy refuses the worker, the returning visitor’s client connects from the page', async () => {
    const info = await referenceServer();
    const site = uniqueSite();
    agent = markedAgent(info);
    const conversationId = await chatOnce(info, site, agent);

    // The same origin as this page, so the same stored visitor.
    const { frame, win } = await framePage(`<!doctype html>
<html lang="en">
  <head>
    <meta http-equiv="Content-Security-Policy" content="worker-src 'none'">
    <title>A page that allows no workers</title>
  </head>
  <body><h1>A page that allows no workers</h1></body>
</html>`);
    const page = countPageFrames(win);
    try {
      const violations: string[] = [];
      win.document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));
      const script = win.document.createElement('script');
      script.src = LOADER_URL;
      script.dataset.server = info.url;
      script.dataset.site = site;
      win.document.head.append(script);
      const api = await waitFor(() => win.Confab, 'window.Confab');
      const received = listen(api, 'message-received');
      await waitFor(async () => (await api.getState()).connection === 'online', 'online from the page', 8000);
      expect(page.frames).to.be.greaterThan(0);
      await agent.send({ type: 'message.reply', conversationId, text: 'A reply to a strict page' });
      await waitFor(() => received.length === 1, 'the reply heard on the page', 8000);
      await waitFor(async () => (await api.getState()).unread === 1, 'one unread', 8000);
      expect(violations.every((directive) => directive.startsWith('worker-src'))).to.equal(true);
    } finally {
      page.restore();
      await removeWidget(win);
      frame.remove();
    }
  });
});

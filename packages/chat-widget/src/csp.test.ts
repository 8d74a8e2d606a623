import { expect } from '@open-wc/testing';
import { createMemoryBackend } from '@confab/core';
import {
  addWidgetScript,
  agentSeed,
  bootOf,
  chatElement,
  createFakeNetwork,
  findByRole,
  framePage,
  sendAsVisitor,
  uniqueSite,
  waitFor,
} from './testing/widget-page.js';

const NONCE = 'confab-test-nonce';

type CspWindow = Window & typeof globalThis & { violations: string[] };

/**
 * A page whose Content-Security-Policy allows no inline styles and scripts only with its nonce.
 * It is a srcdoc frame (same origin as the tests), so no dev-server script is injected into it.
 */
const STRICT_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'nonce-${NONCE}'; style-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; object-src 'none'; base-uri 'self'">
    <title>A page with a strict Content-Security-Policy</title>
    <script nonce="${NONCE}">
      window.violations = [];
      document.addEventListener('securitypolicyviolation', function (event) {
        window.violations.push(event.violatedDirective + ' ' + event.blockedURI + ' ' + (event.sample || ''));
      });
    </script>
  </head>
  <body>
    <h1>A page with a strict Content-Security-Policy</h1>
  </body>
</html>`;

describe('the widget under a strict Content-Security-Policy', () => {
  it('W1 with script-src nonce and style-src self, the widget loads, is styled, chats, and causes no CSP violation', async () => {
    const { frame, win: page } = await framePage(STRICT_PAGE);
    const win = page as CspWindow;
    try {
      const memory = createMemoryBackend({ seed: [agentSeed('agent-1', 'Anna')] });
      await memory.backend.ready;
      const network = createFakeNetwork(memory);
      const original = win.WebSocket;
      win.WebSocket = network.WebSocket;
      await addWidgetScript({ site: uniqueSite() }, win.document, NONCE).finally(() => (win.WebSocket = original));

      const api = win.Confab!;
      await api.open();
      const boot = bootOf(win)!;
      const launcher = await findByRole(boot.root, 'button', 'Close chat');
      // Styles arrived (constructable stylesheets, which CSP does not block).
      expect(launcher.getBoundingClientRect().width).to.equal(56);
      const chat = await waitFor(() => chatElement(win), 'the chat element');
      const dialog = await findByRole(chat.shadowRoot!, 'dialog', 'Chat with us');
      expect(dialog.getBoundingClientRect().width).to.equal(370);
      expect(win.getComputedStyle(chat.shadowRoot!.querySelector('header')!).display).to.equal('flex');
      // The app script was added with the page's nonce.
      const appScript = win.document.querySelector<HTMLScriptElement>('script[src*="confab-widget-app"]');
      expect(appScript?.nonce).to.equal(NONCE);

      await waitFor(async () => (await api.getState()).connection === 'online', 'online');
      await sendAsVisitor('Hello from a strict page', win);
      await waitFor(
        () => [...memory.backend.state.conversations.values()].some((c) => c.preview === 'Hello from a strict page'),
        'the message reaches the team',
      );
      expect(win.violations).to.deep.equal([]);
    } finally {
      frame.remove();
    }
  });
});

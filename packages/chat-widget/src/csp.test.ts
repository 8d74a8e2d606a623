import { expect } from '@open-wc/testing';
import { createMemoryBackend } from '@confab/core';
import {
  LOADER_URL,
  agentSeed,
  bootOf,
  chatElement,
  createFakeNetwork,
  findByRole,
  framePage,
  removeWidget,
  sendAsVisitor,
  uniqueSite,
  waitFor,
} from './testing/widget-page.js';

const NONCE = 'confab-test-nonce';

type CspWindow = Window & typeof globalThis & { violations: string[] };
type TestWindow = Window & { cspTestNetwork?: ReturnType<typeof createFakeNetwork> };

/**
 * A page whose Content-Security-Policy allows no inline styles, scripts only with its nonce, and
 * requires Trusted Types with Lit's policy as the only one (README "Content-Security-Policy and
 * Trusted Types"). It is a srcdoc frame (same origin as the tests), so no dev-server script is
 * injected into it. The widget's tag is in the page's HTML, as a site owner pastes it: a script
 * adding it would need a Trusted Types policy of the page's own for its src.
 */
const strictPage = (site: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'nonce-${NONCE}'; style-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; object-src 'none'; base-uri 'self'; require-trusted-types-for 'script'; trusted-types lit-html">
    <title>A page with a strict Content-Security-Policy</title>
    <script nonce="${NONCE}">
      window.violations = [];
      document.addEventListener('securitypolicyviolation', function (event) {
        window.violations.push(event.violatedDirective + ' ' + event.blockedURI + ' ' + (event.sample || ''));
      });
      // The test's in-page server instead of a socket, before the widget takes its WebSocket.
      window.WebSocket = parent.cspTestNetwork.WebSocket;
    </script>
    <script async src="${LOADER_URL}" nonce="${NONCE}" data-site="${site}"></script>
  </head>
  <body>
    <h1>A page with a strict Content-Security-Policy</h1>
  </body>
</html>`;

describe('the widget under a strict Content-Security-Policy', () => {
  it('W1 with script-src nonce, style-src self and Trusted Types required, the widget loads, is styled, chats, and causes no CSP violation', async () => {
    const memory = createMemoryBackend({ seed: [agentSeed('agent-1', 'Anna')] });
    await memory.backend.ready;
    (window as TestWindow).cspTestNetwork = createFakeNetwork(memory);
    const { frame, win: page } = await framePage(strictPage(uniqueSite()));
    const win = page as CspWindow;
    try {
      const api = await waitFor(() => win.Confab, 'window.Confab');
      await api.open();
      const boot = bootOf(win)!;
      const launcher = await findByRole(boot.root, 'button', 'Close chat');
      // Styles arrived (constructable stylesheets, which CSP does not block).
      expect(launcher.getBoundingClientRect().width).to.equal(56);
      const chat = await waitFor(() => chatElement(win), 'the chat element');
      const dialog = await findByRole(chat.shadowRoot!, 'dialog', 'Chat with us');
      expect(dialog.getBoundingClientRect().width).to.equal(370);
      expect(win.getComputedStyle(chat.shadowRoot!.querySelector('.header')!).display).to.equal('flex');
      // The app came by import(), which takes the loader's nonce: no script element (a Trusted Types sink).
      expect(win.document.querySelector('script[src*="confab-widget-app"]')).to.equal(null);

      await waitFor(async () => (await api.getState()).connection === 'online', 'online');
      await sendAsVisitor('Hello from a strict page', win);
      await waitFor(
        () => [...memory.backend.state.conversations.values()].some((c) => c.preview === 'Hello from a strict page'),
        'the message reaches the team',
      );
      // A part loaded on first use (the list of chats) comes by import() from the app: the nonce goes along.
      (await findByRole(chat.shadowRoot!, 'button', 'Your conversations')).click();
      await findByRole(chat.shadowRoot!, 'button', 'New conversation');
      expect(win.violations).to.deep.equal([]);
    } finally {
      // The widget goes before its page: the test's server lives in this window and would go on
      // sending frames to a removed page (whose timers Firefox refuses: NS_ERROR_NOT_INITIALIZED).
      await removeWidget(win);
      frame.remove();
      delete (window as TestWindow).cspTestNetwork;
    }
  });
});

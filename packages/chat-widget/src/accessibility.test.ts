import { expect } from '@open-wc/testing';
import { createMemoryBackend, type MemoryBackend, type Principal } from '@confab/core';
import type { ConfabApi } from './boot.js';
import {
  agentSeed,
  bootOf,
  chatElement,
  createFakeNetwork,
  loadWidget,
  removeWidget,
  sendAsVisitor,
  waitFor,
  type FakeNetwork,
} from './testing/widget-page.js';

const ANNA: Principal = { kind: 'agent', agentId: 'agent-1' };

/** Issue 22 (WCAG 2.2 AA) on the visitor's side, with the real script tag and the real engine. */
describe('widget accessibility (issue 22)', () => {
  let memory: MemoryBackend;
  let network: FakeNetwork;

  beforeEach(async () => {
    memory = createMemoryBackend({ seed: [agentSeed('agent-1', 'Anna')] });
    await memory.backend.ready;
    network = createFakeNetwork(memory);
  });
  afterEach(() => removeWidget());

  async function openWidget(): Promise<ConfabApi> {
    const api = await loadWidget(network);
    await api.open();
    await waitFor(async () => (await api.getState()).connection === 'online', 'online');
    return api;
  }

  /** A conversation started by the visitor, confirmed by the server. */
  async function startConversation(api: ConfabApi): Promise<string> {
    await sendAsVisitor('Anyone there?');
    return waitFor(async () => (await api.getState()).conversationId, 'conversation confirmed');
  }

  it('4.1.3 reads out a reply that arrives while the window is closed', async () => {
    const api = await openWidget();
    const conversationId = await startConversation(api);
    await api.close();
    await memory.backend.execute(ANNA, { type: 'message.reply', conversationId, text: 'Yes, how can I help?' });
    const region = [...bootOf()!.root.children].find((child) => child.getAttribute('role') === 'status')!;
    await waitFor(() => region.textContent === 'New message from Anna: Yes, how can I help?', 'read out');
  });

  it("3.1.2 setLocale('nl') on an English page marks the launcher and the window Dutch", async () => {
    const api = await openWidget();
    expect(bootOf()!.host.getAttribute('lang')).to.equal('en');
    await api.setLocale('nl');
    expect(bootOf()!.host.getAttribute('lang')).to.equal('nl');
    await waitFor(() => chatElement()!.getAttribute('lang') === 'nl', 'window in Dutch');
  });

  it('adds no banner landmark to the page; axe finds nothing on the whole page with the window open', async () => {
    await openWidget();
    const shadow = chatElement()!.shadowRoot!;
    expect(shadow.querySelector('header, [role="banner"]')).to.equal(null);
    await expect(document.body).to.be.accessible();
  });

  it('item 7: on a page with its own banner, main and footer, the open widget adds no second or duplicate landmark (axe on the whole page)', async () => {
    const page = document.createElement('div');
    page.innerHTML =
      '<header><p>Hollow Oak</p></header><main><h1>Shop</h1><p>Tables and chairs.</p></main><footer><p>Since 1921</p></footer>';
    document.body.append(page);
    // A host page's own duties (a title, its language), so that axe looks at what the widget adds.
    const title = document.title;
    document.title = 'Hollow Oak';
    document.documentElement.lang = 'en';
    try {
      const api = await openWidget();
      await startConversation(api);
      const landmarks = () =>
        [...document.querySelectorAll('header, main, footer, [role="banner"], [role="main"], [role="contentinfo"]')]
          .length;
      expect(landmarks()).to.equal(3);
      expect(
        chatElement()!.shadowRoot!.querySelector(
          'header, footer, main, [role="banner"], [role="main"], [role="contentinfo"]',
        ),
      ).to.equal(null);
      await expect(document.documentElement, 'axe: the whole page, window open').to.be.accessible();
      (
        chatElement()!.shadowRoot!.querySelector('button[aria-label="Your conversations"]') as HTMLButtonElement
      ).click();
      await waitFor(() => chatElement()!.shadowRoot!.querySelector('.history'), 'the list of conversations');
      await expect(document.documentElement, 'axe: the whole page, conversation list open').to.be.accessible();
    } finally {
      page.remove();
      document.title = title;
      document.documentElement.removeAttribute('lang');
    }
  });

  it('2.4.11 closes to its launcher when focus moves to page content behind it; Escape on the page closes it', async () => {
    const link = document.createElement('a');
    link.href = '#behind';
    link.textContent = 'Behind the chat';
    link.style.cssText = 'position:fixed;right:60px;bottom:300px';
    document.body.append(link);
    try {
      const api = await openWidget();
      link.focus();
      await waitFor(async () => !(await api.getState()).open, 'closed when the link behind it got focus');
      expect(document.activeElement).to.equal(link);
      await api.open();
      document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      await waitFor(async () => !(await api.getState()).open, 'closed by Escape on the page');
    } finally {
      link.remove();
    }
  });
});

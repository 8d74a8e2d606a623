import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { createMemoryBackend, type MemoryBackend } from '@confab/core';
import type { ConfabState } from './boot.js';
import {
  agentSeed,
  bootOf,
  chatElement,
  createFakeNetwork,
  findByRole,
  getByRole,
  loadWidget,
  queryByRole,
  removeWidget,
  waitFor,
  type FakeNetwork,
} from './testing/widget-page.js';

/** Tests of the real built script tag (dist/bundles/confab-widget.js) and `window.Confab`. */
describe('the widget script tag and window.Confab', () => {
  let memory: MemoryBackend;
  let network: FakeNetwork;

  beforeEach(async () => {
    memory = createMemoryBackend({ seed: [agentSeed('agent-1', 'Anna')] });
    await memory.backend.ready;
    network = createFakeNetwork(memory);
  });

  afterEach(async () => {
    await removeWidget();
    document.documentElement.removeAttribute('lang');
  });

  // First in this file: the app bundle has not been fetched in this page yet.
  it('W1 calls made before the app loaded wait in a queue and run in order once it has', async () => {
    const api = await loadWidget(network);
    const heard: string[] = [];
    api.on('open', () => heard.push('open callback'));
    document.addEventListener('confab-open', () => heard.push('open DOM event'), { once: true });
    expect(bootOf()!.app, 'the app is not there yet').to.equal(null);
    const opened = api.open();
    const state = api.getState();
    const closed = api.close();
    const reopened = api.open();
    expect(bootOf()!.queue.length, 'four calls queued').to.equal(4);
    await Promise.all([opened, closed, reopened]);
    expect((await state).open, 'getState ran after the first open').to.equal(true);
    expect((await api.getState()).open, 'the last call wins').to.equal(true);
    expect(heard).to.include.members(['open callback', 'open DOM event']);
    expect(bootOf()!.queue.length).to.equal(0);
  });

  it('W1 window.Confab offers every method the app implements, before the app has loaded', async () => {
    const api = await loadWidget(network);
    const stub = Object.keys(api).filter(
      (name) => typeof (api as unknown as Record<string, unknown>)[name] === 'function',
    );
    await api.load();
    const app = bootOf()!.app as unknown as Record<string, unknown>;
    const implemented = Object.keys(app).filter((name) => typeof app[name] === 'function');
    expect(stub.sort()).to.deep.equal([...implemented, 'on', 'off'].sort());
  });

  it('W1 the launcher is a named button in its own shadow root, in the bottom corner, 56 px', async () => {
    await loadWidget(network);
    const boot = bootOf()!;
    const launcher = getByRole(boot.root, 'button', 'Open chat');
    expect(launcher.getAttribute('aria-expanded')).to.equal('false');
    const box = launcher.getBoundingClientRect();
    expect(box.width).to.equal(56);
    expect(box.height).to.equal(56);
    expect(Math.round(innerWidth - box.right)).to.equal(20);
    expect(Math.round(innerHeight - box.bottom)).to.equal(20);
    expect(boot.host.parentElement).to.equal(document.body);
  });

  it('W1 data-position="left" puts the launcher in the bottom-left corner', async () => {
    await loadWidget(network, { position: 'left' });
    const box = getByRole(bootOf()!.root, 'button', 'Open chat').getBoundingClientRect();
    expect(Math.round(box.left)).to.equal(20);
  });

  it('W1 the launcher opens and closes the window; open, close, toggle and getState agree', async () => {
    const api = await loadWidget(network);
    const boot = bootOf()!;
    getByRole(boot.root, 'button', 'Open chat').click();
    const chat = await waitFor(() => chatElement(), 'the chat element');
    const dialog = await findByRole(chat.shadowRoot!, 'dialog', 'Chat with us');
    expect(dialog).to.exist;
    expect((await api.getState()).open).to.equal(true);
    const launcher = getByRole(boot.root, 'button', 'Close chat');
    expect(launcher.getAttribute('aria-expanded')).to.equal('true');
    await api.close();
    expect(queryByRole(chatElement()!.shadowRoot!, 'dialog')).to.equal(null);
    await api.toggle();
    expect((await api.getState()).open).to.equal(true);
    await api.toggle();
    const state = await api.getState();
    expect(state).to.include({ open: false, unread: 0, conversationId: null });
    expect(state.availability).to.be.oneOf(['available', 'unknown']);
  });

  it('W4 getState reports the connection and that the team is available', async () => {
    const api = await loadWidget(network);
    await api.load();
    const state = await waitFor(async () => {
      const current = await api.getState();
      return current.connection === 'online' && current.availability === 'available' ? current : null;
    }, 'online and available');
    expect(await state).to.include({ connection: 'online', availability: 'available' });
    expect(network.urls[0]).to.equal(`ws://${location.host}/ws`);
  });

  it('W1 events arrive as on() callbacks and as bubbling, composed confab-* DOM events; on() returns unsubscribe', async () => {
    const api = await loadWidget(network);
    const callbacks: string[] = [];
    const domEvents: string[] = [];
    const names = ['ready', 'open', 'close', 'availability-changed'] as const;
    const unsubscribers = names.map((name) => api.on(name, () => callbacks.push(name)));
    for (const name of names) {
      document.addEventListener(`confab-${name}`, (event) => {
        expect(event.bubbles && event.composed, `confab-${name} bubbles and is composed`).to.equal(true);
        domEvents.push(name);
      });
    }
    const onClose = (detail: ConfabState) => callbacks.push(`close:${detail.open}`);
    api.on('close', onClose);
    await api.open();
    await api.close();
    await waitFor(() => callbacks.includes('availability-changed'), 'availability-changed');
    expect(callbacks).to.include.members(['ready', 'open', 'close', 'close:false', 'availability-changed']);
    expect(domEvents).to.include.members(['ready', 'open', 'close', 'availability-changed']);
    for (const unsubscribe of unsubscribers) unsubscribe();
    api.off('close', onClose);
    callbacks.length = 0;
    await api.open();
    await api.close();
    expect(callbacks).to.deep.equal([]);
  });

  it('W1 a listener that throws does not stop other listeners or the widget', async () => {
    const api = await loadWidget(network);
    const heard: string[] = [];
    const onError = window.onerror;
    const reported: string[] = [];
    window.onerror = (message) => {
      reported.push(String(message));
      return true;
    };
    try {
      api.on('open', () => {
        throw new Error('a site bug');
      });
      api.on('open', () => heard.push('second listener'));
      await api.open();
      expect(heard).to.deep.equal(['second listener']);
      expect((await api.getState()).open).to.equal(true);
      await new Promise((resolve) => setTimeout(resolve, 0));
      // The page hears of its listener's error as of any uncaught one (its console shows it too).
      expect(reported.join()).to.include('a site bug');
    } finally {
      window.onerror = onError;
    }
  });

  it('W1 two copies of the script on one page make one launcher and one window.Confab', async () => {
    const first = await loadWidget(network);
    const second = await loadWidget(network);
    expect(second).to.equal(first);
    const hosts = [...document.body.children].filter((element) =>
      element.shadowRoot?.querySelector('[part="launcher"]'),
    );
    expect(hosts.length).to.equal(1);
    await second.open();
    expect((await first.getState()).open).to.equal(true);
  });

  it('W1 remove() takes the launcher, the window and window.Confab off the page; a new tag brings them back', async () => {
    const api = await loadWidget(network);
    await api.open();
    const host = bootOf()!.host;
    await api.remove();
    expect(host.isConnected).to.equal(false);
    expect(window.Confab).to.equal(undefined);
    expect(bootOf()).to.equal(undefined);
    const again = await loadWidget(network);
    await again.open();
    expect(await findByRole(chatElement()!.shadowRoot!, 'dialog', 'Chat with us')).to.exist;
  });

  it('W1 inline mode renders the chat inside the page element, without a launcher', async () => {
    const target = document.createElement('div');
    target.id = 'help-chat';
    target.style.height = '480px';
    document.body.append(target);
    try {
      const api = await loadWidget(network, { inline: '#help-chat' });
      const boot = bootOf()!;
      expect(boot.host.parentElement).to.equal(target);
      expect(queryByRole(boot.root, 'button', 'Open chat')).to.equal(null);
      const region = await findByRole(boot.root, 'region', 'Chat with us');
      expect(region.getBoundingClientRect().height).to.be.within(470, 480);
      expect(getByRole(chatElement()!.shadowRoot!, 'textbox', 'Message')).to.exist;
      expect(queryByRole(chatElement()!.shadowRoot!, 'button', 'Close chat')).to.equal(null);
      expect((await api.getState()).open).to.equal(true);
    } finally {
      target.remove();
    }
  });

  it('W1 Dutch from data-locale: launcher, window and field are in Dutch; setLocale switches to English', async () => {
    const api = await loadWidget(network, { locale: 'nl' });
    const boot = bootOf()!;
    expect(getByRole(boot.root, 'button', 'Chat openen')).to.exist;
    await api.open();
    const chat = chatElement()!.shadowRoot!;
    expect(await findByRole(chat, 'dialog', 'Chat met ons')).to.exist;
    expect(getByRole(chat, 'textbox', 'Bericht')).to.exist;
    expect(getByRole(chat, 'button', 'Versturen')).to.exist;
    expect(chat.textContent).to.contain('Hoi! Waarmee kunnen we je helpen?');
    await api.setLocale('en');
    await waitFor(() => queryByRole(chat, 'dialog', 'Chat with us'), 'English title');
    expect(getByRole(boot.root, 'button', 'Close chat')).to.exist;
  });

  it('W1 the language follows the page lang, and English elsewhere', async () => {
    document.documentElement.lang = 'nl-BE';
    await loadWidget(network);
    expect(getByRole(bootOf()!.root, 'button', 'Chat openen')).to.exist;
    await removeWidget();
    document.documentElement.lang = 'fr';
    await loadWidget(network);
    expect(getByRole(bootOf()!.root, 'button', 'Open chat')).to.exist;
  });

  it('W1 data-greeting replaces the welcome text, as text', async () => {
    const api = await loadWidget(network, { greeting: 'Welkom bij <b>Bakkerij</b>!' });
    await api.open();
    const chat = chatElement()!.shadowRoot!;
    await waitFor(() => chat.textContent?.includes('Welkom bij <b>Bakkerij</b>!'), 'greeting');
    expect(chat.querySelector('b')).to.equal(null);
  });

  it('W1 focus moves into the window on open, Escape closes it and focus returns to the launcher', async () => {
    await loadWidget(network);
    const boot = bootOf()!;
    const launcher = getByRole(boot.root, 'button', 'Open chat');
    launcher.focus();
    launcher.click();
    const chat = chatElement() ?? (await waitFor(() => chatElement(), 'chat element'));
    const field = await findByRole(chat.shadowRoot!, 'textbox', 'Message');
    await waitFor(() => chat.shadowRoot!.activeElement === field, 'focus in the message field');
    await sendKeys({ press: 'Escape' });
    await waitFor(() => queryByRole(chat.shadowRoot!, 'dialog') === null, 'window closed');
    expect(boot.root.activeElement).to.equal(launcher);
    expect(document.activeElement).to.equal(boot.host);
  });

  it('W1 the close button closes the window and returns focus to the launcher', async () => {
    const api = await loadWidget(network);
    await api.open();
    const boot = bootOf()!;
    const chat = chatElement()!;
    (await findByRole(chat.shadowRoot!, 'button', 'Close chat')).click();
    await waitFor(() => queryByRole(chat.shadowRoot!, 'dialog') === null, 'window closed');
    expect(boot.root.activeElement).to.equal(getByRole(boot.root, 'button', 'Open chat'));
  });

  it('W1 axe-core finds no violations on the launcher nor on the open window', async () => {
    const api = await loadWidget(network);
    await expect(bootOf()!.host).to.be.accessible();
    await api.open();
    await findByRole(chatElement()!.shadowRoot!, 'dialog', 'Chat with us');
    await waitFor(async () => (await api.getState()).availability === 'available', 'availability');
    await expect(bootOf()!.host).to.be.accessible();
  });
});

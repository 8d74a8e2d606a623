import { expect } from '@open-wc/testing';
import { CLOSE_CODES, createMemoryBackend, type MemoryBackend } from '@confab/core';
import {
  agentSeed,
  chatElement,
  createFakeNetwork,
  loadWidget,
  removeWidget,
  waitFor,
  widgetClient,
  type FakeNetwork,
} from './testing/widget-page.js';

// Issue 21, item 2: a chat that stopped for good says so in the visitor's language, instead of
// "Connecting…" or "Offline" forever.
describe('the widget when its connection stopped for good', () => {
  let memory: MemoryBackend;
  let network: FakeNetwork;

  beforeEach(async () => {
    memory = createMemoryBackend({ seed: [agentSeed('agent-1', 'Anna', 'available')] });
    await memory.backend.ready;
    network = createFakeNetwork(memory);
  });
  afterEach(() => removeWidget());

  for (const [locale, words, status] of [
    ['en', 'This chat was ended', 'Chat unavailable'],
    ['nl', 'Deze chat is beëindigd', 'Chat niet beschikbaar'],
  ] as const) {
    it(`access ended by the server: an alert and the header say so (${locale})`, async () => {
      const api = await loadWidget(network, { locale });
      await api.open();
      await waitFor(async () => (await api.getState()).connection === 'online', 'online');
      memory.backend.disconnectPrincipal((principal) => principal.kind === 'visitor', CLOSE_CODES.forbidden, 'ended');
      const shadow = () => chatElement()!.shadowRoot!;
      const alert = await waitFor(() => shadow().querySelector('[role="alert"]'), 'the alert');
      expect(alert.textContent).to.contain(words);
      expect(shadow().querySelector('.availability')!.textContent).to.contain(status);
      expect(widgetClient()!.stopped.get()).to.equal('forbidden');
      await expect(chatElement()!).to.be.accessible();
    });
  }
});

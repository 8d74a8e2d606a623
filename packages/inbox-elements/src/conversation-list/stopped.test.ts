import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import { CLOSE_CODES, createInboxClient, createMemoryBackend, createMemoryPersistence } from '@confab/core';
import type { ConfabConversationList } from './conversation-list.js';
import { closeTestInboxes, createTestInbox } from '../test/fixtures.js';
import { getAllByRole, getByRole, until } from '../test/dom.js';

// Issue 21, item 2: a connection that stopped for good says why and what to do, in the person's
// language, instead of an empty list that looks like no work.

async function mount(client: unknown, locale = 'en') {
  return fixture<ConfabConversationList>(
    html`<confab-conversation-list style="height:400px" .client=${client} locale=${locale}></confab-conversation-list>`,
  );
}

describe('confab-conversation-list when the connection stopped', () => {
  const errors: unknown[][] = [];
  const consoleError = console.error;
  beforeEach(() => {
    errors.length = 0;
    console.error = (...args: unknown[]) => void errors.push(args);
  });
  afterEach(() => {
    console.error = consoleError;
    closeTestInboxes();
  });

  it('a refused sign-in: an alert says so and what to do (not "No conversations here."), once in the console', async () => {
    const memory = createMemoryBackend();
    await memory.backend.ready;
    const client = createInboxClient({
      transport: memory.transport(),
      token: 'wrong',
      persistence: createMemoryPersistence(),
    });
    const element = await mount(client);
    const alert = await until(() => element.shadowRoot!.querySelector('[role="alert"]'), 'the alert');
    expect(alert.textContent).to.contain('You are not signed in');
    expect(alert.textContent).to.contain('Sign in again');
    expect(element.shadowRoot!.textContent).not.to.contain('No conversations here.');
    expect(client.stopped.get()).to.equal('unauthenticated');
    expect(errors.filter((args) => String(args[0]).startsWith('Confab:')).length).to.equal(1);
    await expect(element).to.be.accessible();
    await client.close();
  });

  it('access revoked while working: the rows stay, and the alert says the access was removed (Dutch too)', async () => {
    const inbox = await createTestInbox();
    const element = await mount(inbox.client, 'nl');
    await until(() => getAllByRole(element, 'option').length, 'rows');
    inbox.memory.backend.disconnectPrincipal(() => true, CLOSE_CODES.forbidden, 'Agent disabled');
    const alert = await until(() => element.shadowRoot!.querySelector('[role="alert"]'), 'the alert');
    expect(alert.textContent).to.contain('Je toegang is ingetrokken');
    expect(getByRole(element, 'listbox', 'Gesprekken')).to.exist;
    expect(inbox.client.stopped.get()).to.equal('forbidden');
  });

  it('a passing network drop is not a stop: no alert while the client reconnects by itself', async () => {
    const inbox = await createTestInbox();
    const element = await mount(inbox.client);
    await until(() => getAllByRole(element, 'option').length, 'rows');
    inbox.memory.backend.endLinks(CLOSE_CODES.serviceRestart, 'restart');
    await until(() => inbox.client.connection.get() === 'online', 'the client to be back');
    expect(inbox.client.stopped.get()).to.equal(null);
    expect(element.shadowRoot!.querySelector('[role="alert"]')).to.equal(null);
  });
});

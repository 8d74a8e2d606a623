import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../define.js';
import './define.js';
import { createInboxClient, createMemoryPersistence, type InboxClient } from '@confab/core';
import type { ConfabNotifications } from './notifications.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { activeElement, getByRole, queryByRole, until } from '../test/dom.js';

describe('confab-notifications', () => {
  let inbox: TestInbox;
  let teammate: InboxClient;

  beforeEach(async () => {
    localStorage.removeItem('confab-inbox:notifications:agent-ann');
    inbox = await createTestInbox();
    teammate = createInboxClient({
      transport: inbox.memory.transport(),
      token: inbox.memory.agentToken('agent-bo'),
      persistence: createMemoryPersistence(),
    });
    await until(() => teammate.status.get().ready, 'teammate ready');
  });
  afterEach(() => {
    teammate.close();
    closeTestInboxes();
    localStorage.removeItem('confab-inbox:notifications:agent-ann');
  });

  async function mount(locale = 'en') {
    const element = await fixture<ConfabNotifications>(
      html`<confab-notifications .client=${inbox.client} .locale=${locale}></confab-notifications>`,
    );
    await element.updateComplete;
    return element;
  }

  const mention = (text: string) =>
    teammate.send({
      type: 'message.comment',
      conversationId: 'c-chat',
      text: `@Ann Agent ${text}`,
      mentions: ['agent-ann'],
    });

  it('issue 16: a mention counts as unread on the button and in an event; opening the list shows it and clears the count', async () => {
    const element = await mount();
    getByRole(element, 'button', 'Notifications');
    const unread = oneEvent(element, 'confab-unread-change');
    await mention('can you check the invoice?');
    expect((await unread).detail).to.deep.equal({ count: 1 });
    const button = await until(() => queryByRole(element, 'button', 'Notifications, 1 unread'), 'the count');
    await expect(element).to.be.accessible();
    button.focus();
    const cleared = oneEvent(element, 'confab-unread-change');
    button.click();
    expect((await cleared).detail).to.deep.equal({ count: 0 });
    const dialog = await until(() => queryByRole(element, 'dialog', 'Notifications'), 'the dialog');
    const item = getByRole(dialog, 'button', /Bo Builder mentioned you: @Ann Agent can you check the invoice\?/);
    await expect(element).to.be.accessible();
    const chosen = oneEvent(element, 'confab-select-conversation');
    item.click();
    expect((await chosen).detail).to.deep.equal({ conversationId: 'c-chat' });
    await until(() => !queryByRole(element, 'dialog'), 'the dialog closes');
    expect(activeElement()).to.equal(getByRole(element, 'button', 'Notifications'));
  });

  it('issue 16: an agent turns mentions off; the choice is kept for them in this browser; in Dutch', async () => {
    const element = await mount('nl');
    getByRole(element, 'button', 'Meldingen').click();
    const dialog = await until(() => queryByRole(element, 'dialog', 'Meldingen'), 'the dialog');
    expect(dialog.textContent).to.contain('Niets nieuws sinds de inbox openging.');
    const mentions = getByRole<HTMLInputElement>(dialog, 'checkbox', 'Vermeldingen van mij');
    expect(mentions.checked).to.equal(true);
    mentions.click();
    expect(JSON.parse(localStorage.getItem('confab-inbox:notifications:agent-ann')!).kinds.mention).to.equal(false);
    getByRole(dialog, 'button', 'Sluiten').click();
    await mention('not for the list');
    await until(
      () => inbox.client.store.state.messages.get('c-chat')!.some((m) => m.text.includes('not for the list')),
      'arrived',
    );
    expect(queryByRole(element, 'button', /ongelezen/)).to.equal(null);

    const again = await mount('nl');
    getByRole(again, 'button', 'Meldingen').click();
    const reopened = await until(() => queryByRole(again, 'dialog', 'Meldingen'), 'the dialog');
    expect(getByRole<HTMLInputElement>(reopened, 'checkbox', 'Vermeldingen van mij').checked).to.equal(false);
  });
});

import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import './define.js';
import type { ConfabSettingsPanel } from './settings-panel.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { getByRole, until } from '../test/dom.js';

describe('confab-settings-panel', () => {
  let inbox: TestInbox;
  beforeEach(async () => {
    inbox = await createTestInbox();
  });
  afterEach(closeTestInboxes);

  it('I1 edits routing, widget texts and colour, away message, bot greeting and quick replies, and role addresses', async () => {
    const element = await fixture<ConfabSettingsPanel>(
      html`<confab-settings-panel .client=${inbox.client}></confab-settings-panel>`,
    );
    await until(() => element.shadowRoot!.querySelector('form'), 'form');
    getByRole<HTMLInputElement>(element, 'radio', 'Fewest open chats').click();
    getByRole<HTMLInputElement>(getByRole(element, 'group', 'Chat widget'), 'textbox', 'Title').value = 'Talk to Acme';
    getByRole<HTMLTextAreaElement>(element, 'textbox', 'Away message').value = 'Back at 9.';
    const color = element.shadowRoot!.querySelector<HTMLInputElement>('input[type="color"]')!;
    expect(color.labels![0]!.textContent).to.contain('Colour');
    color.value = '#aa3300';
    getByRole<HTMLInputElement>(element, 'checkbox', 'Bot answers first').click();
    getByRole<HTMLInputElement>(element, 'textbox', 'Greeting').value = 'Hello from the bot';
    getByRole<HTMLTextAreaElement>(element, 'textbox', 'Quick replies').value = 'Prices\nDelivery\n';
    getByRole<HTMLTextAreaElement>(element, 'textbox', 'Role-based addresses').value = 'info\nsales\nmarketing\npress';
    getByRole(element, 'button', 'Save').click();
    await until(() => inbox.client.store.state.settings.widget.title === 'Talk to Acme', 'saved');
    const settings = inbox.client.store.state.settings;
    expect(settings.routing.mode).to.equal('least-open');
    expect(settings.widget.awayMessage).to.equal('Back at 9.');
    expect(settings.widget.color).to.equal('#aa3300');
    expect(settings.bot.enabled).to.equal(true);
    expect(settings.bot.greeting).to.equal('Hello from the bot');
    expect(settings.bot.quickReplies).to.deep.equal(['Prices', 'Delivery']);
    expect(settings.email.roleAddresses).to.deep.equal(['info', 'sales', 'marketing', 'press']);
    await until(() => getByRole(element, 'status').textContent === 'Saved', 'saved notice');
    await expect(element).to.be.accessible();
  });
});

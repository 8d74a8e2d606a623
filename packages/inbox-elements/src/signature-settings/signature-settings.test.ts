import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import './define.js';
import type { ConfabSignatureSettings } from './signature-settings.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { getByRole, until } from '../test/dom.js';

describe('confab-signature-settings (issue 17)', () => {
  let inbox: TestInbox;
  beforeEach(async () => {
    inbox = await createTestInbox();
  });
  afterEach(closeTestInboxes);

  const mine = () => inbox.client.store.state.agents.get(inbox.client.store.me!)?.signature;

  it('an agent saves their own signature on their record, and removes it with an empty field', async () => {
    const element = await fixture<ConfabSignatureSettings>(
      html`<confab-signature-settings .client=${inbox.client}></confab-signature-settings>`,
    );
    const section = getByRole(element, 'form', 'Your email signature');
    const field = getByRole<HTMLTextAreaElement>(section, 'textbox', 'Signature');
    field.value = 'Ann\nConfab support\n';
    getByRole(section, 'button', 'Save signature').click();
    await until(() => mine() === 'Ann\nConfab support', 'saved on the agent record');
    await until(() => getByRole(section, 'status').textContent === 'Signature saved', 'the notice');
    await expect(element).to.be.accessible();
    field.value = '  ';
    getByRole(section, 'button', 'Save signature').click();
    await until(() => mine() === undefined, 'removed');
    await until(() => getByRole(section, 'status').textContent === 'Signature removed', 'the notice');
  });

  it('speaks Dutch', async () => {
    const element = await fixture<ConfabSignatureSettings>(
      html`<confab-signature-settings .client=${inbox.client} locale="nl"></confab-signature-settings>`,
    );
    const section = getByRole(element, 'form', 'Je e-mailhandtekening');
    getByRole<HTMLTextAreaElement>(section, 'textbox', 'Handtekening').value = 'Ann';
    getByRole(section, 'button', 'Handtekening opslaan').click();
    await until(() => getByRole(section, 'status').textContent === 'Handtekening opgeslagen', 'the notice');
    await expect(element).to.be.accessible();
  });
});

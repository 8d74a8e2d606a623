import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import './define.js';
import { createInboxClient, createMemoryPersistence, type InboxClient } from '@confab/core';
import type { ConfabComposeDialog } from './compose-dialog.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { activeElement, deepElements, getByRole, press, queryByRole, until } from '../test/dom.js';

const deepText = (root: Element) =>
  deepElements(root)
    .map((element) => (element.shadowRoot ? element.shadowRoot.textContent : ''))
    .join(' ');

function fill(field: HTMLInputElement, text: string) {
  field.value = text;
  field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

describe('confab-compose-dialog', () => {
  let inbox: TestInbox;
  beforeEach(async () => {
    inbox = await createTestInbox();
  });
  afterEach(closeTestInboxes);

  async function open() {
    const root = await fixture<HTMLDivElement>(
      html`<div>
        <button id="opener">Open</button><confab-compose-dialog .client=${inbox.client}></confab-compose-dialog>
      </div>`,
    );
    const opener = root.querySelector('button')!;
    const dialog = root.querySelector('confab-compose-dialog') as ConfabComposeDialog;
    opener.focus();
    await dialog.show();
    return { opener, dialog };
  }

  it('C1 Compose writes a new outbound email that appears under Sent', async () => {
    const { dialog } = await open();
    const box = getByRole(dialog, 'dialog', 'New email');
    getByRole<HTMLInputElement>(box, 'textbox', 'To').value = 'prospect@new.example';
    getByRole<HTMLInputElement>(box, 'textbox', 'Subject').value = 'Our offer';
    getByRole<HTMLTextAreaElement>(box, 'textbox', 'Message').value = 'Hello, here is our offer.';
    getByRole(box, 'button', 'Send').click();
    await until(
      () =>
        inbox.client.store
          .query({ viewId: 'sent' })
          .get()
          .slice(0, 10)
          .some((c) => c.subject === 'Our offer'),
      'in Sent',
    );
    await until(() => !dialog.open, 'closed');
  });

  it('C1 Cc and Bcc sit behind a button (focus moves to Cc); the email carries both; the signature shows (issue 17)', async () => {
    await inbox.client.send({ type: 'agent.setSignature', signature: 'Ann from Acme' });
    const { dialog } = await open();
    const box = getByRole(dialog, 'dialog', 'New email');
    await until(() => box.parentNode && deepText(dialog).includes('Ann from Acme'), 'the signature shown');
    expect(queryByRole(box, 'textbox', 'Cc')).to.equal(null);
    getByRole(box, 'button', 'Cc/Bcc').click();
    const cc = await until(() => queryByRole<HTMLInputElement>(box, 'textbox', 'Cc'), 'the Cc field');
    await until(() => activeElement() === cc, 'focus on Cc');
    fill(cc, 'cfo@new.example');
    fill(getByRole<HTMLInputElement>(box, 'textbox', 'Bcc'), 'crm@team.example');
    getByRole<HTMLInputElement>(box, 'textbox', 'To').value = 'buyer@new.example';
    getByRole<HTMLInputElement>(box, 'textbox', 'Subject').value = 'Copies';
    getByRole<HTMLTextAreaElement>(box, 'textbox', 'Message').value = 'Hello.';
    await expect(dialog).to.be.accessible();
    getByRole(box, 'button', 'Send').click();
    const sent = await until(
      () =>
        [...inbox.client.store.state.messages.values()]
          .flat()
          .find((m) => m.email?.subject === 'Copies' && !m.id.startsWith('pending:')),
      'the email stored',
    );
    expect(sent.email!.cc).to.deep.equal(['cfo@new.example']);
    expect(sent.email!.bcc).to.deep.equal(['crm@team.example']);
    expect(sent.text).to.equal('Hello.\n\n-- \nAnn from Acme');
  });

  it('C1 To, Cc, Bcc, Subject and the message are a draft: closed, then reloaded, the dialog opens with them; sending empties it', async () => {
    const persistence = createMemoryPersistence();
    const signIn = async () => {
      const client = createInboxClient({
        transport: inbox.memory.transport(),
        token: inbox.memory.agentToken('agent-ann'),
        persistence,
      });
      await until(() => client.status.get().ready && client.me.get(), 'the client ready');
      return client;
    };
    const showWith = async (client: InboxClient) => {
      const dialog = await fixture<ConfabComposeDialog>(
        html`<confab-compose-dialog .client=${client}></confab-compose-dialog>`,
      );
      await dialog.show();
      return { dialog, box: getByRole(dialog, 'dialog', 'New email') };
    };
    const page = await signIn();
    const { dialog, box } = await showWith(page);
    fill(getByRole<HTMLInputElement>(box, 'textbox', 'To'), 'prospect@new.example');
    fill(getByRole<HTMLInputElement>(box, 'textbox', 'Subject'), 'Our offer');
    fill(getByRole<HTMLInputElement>(box, 'textbox', 'Message'), 'Hello, here is our offer.');
    getByRole(box, 'button', 'Cc/Bcc').click();
    fill(await until(() => queryByRole<HTMLInputElement>(box, 'textbox', 'Cc'), 'Cc'), 'boss@new.example');
    fill(getByRole<HTMLInputElement>(box, 'textbox', 'Bcc'), 'crm@team.example');
    getByRole(box, 'button', 'Cancel').click();
    await until(() => !dialog.open, 'closed');

    // A reload: the page's client ends (its drafts written once it resolves), a new one starts from what was stored.
    await page.close();
    dialog.remove();
    const client = await signIn();
    const again = await showWith(client);
    const field = (name: string) => getByRole<HTMLInputElement>(again.box, 'textbox', name).value;
    expect(field('To')).to.equal('prospect@new.example');
    expect(field('Subject')).to.equal('Our offer');
    expect(field('Message')).to.equal('Hello, here is our offer.');
    expect(await until(() => queryByRole<HTMLInputElement>(again.box, 'textbox', 'Cc')?.value, 'Cc')).to.equal(
      'boss@new.example',
    );
    expect(field('Bcc')).to.equal('crm@team.example');
    await expect(again.box).to.be.accessible();

    getByRole(again.box, 'button', 'Send').click();
    await until(() => !again.dialog.open, 'sent and closed');
    await again.dialog.show();
    expect(field('To'), 'sending empties the draft').to.equal('');
    expect(field('Message')).to.equal('');
    expect(queryByRole(again.box, 'textbox', 'Cc'), 'Cc/Bcc collapsed').to.equal(null);
    client.close();
  });

  it('C1 the dialog is modal: focus starts inside, Tab stays inside, Escape closes and focus returns', async () => {
    const { opener, dialog } = await open();
    const box = getByRole(dialog, 'dialog', 'New email');
    expect(activeElement()).to.equal(getByRole(box, 'textbox', 'To'));
    const close = getByRole(box, 'button', 'Close');
    const send = getByRole(box, 'button', 'Send');
    send.focus();
    press('Tab', { target: send });
    expect(activeElement()).to.equal(close);
    press('Tab', { target: close, shiftKey: true });
    expect(activeElement()).to.equal(send);
    box.dispatchEvent(new Event('cancel', { cancelable: true }));
    await until(() => !dialog.open, 'closed');
    expect(activeElement()).to.equal(opener);
  });

  it('C1 the open dialog is accessible (axe), light and dark', async () => {
    const { dialog } = await open();
    await expect(dialog).to.be.accessible();
    dialog.theme = 'dark';
    await dialog.updateComplete;
    await expect(dialog).to.be.accessible();
  });
});

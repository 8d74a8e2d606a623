import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import './define.js';
import type { ConfabComposeDialog } from './compose-dialog.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { activeElement, getByRole, press, until } from '../test/dom.js';

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

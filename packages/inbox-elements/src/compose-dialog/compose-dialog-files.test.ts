import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import './define.js';
import { httpUploadSender, type UploadSender } from '@confab/core';
import type { ConfabComposeDialog } from './compose-dialog.js';
import { PNG, pick, referenceServer, referenceUpload, transferOf, type ReferenceServer } from '../test/uploads.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { activeElement, getByRole, queryByRole, until } from '../test/dom.js';

const PDF = new TextEncoder().encode('%PDF-1.7\n% terms\n');

describe('confab-compose-dialog: files (issue 16)', () => {
  let inbox: TestInbox;
  let server: ReferenceServer;
  let upload: UploadSender;
  before(async () => {
    server = await referenceServer();
  });
  beforeEach(async () => {
    inbox = await createTestInbox();
    upload = referenceUpload(server);
  });
  afterEach(closeTestInboxes);

  async function open(sender: UploadSender = upload, locale = 'en') {
    const dialog = await fixture<ConfabComposeDialog>(
      html`<confab-compose-dialog .client=${inbox.client} .upload=${sender} locale=${locale}></confab-compose-dialog>`,
    );
    await dialog.show();
    const box = getByRole(dialog, 'dialog', locale === 'nl' ? 'Nieuwe e-mail' : 'New email');
    return { dialog, box };
  }

  function write(box: HTMLElement, subject: string) {
    getByRole<HTMLInputElement>(box, 'textbox', 'To').value = 'prospect@new.example';
    getByRole<HTMLInputElement>(box, 'textbox', 'Subject').value = subject;
    getByRole<HTMLTextAreaElement>(box, 'textbox', 'Message').value = 'Please find them attached.';
  }

  const sentWith = (subject: string) =>
    until(
      () =>
        [...inbox.client.store.state.messages.values()]
          .flat()
          .find((message) => message.email?.subject === subject && !message.id.startsWith('pending:')),
      'the email stored',
    );

  it('C1 picked, pasted and dropped files upload to the server and go out with the new email', async () => {
    const { dialog, box } = await open();
    write(box, 'Terms and plan');
    getByRole(box, 'button', 'Attach a file');
    pick(dialog, new File([PDF], 'terms.pdf', { type: 'application/pdf' }));
    const message = getByRole<HTMLTextAreaElement>(box, 'textbox', 'Message');
    const paste = new Event('paste', { bubbles: true, composed: true, cancelable: true });
    Object.defineProperty(paste, 'clipboardData', {
      value: transferOf(new File([PNG], 'plan.png', { type: 'image/png' })),
    });
    message.dispatchEvent(paste);
    box.dispatchEvent(
      new DragEvent('drop', {
        dataTransfer: transferOf(new File(['a,b\n1,2\n'], 'table.csv', { type: 'text/csv' })),
        bubbles: true,
        composed: true,
        cancelable: true,
      }),
    );
    const send = getByRole<HTMLButtonElement>(box, 'button', 'Send');
    const list = await until(() => queryByRole(box, 'list', 'Files to send'), 'the list of files');
    await until(
      () => ['terms.pdf', 'plan.png', 'table.csv'].every((name) => list.textContent!.includes(`${name}, `)),
      'the three uploads to finish',
    );
    expect(send.disabled).to.equal(false);
    await expect(dialog).to.be.accessible();
    send.click();
    const sent = await sentWith('Terms and plan');
    expect(sent.attachments.map((file) => [file.name, file.type])).to.deep.equal([
      ['terms.pdf', 'application/pdf'],
      ['plan.png', 'image/png'],
      ['table.csv', 'text/csv'],
    ]);
    expect(sent.attachments.every((file) => /^fil_/.test(file.id))).to.equal(true);
    await until(() => !dialog.open, 'closed');
    await dialog.show();
    expect(queryByRole(box, 'list', 'Files to send'), 'a new email starts without files').to.equal(null);
  });

  it('shows progress while a file uploads and waits with Send until it is done', async () => {
    let finish: () => void = () => undefined;
    const slow: UploadSender = (file, onProgress) =>
      new Promise((resolve) => {
        onProgress(6);
        finish = () => resolve({ id: 'fil_AAAAAAAAAAAAAAAAAAAAAA', name: file.name, type: file.type, size: file.size });
      });
    const { dialog, box } = await open(slow);
    write(box, 'Slow');
    pick(dialog, new File([PNG], 'plan.png', { type: 'image/png' }));
    const bar = await until(() => queryByRole<HTMLProgressElement>(box, 'progressbar', 'Uploading plan.png'), 'bar');
    expect(bar.value).to.equal(6);
    expect(getByRole<HTMLButtonElement>(box, 'button', 'Send').disabled).to.equal(true);
    await expect(dialog).to.be.accessible();
    finish();
    await until(() => !getByRole<HTMLButtonElement>(box, 'button', 'Send').disabled, 'Send after the upload');
  });

  it('says why a file is refused in English and Dutch, retries a failed upload, and removing a file keeps focus in the dialog', async () => {
    let url = `${server.url}/api/no-such-route`;
    const flaky: UploadSender = (file, onProgress) =>
      httpUploadSender({ url, token: () => server.agentToken })(file, onProgress);
    const { dialog, box } = await open(flaky);
    write(box, 'Retried');
    pick(dialog, new File(['<svg/>'], 'logo.svg', { type: 'image/svg+xml' }));
    await until(
      () => box.textContent!.includes('logo.svg could not be attached: this type of file cannot be sent'),
      'the refusal',
    );
    expect(queryByRole(box, 'button', 'Retry logo.svg'), 'a refused type is not retried').to.equal(null);
    pick(dialog, new File([PNG], 'plan.png', { type: 'image/png' }));
    const retry = await until(() => queryByRole(box, 'button', 'Retry plan.png'), 'the Retry button');
    expect(box.textContent).to.contain('the connection failed');
    await expect(dialog).to.be.accessible();
    url = `${server.url}/api/files`;
    retry.focus();
    retry.click();
    expect(activeElement(), 'focus stays in the dialog as Retry gives way').to.equal(
      getByRole(box, 'textbox', 'Message'),
    );
    await until(() => box.textContent!.includes('plan.png, 12 B'), 'the retried upload');
    const remove = getByRole<HTMLButtonElement>(box, 'button', 'Remove logo.svg');
    remove.focus();
    remove.click();
    await until(() => !box.textContent!.includes('logo.svg'), 'removed');
    expect(activeElement()).to.equal(getByRole(box, 'textbox', 'Message'));
    dialog.locale = 'nl';
    await dialog.updateComplete;
    getByRole(box, 'button', 'Bestand bijvoegen');
    getByRole(box, 'button', 'plan.png verwijderen');
    await expect(dialog).to.be.accessible();
    getByRole<HTMLButtonElement>(box, 'button', 'Versturen').click();
    const sent = await sentWith('Retried');
    expect(sent.attachments.map((file) => file.name)).to.deep.equal(['plan.png']);
  });
});

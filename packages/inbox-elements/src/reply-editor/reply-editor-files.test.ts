import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import { httpUploadSender, type UploadSender } from '@confab/core';
import type { ConfabReplyEditor } from './reply-editor.js';
import { PNG, pick, referenceServer, referenceUpload, type ReferenceServer } from '../test/uploads.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { getByRole, press, queryByRole, until } from '../test/dom.js';

async function editor(inbox: TestInbox, upload: UploadSender, locale = 'en') {
  const element = await fixture<ConfabReplyEditor>(
    html`<confab-reply-editor
      .client=${inbox.client}
      .upload=${upload}
      locale=${locale}
      conversation-id="c-chat"
    ></confab-reply-editor>`,
  );
  await element.updateComplete;
  return element;
}

const messagesOf = (inbox: TestInbox) => inbox.client.store.state.messages.get('c-chat') ?? [];

describe('confab-reply-editor: attachments (issue 16)', () => {
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

  it('a picked image uploads to the server and goes out with the reply, even without text', async () => {
    const element = await editor(inbox, upload);
    const send = getByRole<HTMLButtonElement>(element, 'button', 'Send');
    expect(send.disabled).to.equal(true);
    getByRole(element, 'button', 'Attach a file');
    pick(element, new File([PNG], 'photo.png', { type: 'image/png' }));
    await element.updateComplete;
    const list = getByRole(element, 'list', 'Files to send');
    await until(() => queryByRole(list, 'button', 'Remove photo.png') && !send.disabled, 'the upload to finish');
    expect(list.textContent).to.contain('photo.png, 12 B');
    await expect(element).to.be.accessible();
    send.click();
    const sent = await until(
      () => messagesOf(inbox).find((message) => message.attachments.length && !message.id.startsWith('pending:')),
      'the reply with its file',
    );
    expect(sent.attachments[0]).to.include({ name: 'photo.png', type: 'image/png', size: PNG.length });
    expect(sent.attachments[0]!.id).to.match(/^fil_/);
    await element.updateComplete;
    expect(queryByRole(element, 'list', 'Files to send')).to.equal(null);
  });

  it('shows progress while uploading, with a name', async () => {
    let finish: () => void = () => undefined;
    const slow: UploadSender = (file, onProgress) =>
      new Promise((resolve) => {
        onProgress(4);
        finish = () => resolve({ id: 'fil_AAAAAAAAAAAAAAAAAAAAAA', name: file.name, type: file.type, size: file.size });
      });
    const element = await editor(inbox, slow);
    pick(element, new File([PNG], 'photo.png', { type: 'image/png' }));
    await element.updateComplete;
    const bar = getByRole<HTMLProgressElement>(element, 'progressbar', 'Uploading photo.png');
    expect(bar.value).to.equal(4);
    expect(getByRole<HTMLButtonElement>(element, 'button', 'Send').disabled).to.equal(true);
    await expect(element).to.be.accessible();
    finish();
    await until(() => !queryByRole(element, 'progressbar', 'Uploading photo.png'), 'the bar to go');
  });

  it('says why a file is refused (type, content) in an alert, in English and Dutch, and sends nothing', async () => {
    const element = await editor(inbox, upload);
    pick(element, new File(['<svg/>'], 'logo.svg', { type: 'image/svg+xml' }));
    await element.updateComplete;
    const alert = await until(() => element.shadowRoot!.querySelector('[role=alert]'), 'the alert');
    expect(alert.textContent).to.contain('logo.svg could not be attached: this type of file cannot be sent');
    // Content that is not what the type says: the server refuses it.
    pick(element, new File(['not a picture'], 'fake.png', { type: 'image/png' }));
    await until(
      () =>
        element.shadowRoot!.textContent?.includes('fake.png could not be attached: the file is not what its name says'),
      'the server refusal',
    );
    await expect(element).to.be.accessible();
    element.locale = 'nl';
    await element.updateComplete;
    expect(element.shadowRoot!.textContent).to.contain('logo.svg kon niet worden bijgevoegd');
    getByRole(element, 'button', 'logo.svg verwijderen').click();
    await element.updateComplete;
    expect(element.shadowRoot!.textContent).to.not.contain('logo.svg');
    expect(getByRole<HTMLButtonElement>(element, 'button', 'Versturen').disabled).to.equal(true);
  });

  it('a failed upload is retried with its Retry button; the keyboard sends the reply after it', async () => {
    let url = `${server.url}/api/no-such-route`;
    const flaky: UploadSender = (file, onProgress) =>
      httpUploadSender({ url, token: () => server.agentToken })(file, onProgress);
    const element = await editor(inbox, flaky);
    pick(element, new File([PNG], 'photo.png', { type: 'image/png' }));
    const retry = await until(() => queryByRole(element, 'button', 'Retry photo.png'), 'the Retry button');
    expect(element.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('the connection failed');
    url = `${server.url}/api/files`;
    retry.click();
    // Uploaded: the list says its size (while it uploads again it shows a progress bar instead).
    await until(() => element.shadowRoot!.textContent?.includes('photo.png, 12 B'), 'the retried upload');
    const field = getByRole<HTMLTextAreaElement>(element, 'textbox', 'Reply');
    field.focus();
    press('Enter', { target: field, ctrlKey: true });
    await until(() => messagesOf(inbox).some((message) => message.attachments.length === 1), 'the reply');
  });

  it('a file whose upload failed on the way waits in the outbox with its reply, and the editor says so (en, nl)', async () => {
    const offline: UploadSender = (file, onProgress) =>
      httpUploadSender({ url: `${server.url}/api/no-such-route`, token: () => server.agentToken })(file, onProgress);
    const element = await editor(inbox, offline);
    pick(element, new File([PNG], 'photo.png', { type: 'image/png' }));
    await until(() => queryByRole(element, 'button', 'Retry photo.png'), 'the failed upload');
    const field = getByRole<HTMLTextAreaElement>(element, 'textbox', 'Reply');
    field.value = 'Here is the photo';
    field.dispatchEvent(new Event('input'));
    await element.updateComplete;
    getByRole<HTMLButtonElement>(element, 'button', 'Send').click();
    const waiting = await until(
      () => inbox.client.pending.get().find((entry) => entry.files?.length),
      'the reply waiting in the outbox with its file',
    );
    expect(waiting.files!.map((file) => file.name)).to.deep.equal(['photo.png']);
    expect(waiting.command).to.include({ type: 'message.reply', text: 'Here is the photo' });
    await until(
      () => getByRole(element, 'list').textContent?.includes('Sends once back online, with photo.png'),
      'the editor says the reply waits for its file',
    );
    expect(queryByRole(element, 'list', 'Files to send'), 'the picked list is cleared').to.equal(null);
    await expect(element).to.be.accessible();
    element.setAttribute('locale', 'nl');
    await until(
      () => element.shadowRoot!.textContent?.includes('Wordt verstuurd zodra er weer verbinding is, met photo.png'),
      'in Dutch',
    );
  });

  it('takes files dropped on the text field', async () => {
    const element = await editor(inbox, upload);
    const transfer = new DataTransfer();
    transfer.items.add(new File(['a,b\n1,2\n'], 'table.csv', { type: 'text/csv' }));
    const box = element.shadowRoot!.querySelector('textarea')!;
    box.dispatchEvent(
      new DragEvent('drop', { dataTransfer: transfer, bubbles: true, composed: true, cancelable: true }),
    );
    await until(() => queryByRole(element, 'button', 'Remove table.csv'), 'the dropped file');
  });
});

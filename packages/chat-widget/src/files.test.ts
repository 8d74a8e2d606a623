import { expect } from '@open-wc/testing';
import type { Attachment, InboxClient } from '@confab/core';
import {
  addWidgetScript,
  bootOf,
  chatElement,
  confab,
  findByRole,
  getByRole,
  queryByRole,
  referenceAgent,
  referenceServer,
  removeWidget,
  uniqueSite,
  waitFor,
  type ReferenceServer,
} from './testing/widget-page.js';

/** A real PNG drawn on a canvas. */
async function png(name: string, width = 64, height = 48): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#2a7';
  context.fillRect(0, 0, width, height);
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((made) => resolve(made!), 'image/png'));
  return new File([blob], name, { type: 'image/png' });
}

const pdf = (name: string) =>
  new File(['%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n'], name, { type: 'application/pdf' });

function fileList(...files: File[]): FileList {
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  return transfer.files;
}

/**
 * Holds every upload the page starts until `release()`, so that a test sees the progress bar and a
 * message that waits for its files. `failNext` makes the next uploads fail on the way (network).
 */
function controlUploads() {
  const send = XMLHttpRequest.prototype.send;
  const open = XMLHttpRequest.prototype.open;
  const held: Array<() => void> = [];
  let failing = false;
  XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL) {
    open.call(this, method, failing ? 'http://127.0.0.1:9/api/files' : url, true);
  } as typeof open;
  XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body) {
    held.push(() => send.call(this, body));
  };
  return {
    held: () => held.length,
    release: () => held.splice(0).forEach((start) => start()),
    fail: (on: boolean) => (failing = on),
    restore() {
      XMLHttpRequest.prototype.send = send;
      XMLHttpRequest.prototype.open = open;
      this.release();
    },
  };
}

describe('issue 16: files in the chat widget (against the reference server)', () => {
  let server: ReferenceServer;
  let agent: InboxClient | null = null;
  let uploads: ReturnType<typeof controlUploads> | null = null;

  const shadow = () => chatElement()!.shadowRoot!;
  const input = () => shadow().querySelector<HTMLInputElement>('input[type=file]')!;

  async function openWidget(data: Record<string, string> = {}) {
    server = await referenceServer();
    await addWidgetScript({ server: server.url, site: uniqueSite(), ...data });
    const api = confab();
    await api.open();
    await waitFor(async () => (await api.getState()).connection === 'online', 'online', 8000);
    return api;
  }

  /** What the file picker does: the chosen files land on the input, which says it changed. */
  function pick(...files: File[]) {
    input().files = fileList(...files);
    input().dispatchEvent(new Event('change', { bubbles: true }));
  }

  function typeMessage(text: string) {
    const field = getByRole(shadow(), 'textbox', /^(Message|Bericht)$/) as HTMLTextAreaElement;
    field.value = text;
    field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  }

  async function agentFind(text: string) {
    agent ??= referenceAgent(server);
    const inbox = agent;
    return waitFor(
      () => [...inbox.store.state.conversations.values()].find((candidate) => candidate.preview === text),
      `"${text}" in the inbox`,
      8000,
    );
  }

  afterEach(async () => {
    uploads?.restore();
    uploads = null;
    agent?.close();
    agent = null;
    await removeWidget();
  });

  it('the visitor attaches an image and a PDF by the named button, sees each upload’s progress, and the message waits for them; the team gets it once with both files', async () => {
    await openWidget();
    const attach = await findByRole(shadow(), 'button', 'Attach a file');
    attach.focus();
    expect(shadow().activeElement, 'reachable by keyboard').to.equal(attach);
    uploads = controlUploads();
    pick(await png('shelf.png'), pdf('receipt.pdf'));
    await findByRole(shadow(), 'progressbar', 'Uploading shelf.png');
    expect(getByRole(shadow(), 'progressbar', 'Uploading receipt.pdf')).to.exist;
    await expect(bootOf()!.host, 'axe: uploading').to.be.accessible();

    const text = `The shelf arrived like this ${Math.random().toString(36).slice(2, 8)}`;
    typeMessage(text);
    getByRole(shadow(), 'button', 'Send').click();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(shadow().textContent, 'the message waits for its files').to.not.contain(text);
    uploads.release();

    const conversation = await agentFind(text);
    const inbox = agent!;
    const messages = await waitFor(() => inbox.store.state.messages.get(conversation.id), 'messages');
    const sent = messages.filter((message) => message.text === text);
    expect(sent, 'once').to.have.length(1);
    expect(sent[0]!.attachments.map((file) => [file.name, file.type])).to.deep.equal([
      ['shelf.png', 'image/png'],
      ['receipt.pdf', 'application/pdf'],
    ]);
    expect(queryByRole(shadow(), 'progressbar'), 'the composer is empty again').to.equal(null);
    // The visitor's own message shows its files: the image as a preview from an object URL.
    const image = (await findByRole(shadow(), 'img', 'Image: shelf.png')) as HTMLImageElement;
    await waitFor(() => image.src.startsWith('blob:') && image.complete && image.naturalWidth === 64, 'the preview');
    expect(getByRole(shadow(), 'button', 'Download receipt.pdf')).to.exist;
    await expect(bootOf()!.host, 'axe: a message with files').to.be.accessible();
  });

  it('the team’s image reply shows as a lazy, sized preview fetched with the visitor’s token, and its object URL goes with the message', async () => {
    await openWidget();
    const text = `Can you show me? ${Math.random().toString(36).slice(2, 8)}`;
    typeMessage(text);
    getByRole(shadow(), 'button', 'Send').click();
    const conversation = await agentFind(text);
    // The agent uploads with their own token and answers with the file.
    const file = await png('answer.png', 80, 60);
    const response = await fetch(`${server.url}/api/files`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${server.agentToken}`,
        'content-type': 'image/png',
        'x-confab-file-name': 'answer.png',
      },
      body: file,
    });
    expect(response.status).to.equal(201);
    const attachment = (await response.json()) as Attachment;
    await agent!.send({
      type: 'message.reply',
      conversationId: conversation.id,
      text: 'Here:',
      attachments: [attachment],
    });

    const image = (await findByRole(shadow(), 'img', 'Image: answer.png', 8000)) as HTMLImageElement;
    expect([image.width, image.height], 'sized before it loads').to.deep.equal([200, 150]);
    await waitFor(() => image.src.startsWith('blob:') && image.complete && image.naturalWidth === 80, 'the preview');
    const objectUrl = image.src;
    // The file's address is never on the page: a token cannot go in an <img> request.
    expect(shadow().innerHTML).to.not.contain(attachment.id);
    // Leaving the conversation takes the preview away, and its object URL with it.
    getByRole(shadow(), 'button', 'Your conversations').click();
    await waitFor(() => !image.isConnected, 'the message left');
    const revoked = await fetch(objectUrl).then(
      () => false,
      () => true,
    );
    expect(revoked, 'the object URL was revoked').to.equal(true);
  });

  it('refusals say why in an alert before any transfer: too large (with the limit), a type not allowed; Remove gives focus back to the message field', async () => {
    await openWidget();
    await findByRole(shadow(), 'button', 'Attach a file');
    const big = new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'huge.png', { type: 'image/png' });
    const exe = new File(['MZ'], 'tool.exe', { type: 'application/x-msdownload' });
    pick(big, exe);
    await findByRole(shadow(), 'alert', 'huge.png could not be attached: the file is larger than 10 MB.');
    expect(getByRole(shadow(), 'alert', /^tool\.exe could not be attached: this type of file cannot be sent/)).to.exist;
    // Retrying would fail the same way: only Remove is offered.
    expect(queryByRole(shadow(), 'button', /^Retry/)).to.equal(null);
    await expect(bootOf()!.host, 'axe: refused files').to.be.accessible();
    typeMessage('Not without the files');
    getByRole(shadow(), 'button', 'Send').click();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(shadow().textContent, 'a refused file keeps the message here').to.not.contain('Sending');
    for (const name of ['huge.png', 'tool.exe']) {
      getByRole(shadow(), 'button', `Remove ${name}`).click();
      await waitFor(() => !queryByRole(shadow(), 'button', `Remove ${name}`), `${name} removed`);
      expect(shadow().activeElement, 'focus waits in the message field').to.equal(
        getByRole(shadow(), 'textbox', 'Message'),
      );
    }
    expect(queryByRole(shadow(), 'alert')).to.equal(null);
  });

  it('in Dutch, a file that met no connection says so, Opnieuw proberen uploads it, and a dropped one uploads too', async () => {
    await openWidget({ locale: 'nl' });
    const field = (await findByRole(shadow(), 'textbox', 'Bericht')) as HTMLTextAreaElement;
    expect(getByRole(shadow(), 'button', 'Bestand bijvoegen')).to.exist;
    uploads = controlUploads();
    uploads.fail(true);
    uploads.release();
    pick(await png('plak.png'));
    await waitFor(() => uploads!.held() === 1, 'the upload started');
    uploads.release();
    await findByRole(
      shadow(),
      'alert',
      'plak.png: geen verbinding. Het gaat mee met je bericht zodra de verbinding terug is.',
    );
    await expect(bootOf()!.host, 'axe: Dutch, an upload that met no connection').to.be.accessible();
    uploads.fail(false);
    getByRole(shadow(), 'button', 'plak.png opnieuw proberen').click();
    await waitFor(() => uploads!.held() === 1, 'the retry started');
    uploads.release();
    await findByRole(shadow(), 'button', 'plak.png verwijderen');
    await waitFor(() => !queryByRole(shadow(), 'alert'), 'no alert any more', 8000);

    const drop = new DataTransfer();
    drop.items.add(pdf('bon.pdf'));
    const form = field.form!;
    const over = new DragEvent('dragover', { dataTransfer: drop, bubbles: true, cancelable: true });
    form.dispatchEvent(over);
    expect(over.defaultPrevented, 'the composer takes drops').to.equal(true);
    form.dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }));
    await waitFor(() => uploads!.held() === 1, 'the dropped file uploads');
    uploads.release();
    await waitFor(() => !queryByRole(shadow(), 'progressbar'), 'both up', 8000);
    expect(getByRole(shadow(), 'list', 'Bestanden om te versturen').textContent).to.contain('bon.pdf');
  });

  it('a file picked while a first-time visitor’s chat still connects waits for the session, then uploads', async () => {
    server = await referenceServer();
    await addWidgetScript({ server: server.url, site: uniqueSite() });
    const api = confab();
    await api.open();
    await findByRole(shadow(), 'button', 'Attach a file');
    // Before the server has answered the hello there is no session token to upload with.
    pick(await png('early.png'));
    await findByRole(shadow(), 'button', 'Remove early.png');
    await waitFor(() => !queryByRole(shadow(), 'progressbar'), 'uploaded', 8000);
    expect(queryByRole(shadow(), 'alert')?.textContent ?? null, 'no refusal').to.equal(null);
  });

  it('a pasted image uploads at once (where a page may make a paste that carries files)', async function () {
    const probe = new DataTransfer();
    probe.items.add(pdf('probe.pdf'));
    // Firefox empties the clipboard of a ClipboardEvent a page makes: only a real paste has files there.
    if (!new ClipboardEvent('paste', { clipboardData: probe }).clipboardData?.files.length) this.skip();
    await openWidget();
    const field = (await findByRole(shadow(), 'textbox', 'Message')) as HTMLTextAreaElement;
    const transfer = new DataTransfer();
    transfer.items.add(await png('pasted.png'));
    const paste = new ClipboardEvent('paste', {
      clipboardData: transfer,
      bubbles: true,
      cancelable: true,
      composed: true,
    });
    field.dispatchEvent(paste);
    expect(paste.defaultPrevented, 'the file is not pasted as text').to.equal(true);
    await findByRole(shadow(), 'button', 'Remove pasted.png');
    await waitFor(() => !queryByRole(shadow(), 'progressbar'), 'uploaded', 8000);
    expect(queryByRole(shadow(), 'alert')?.textContent ?? null).to.equal(null);
  });
});

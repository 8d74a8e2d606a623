import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import '../compose-dialog/define.js';
import type { UploadSender } from '@confab/core';
import type { ConfabReplyEditor } from '../reply-editor/reply-editor.js';
import type { ConfabComposeDialog } from '../compose-dialog/compose-dialog.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { getByRole, until } from '../test/dom.js';
import { pick } from '../test/uploads.js';

/** A server that keeps files up to 1 MB (its CONFAB_UPLOAD_MAX_BYTES), told to the client in its welcome. */
const LIMIT = 1_000_000;

/** A PNG of `size` bytes: the signature, then zeros. */
const png = (name: string, size: number) =>
  new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), new Uint8Array(size - 8)], name, {
    type: 'image/png',
  });

/** Records what would be sent, and stores it at once. */
function recordingSender() {
  const sent: string[] = [];
  const upload: UploadSender = async (file) => {
    sent.push(file.name);
    return { id: 'fil_AAAAAAAAAAAAAAAAAAAAAA', name: file.name, type: file.type, size: file.size };
  };
  return { sent, upload };
}

const alertIn = (element: HTMLElement) =>
  until(() => element.shadowRoot!.querySelector('[role=alert]')?.textContent?.trim(), 'the alert');

describe('uploads: the server tells its limit (issue 16)', () => {
  let inbox: TestInbox;
  beforeEach(async () => {
    inbox = await createTestInbox({ uploadMaxBytes: LIMIT });
  });
  afterEach(closeTestInboxes);

  it("the client learns the server's upload limit from its welcome", () => {
    expect(inbox.client.status.get().uploadMaxBytes).to.equal(LIMIT);
  });

  it('the reply editor refuses a file over the server limit before any transfer and names that limit, in English and Dutch', async () => {
    const { sent, upload } = recordingSender();
    const element = await fixture<ConfabReplyEditor>(
      html`<confab-reply-editor
        .client=${inbox.client}
        .upload=${upload}
        conversation-id="c-chat"
      ></confab-reply-editor>`,
    );
    pick(element, png('poster.png', LIMIT + 1));
    expect(await alertIn(element)).to.equal('poster.png could not be attached: the file is larger than 1 MB.');
    expect(sent, 'nothing transferred').to.deep.equal([]);
    await expect(element).to.be.accessible();
    element.locale = 'nl';
    await element.updateComplete;
    expect(await alertIn(element)).to.equal('poster.png kon niet worden bijgevoegd: het bestand is groter dan 1 MB.');
    // Under the server's limit (and far under the 10 MB default) it goes.
    pick(element, png('photo.png', LIMIT));
    await until(() => sent.includes('photo.png'), 'the upload');
  });

  it('the compose dialog names the same limit', async () => {
    const { sent, upload } = recordingSender();
    const dialog = await fixture<ConfabComposeDialog>(
      html`<confab-compose-dialog .client=${inbox.client} .upload=${upload} locale="nl"></confab-compose-dialog>`,
    );
    await dialog.show();
    const box = getByRole(dialog, 'dialog', 'Nieuwe e-mail');
    pick(dialog, png('offerte.png', 2 * LIMIT));
    expect(await alertIn(dialog)).to.equal('offerte.png kon niet worden bijgevoegd: het bestand is groter dan 1 MB.');
    expect(sent).to.deep.equal([]);
    await expect(box).to.be.accessible();
  });
});

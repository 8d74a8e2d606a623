// Issue 16: an agent answers with an image on the hosted inbox page (/inbox/) — picked with the
// keyboard-reachable Attach button's file chooser, uploaded over the page's own session cookie,
// sent with Ctrl+Enter — and the thread shows it as a preview the browser actually decoded, with
// the file stored on the server and carried by the visitor's projection. Real server, Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { launchChromium } from '../scripts/chromium.mjs';
import { eventually, startProductionServer } from './harness.mjs';

/** A real 2×2 PNG (so that the browser decodes it): signature, IHDR, IDAT, IEND. */
function tinyPng() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(2, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.from([0, 255, 0, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('attachments on the hosted inbox page', () => {
  let demo, browser, page;
  before(async () => {
    // Signed in with a password: the page's session cookie authorizes its uploads and previews.
    demo = await startProductionServer('attachments');
    await demo.server.accounts.createAgent({
      email: 'ada@team.example',
      name: 'Ada Admin',
      role: 'admin',
      password: 'ada-password-1',
    });
    await demo.server.backend.execute(
      { kind: 'system' },
      {
        type: 'inbound.email',
        from: 'customer@example.com',
        to: ['support@team.example'],
        subject: 'A question',
        text: 'Which colour is it?',
        messageId: '<question@example.com>',
      },
    );
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await page.goto(`${demo.server.url}/inbox/`);
    await page.getByRole('textbox', { name: 'Email' }).fill('ada@team.example');
    await page.getByLabel('Password', { exact: true }).fill('ada-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first().click();
    await page.getByRole('log', { name: 'Conversation' }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('an agent attaches an image with the Attach button, sends it with Ctrl+Enter, and the thread shows its preview', async () => {
    const png = tinyPng();
    const attach = page.getByRole('button', { name: 'Attach a file' });
    await attach.focus();
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Enter');
    await (await chooser).setFiles({ name: 'swatch.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('list', { name: 'Files to send' }).getByText(`swatch.png, ${png.length} B`).waitFor();
    await page.getByRole('textbox', { name: 'Reply' }).press('Control+Enter');
    const preview = page.getByRole('img', { name: 'Image: swatch.png' });
    await preview.waitFor();
    await eventually(() => preview.evaluate((image) => image.complete && image.naturalWidth === 2), {
      what: 'the preview decoded',
    });
    const message = [...demo.server.backend.state.messages.values()]
      .flat()
      .find((candidate) => candidate.attachments.some((file) => file.name === 'swatch.png'));
    assert.equal(message.kind, 'reply');
    const stored = await demo.server.store.files('default').read(message.attachments[0].id);
    assert.deepEqual(stored, png);
  });
});

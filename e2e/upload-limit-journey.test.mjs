// Issue 16: a server whose upload limit is not the default (CONFAB_UPLOAD_MAX_BYTES = 1 MB) tells
// it to its clients in the welcome: the widget and the inbox refuse a larger file before any
// transfer and name that limit, not the 10 MB default; a client that sends one anyway gets the
// server's own 413. Real server, Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from '../scripts/chromium.mjs';
import { openWidget, startDemoServer } from './harness.mjs';

const LIMIT = 1_000_000;

/** A PNG of `size` bytes as far as the server's sniffing goes: the signature, then zeros. */
function png(size) {
  const bytes = Buffer.alloc(size);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return bytes;
}

describe('a server with a 1 MB upload limit', () => {
  let demo, browser, context;
  /** Uploads any page made. */
  const uploads = [];
  before(async () => {
    demo = await startDemoServer('upload-limit', { uploadMaxBytes: LIMIT });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    context.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/files') uploads.push(request.url());
    });
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await demo?.close();
  });

  /** Picks a file with the Attach button's file chooser, from the keyboard. */
  async function attach(page, scope, name, size) {
    const chooser = page.waitForEvent('filechooser');
    await scope.getByRole('button', { name: 'Attach a file' }).focus();
    await page.keyboard.press('Enter');
    await (await chooser).setFiles({ name, mimeType: 'image/png', buffer: png(size) });
  }

  it("the widget names the server's limit and refuses a larger file before any transfer (en, nl)", async () => {
    const page = await context.newPage();
    await page.goto(`${demo.server.url}/site/`);
    const dialog = await openWidget(page);
    await attach(page, dialog, 'poster.png', LIMIT + 1);
    await dialog
      .getByRole('alert')
      .filter({ hasText: 'poster.png could not be attached: the file is larger than 1 MB.' })
      .waitFor();
    assert.deepEqual(uploads, [], 'nothing was sent');
    // In Dutch, the same limit.
    await page.evaluate(() => window.Confab.setLocale('nl'));
    await page
      .getByRole('alert')
      .filter({ hasText: 'poster.png kon niet worden bijgevoegd: het bestand is groter dan 1 MB.' })
      .waitFor();
    await page.close();
  });

  it("the inbox's reply editor names the server's limit and refuses a larger file before any transfer", async () => {
    const page = await context.newPage();
    await page.goto(`${demo.server.url}/inbox/`);
    await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first().click();
    await page.getByRole('textbox', { name: 'Reply' }).waitFor();
    await attach(page, page, 'poster.png', 3 * LIMIT);
    await page
      .getByRole('alert')
      .filter({ hasText: 'poster.png could not be attached: the file is larger than 1 MB.' })
      .waitFor();
    assert.deepEqual(uploads, [], 'nothing was sent');
    await page.close();
  });

  it('a client that sends a larger file anyway gets the server’s 413, and one at the limit is kept', async () => {
    const { token } = await demo.server.auth.issueAgentToken('agent-anna', 'upload-limit journey');
    const post = (size) =>
      fetch(`${demo.server.url}/api/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'x-confab-file-name': 'poster.png' },
        body: png(size),
      });
    const refused = await post(LIMIT + 1);
    assert.equal(refused.status, 413);
    assert.equal((await refused.json()).error.code, 'too-large');
    const kept = await post(LIMIT);
    assert.equal(kept.status, 201);
    assert.equal((await kept.json()).size, LIMIT);
  });
});

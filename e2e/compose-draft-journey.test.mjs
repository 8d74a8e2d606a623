// Issue 16: the compose dialog's fields are a draft (To, Cc, Bcc, Subject, message) that survives
// a real reload of the hosted inbox page (IndexedDB), and sending empties it. Real server, Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from '../scripts/chromium.mjs';
import { eventually, startDemoServer } from './harness.mjs';

/** The drafts the page's client stored, read from IndexedDB as the next page load will. */
function storedDrafts(page) {
  return page.evaluate(async () => {
    const request = (r) =>
      new Promise((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
    const found = {};
    for (const { name } of await indexedDB.databases()) {
      const db = await request(indexedDB.open(name));
      if (db.objectStoreNames.contains('kv')) {
        const store = db.transaction('kv').objectStore('kv');
        const keys = await request(store.getAllKeys());
        for (const key of keys)
          if (String(key).endsWith(':drafts')) Object.assign(found, await request(store.get(key)));
      }
      db.close();
    }
    return found;
  });
}

describe('the compose dialog keeps a draft', () => {
  let demo, browser, page;
  before(async () => {
    demo = await startDemoServer('compose-draft');
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await page.goto(`${demo.server.url}/inbox/`);
    await page.getByRole('listbox', { name: 'Conversations' }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  async function compose() {
    await page.getByRole('button', { name: 'Compose' }).click();
    const dialog = page.getByRole('dialog', { name: 'New email' });
    await dialog.waitFor();
    return dialog;
  }

  it('To, Cc, Bcc, Subject and the message come back after a reload; sending empties them', async () => {
    let dialog = await compose();
    await dialog.getByRole('textbox', { name: 'To' }).fill('prospect@new.example');
    await dialog.getByRole('textbox', { name: 'Subject' }).fill('Our offer');
    await dialog.getByRole('textbox', { name: 'Message' }).fill('Hello, here is our offer.');
    await dialog.getByRole('button', { name: 'Cc/Bcc' }).click();
    await dialog.getByRole('textbox', { name: 'Cc', exact: true }).fill('boss@new.example');
    await dialog.getByRole('textbox', { name: 'Bcc' }).fill('crm@team.example');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // Drafts are written a moment after the last key: reload once they are.
    await eventually(async () => assert.equal((await storedDrafts(page))['\u0000bcc'], 'crm@team.example'), {
      what: 'the draft stored',
    });

    await page.reload();
    await page.getByRole('listbox', { name: 'Conversations' }).waitFor();
    dialog = await compose();
    assert.equal(await dialog.getByRole('textbox', { name: 'To' }).inputValue(), 'prospect@new.example');
    assert.equal(await dialog.getByRole('textbox', { name: 'Subject' }).inputValue(), 'Our offer');
    assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).inputValue(), 'Hello, here is our offer.');
    assert.equal(await dialog.getByRole('textbox', { name: 'Cc', exact: true }).inputValue(), 'boss@new.example');
    assert.equal(await dialog.getByRole('textbox', { name: 'Bcc' }).inputValue(), 'crm@team.example');

    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.waitFor({ state: 'hidden' });
    dialog = await compose();
    assert.equal(await dialog.getByRole('textbox', { name: 'To' }).inputValue(), '');
    assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).inputValue(), '');
    assert.equal(await dialog.getByRole('button', { name: 'Cc/Bcc' }).count(), 1, 'Cc and Bcc collapsed again');
  });
});

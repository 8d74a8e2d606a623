// The React example end to end: the real reference server (fresh data directory, demo data),
// Debian's Chromium driven by playwright-core, the page built into examples/react/dist/react-example.js.
import { launchChromium } from '../../scripts/chromium.mjs';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@confab/server';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');

/** Polls `check` until it holds (playwright's own waits cover elements, not arbitrary checks). */
async function waitUntil(check, timeout = 5000) {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${check}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

describe('the React example (@lit/react wrappers)', () => {
  let server, browser, page, dataDir;
  const pageErrors = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'confab-react-'));
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      demo: true,
      mounts: { '/react': here },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/react/`);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('A1/T1 the wrappers are typed: the example type-checks, and a wrong prop or event detail is a type error', () => {
    // types.check.js holds deliberate misuses marked @ts-expect-error: were a type `any`, tsc would fail.
    const tsc = spawnSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', here], {
      encoding: 'utf8',
    });
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  });

  it('V1 the React header shows the signed-in agent and "online"; the wrapped inbox shows the views with counts', async () => {
    const header = page.getByRole('banner');
    await header.getByText('Signed in as Anna de Vries').waitFor();
    await header.getByRole('status', { name: 'Connection' }).filter({ hasText: 'online' }).waitFor();
    const views = page.getByRole('navigation', { name: 'Views' });
    await views.getByRole('button', { name: /^All conversations \d+$/ }).waitFor();
    const all = await views.getByRole('button', { name: /^All conversations/ }).textContent();
    assert.ok(Number(/\d+/.exec(all ?? '')?.[0]) > 0, `All conversations has a count: ${all}`);
  });

  it('T1 clicking a conversation row opens its thread', async () => {
    const list = page.getByRole('listbox', { name: 'Conversations' });
    const row = list.getByRole('option').nth(1);
    const rowText = (await row.textContent()) ?? '';
    await row.click();
    const thread = page.getByRole('region', { name: 'Conversation' });
    await thread.getByRole('list', { name: 'Conversation' }).getByRole('listitem').first().waitFor();
    const heading = thread.getByRole('heading', { level: 2 });
    // The open row is aria-current (aria-selected is the bulk selection). Its text changes once
    // it is read; its contact's name does not.
    await waitUntil(async () => {
      const name = ((await heading.textContent()) ?? '').trim();
      const open = list.locator('[role="option"][aria-current="true"]');
      const openText = (await open.count()) === 1 ? await open.textContent() : '';
      return name !== '' && rowText.includes(name) && openText.includes(name);
    });
  });

  it('A1 opening the contact record reaches the React handler, which handles it for the host', async () => {
    const contact = page.getByRole('region', { name: 'Contact' }).getByRole('button').first();
    await contact.click();
    const notice = page.getByRole('status').filter({ hasText: 'Your product would open contact' });
    await notice.waitFor();
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await notice.waitFor({ state: 'hidden' });
  });

  it("T1 with standalone parts, React carries the list's selection to the thread", async () => {
    await page.getByRole('combobox', { name: 'Layout' }).selectOption('parts');
    await page.getByText('Choose a conversation.').waitFor();
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: /^Email \d+$/ })
      .click();
    const row = page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first();
    await row.getByRole('img', { name: 'Email' }).waitFor();
    const rowText = (await row.textContent()) ?? '';
    await row.click();
    await page.getByRole('list', { name: 'Conversation' }).getByRole('listitem').first().waitFor();
    const heading = (
      (await page.locator('confab-thread').getByRole('heading', { level: 2 }).textContent()) ?? ''
    ).trim();
    assert.ok(heading && rowText.includes(heading), `the thread of "${rowText}" is open, its heading: ${heading}`);
    assert.equal(await page.getByText('Choose a conversation.').count(), 0);
    assert.deepEqual(pageErrors, []);
  });
});

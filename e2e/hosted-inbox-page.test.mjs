// The hosted inbox page (/inbox/) as a whole is accessible (issue 14 item 7, issue 22): one `main`
// landmark with a level-one heading, one `banner`, and axe-core finds nothing on the whole page,
// signed in, with a conversation open. The real reference server (demo data), Debian's Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { launchChromium } from '../scripts/chromium.mjs';
import { startDemoServer } from './harness.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

describe('the hosted inbox page', () => {
  let demo, browser, page;
  before(async () => {
    demo = await startDemoServer('inbox-page');
    browser = await launchChromium();
    // The page's policy allows no script of ours: the test's axe goes in past it.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, bypassCSP: true });
    page = await context.newPage();
    await page.goto(`${demo.server.url}/inbox/`);
    await page.getByRole('listbox', { name: 'Conversations' }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('has one main landmark with a level-one heading, and one banner', async () => {
    assert.equal(await page.getByRole('main').count(), 1);
    assert.equal(await page.getByRole('banner').count(), 1);
    assert.equal(await page.getByRole('main').getByRole('heading', { level: 1 }).textContent(), 'Inbox');
  });

  it('axe finds nothing on the whole page with a conversation open, in English and in Dutch', async () => {
    await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first().click();
    await page.getByRole('log', { name: 'Conversation' }).waitFor();
    await page.addScriptTag({ path: AXE });
    const violations = () =>
      page.evaluate(async () => {
        const result = await window.axe.run(document, {
          runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
        });
        return result.violations.map((violation) => `${violation.id}: ${violation.nodes.length}`);
      });
    assert.deepEqual(await violations(), []);
    await page.getByRole('combobox', { name: 'Language' }).selectOption('nl');
    await page.getByRole('log', { name: 'Gesprek' }).waitFor();
    assert.equal(await page.locator('confab-inbox').getAttribute('lang'), 'nl');
    assert.deepEqual(await violations(), []);
  });
});

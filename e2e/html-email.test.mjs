// An HTML email in the hosted inbox (issue 17), under the page's real policy (CSP with Trusted
// Types, no 'unsafe-inline' styles): shown formatted with its own styles, with no CSP or Trusted
// Types violation, and its remote image is not fetched until the agent asks. The real reference
// server (demo data), Debian's Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from '../scripts/chromium.mjs';
import { DEMO_INGEST_TOKEN } from '@confab/server';
import { startDemoServer } from './harness.mjs';

describe('an HTML email in the hosted inbox', () => {
  let demo, browser;
  before(async () => {
    demo = await startDemoServer('html-email');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('is shown formatted under the strict policy, and its remote image waits for the agent', async () => {
    const remote = `${demo.server.url}/remote-image.png`;
    const html = `<html><head><style>.total { color: rgb(0, 128, 0); font-weight: 700 }</style></head>
      <body><p class="total">Total: &euro; 42</p><p style="color: rgb(200, 0, 0)">Due soon</p>
      <img src="${remote}" alt="logo"></body></html>`;
    const ingest = await fetch(`${demo.server.url}/api/channels/email/inbound`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_INGEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        from: '"Doe, Jane" <jane@shop.example>', // not billing@: a role address is filtered (V10)
        to: 'support@confab.example',
        subject: 'Your invoice in HTML',
        html,
        messageId: '<html-invoice-1@shop.example>',
      }),
    });
    assert.equal(ingest.status, 200, await ingest.text());

    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const problems = [];
    const remoteRequests = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('request', (request) => {
      if (request.url() === remote) remoteRequests.push(request.url());
    });
    await page.goto(`${demo.server.url}/inbox/`);
    await page
      .getByRole('listbox', { name: 'Conversations' })
      .getByRole('option')
      .filter({ hasText: 'Your invoice in HTML' })
      .click();
    const box = page.locator('[part="email-html"]');
    await box.locator('.total').waitFor();
    assert.equal(await box.locator('.total').evaluate((element) => getComputedStyle(element).color), 'rgb(0, 128, 0)');
    assert.equal(
      await box.getByText('Due soon').evaluate((element) => getComputedStyle(element).color),
      'rgb(200, 0, 0)',
    );
    assert.equal(await box.locator('.total').textContent(), 'Total: € 42');
    assert.equal(await box.locator('img').getAttribute('src'), null);
    assert.deepEqual(remoteRequests, [], 'the remote image is not fetched before the agent asks');

    await page.getByRole('button', { name: 'Show images' }).click();
    await box.locator(`img[src="${remote}"]`).waitFor({ state: 'attached' });
    await page.waitForTimeout(200);
    assert.deepEqual(remoteRequests, [remote], 'fetched once the agent asked');
    assert.deepEqual(
      problems.filter((text) => !/remote-image\.png|404/.test(text)),
      [],
      'no CSP, Trusted Types or page error',
    );
    await context.close();
  });
});

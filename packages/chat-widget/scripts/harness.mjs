// Shared by the widget benches (bench/widget*.mjs) and the screenshot script: the reference server with demo
// data (fresh data directory) and Debian's Chromium through playwright-core.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url);

export async function startDemoServer() {
  const { startServer } = await import(new URL('packages/server/dist/index.js', root).href);
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-widget-'));
  const server = await startServer({ port: 0, dataDir, demo: true, quiet: true, log: () => {} });
  return {
    server,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export { launchChromium } from '../../../scripts/chromium.mjs';

/** An available agent of the demo data, to answer as. */
export function demoAgent(server) {
  const agents = [...server.backend.state.agents.values()].filter((agent) => !agent.disabled);
  return agents.find((agent) => agent.availability === 'available') ?? agents[0];
}

/** The newest chat conversation the server has. */
export function newestChat(server) {
  return [...server.backend.state.conversations.values()]
    .filter((c) => c.channel === 'chat')
    .sort((a, b) => b.startedAt - a.startedAt)[0];
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Opens `url` in `page` and returns the main-thread task time it cost (ms of thread time, Chromium's
 * own accounting: CDP Performance.getMetrics `TaskDuration`) from before navigation until `settleMs`
 * after the load event.
 */
export async function visitTaskTime(context, page, url, settleMs) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const taskTime = async () =>
    (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  const before = await taskTime();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(settleMs);
  return ((await taskTime()) - before) * 1000;
}

/** The demo shop's page (/site/), and the same page without the widget's script tag (the benches' baseline). */
function demoShop() {
  const shop = readFileSync(new URL('../../server/public/site/index.html', import.meta.url), 'utf8');
  const withoutTag = shop.replace(/<script[^>]*confab-widget\.js[^>]*><\/script>/, '');
  if (withoutTag === shop) throw new Error('the demo shop has no widget script tag');
  return { shop, withoutTag };
}

/** A browser context whose visitor chatted on an earlier page of `base`: their widget connects at once. */
async function returningVisitorContext(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 780 } });
  const page = await context.newPage();
  await page.goto(base);
  await page.getByRole('button', { name: 'Open chat' }).click();
  const field = page.getByRole('textbox', { name: 'Message' });
  await field.fill('Hello from an earlier page');
  await field.press('Enter');
  await page.waitForFunction(() => window.Confab.getState().then((state) => state.conversationId !== null));
  await page.waitForTimeout(300);
  await page.close();
  return context;
}

/**
 * A fresh page for one variant of the widget benches, not yet navigated: `without` (the demo shop
 * without the tag), `with` (the shop), `loader` (the shop with the chat app blocked: the script tag
 * alone) or `returning` (the shop, for a visitor who chatted on an earlier page). Open `url`.
 */
export async function benchVisit(browser, base, variant) {
  const context =
    variant === 'returning'
      ? await returningVisitorContext(browser, base)
      : await browser.newContext({ viewport: { width: 1100, height: 780 } });
  const page = await context.newPage();
  const url = variant === 'without' ? `${base}bench-without.html` : base;
  if (variant === 'without')
    await page.route(url, (route) => route.fulfill({ body: demoShop().withoutTag, contentType: 'text/html' }));
  if (variant === 'loader') await page.route('**/confab-widget-app.js', (route) => route.abort());
  return { context, page, url };
}

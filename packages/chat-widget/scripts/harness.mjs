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

/** The demo shop's page (/site/), and the same page without the widget's script tag (the benches' baseline). */
export function demoShop() {
  const shop = readFileSync(new URL('../../server/public/site/index.html', import.meta.url), 'utf8');
  const withoutTag = shop.replace(/<script[^>]*confab-widget\.js[^>]*><\/script>/, '');
  if (withoutTag === shop) throw new Error('the demo shop has no widget script tag');
  return { shop, withoutTag };
}

/** A browser context whose visitor chatted on an earlier page of `base`: their widget connects at once. */
export async function returningVisitorContext(browser, base) {
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

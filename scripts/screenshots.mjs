// Screenshots of the demo inbox (light, dark, Dutch) for docs/screenshots/inbox-*.png.
// Starts the reference server with fresh demo data, opens /inbox/ in Chromium and opens the
// first conversation. Usage: npm run build && node scripts/screenshots.mjs
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const root = new URL('../', import.meta.url);
const { startServer } = await import(new URL('packages/server/dist/index.js', root).href);
const server = await startServer({
  port: 0,
  dataDir: mkdtempSync(join(tmpdir(), 'confab-shots-')),
  demo: true,
  quiet: true,
});
const out = new URL('docs/screenshots/', root);
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});

async function shoot(name, query, colorScheme = 'light') {
  const page = await browser.newPage({ viewport: { width: 1440, height: 860 }, colorScheme, deviceScaleFactor: 1 });
  page.on('pageerror', (error) => console.error(`${name}: ${error.message}`));
  await page.goto(`${server.url}/inbox/${query}`);
  // Wait for rows, then open the first conversation (keyboard: the list is a listbox).
  await page.waitForFunction(() => {
    const inbox = document.querySelector('confab-inbox');
    const list = inbox?.shadowRoot?.querySelector('confab-conversation-list');
    return (list?.shadowRoot?.querySelectorAll('[role="option"]').length ?? 0) > 0;
  });
  await page.evaluate(async () => {
    const inbox = document.querySelector('confab-inbox');
    const list = inbox.shadowRoot.querySelector('confab-conversation-list');
    const rows = [...list.shadowRoot.querySelectorAll('[role="option"]')];
    // A conversation with a comment and a ticket shows most of the inbox at once.
    const row = rows.find((r) => r.querySelector('.comment')) ?? rows[0];
    row.click();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const about = inbox.shadowRoot.querySelector('confab-about-panel');
    for (const name of ['toggle-conversations', 'toggle-feedback']) about.shadowRoot.getElementById(name)?.click();
    await new Promise((resolve) => setTimeout(resolve, 300));
  });
  await page.screenshot({ path: new URL(`inbox-${name}.png`, out).pathname });
  await page.close();
  console.log(`docs/screenshots/inbox-${name}.png`);
}

try {
  await shoot('light', '?theme=light');
  await shoot('dark', '?theme=dark', 'dark');
  await shoot('nl', '?lang=nl&theme=light');
} finally {
  await browser.close();
  await server.close();
}

// End-to-end journeys: the real reference server on loopback (fresh data directory, demo data,
// a test clock), Debian's Chromium driven by playwright-core, one browser context per person.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, DEMO_INGEST_TOKEN } from '@confab/server';

export const SCREENSHOT_DIR = 'test-results/e2e';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Starts a journey: server + browser. Every request any page makes is kept in `requests`, so
 * that a journey can check no token ever travels in a URL.
 */
export async function startJourney(name) {
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-e2e-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, demo: true, testClock: true, log: () => undefined });
  const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const requests = [];
  const pageErrors = [];
  const contexts = [];
  mkdirSync(SCREENSHOT_DIR, { recursive: true });

  async function open(path) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('request', (request) => requests.push({ url: request.url(), referrer: request.headers()['referer'] ?? '' }));
    page.on('websocket', (socket) => requests.push({ url: socket.url(), referrer: '' }));
    page.on('pageerror', (error) => pageErrors.push(`${path}: ${error.message}`));
    await page.goto(`${server.url}${path}`);
    return { context, page };
  }

  return {
    server,
    requests,
    pageErrors,
    /** The agent inbox, signed in (demo mode) as `agentId` or the first seeded agent. */
    async agent(agentId) {
      const { page } = await open(`/inbox/${agentId ? `?agent=${encodeURIComponent(agentId)}` : ''}`);
      await page.getByRole('listbox', { name: 'Conversations' }).waitFor();
      return page;
    },
    /** The demo website with the chat widget, as a new visitor (own browser context). */
    async visitor() {
      return open('/site/');
    },
    async shot(page, moment) {
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${moment}.png`) });
    },
    /** Posts to a channel endpoint with the demo ingest token. */
    async ingest(path, body) {
      const response = await fetch(`${server.url}/api/channels/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${DEMO_INGEST_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`ingest ${path}: ${response.status} ${await response.text()}`);
      return response.json();
    },
    async advanceClock(ms) {
      const response = await fetch(`${server.url}/api/test/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: ms }) });
      return (await response.json()).now;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A view button in the sidebar, e.g. view(page, 'Filtered'); its name ends with the live count. */
export function view(page, name) {
  return page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: new RegExp(`^${name} \\d+$`) });
}

/** The count a view button shows. */
export async function viewCount(page, name) {
  const label = await view(page, name).innerText();
  return Number(label.trim().split(/\s+/).pop());
}

/** A row of the conversation list whose text contains `text`. */
export function row(page, text) {
  return page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').filter({ hasText: text });
}

/** Retries an async check until it passes (the UI updates once per frame after an event). */
export async function eventually(check, { timeoutMs = 8000, what = 'a condition' } = {}) {
  const start = Date.now();
  let lastError;
  while (Date.now() - start < timeoutMs) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`Timed out waiting for ${what}: ${lastError?.message ?? lastError}`);
}

// End-to-end journeys: the real reference server on loopback (fresh data directory, demo data,
// a test clock), Debian's Chromium driven by playwright-core, one browser context per person.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTcpServer, connect } from 'node:net';
import { launchChromium } from '../scripts/chromium.mjs';
import { startServer, DEMO_INGEST_TOKEN } from '@confab/server';

export const SCREENSHOT_DIR = 'test-results/e2e';

/**
 * The reference server as the journeys use it: loopback, a fresh data directory (`name` prefixes
 * it), demo data, the test clock. `close()` stops it and deletes the directory.
 */
export async function startDemoServer(name, options = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), `confab-${name}-`));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    demo: true,
    testClock: true,
    ...options,
  });
  return {
    server,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The reference server as a team runs it: production mode (no demo data, no demo sign-in) on
 * loopback over a fresh data directory. `close()` stops it and deletes the directory.
 */
export async function startProductionServer(name, options = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), `confab-${name}-`));
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, ...options });
  return {
    server,
    dataDir,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a journey: server + browser. Every request any page makes is kept in `requests`, so
 * that a journey can check no token ever travels in a URL.
 */
export async function startJourney(name) {
  const proxy = await startSocketCutter();
  const demo = await startDemoServer('e2e', { allowedOrigins: [proxy.origin] });
  const server = demo.server;
  proxy.target = server.port;
  const browser = await launchChromium();
  const requests = [];
  const pageErrors = [];
  const contexts = [];
  mkdirSync(SCREENSHOT_DIR, { recursive: true });

  async function open(path) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    const url = path.startsWith('http') ? path : `${server.url}${path}`;
    page.on('request', (request) =>
      requests.push({ url: request.url(), referrer: request.headers()['referer'] ?? '' }),
    );
    page.on('websocket', (socket) => requests.push({ url: socket.url(), referrer: '' }));
    page.on('pageerror', (error) => pageErrors.push(`${path}: ${error.message}`));
    await page.goto(url);
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
    /**
     * The demo website through a proxy that can cut the chat's WebSocket (and refuse new ones)
     * while pages still load: `chatOnline(false)` is a network partition of the chat only.
     * `chatOffline: true` opens the page with the chat already cut off.
     */
    async visitorBehindProxy({ chatOffline = false } = {}) {
      // Offline from the start: the page loads, its chat never connected.
      if (chatOffline) proxy.setSocketsOnline(false);
      const { context, page } = await open(`${proxy.origin}/site/`);
      return { context, page, chatOnline: (online) => proxy.setSocketsOnline(online) };
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
      const response = await fetch(`${server.url}/api/test/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceMs: ms }),
      });
      return (await response.json()).now;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await proxy.close();
      await demo.close();
    },
  };
}

/** A view button in the sidebar, e.g. view(page, 'Filtered'); its name ends with the live count. */
export function view(page, name) {
  return page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: new RegExp(`^${name} \\d+$`) });
}

/** A row of the conversation list by conversation id (its text may be a bot's latest reply). */
export function rowById(page, conversationId) {
  return page.getByRole('listbox', { name: 'Conversations' }).locator(`[role="option"][data-id="${conversationId}"]`);
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

/** The chat widget on a visitor's page: opens it and returns its dialog. */
export async function openWidget(page) {
  await page.getByRole('button', { name: 'Open chat' }).click();
  const dialog = page.getByRole('dialog', { name: 'Chat with us' });
  await dialog.waitFor();
  return dialog;
}

/** Writes and sends a visitor message in the open widget. */
export async function visitorSays(dialog, text) {
  await dialog.getByRole('textbox', { name: 'Message' }).fill(text);
  await dialog.getByRole('button', { name: 'Send' }).click();
}

/** Writes and sends an agent reply (or, with mode 'Comment', an internal comment) in the open thread. */
export async function agentWrites(page, text, mode = 'Reply') {
  await page.getByRole('tab', { name: mode }).click();
  const box = page.getByRole('textbox', { name: mode === 'Reply' ? 'Reply' : 'Internal comment' });
  await box.fill(text);
  await box.press('Control+Enter');
}

/** The server's record of the conversation holding a message with this text. */
export function conversationWith(server, text) {
  for (const [conversationId, messages] of server.backend.state.messages) {
    if (messages.some((message) => message.text === text))
      return server.backend.state.conversations.get(conversationId);
  }
  return undefined;
}

/**
 * A loopback TCP proxy that passes everything to the server, except that WebSocket upgrades can
 * be cut and refused. Used to take a visitor's chat offline without taking their page offline.
 */
export async function startSocketCutter() {
  const sockets = new Set();
  let online = true;
  let uploadsOnline = true;
  /** Uploads counted on their way through (POST /api/files), whatever their answer. */
  let uploads = 0;
  const proxy = {
    target: 0,
    origin: '',
    setSocketsOnline(next) {
      online = next;
      if (!next) for (const pair of sockets) pair.forEach((socket) => socket.destroy());
    },
    /** Offline for uploads too (issue 16): a `POST /api/files` fails on the way, on any connection. */
    setUploadsOnline(next) {
      uploadsOnline = next;
    },
    uploads: () => uploads,
    close: () =>
      new Promise((resolve) => {
        for (const pair of sockets) pair.forEach((socket) => socket.destroy());
        tcp.close(resolve);
      }),
  };
  const tcp = createTcpServer((client) => {
    client.once('data', (first) => {
      const isUpgrade = /^upgrade:\s*websocket/im.test(first.toString('latin1'));
      if (isUpgrade && !online) return client.destroy();
      // Each request of a kept-alive connection starts a chunk of its own here (small requests,
      // loopback): an upload is seen wherever it goes.
      const passes = (chunk) => {
        if (isUpgrade || !chunk.toString('latin1', 0, 20).startsWith('POST /api/files ')) return true;
        if (!uploadsOnline) return false;
        uploads += 1;
        return true;
      };
      const upstream = connect(proxy.target, '127.0.0.1', () => {
        if (!passes(first)) return forget();
        upstream.write(first);
        client.on('data', (chunk) => (passes(chunk) ? upstream.write(chunk) : forget()));
        upstream.pipe(client);
      });
      const pair = [client, upstream];
      if (isUpgrade) sockets.add(pair);
      const forget = () => {
        sockets.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', forget).on('close', forget);
      upstream.on('error', forget).on('close', forget);
    });
    client.on('error', () => client.destroy());
  });
  await new Promise((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  proxy.origin = `http://127.0.0.1:${tcp.address().port}`;
  return proxy;
}

// Inbox elements benchmarks (DESIGN §4) in Debian's Chromium, with the production bundle
// packages/inbox-elements/dist/bundles/confab-inbox.js and 100,000 generated conversations in a memory backend:
//   inbox.list.100k.firstPaint.ms    <confab-inbox> added → first page of rows painted, cold (≤ 100)
//   inbox.list.100k.scrollP95.ms     frame interval p95 while the list scrolls 300 px a frame (≤ 20)
//   inbox.list.100k.domRows          most rows in the DOM at any time while scrolling (≤ 60)
//   inbox.viewSwitch.100k.paint.ms   median: a view chosen in the sidebar → its rows painted
import { createServer } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const BUNDLES = `${root}packages/inbox-elements/dist/bundles`;
const INBOX_BUNDLE = `${BUNDLES}/confab-inbox.js`;
const CONVERSATIONS = 100_000;

/** The memory backend and the generator, bundled for the page (not part of the measured bundle). */
async function buildDataBundle() {
  const entry = '\0inbox-bench-data';
  const bundle = await rollup({
    input: entry,
    plugins: [
      {
        name: 'inbox-bench-entry',
        resolveId: (id) => (id === entry ? id : null),
        load: (id) =>
          id === entry
            ? `export { createMemoryBackend, createMemoryPersistence } from ${JSON.stringify(`${root}packages/core/dist/index.js`)};
               export { generateConversations, DEMO_AGENT_IDS } from ${JSON.stringify(`${root}packages/core/dist/testing/index.js`)};`
            : null,
      },
      nodeResolve({ exportConditions: ['browser', 'production'] }),
    ],
    onwarn: () => {},
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  return output[0].code;
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>inbox bench</title>
<style>html,body{height:100%;margin:0}confab-inbox{height:100vh}</style></head>
<body><script type="module">
import { createInboxClient } from '/bundles/confab-inbox.js';
import { createMemoryBackend, createMemoryPersistence, generateConversations, DEMO_AGENT_IDS } from '/data.js';

const afterPaint = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
let client;
let inbox;
const list = () => inbox.shadowRoot.querySelector('confab-conversation-list');
const rows = () => list()?.shadowRoot?.querySelectorAll('[role="option"]') ?? [];

window.bench = {
  async load(count) {
    const memory = createMemoryBackend({ startTime: Date.UTC(2026, 0, 31) });
    await memory.backend.ready;
    // Seeded in chunks: one huge commit would pass ~700k events as spread arguments.
    const seed = generateConversations(count, 7);
    for (let i = 0; i < seed.length; i += 20000) await memory.backend.append(seed.slice(i, i + 20000));
    const persistence = createMemoryPersistence();
    let snapshotSaved = false;
    const set = persistence.set.bind(persistence);
    persistence.set = async (key, value) => {
      await set(key, value);
      if (key.endsWith(':snapshot')) snapshotSaved = true;
    };
    client = createInboxClient({ transport: memory.transport(), token: memory.agentToken(DEMO_AGENT_IDS[0]), persistence });
    while (!(client.status.get().ready && client.store.count('all') > 0)) await new Promise((r) => setTimeout(r, 20));
    // The client saves its replica some seconds after changes settle: with 100k conversations a
    // long main-thread task (the core's, not the list's). Measure the list after it, not across it.
    let longestTask = 0;
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longestTask = Math.max(longestTask, entry.duration);
    });
    observer.observe({ type: 'longtask' });
    const waitStart = performance.now();
    while (!snapshotSaved && performance.now() - waitStart < 60000) await new Promise((r) => setTimeout(r, 100));
    await afterPaint();
    observer.disconnect();
    return { all: client.store.count('all'), snapshotLongestTaskMs: Math.round(longestTask) };
  },
  async firstPaint() {
    inbox?.remove();
    await afterPaint();
    const start = performance.now();
    inbox = document.createElement('confab-inbox');
    inbox.client = client;
    document.body.append(inbox);
    while (rows().length === 0) await nextFrame();
    await afterPaint();
    return { ms: performance.now() - start, rows: rows().length, setsize: Number(rows()[0].getAttribute('aria-setsize')) };
  },
  async scroll(frames, stepPx) {
    const scroller = list().shadowRoot.querySelector('[role="listbox"]');
    const intervals = [];
    let maxRows = rows().length;
    let last = await nextFrame();
    for (let i = 0; i < frames; i += 1) {
      scroller.scrollTop += stepPx;
      const now = await nextFrame();
      intervals.push(now - last);
      last = now;
      maxRows = Math.max(maxRows, rows().length);
    }
    const lastRow = Number(rows()[rows().length - 1].getAttribute('aria-posinset'));
    return { intervals, maxRows, lastRow };
  },
  /** Diagnostics: what the store alone takes to answer the list's first query. */
  queryCost() {
    const start = performance.now();
    const query = client.store.query({ viewId: 'all' });
    query.get().slice(0, 30);
    const ms = performance.now() - start;
    query.dispose();
    return ms;
  },
  async viewSwitch(viewIds) {
    const viewList = inbox.shadowRoot.querySelector('confab-view-list');
    const times = [];
    for (const viewId of viewIds) {
      const button = viewList.shadowRoot.querySelector('[data-view="' + viewId + '"]');
      const start = performance.now();
      button.click();
      // The click re-renders the inbox, which hands the view to the list, which renders its first page.
      await inbox.updateComplete;
      await list().updateComplete;
      await afterPaint();
      times.push(performance.now() - start);
    }
    return times;
  },
};
window.benchReady = true;
</script></body></html>`;

function serve(files) {
  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    const file = files[path];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' });
    response.end(file.body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` })),
  );
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function run() {
  if (!existsSync(INBOX_BUNDLE)) throw new Error(`${INBOX_BUNDLE} is missing: run \`npm run build\` first`);
  const { server, origin } = await serve({
    '/': { type: 'text/html', body: PAGE },
    // The bundle and any chunk it loads later, as the server serves them.
    ...Object.fromEntries(
      readdirSync(BUNDLES)
        .filter((name) => name.endsWith('.js'))
        .map((name) => [`/bundles/${name}`, { type: 'text/javascript', body: readFileSync(`${BUNDLES}/${name}`) }]),
    ),
    '/data.js': { type: 'text/javascript', body: await buildDataBundle() },
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(10 * 60 * 1000);
    page.on('pageerror', (error) => console.error('[inbox bench page]', error));
    await page.goto(origin);
    await page.waitForFunction(() => window.benchReady === true);
    const loaded = await page.evaluate((count) => window.bench.load(count), CONVERSATIONS);
    // The metric is the first (cold) mount; later mounts show the warm cost (BENCH_VERBOSE).
    const mounts = [];
    for (let i = 0; i < 5; i += 1) mounts.push(await page.evaluate(() => window.bench.firstPaint()));
    const warm = mounts.slice(1).map((m) => m.ms);
    const first = { ms: mounts[0].ms, warmMedian: percentile(warm, 50), rows: Math.max(...mounts.map((m) => m.rows)) };
    // A hard flick: 300 px a frame (18,000 px/s, four rows a frame), for four seconds.
    const scroll = await page.evaluate(() => window.bench.scroll(240, 300));
    // A stress figure for the log: 900 px a frame, twelve new rows in every frame.
    const fling = await page.evaluate(() => window.bench.scroll(120, 900));
    const switches = await page.evaluate(() =>
      window.bench.viewSwitch(['email', 'chat', 'unassigned', 'mine', 'tickets', 'all', 'email', 'all']),
    );
    const queryMs = await page.evaluate(() => window.bench.queryCost());
    if (process.env.BENCH_VERBOSE)
      console.error(
        JSON.stringify({
          loaded,
          queryMs,
          mounts: mounts.map((m) => Math.round(m.ms)),
          first,
          scroll: { ...scroll, intervals: undefined },
          flingP95: percentile(fling.intervals, 95),
          switches,
        }),
      );
    const round = (value) => Number(value.toFixed(2));
    return [
      { metric: 'inbox.list.100k.firstPaint.ms', value: round(first.ms), unit: 'ms' },
      { metric: 'inbox.list.100k.scrollP95.ms', value: round(percentile(scroll.intervals, 95)), unit: 'ms' },
      { metric: 'inbox.list.100k.domRows', value: Math.max(first.rows, scroll.maxRows, fling.maxRows), unit: 'rows' },
      { metric: 'inbox.viewSwitch.100k.paint.ms', value: round(percentile(switches, 50)), unit: 'ms' },
    ];
  } finally {
    await browser.close();
    server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await run()) console.log(JSON.stringify(line));
}

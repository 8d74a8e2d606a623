// `node bench/widget-floor.mjs [visits]` after a build: the least a returning visitor's connection can
// cost the host page, beside what it costs now — the floor under `widget.hostMainThread.returning.ms`.
// Four variants of the demo shop, each visit in a fresh Chromium context, interleaved: `without` (no
// tag, the baseline), `first` (a first-time visitor: the tag alone until intent), `returning` (a
// visitor who chatted before: the chat app at idle time, its client in a worker) and `floor` (the same
// returning visitor, with the chat app replaced by a module that only starts the same worker and
// reads nothing of what it tells). Task time as in `widget.bench.mjs` (CDP TaskDuration, thread
// time, 3 s after load), medians, minus the baseline's.
import {
  benchVisit,
  launchChromium,
  median,
  startDemoServer,
  visitTaskTime,
} from '../packages/chat-widget/scripts/harness.mjs';

const VISITS = Number(process.argv[2] ?? 15);
const SETTLE_MS = 3000;

/** The floor's stand-in for the chat app: background.ts's start of the worker, and nothing else. */
const FLOOR_APP = `
const boot = window[Symbol.for('confab.widget.boot')];
const types = window.trustedTypes;
const policy = types ? types.createPolicy('confab-widget', { createScriptURL: (url) => url }) : null;
const source = new URL('confab-widget-worker.js', boot.config.app).href;
const blob = URL.createObjectURL(new Blob(['import "' + source + '";'], { type: 'text/javascript' }));
const worker = new Worker(policy ? policy.createScriptURL(blob) : blob, { type: 'module' });
worker.onmessage = ({ data }) => {
  if (data.kind === 'view' && data.view.ready) window.confabFloorReady = true;
};
const { server, site } = boot.config;
worker.postMessage({ kind: 'start', server, site, namespace: 'confab-widget-' + site });
boot.app = {};
`;

const demo = await startDemoServer();
const browser = await launchChromium();
const base = `${demo.server.url}/site/`;

async function measure(variant) {
  const kind = variant === 'first' ? 'with' : variant === 'floor' ? 'returning' : variant;
  const { context, page, url } = await benchVisit(browser, base, kind);
  if (variant === 'floor')
    await context.route('**/confab-widget-app.js', (route) =>
      route.fulfill({
        body: FLOOR_APP,
        contentType: 'text/javascript',
        headers: { 'access-control-allow-origin': '*' },
      }),
    );
  const spent = await visitTaskTime(context, page, url, SETTLE_MS);
  // Each returning variant must have connected within the window, or its figure means nothing.
  if (variant === 'floor' && !(await page.evaluate(() => window.confabFloorReady)))
    throw new Error(`the floor's worker was not connected within ${SETTLE_MS} ms`);
  if (variant === 'returning' && (await page.evaluate(() => window.Confab.getState())).connection !== 'online')
    throw new Error(`the returning visitor was not connected within ${SETTLE_MS} ms`);
  await context.close();
  return spent;
}

try {
  const samples = { without: [], first: [], returning: [], floor: [] };
  await measure('floor'); // warm the server and the disk cache once
  for (let visit = 0; visit < VISITS; visit++)
    for (const variant of Object.keys(samples)) samples[variant].push(await measure(variant));
  const baseline = median(samples.without);
  for (const variant of ['first', 'returning', 'floor'])
    console.log(`${variant.padEnd(10)} ${(median(samples[variant]) - baseline).toFixed(1).padStart(5)} ms`);
} finally {
  await browser.close();
  await demo.close();
}

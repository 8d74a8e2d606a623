// `node bench/widget-profile.mjs [runs] [variant]` after `npm run build`: which of the widget's functions run
// on the host page's main thread, for one variant of bench/widget.bench.mjs (`with` or `returning`,
// the default). Each visit runs under a V8 CPU profile (CDP Profiler, sampled every 100 µs) from
// before navigation until the bench's settle time after load; samples in the widget's bundles are
// mapped back to their source functions with the bundles' hidden source maps. It prints the median
// over the visits of each function's self time, and (per source file) the sum, most first.
import { readFileSync, existsSync } from 'node:fs';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { benchVisit, launchChromium, median, startDemoServer } from '../packages/chat-widget/scripts/harness.mjs';

const RUNS = Number(process.argv[2] ?? 5);
const VARIANT = process.argv[3] ?? 'returning';
const SETTLE_MS = 3000;
const bundles = new URL('../packages/chat-widget/dist/bundles/', import.meta.url);

const maps = new Map();
/** The source map of a bundle the page loaded, by its file name; null for other scripts. */
function mapFor(url) {
  const file = url.split('/').pop();
  if (!file.startsWith('confab-widget')) return null;
  if (!maps.has(file)) {
    const path = new URL(`${file}.map`, bundles);
    maps.set(file, existsSync(path) ? new TraceMap(readFileSync(path, 'utf8')) : null);
  }
  return maps.get(file);
}

/** `function (source:line)` of a profile node's frame: the original function where a map knows it. */
function nameOf({ functionName, url, lineNumber, columnNumber }) {
  if (!url) return functionName || '(program)';
  const map = mapFor(url);
  if (!map) return `${functionName || '(anonymous)'} ${url.split('/').pop()}`;
  const position = originalPositionFor(map, { line: lineNumber + 1, column: columnNumber });
  const source = String(position.source ?? '?').replace(/^.*\/(packages|node_modules)\//, '');
  return `${position.name ?? functionName ?? '(anonymous)'} ${source}:${position.line}`;
}

const demo = await startDemoServer();
const browser = await launchChromium();
const base = `${demo.server.url}/site/`;

async function profileVisit() {
  const { context, page, url } = await benchVisit(browser, base, VARIANT);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(SETTLE_MS);
  const { profile } = await cdp.send('Profiler.stop');
  await context.close();
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = nodes.get(profile.samples[i]);
    if (node.callFrame.functionName === '(idle)') continue;
    const key = nameOf(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + profile.timeDeltas[i] / 1000);
  }
  return self;
}

await profileVisit(); // warm the server and the disk cache once, as the bench does
const visits = [];
for (let run = 0; run < RUNS; run++) visits.push(await profileVisit());
await browser.close();
await demo.close();

const report = (title, keyOf) => {
  const totals = visits.map((visit) => {
    const grouped = new Map();
    for (const [key, ms] of visit) grouped.set(keyOf(key), (grouped.get(keyOf(key)) ?? 0) + ms);
    return grouped;
  });
  const keys = new Set(totals.flatMap((visit) => [...visit.keys()]));
  const rows = [...keys].map((key) => [key, median(totals.map((visit) => visit.get(key) ?? 0))]);
  console.log(`\n${title} (median ms of ${RUNS} visits, ${VARIANT})`);
  for (const [key, ms] of rows.sort((a, b) => b[1] - a[1]).slice(0, 40))
    console.log(`${ms.toFixed(2).padStart(8)}  ${key}`);
};
report('by source file', (key) => key.split(' ').slice(1).join(' ').replace(/:\d+$/, '') || key);
report('by function', (key) => key);

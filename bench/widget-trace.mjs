// `node bench/widget-trace.mjs [runs] [variant…]` after `npm run build`: where the widget's main-thread
// time on the host page goes, for reading next to `npm run bench -- widget`. Each variant of that bench
// (without the tag, with it, the loader alone, a returning visitor) is loaded in a fresh Chromium
// context under a Chrome trace; every trace event of the page's renderer main thread counts its own
// thread (CPU) time, less its children's. It prints, per event name, the median over the runs of each
// variant, the names that cost most over the page without the tag first. Thread time, not wall time, so
// that figures taken on a busy machine still compare (the bench's TaskDuration is thread time too).
import { benchVisit, launchChromium, median, startDemoServer } from '../packages/chat-widget/scripts/harness.mjs';

const [runsArgument, ...named] = process.argv.slice(2);
const RUNS = Number(runsArgument ?? 3);
const VARIANTS = named.length ? named : ['without', 'with', 'loader', 'returning'];
const SETTLE_MS = 3000;
const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-v8.compile',
  'v8',
  'v8.execute',
  'blink',
  'toplevel',
];

const demo = await startDemoServer();
const browser = await launchChromium();
const base = `${demo.server.url}/site/`;

/** One visit: self thread time (ms) per event name on the page's main thread, and their sum. */
async function traceVisit(variant) {
  const { context, page, url } = await benchVisit(browser, base, variant);
  await browser.startTracing(page, { categories: CATEGORIES });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(SETTLE_MS);
  const { traceEvents } = JSON.parse((await browser.stopTracing()).toString());
  await context.close();

  // The renderer that parsed the shop's HTML; its main thread.
  const pid = traceEvents.find((e) => e.name === 'ParseHTML' && String(e.args?.beginData?.url).includes('/site/'))?.pid;
  const tid = traceEvents.find(
    (e) => e.pid === pid && e.name === 'thread_name' && e.args.name === 'CrRendererMain',
  )?.tid;
  const events = traceEvents
    .filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.tdur !== undefined)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const open = [];
  let total = 0;
  for (const event of events) {
    while (open.length && open.at(-1).ts + open.at(-1).dur <= event.ts) open.pop();
    const parent = open.at(-1);
    if (parent) parent.children = (parent.children ?? 0) + event.tdur;
    else total += event.tdur;
    open.push(event);
  }
  for (const event of events) {
    const data = event.args?.data ?? {};
    const script = String(data.url || data.fileName || '')
      .split('/')
      .pop();
    const what = data.functionName || (event.name === 'EventDispatch' ? data.type : '');
    const key = [event.name, script, what].filter(Boolean).join(' ');
    self.set(key, (self.get(key) ?? 0) + (event.tdur - (event.children ?? 0)) / 1000);
  }
  return { total: total / 1000, self };
}

const visits = Object.fromEntries(VARIANTS.map((variant) => [variant, []]));
await traceVisit('with'); // warm the server and the disk cache once, as the bench does
for (let run = 0; run < RUNS; run++) for (const variant of VARIANTS) visits[variant].push(await traceVisit(variant));
await browser.close();
await demo.close();

const fixed = (value) => value.toFixed(2).padStart(9);
const baseline = VARIANTS.includes('without') ? 'without' : null;
console.log(
  `median main-thread time of ${RUNS} visits (ms): ` +
    VARIANTS.map((v) => `${v} ${median(visits[v].map((r) => r.total)).toFixed(1)}`).join(', '),
);
const names = new Set(VARIANTS.flatMap((variant) => visits[variant].flatMap((visit) => [...visit.self.keys()])));
const rows = [...names].map((name) => ({
  name,
  values: VARIANTS.map((variant) => median(visits[variant].map((visit) => visit.self.get(name) ?? 0))),
}));
const at = (row, variant) => row.values[VARIANTS.indexOf(variant)];
const spread = (row) => Math.max(...row.values) - (baseline ? at(row, baseline) : Math.min(...row.values));
console.log(`${'event (self thread time)'.padEnd(64)}${VARIANTS.map((v) => v.padStart(10)).join('')}`);
for (const row of rows.sort((a, b) => spread(b) - spread(a)).slice(0, 30))
  console.log(`${row.name.slice(0, 63).padEnd(64)}${row.values.map((value) => ` ${fixed(value)}`).join('')}`);

// Widget benchmarks (DESIGN §4): the main-thread time the widget costs a host page before any
// interaction, in Chromium (playwright-core), against the reference server with demo data.
//
// The host page is the demo shop (/site/). Each run loads it in a fresh browser context (a
// first-time visitor) and reads Chromium's own accounting of main-thread work (CDP
// Performance.getMetrics `TaskDuration`) from before navigation until the page has been idle
// for a while — long enough for the loader to draw the launcher and, at idle time, find that
// this browser holds none of the widget's data: a first-time visitor's chat app loads on intent
// (hover, focus, click or a `window.Confab` call), so the loader says `ready` itself. The same
// page without the script tag is the baseline; the figure is the difference of the medians.
// `widget.loaderMainThread.ms` is the same with the app bundle blocked: what the script tag alone
// costs. `widget.hostMainThread.returning.ms` is a visitor who chatted on an earlier page, whose
// widget loads the app at idle time and connects at once (unread replies), from a worker.
// Sizes (size.widget.*) come from scripts/size.mjs.
import {
  benchVisit,
  launchChromium,
  median,
  startDemoServer,
  visitTaskTime,
} from '../packages/chat-widget/scripts/harness.mjs';

const RUNS = 9;
const SETTLE_MS = 3000;

export async function run() {
  const demo = await startDemoServer();
  const browser = await launchChromium();
  try {
    const base = `${demo.server.url}/site/`;

    async function measure(variant) {
      const { context, page, url } = await benchVisit(browser, base, variant);
      const spent = await visitTaskTime(context, page, url, SETTLE_MS);
      // The measured window must have covered the widget's idle-time work.
      if (variant === 'with') {
        const { ready, loading } = await page.evaluate(() => {
          const boot = window[Symbol.for('confab.widget.boot')];
          return { ready: boot?.ready, loading: boot?.loading };
        });
        if (!ready) throw new Error(`the widget did not say ready within ${SETTLE_MS} ms`);
        if (loading) throw new Error("a first-time visitor's chat app was loaded before intent");
      }
      if (variant === 'returning') {
        if (!(await page.evaluate(() => window[Symbol.for('confab.widget.boot')]?.app != null)))
          throw new Error(`the chat app did not start within ${SETTLE_MS} ms`);
        const state = await page.evaluate(() => window.Confab.getState());
        if (state.connection !== 'online' || state.availability === 'unknown')
          throw new Error(`returning visitor not connected within ${SETTLE_MS} ms: ${JSON.stringify(state)}`);
        // Connected from the worker, not from the page (which the demo's policy would have refused it).
        if (page.workers().length !== 1) throw new Error("the returning visitor's client is not in a worker");
      }
      await context.close();
      return spent;
    }

    const samples = { without: [], with: [], loader: [], returning: [] };
    await measure('with'); // warm the server and the disk cache once
    for (let i = 0; i < RUNS; i++)
      for (const variant of Object.keys(samples)) samples[variant].push(await measure(variant));
    const baseline = median(samples.without);
    const round = (value) => Math.round(value * 10) / 10;
    return [
      { metric: 'widget.hostMainThread.ms', value: round(median(samples.with) - baseline), unit: 'ms' },
      { metric: 'widget.loaderMainThread.ms', value: round(median(samples.loader) - baseline), unit: 'ms' },
      { metric: 'widget.hostMainThread.returning.ms', value: round(median(samples.returning) - baseline), unit: 'ms' },
    ];
  } finally {
    await browser.close();
    await demo.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await run());

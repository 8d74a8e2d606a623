// Browser tests: every compiled *.test.js of the browser packages in one engine per run
// (`CONFAB_ENGINE`: chromium, the default, firefox or webkit; scripts/test.mjs runs all three).
// Which files each engine runs: scripts/engines.mjs.
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.mjs';
import { browserTestFiles, currentEngine, FIREFOX_PATH } from './scripts/engines.mjs';
import { webkitLauncher } from './scripts/wtr-webkit.mjs';
import { writeFileSync, mkdirSync, mkdtempSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const engine = currentEngine();

/**
 * Counts every test of the run and writes the totals and the failing tests (file and name) for
 * scripts/test.mjs, scripts/engine-tests.mjs and scripts/repeat.mjs to `CONFAB_BROWSER_RESULTS`
 * (default test-results/browser-<engine>.json).
 */
function countingReporter() {
  return {
    onTestRunFinished({ sessions }) {
      let passed = 0;
      let failed = 0;
      const failures = [];
      for (const session of sessions) {
        const file = relative(process.cwd(), session.testFile);
        const failedBefore = failed;
        const walk = (suite, path) => {
          for (const test of suite.tests) {
            if (test.skipped) continue;
            if (test.passed) passed += 1;
            else {
              failed += 1;
              failures.push({ file, name: [...path, test.name].join(' › ') });
            }
          }
          for (const child of suite.suites) walk(child, [...path, child.name]);
        };
        if (session.testResults) walk(session.testResults, []);
        // A file that failed to load, or failed outside its tests (an error after them, a
        // timeout), counts as a failure too.
        if (!session.passed && failed === failedBefore) {
          failed += 1;
          failures.push({ file, name: session.errors?.[0]?.message ?? 'failed outside its tests' });
        }
      }
      console.log(`Browser tests (${engine.name}): ${passed} passed / ${failed} failed (${sessions.length} files)`);
      const file = process.env.CONFAB_BROWSER_RESULTS || `test-results/browser-${engine.id}.json`;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify({ passed, failed, failures }));
    },
  };
}

/**
 * Starts one real reference server (fresh data directory, demo data) for the browser tests that
 * need a backend, and tells them where it is at `/__confab/server.json`.
 */
function referenceServer() {
  let server = null;
  let info = { url: null };
  return {
    name: 'confab-reference-server',
    async serverStart({ config }) {
      const entry = new URL('./packages/server/dist/index.js', import.meta.url);
      if (!existsSync(entry)) return;
      const { startServer } = await import(entry.href);
      if (typeof startServer !== 'function') return;
      const dataDir = mkdtempSync(join(tmpdir(), 'confab-wtr-'));
      server = await startServer({
        port: 0,
        host: '127.0.0.1',
        dataDir,
        demo: true,
        allowedOrigins: [`http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`],
        log: () => undefined,
      });
      // A dedicated agent for the tests, whatever the demo data holds.
      const agent = {
        id: 'wtr-agent',
        name: 'Test Agent',
        email: 'wtr-agent@team.example',
        availability: 'available',
        disabled: false,
      };
      await server.backend.append([{ type: 'agent.upserted', agent }]);
      const { token } = await server.auth.issueAgentToken(agent.id, 'web-test-runner');
      info = { url: server.url, wsUrl: `${server.url.replace(/^http/, 'ws')}/ws`, agentToken: token };
    },
    async serverStop() {
      await server?.close();
    },
    serve(context) {
      if (context.path === '/__confab/server.json') return { body: JSON.stringify(info), type: 'json' };
      // For the transport conformance suite: end every link as a restart would, and count them.
      if (context.path === '/__confab/break-links' && context.method === 'POST') {
        server.backend.endLinks(1012, 'conformance: links broken');
        return { body: '{}', type: 'json' };
      }
      if (context.path === '/__confab/open-links')
        return { body: JSON.stringify({ openLinks: server.backend.openLinks }), type: 'json' };
      return undefined;
    },
  };
}

/**
 * `confab-forced-colors` ({ active, screenshot? }): emulates Windows high contrast
 * (`forced-colors: active`) over CDP, which only Chromium offers (files `*.chromium.test.js`),
 * and saves a screenshot to test-results/screenshots/<screenshot>.png when asked.
 */
function forcedColorsCommand() {
  // Puppeteer's emulateMediaFeatures knows no forced-colors: CDP directly, on a session kept per
  // page (emulation ends with the session that set it).
  const sessions = new WeakMap();
  return {
    name: 'confab-forced-colors',
    async executeCommand({ command, payload, session }) {
      if (command !== 'confab-forced-colors') return undefined;
      const page = session.browser.getPage(session.id);
      if (!sessions.has(page)) sessions.set(page, await page.createCDPSession());
      await sessions.get(page).send('Emulation.setEmulatedMedia', {
        features: [{ name: 'forced-colors', value: payload.active ? 'active' : 'none' }],
      });
      if (payload.screenshot) {
        mkdirSync('test-results/screenshots', { recursive: true });
        await page.screenshot({ path: `test-results/screenshots/${payload.screenshot}.png` });
      }
      return true;
    },
  };
}

/**
 * A failed assertion about an element (`expect(element).to.equal(null)`) would keep its whole file
 * from reporting until the 10-minute limit: web-test-runner clones each failure's actual and
 * expected values to send them, and an element cannot be cloned. A root hook in every test file
 * replaces such values by their markup first. One line, so that the file's source map still fits.
 */
function reportableFailures() {
  const hook =
    'afterEach(function () { const error = this.currentTest && this.currentTest.err; if (error) for (const key of ["actual", "expected"]) { try { structuredClone(error[key]); } catch { error[key] = error[key] instanceof Node ? (error[key].outerHTML ?? error[key].nodeName) : String(error[key]); } } });';
  return {
    name: 'confab-reportable-failures',
    transform(context) {
      if (context.path.endsWith('.test.js')) return { body: hook + context.body };
      return undefined;
    },
  };
}

/** The first port from `from` on that nothing listens (web-test-runner listens on every address). */
async function freePort(from) {
  for (let port = from; port < from + 300; port += 1) {
    const free = await new Promise((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${from}–${from + 299}`);
}

function launcher() {
  if (engine.id === 'firefox')
    return chromeLauncher({
      puppeteer,
      launchOptions: { browser: 'firefox', executablePath: FIREFOX_PATH, headless: true },
    });
  if (engine.id === 'webkit') return webkitLauncher();
  return chromeLauncher({
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        '--headless=new',
        ...CHROMIUM_ARGS,
        '--disable-renderer-backgrounding',
        '--disable-background-timer-throttling',
        '--disable-backgrounding-occluded-windows',
      ],
    },
  });
}

export default {
  // `CONFAB_TEST_FILTER`: only files whose path contains one of these (newline-separated).
  files: browserTestFiles(engine.id, process.env.CONFAB_TEST_FILTER?.split('\n').filter(Boolean)),
  port: await freePort(engine.firstPort),
  nodeResolve: { exportConditions: ['browser', 'production'] },
  // One page at a time: a second page would be a hidden tab, which gets no animation frames and
  // throttled timers, and UI updates are batched per frame.
  concurrency: 1,
  plugins: [referenceServer(), forcedColorsCommand(), reportableFailures()],
  browsers: [launcher()],
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 10 * 60 * 1000,
  // Firefox and WebKit run beside Chromium on two cores: opening a page took over the default 30 s
  // when the machine was saturated (seen with load 20–30). Page start is not what tests measure.
  browserStartTimeout: 2 * 60 * 1000,
  reporters: [defaultReporter({ reportTestResults: true, reportTestProgress: false }), countingReporter()],
};

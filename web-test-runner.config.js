// Browser tests: every compiled *.test.js of the browser packages, in Debian's Chromium.
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.mjs';
import { writeFileSync, mkdirSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Counts every test of the run and writes the totals for scripts/test.mjs to add up. */
function countingReporter() {
  return {
    onTestRunFinished({ sessions }) {
      let passed = 0;
      let failed = 0;
      const walk = (suite) => {
        for (const test of suite.tests) {
          if (test.skipped) continue;
          if (test.passed) passed += 1;
          else failed += 1;
        }
        for (const child of suite.suites) walk(child);
      };
      for (const session of sessions) {
        if (session.testResults) walk(session.testResults);
        // A file that failed to load has no test results but must count as a failure.
        if (!session.passed && (!session.testResults || session.errors?.length)) failed += session.testResults ? 0 : 1;
      }
      console.log(`Browser tests: ${passed} passed / ${failed} failed (${sessions.length} files)`);
      mkdirSync('test-results', { recursive: true });
      writeFileSync('test-results/browser.json', JSON.stringify({ passed, failed }));
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
      const { token } = server.auth.issueAgentToken(agent.id, 'web-test-runner');
      info = { url: server.url, wsUrl: `${server.url.replace(/^http/, 'ws')}/ws`, agentToken: token };
    },
    async serverStop() {
      await server?.close();
    },
    serve(context) {
      if (context.path !== '/__confab/server.json') return undefined;
      return { body: JSON.stringify(info), type: 'json' };
    },
  };
}

export default {
  files: [
    'packages/core/dist/**/*.test.js',
    'packages/inbox-elements/dist/**/*.test.js',
    'packages/chat-widget/dist/**/*.test.js',
  ],
  nodeResolve: { exportConditions: ['browser', 'production'] },
  // One page at a time: a second page would be a hidden tab, which gets no animation frames and
  // throttled timers, and UI updates are batched per frame.
  concurrency: 1,
  plugins: [referenceServer()],
  browsers: [
    chromeLauncher({
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
    }),
  ],
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 10 * 60 * 1000,
  reporters: [defaultReporter({ reportTestResults: true, reportTestProgress: false }), countingReporter()],
};

// Browser tests: every compiled *.test.js of the browser packages, in Debian's Chromium.
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { writeFileSync, mkdirSync } from 'node:fs';

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
      mkdirSync('test-results', { recursive: true });
      writeFileSync('test-results/browser.json', JSON.stringify({ passed, failed }));
    },
  };
}

const chromiumFlags = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default {
  files: [
    'packages/core/dist/**/*.test.js',
    'packages/inbox-elements/dist/**/*.test.js',
    'packages/chat-widget/dist/**/*.test.js',
  ],
  nodeResolve: { exportConditions: ['browser', 'production'] },
  concurrency: 2,
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
        args: chromiumFlags,
      },
    }),
  ],
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 10 * 60 * 1000,
  reporters: [defaultReporter({ reportTestResults: true, reportTestProgress: false }), countingReporter()],
};

// `npm test`: type-check and build, run every browser test (Chromium) and Node test, then the
// size check; ends with one line `N passed, N failed` that adds them all up.
import { spawnSync } from 'node:child_process';
import { browserTestFiles, nodeTestFiles, runBrowserTests, runNodeTests } from './test-files.mjs';

const totals = { passed: 0, failed: 0 };
const filter = process.argv.slice(2); // optional: only test files whose path contains one of these

function run(command, args) {
  return spawnSync(command, args, { stdio: 'inherit' });
}

function step(name, ok) {
  if (ok) totals.passed += 1;
  else {
    totals.failed += 1;
    console.error(`✗ ${name} failed`);
  }
}

// 1. Type-check and compile (tests run from the compiled output: one truth for tests and bundles).
step('type-check (tsc -b)', run('npx', ['tsc', '-b']).status === 0);

// 2. Bundles, so that size checks and pages that load the built widget find them.
step('bundle (rollup)', run('npx', ['rollup', '-c', '--silent']).status === 0);

// 3. Browser tests.
const browserFiles = filter.length ? browserTestFiles().filter((f) => filter.some((p) => f.includes(p))) : null;
if (browserFiles === null || browserFiles.length) {
  const browser = runBrowserTests(browserFiles);
  totals.passed += browser.passed;
  totals.failed += browser.failed;
  if (browser.status !== 0 && browser.failed === 0) step('browser test run', false);
}

// 4. Node tests (server and other Node-only code).
const nodeFiles = nodeTestFiles().filter((f) => !filter.length || filter.some((p) => f.includes(p)));
if (nodeFiles.length) {
  const node = runNodeTests(nodeFiles);
  totals.passed += node.passed;
  totals.failed += node.failed;
  if (node.status !== 0 && node.failed === 0) step('node test run', false);
}

// 5. Size budgets (DESIGN §4).
if (!filter.length) step('size budgets', run('node', ['scripts/size.mjs', '--check']).status === 0);

console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 ? 0 : 1);

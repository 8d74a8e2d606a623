// `npm test`: type-check and build, run every browser test (Chromium) and Node test, then the
// size check; ends with one line `N passed, N failed` that adds them all up.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, existsSync } from 'node:fs';
import { globSync } from './glob.mjs';

const totals = { passed: 0, failed: 0 };
const filter = process.argv.slice(2); // optional: only test files whose path contains one of these

function run(command, args, options = {}) {
  const child = spawnSync(command, args, {
    stdio: options.capture ? ['inherit', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
  });
  if (options.capture) process.stdout.write(child.stdout ?? '');
  return child;
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
rmSync('test-results/browser.json', { force: true });
const browserArgs = ['web-test-runner', '--config', 'web-test-runner.config.js'];
const browserFiles = filter.length
  ? ['core', 'inbox-elements', 'chat-widget']
      .flatMap((p) => globSync(`packages/${p}/dist/**/*.test.js`))
      .filter((f) => filter.some((p) => f.includes(p)))
  : null;
if (browserFiles === null || browserFiles.length) {
  if (browserFiles) browserArgs.push('--files', ...browserFiles);
  const browser = run('npx', browserArgs);
  if (existsSync('test-results/browser.json')) {
    const counts = JSON.parse(readFileSync('test-results/browser.json', 'utf8'));
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    if (browser.status !== 0 && counts.failed === 0) step('browser test run', false);
  } else step('browser test run (no results written)', false);
}

// 4. Node tests (server and other Node-only code).
const nodeFiles = globSync('packages/server/dist/**/*.test.js')
  .concat(
    globSync('examples/**/*.test.mjs'),
    globSync('e2e/**/*.test.mjs'),
    globSync('security/**/*.test.mjs'),
    globSync('scripts/**/*.test.mjs'),
  )
  .filter((f) => !filter.length || filter.some((p) => f.includes(p)));
if (nodeFiles.length) {
  const node = run('node', ['--test', '--test-concurrency=1', ...nodeFiles], { capture: true });
  const out = node.stdout ?? '';
  const pass = Number(/^# pass (\d+)/m.exec(out)?.[1] ?? 0);
  const fail = Number(/^# fail (\d+)/m.exec(out)?.[1] ?? 0);
  totals.passed += pass;
  totals.failed += fail;
  if (node.status !== 0 && fail === 0) step('node test run', false);
}

// 5. Size budgets (DESIGN §4).
if (!filter.length) step('size budgets', run('node', ['scripts/size.mjs', '--check']).status === 0);

console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 ? 0 : 1);

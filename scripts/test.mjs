// `npm test`: type-check and build, run the browser tests and visitor journeys in Chromium,
// Firefox and WebKit and every Node test, then the size check; prints each engine's counts and
// ends with one line `N passed, N failed` that adds them all up.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { engineLine, ENGINES } from './engines.mjs';
import { nodeTestFiles, runNodeTests } from './test-files.mjs';

const totals = { passed: 0, failed: 0 };
const filter = process.argv.slice(2); // optional: only test files whose path contains one of these

function run(command, args) {
  return spawnSync(command, args, { stdio: 'inherit' });
}

/** Runs engine-tests.mjs for `engines` in the background, its output in a log; resolves when done. */
function startLane(engines) {
  mkdirSync('test-results', { recursive: true });
  const log = 'test-results/engines-second-lane.log';
  const output = openSync(log, 'w');
  const child = spawn('node', ['scripts/engine-tests.mjs', engines.join(','), ...filter], {
    stdio: ['ignore', output, output],
  });
  return new Promise((resolve) => {
    child.on('exit', () => {
      console.log(`\n── ${engines.map((id) => ENGINES[id].name).join(' and ')} (${log}) ──`);
      process.stdout.write(readFileSync(log, 'utf8'));
      resolve();
    });
  });
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

// 3. Browser tests and visitor journeys per engine (scripts/engine-tests.mjs). Firefox and WebKit
//    run one after the other in a second lane beside everything else (2 cores): their output goes
//    to a log printed when they are done.
for (const id of Object.keys(ENGINES)) rmSync(`test-results/engine-${id}.json`, { force: true });
const SECOND_LANE = ['firefox', 'webkit'];
const secondLane = startLane(SECOND_LANE);
run('node', ['scripts/engine-tests.mjs', 'chromium', ...filter]);

// 4. Node tests (server and other Node-only code; e2e/engines/ ran once per engine in step 3).
const nodeFiles = nodeTestFiles().filter((f) => !filter.length || filter.some((p) => f.includes(p)));
if (nodeFiles.length) {
  const node = runNodeTests(nodeFiles);
  totals.passed += node.passed;
  totals.failed += node.failed;
  if (node.status !== 0 && node.failed === 0) step('node test run', false);
}

// 5. Size budgets (DESIGN §4).
if (!filter.length) step('size budgets', run('node', ['scripts/size.mjs', '--check']).status === 0);

// 6. Each engine's counts, then everything added up.
await secondLane;
for (const id of Object.keys(ENGINES)) {
  const counts = `test-results/engine-${id}.json`;
  const result = existsSync(counts) ? JSON.parse(readFileSync(counts, 'utf8')) : null;
  if (!result) {
    step(`${ENGINES[id].name} tests (no results written)`, false);
    continue;
  }
  totals.passed += result.passed;
  totals.failed += result.failed;
  console.log(engineLine(ENGINES[id].name, result));
}
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 ? 0 : 1);

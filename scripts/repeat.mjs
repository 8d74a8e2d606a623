// `npm run test:repeat -- <file part> <n>`: builds once, then runs the test files whose path
// contains <file part> n times, without rebuilding, to find tests that fail at random. Each run
// starts web-test-runner once for the matching browser files and `node --test` once for the
// matching Node files. Prints one line per run (counts, seconds, the failing tests; the output of a
// failed run is kept in test-results/repeat/), then `file: n runs, k failed` for each file.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { browserTestFiles, currentEngine, journeyFiles } from './engines.mjs';
import { nodeTestFiles, runBrowserTests, runNodeTests } from './test-files.mjs';

const [part, count = '10'] = process.argv.slice(2);
const runs = Number(count);
if (!part || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: npm run test:repeat -- <file part> <n>');
  process.exit(2);
}

for (const [command, ...args] of [
  ['npx', 'tsc', '-b'],
  ['npx', 'rollup', '-c', '--silent'],
]) {
  if (spawnSync(command, args, { stdio: 'inherit' }).status !== 0) process.exit(1);
}

// Two loops may run at once: each keeps its own results and logs (named by process id).
const logDir = 'test-results/repeat';
mkdirSync(logDir, { recursive: true });
const resultsFile = join(logDir, `browser-${process.pid}.json`);
// Browser files run in the engine CONFAB_ENGINE names (Chromium by default).
const browserFiles = browserTestFiles(currentEngine().id, [part]);
const nodeFiles = [...nodeTestFiles(), ...journeyFiles()].filter((file) => file.includes(part));
const groups = [
  { name: 'browser', files: browserFiles, run: () => runBrowserTests(browserFiles, { resultsFile, capture: true }) },
  { name: 'node', files: nodeFiles, run: () => runNodeTests(nodeFiles, { capture: true }) },
].filter((group) => group.files.length > 0);
if (groups.length === 0) {
  console.error(`test:repeat: no test file matches "${part}" (is it built?)`);
  process.exit(2);
}

/** For each file, the runs in which it failed; a failure no file claims counts for all of its group. */
const failedRuns = new Map([...browserFiles, ...nodeFiles].map((file) => [file, new Set()]));
for (let i = 1; i <= runs; i += 1) {
  for (const [index, group] of groups.entries()) {
    const start = performance.now();
    const result = group.run();
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    const what = group.files.length === 1 ? group.files[0] : `${group.name} (${group.files.length} files)`;
    let line = `${what} run ${i}/${runs}: ${result.passed} passed, ${result.failed} failed, ${seconds} s`;
    if (result.status !== 0 || result.failed > 0) {
      const log = join(logDir, `run-${process.pid}-${i}-${index}.log`);
      writeFileSync(log, result.output);
      const failures = result.failures.length ? result.failures : [{ file: null, name: `exit ${result.status}` }];
      for (const { file } of failures)
        for (const name of failedRuns.has(file) ? [file] : group.files) failedRuns.get(name).add(i);
      line += ` ✗ ${failures.map(({ file, name }) => (file ? `${file}: ${name}` : name)).join(' | ')} (output: ${log})`;
    }
    console.log(line);
  }
}
for (const [file, failed] of failedRuns) console.log(`${file}: ${runs} runs, ${failed.size} failed`);
process.exit([...failedRuns.values()].every((failed) => failed.size === 0) ? 0 : 1);

// The test files and how one run of them is counted, shared by `npm test` (scripts/test.mjs) and
// `npm run test:repeat` (scripts/repeat.mjs). Tests run from the compiled output.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import { globSync } from './glob.mjs';

/** Node test files, run by `node --test`. */
export function nodeTestFiles() {
  return globSync('packages/server/dist/**/*.test.js').concat(
    globSync('packages/identity/dist/**/*.test.js'),
    globSync('examples/**/*.test.mjs'),
    // e2e/engines/ runs once per browser engine (scripts/engine-tests.mjs).
    globSync('e2e/**/*.test.mjs').filter((file) => !file.startsWith('e2e/engines/')),
    globSync('security/**/*.test.mjs'),
    globSync('scripts/**/*.test.mjs'),
  );
}

/** `pipe` names the streams kept (and not printed): none, 'stdout' or 'all'. */
function spawn(command, args, { pipe = 'none', env = {} }) {
  const child = spawnSync(command, args, {
    stdio: ['inherit', pipe === 'none' ? 'inherit' : 'pipe', pipe === 'all' ? 'pipe' : 'inherit'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  return { status: child.status, output: `${child.stdout ?? ''}${child.stderr ?? ''}` };
}

/**
 * Runs browser test files with the repository's web-test-runner config (every file when `files`
 * is null). Its reporter writes the counts and the failing tests to `resultsFile`. `capture` keeps
 * the output instead of printing it. → { passed, failed, failures: [{ file, name }], status, output }
 */
export function runBrowserTests(files, { resultsFile = 'test-results/browser.json', capture = false } = {}) {
  rmSync(resultsFile, { force: true });
  const args = ['web-test-runner', '--config', 'web-test-runner.config.js'];
  if (files) args.push('--files', ...files);
  const run = spawn('npx', args, { pipe: capture ? 'all' : 'none', env: { CONFAB_BROWSER_RESULTS: resultsFile } });
  if (!existsSync(resultsFile))
    return { passed: 0, failed: 1, failures: [{ file: null, name: 'web-test-runner wrote no results' }], ...run };
  const { passed, failed, failures = [] } = JSON.parse(readFileSync(resultsFile, 'utf8'));
  return { passed, failed, failures, ...run };
}

/**
 * Runs Node test files one at a time under `node --test`.
 * → { passed, failed, failures: [{ file, name }], status, output }
 */
export function runNodeTests(files, { capture = false } = {}) {
  // stdout is read for the counts either way.
  const run = spawn('node', ['--test', '--test-concurrency=1', '--test-reporter=tap', ...files], {
    pipe: capture ? 'all' : 'stdout',
  });
  if (!capture) process.stdout.write(run.output);
  const count = (kind) => Number(new RegExp(`^# ${kind} (\\d+)`, 'm').exec(run.output)?.[1] ?? 0);
  return {
    passed: count('pass'),
    // A test that timed out is reported as cancelled, not failed; it counts as failed here.
    failed: count('fail') + count('cancelled'),
    failures: failingTapTests(run.output),
    ...run,
  };
}

/**
 * The failing tests (not suites) in TAP output, with the file each is in: the YAML block after a
 * `not ok` line gives its location, and says `type: 'suite'` for a suite.
 */
function failingTapTests(tap) {
  const lines = tap.split('\n');
  const failures = [];
  for (let i = 0; i < lines.length; i += 1) {
    const failing = /^\s*not ok \d+ - (.*)$/.exec(lines[i]);
    if (!failing) continue;
    let suite = false;
    let file = null;
    for (let j = i + 1; j < lines.length && !/^\s*(\.\.\.|# Subtest:|(not )?ok \d+)/.test(lines[j]); j += 1) {
      if (/^\s*type: 'suite'$/.test(lines[j])) suite = true;
      const location = /^\s*location: '(.*):\d+:\d+'$/.exec(lines[j]);
      if (location && file === null) file = relative(process.cwd(), location[1]);
    }
    if (!suite) failures.push({ file, name: failing[1] });
  }
  return failures;
}

// What runs in each browser engine: its browser tests (web-test-runner) and the visitor journeys
// of e2e/engines/ (node --test), with CONFAB_ENGINE set. Writes test-results/engine-<id>.json
// ({ passed, failed, cannotRun }) for scripts/test.mjs to add up, and prints one line per engine.
// Usage: node scripts/engine-tests.mjs <engine>[,<engine>…] [path part…]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  browserTestFiles,
  chromiumOnlyFiles,
  engineLine,
  ENGINES,
  journeyFiles,
  missingFor,
  notYetFiles,
} from './engines.mjs';

const [engineList = 'chromium', ...filter] = process.argv.slice(2);

let failedAny = false;
for (const id of engineList.split(',')) {
  const result = runEngine(id);
  failedAny ||= result.failed > 0;
  mkdirSync('test-results', { recursive: true });
  writeFileSync(`test-results/engine-${id}.json`, JSON.stringify(result));
  console.log(engineLine(ENGINES[id].name, result));
}
process.exit(failedAny ? 1 : 0);

function runEngine(id) {
  const result = { passed: 0, failed: 0, cannotRun: [] };
  const missing = missingFor(id);
  if (missing) {
    // Never silently: an engine that is not installed is a failure, named.
    result.failed = 1;
    result.cannotRun.push(`every test: ${missing}`);
    return result;
  }
  const env = { ...process.env, CONFAB_ENGINE: id, CONFAB_TEST_FILTER: filter.join('\n') };
  for (const file of chromiumOnlyFiles(id, filter)) result.cannotRun.push(`${file} (Chromium-only emulation)`);
  result.cannotRun.push(...notYetFiles(id, filter));

  if (browserTestFiles(id, filter).length) {
    const counts = `test-results/browser-${id}.json`;
    rmSync(counts, { force: true });
    const run = spawnSync('npx', ['web-test-runner', '--config', 'web-test-runner.config.js'], {
      stdio: 'inherit',
      env,
    });
    const browser = existsSync(counts) ? JSON.parse(readFileSync(counts, 'utf8')) : { passed: 0, failed: 0 };
    result.passed += browser.passed;
    // A run that failed without failing a test (it did not start, a file did not load) fails once.
    result.failed += browser.failed || (run.status === 0 ? 0 : 1);
  }

  const journeys = journeyFiles(filter);
  if (journeys.length) {
    const run = spawnSync('node', ['--test', '--test-concurrency=1', ...journeys], {
      stdio: ['inherit', 'pipe', 'inherit'],
      encoding: 'utf8',
      env,
    });
    const out = run.stdout ?? '';
    process.stdout.write(out);
    const pass = Number(/^# pass (\d+)/m.exec(out)?.[1] ?? 0);
    const fail = Number(/^# fail (\d+)/m.exec(out)?.[1] ?? 0);
    result.passed += pass;
    result.failed += fail || (run.status === 0 ? 0 : 1);
    // node:test prints `ok N - <name> # SKIP <why>` for a test that cannot run in this engine.
    for (const [, name, why] of out.matchAll(/^\s*ok \d+ - (.*) # SKIP (.*)$/gm))
      result.cannotRun.push(`${name} (${why})`);
  }
  return result;
}

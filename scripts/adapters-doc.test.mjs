// Every code sample of docs/adapters.md runs: each is a complete `node --test` file, written next
// to the doc's own place in the repository (so its imports resolve) and run in a child process.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const doc = readFileSync('docs/adapters.md', 'utf8');
const samples = [...doc.matchAll(/```js\n\/\/ sample: (.*)\n([\s\S]*?)```/g)].map(([, name, code]) => ({ name, code }));

describe('docs/adapters.md', () => {
  it('has its samples', () => assert.ok(samples.length >= 3, `found ${samples.length}`));
  for (const { name, code } of samples) {
    it(`sample: ${name}`, () => {
      // Two levels below the root, as the doc's relative imports expect.
      const dir = mkdtempSync(join('test-results', 'adapters-doc-'));
      const file = join(dir, 'sample.test.mjs');
      try {
        writeFileSync(file, code);
        const run = spawnSync(process.execPath, ['--test', file], { encoding: 'utf8', timeout: 120_000 });
        assert.equal(run.status, 0, run.stdout + run.stderr);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

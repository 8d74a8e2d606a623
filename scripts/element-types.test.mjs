// The JSX (React 19), Vue and Svelte declarations of @confab/react, checked with tsc on small
// fixtures (packages/react/type-tests): correct uses compile, and each deliberate misuse, marked
// `@ts-expect-error`, must be an error (tsc reports a marker with no error under it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

test('the tag types accept correct props and events and refuse wrong ones, in React, Vue and Svelte', () => {
  const run = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'packages/react/type-tests'], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, `tsc -p packages/react/type-tests:\n${run.stdout}${run.stderr}`);
});

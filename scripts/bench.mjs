// `npm run bench`: builds, runs every bench/*.bench.mjs (each exports `async function run()`
// returning [{ metric, value, unit }]), adds the bundle sizes, prints one JSON line per metric and
// writes them all to bench/results.json. Every number is measured here, never typed in.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measureSizes } from './size.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

for (const [command, args] of [
  ['npx', ['tsc', '-b']],
  ['npx', ['rollup', '-c', '--silent']],
]) {
  const built = spawnSync(command, args, { stdio: 'inherit' });
  if (built.status !== 0) {
    console.error(`bench: ${command} ${args.join(' ')} failed`);
    process.exit(1);
  }
}

const only = process.argv.slice(2); // optional: bench files whose name contains one of these
const files = readdirSync(join(root, 'bench'))
  .filter((name) => name.endsWith('.bench.mjs'))
  .filter((name) => only.length === 0 || only.some((part) => name.includes(part)))
  .sort();

const results = [];
let failed = 0;
const emit = (line) => {
  results.push(line);
  console.log(JSON.stringify(line));
};
for (const name of files) {
  try {
    const module = await import(pathToFileURL(join(root, 'bench', name)).href);
    for (const { metric, value, unit } of await module.run()) emit({ metric, value, unit });
  } catch (error) {
    failed += 1;
    console.error(`bench: ${name} failed:`, error);
  }
}
for (const { metric, value, lazy } of measureSizes()) {
  if (value === null) continue;
  emit({ metric, value, unit: 'bytes' });
  // What the bundle loads later, on first use (not part of the initial budget).
  if (lazy) emit({ metric: metric.replace(/\.br$/, '.lazy.br'), value: lazy, unit: 'bytes' });
}

writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
process.exit(failed === 0 ? 0 : 1);

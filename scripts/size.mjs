// Size budgets (DESIGN §4): brotli bytes of each bundle. `--check` fails past a budget;
// `--json` prints bench lines ({"metric","value","unit"}).
import { readFileSync, existsSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';

export const budgets = [
  { metric: 'size.core.br', files: ['core-agent'], budget: 15360 },
  { metric: 'size.inbox.br', files: ['confab-inbox'], budget: 61440 },
  { metric: 'size.widget.loader.br', files: ['confab-widget'], budget: 2048 },
  { metric: 'size.widget.total.br', files: ['confab-widget', 'confab-widget-app'], budget: 40960 },
];

export function brotliSize(file) {
  return brotliCompressSync(readFileSync(file), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

export function measureSizes() {
  const results = [];
  for (const { metric, files, budget } of budgets) {
    const paths = files.map((name) => `dist/bundles/${name}.js`);
    if (!paths.every((path) => existsSync(path))) {
      results.push({ metric, value: null, budget, missing: paths.filter((p) => !existsSync(p)) });
      continue;
    }
    results.push({ metric, value: paths.reduce((sum, path) => sum + brotliSize(path), 0), budget });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = measureSizes();
  let over = 0;
  for (const r of results) {
    if (process.argv.includes('--json')) {
      if (r.value !== null) console.log(JSON.stringify({ metric: r.metric, value: r.value, unit: 'bytes' }));
      continue;
    }
    if (r.value === null) console.log(`  ${r.metric}: not built yet (${r.missing.join(', ')})`);
    else {
      const ok = r.value <= r.budget;
      if (!ok) over += 1;
      console.log(`  ${ok ? '✓' : '✗'} ${r.metric}: ${r.value} B brotli (budget ${r.budget} B)`);
    }
  }
  if (process.argv.includes('--check') && over > 0) process.exit(1);
}

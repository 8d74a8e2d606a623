// Size budgets (DESIGN §4): brotli bytes of each bundle. `--check` fails past a budget;
// `--json` prints bench lines ({"metric","value","unit"}).
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { BUNDLES } from '../rollup.config.js';

export const budgets = [
  { metric: 'size.core.br', files: ['core-agent'], budget: 15360 },
  { metric: 'size.inbox.br', files: ['confab-inbox'], budget: 61440 },
  { metric: 'size.widget.loader.br', files: ['confab-widget'], budget: 1843 },
  { metric: 'size.widget.total.br', files: ['confab-widget', 'confab-widget-app'], budget: 30720 },
  // A returning visitor's page loads it too (beside the app): core's visitor client and its glue.
  { metric: 'size.widget.worker.br', files: ['confab-widget-worker'], budget: 15360 },
];

export function brotliSize(file) {
  return brotliCompressSync(readFileSync(file), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

/**
 * A bundle and every chunk it imports statically, transitively: what a page loads to start.
 * Chunks reached only through `import()` load later and are reported apart (`lazy`).
 */
export function bundleGraph(entry) {
  const initial = new Set();
  const lazy = new Set();
  const visit = (file, into) => {
    if (initial.has(file) || into.has(file)) return;
    into.add(file);
    const code = readFileSync(file, 'utf8');
    const dir = dirname(file);
    for (const match of code.matchAll(/(?:import|export)\s*(?:[\w*$\s{},]*?from\s*)?["'](\.\/[^"']+)["']/g))
      visit(join(dir, match[1]), into);
    for (const match of code.matchAll(/import\(\s*["'](\.\/[^"']+)["']\s*\)/g)) visit(join(dir, match[1]), lazy);
  };
  visit(entry, initial);
  for (const file of initial) lazy.delete(file);
  return { initial: [...initial], lazy: [...lazy] };
}

export function measureSizes() {
  const results = [];
  for (const { metric, files, budget } of budgets) {
    const paths = files.map((name) => `${BUNDLES[name].dir}/${name}.js`);
    if (!paths.every((path) => existsSync(path))) {
      results.push({ metric, value: null, budget, missing: paths.filter((p) => !existsSync(p)) });
      continue;
    }
    const graphs = paths.map(bundleGraph);
    const initial = [...new Set(graphs.flatMap((graph) => graph.initial))];
    const lazy = [...new Set(graphs.flatMap((graph) => graph.lazy))].filter((file) => !initial.includes(file));
    const sum = (files) => files.reduce((total, file) => total + brotliSize(file), 0);
    results.push({ metric, value: sum(initial), budget, lazy: sum(lazy) });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = measureSizes();
  let over = 0;
  for (const r of results) {
    if (process.argv.includes('--json')) {
      if (r.value !== null) console.log(JSON.stringify({ metric: r.metric, value: r.value, unit: 'bytes' }));
      if (r.lazy)
        console.log(JSON.stringify({ metric: r.metric.replace(/\.br$/, '.lazy.br'), value: r.lazy, unit: 'bytes' }));
      continue;
    }
    if (r.value === null) console.log(`  ${r.metric}: not built yet (${r.missing.join(', ')})`);
    else {
      const ok = r.value <= r.budget;
      if (!ok) over += 1;
      const later = r.lazy ? `; ${r.lazy} B more load later, on first use` : '';
      console.log(`  ${ok ? '✓' : '✗'} ${r.metric}: ${r.value} B brotli (budget ${r.budget} B)${later}`);
    }
  }
  if (process.argv.includes('--check') && over > 0) process.exit(1);
}

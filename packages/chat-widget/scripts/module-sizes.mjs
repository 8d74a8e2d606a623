// Where the widget's bytes go: each module of a widget bundle, minified and brotli-compressed on
// its own (so the column does not add up to the bundle's size, which compresses better as a whole),
// grouped by package. Run after `npm run build`:
//   node packages/chat-widget/scripts/module-sizes.mjs [confab-widget-app|confab-widget] [--json]
import { brotliCompressSync, constants } from 'node:zlib';
import { relative } from 'node:path';
import { rollup } from 'rollup';
import { minify } from 'terser';
import config, { BUNDLES } from '../../../rollup.config.js';
import { brotliSize } from '../../../scripts/size.mjs';

const name = process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? 'confab-widget-app';
const options = config.find((entry) => entry.input === BUNDLES[name].input);
const bundle = await rollup({ ...options, onwarn: () => undefined });
const { output } = await bundle.generate({ format: 'es', inlineDynamicImports: true });
await bundle.close();

const brotli = (code) => brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const rows = [];
for (const [id, module] of Object.entries(output[0].modules)) {
  if (!module.code) continue;
  const { code } = await minify(module.code, { ecma: 2020, toplevel: false, mangle: false });
  const path = relative(process.cwd(), id)
    .replace(/^node_modules\//, '')
    .replace(/\/dist\//, '/');
  rows.push({ module: path, br: brotli(code ?? '') });
}
rows.sort((a, b) => b.br - a.br);
const total = brotliSize(`${BUNDLES[name].dir}/${name}.js`);
if (process.argv.includes('--json')) console.log(JSON.stringify({ bundle: name, total, modules: rows }));
else {
  console.log(`${name}: ${total} B brotli as a whole; modules alone:`);
  for (const row of rows) console.log(`${String(row.br).padStart(7)}  ${row.module}`);
}

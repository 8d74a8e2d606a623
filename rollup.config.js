// Browser bundles (minified ESM) built from the compiled packages. Each entry is built only when
// its input exists, so a package under construction does not break the others' bundles.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import commonjs from '@rollup/plugin-commonjs';
import replace from '@rollup/plugin-replace';

const plugins = () => [
  nodeResolve({ exportConditions: ['browser', 'production'] }),
  terser({ ecma: 2020, module: true, format: { comments: false } }),
];

/** Removes chunks an earlier build of this entry wrote (their names carry a content hash). */
function pruneStaleChunks(name) {
  return {
    name: 'prune-stale-chunks',
    writeBundle(options, bundle) {
      if (!options.dir) return;
      const current = new Set(Object.keys(bundle));
      for (const file of readdirSync(options.dir)) {
        const stale = file.startsWith(`${name}-`) && !current.has(file) && !current.has(file.replace(/\.map$/, ''));
        if (stale) rmSync(`${options.dir}/${file}`, { force: true });
      }
    },
  };
}

/** name → input. Outputs land in dist/bundles/<name>.js (size checks and demo pages read them). */
const entries = {
  // The agent client with the WebSocket transport: what `size.core.br` measures.
  'core-agent': 'scripts/entries/core-agent.js',
  // Inbox elements + core + Lit: what `size.inbox.br` measures; also what /inbox/ loads.
  'confab-inbox': 'packages/inbox-elements/dist/define.js',
  // The widget's script-tag loader, and the chat it loads on intent or idle.
  'confab-widget': 'packages/chat-widget/dist/loader.js',
  'confab-widget-app': 'packages/chat-widget/dist/app.js',
  // examples/react: React (CommonJS, production build) + @lit/react wrappers + the inbox.
  'react-example': 'examples/react/main.js',
};

/** React ships CommonJS and picks its build from process.env.NODE_ENV. */
const reactPlugins = () => [
  replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
  commonjs(),
  ...plugins(),
];

/**
 * The widget's files are single files: the loader is what site owners paste as a classic
 * `<script async src>` (an IIFE, so its names stay private and two copies do not collide), and
 * the app is loaded by import(), which carries the loader's nonce to that one file only, so a strict
 * CSP without 'strict-dynamic' must not meet a second chunk. Other bundles split off what they load lazily (the client's optimistic
 * rules) into `dist/bundles/<name>-<chunk>-<hash>.js`.
 */
function outputFor(name) {
  if (name === 'confab-widget') return { file: `dist/bundles/${name}.js`, format: 'iife', sourcemap: true };
  if (name === 'confab-widget-app')
    return { file: `dist/bundles/${name}.js`, format: 'es', sourcemap: true, inlineDynamicImports: true };
  return {
    dir: 'dist/bundles',
    format: 'es',
    sourcemap: true,
    entryFileNames: `${name}.js`,
    chunkFileNames: `${name}-[name]-[hash].js`,
  };
}

export default Object.entries(entries)
  .filter(([, input]) => existsSync(input))
  .map(([name, input]) => ({
    input,
    output: outputFor(name),
    plugins: [...(name === 'react-example' ? reactPlugins() : plugins()), pruneStaleChunks(name)],
    onwarn(warning, warn) {
      if (warning.code === 'THIS_IS_UNDEFINED') return;
      warn(warning);
    },
  }));

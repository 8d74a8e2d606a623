// Browser bundles (minified ESM) built from the compiled packages. Each entry is built only when
// its input exists, so a package under construction does not break the others' bundles.
import { existsSync } from 'node:fs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

const plugins = () => [
  nodeResolve({ exportConditions: ['browser', 'production'] }),
  terser({ ecma: 2020, module: true, format: { comments: false } }),
];

/** name → input. Outputs land in dist/bundles/<name>.js (size checks and demo pages read them). */
const entries = {
  // The agent client with the WebSocket transport: what `size.core.br` measures.
  'core-agent': 'scripts/entries/core-agent.js',
  // Inbox elements + core + Lit: what `size.inbox.br` measures; also what /inbox/ loads.
  'confab-inbox': 'packages/inbox-elements/dist/define.js',
  // The widget's script-tag loader, and the chat it loads on intent or idle.
  'confab-widget': 'packages/chat-widget/dist/loader.js',
  'confab-widget-app': 'packages/chat-widget/dist/app.js',
};

export default Object.entries(entries)
  .filter(([, input]) => existsSync(input))
  .map(([name, input]) => ({
    input,
    // The widget loader is what site owners paste as a classic `<script async src>`: an IIFE, so
    // that its names stay private and two copies on one page do not collide.
    output: { file: `dist/bundles/${name}.js`, format: name === 'confab-widget' ? 'iife' : 'es', sourcemap: true },
    plugins: plugins(),
    onwarn(warning, warn) {
      if (warning.code === 'THIS_IS_UNDEFINED') return;
      warn(warning);
    },
  }));

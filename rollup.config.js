// Browser bundles (minified ESM) built from the compiled packages. Each entry is built only when
// its input exists, so a package under construction does not break the others' bundles.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import commonjs from '@rollup/plugin-commonjs';
import replace from '@rollup/plugin-replace';
import { minifyTemplates } from './scripts/minify-templates.mjs';

/** `preamble`: a first line terser keeps (it drops every comment), with the source maps adjusted. */
const plugins = ({ preamble } = {}) => [
  nodeResolve({ exportConditions: ['browser', 'production'] }),
  terser({ ecma: 2020, module: true, compress: { passes: 2 }, format: { comments: false, preamble } }),
];

/**
 * V8's explicit compile hint: Chromium compiles the whole file on a background thread while it
 * downloads, instead of function by function on the host page's main thread as each is first
 * called. For the widget's app, whose code mostly runs at start (and its parts, loaded when used).
 */
const COMPILE_ALL_ON_LOAD = '//# allFunctionsCalledOnLoad';

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

/**
 * name → input and output directory. Bundles that a package ships land in that package's
 * `dist/bundles/` (the server serves them at /bundles/ from the installed packages); the others
 * stay in the repository's `dist/bundles/` or beside their example. The size check reads BUNDLES.
 */
export const BUNDLES = {
  // The agent client with the WebSocket transport: what `size.core.br` measures (repository only).
  'core-agent': { input: 'scripts/entries/core-agent.js', dir: 'dist/bundles' },
  // Inbox elements + core + Lit in one file: what `size.inbox.br` measures; what /inbox/ loads.
  'confab-inbox': { input: 'packages/inbox-elements/dist/define.js', dir: 'packages/inbox-elements/dist/bundles' },
  // The widget's script-tag loader, and the chat it loads on intent or idle.
  'confab-widget': { input: 'packages/chat-widget/dist/loader.js', dir: 'packages/chat-widget/dist/bundles' },
  'confab-widget-app': { input: 'packages/chat-widget/dist/app.js', dir: 'packages/chat-widget/dist/bundles' },
  // A returning visitor's client, off the host page's main thread until the chat opens.
  'confab-widget-worker': { input: 'packages/chat-widget/dist/worker.js', dir: 'packages/chat-widget/dist/bundles' },
  // examples/react: React (CommonJS, production build) + @lit/react wrappers + the inbox.
  'react-example': { input: 'examples/react/main.js', dir: 'examples/react/dist' },
};

/** React ships CommonJS and picks its build from process.env.NODE_ENV. */
const reactPlugins = () => [
  replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
  commonjs(),
  ...plugins(),
];

/**
 * The widget's loader is what site owners paste as a classic `<script async src>` (an IIFE, so its
 * names stay private and two copies do not collide). The app is loaded by import(), which carries
 * the loader's nonce; it is one file, but for parts most visitors never use — the chat window itself,
 * the chat's files (issue 16), the list of earlier chats, the pre-chat form and the rating after a chat — which it imports on first use (an import()
 * from a module carries that module's nonce along).
 * Other bundles split off what they load lazily (the client's optimistic rules) into
 * `<dir>/<name>-<chunk>-<hash>.js`.
 */

/**
 * Modules of the widget app's chat window part (Lit and the element): a visitor who never opens the
 * chat never evaluates them on the host page; the app loads them on intent or first open.
 */
const WIDGET_CHAT_PART = [
  '/chat-widget/dist/chat/confab-chat',
  '/element-kit/',
  '/lit/',
  '/lit-html/',
  '/lit-element/',
  '/@lit/reactive-element/',
];
/** Modules of the widget app's files part; with the rating's and the window's, the rest stays in the app's one file. */
const WIDGET_FILES_PART = [
  '/chat-widget/dist/chat/files',
  '/core/dist/files/attachments.js',
  '/core/dist/files/uploads.js',
  '/core/dist/files/waiting.js',
  '/lit-html/async-directive.js',
  '/lit-html/directive-helpers.js',
  '/lit-html/directive.js',
  '/lit/async-directive.js',
];
/**
 * Bundles a package ships get a map for working in this repository, but no `sourceMappingURL`
 * comment: the tarballs leave maps out (they would double the package), and a browser should not
 * ask a site's server for a map that is not there.
 */
const sourcemapFor = (dir) => (dir.startsWith('packages/') ? 'hidden' : true);

function outputFor(name, dir) {
  const sourcemap = sourcemapFor(dir);
  if (name === 'confab-widget') return { file: `${dir}/${name}.js`, format: 'iife', sourcemap };
  if (name === 'confab-widget-app')
    return {
      dir,
      format: 'es',
      sourcemap,
      entryFileNames: `${name}.js`,
      chunkFileNames: `${name}-[name]-[hash].js`,
      manualChunks: (id) =>
        id.includes('/chat-widget/dist/chat/forms')
          ? 'forms'
          : WIDGET_FILES_PART.some((part) => id.includes(part))
            ? 'files'
            : WIDGET_CHAT_PART.some((part) => id.includes(part))
              ? 'chat'
              : 'app',
    };
  return {
    dir,
    format: 'es',
    sourcemap,
    entryFileNames: `${name}.js`,
    chunkFileNames: `${name}-[name]-[hash].js`,
  };
}

export default Object.entries(BUNDLES)
  .filter(([, { input }]) => existsSync(input))
  .map(([name, { input, dir }]) => ({
    input,
    output: outputFor(name, dir),
    plugins: [
      // The widget's app is at the edge of its budget: its own templates lose their indentation.
      ...(name === 'confab-widget-app'
        ? [minifyTemplates({ include: (id) => id.includes('/chat-widget/dist/') })]
        : []),
      ...(name === 'react-example'
        ? reactPlugins()
        : plugins({ preamble: name === 'confab-widget-app' ? COMPILE_ALL_ON_LOAD : undefined })),
      pruneStaleChunks(name),
    ],
    onwarn(warning, warn) {
      if (warning.code === 'THIS_IS_UNDEFINED') return;
      warn(warning);
    },
  }));

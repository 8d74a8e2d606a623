// A plain rollup setup, as an app that installed the packages would write it.
import { nodeResolve } from '@rollup/plugin-node-resolve';

export default {
  input: 'src/main.js',
  // The client loads its optimistic rules on first use: a second chunk, so a directory.
  output: { dir: 'public/app', format: 'es' },
  plugins: [nodeResolve({ browser: true })],
};

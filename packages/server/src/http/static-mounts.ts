import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGE_POLICY } from './page-policy.js';

/** A URL prefix served from directories (the first that has the file wins). */
export interface StaticMount {
  prefix: string;
  dirs: string[];
  /** Content-Security-Policy of its HTML pages; without one, pages get only the framing rule. */
  pagePolicy?: string;
}

const require = createRequire(import.meta.url);

/** An installed package's directory, found the way Node finds the package itself (never a repository path). */
function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** The server's own pages, shipped in this package: the hosted inbox and the demo site. */
const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

/**
 * What the server serves as files: `/inbox/` and `/site/` from this package, `/bundles/` from the
 * script-tag bundles that `@confab/chat-widget` and `@confab/inbox-elements` ship. `extra` (prefix →
 * directory) adds a prefix, or replaces a built-in prefix's directory and keeps its policy.
 */
export function staticMounts(extra: Record<string, string> = {}): StaticMount[] {
  const mounts: StaticMount[] = [
    { prefix: '/inbox', dirs: [join(PUBLIC_DIR, 'inbox')], pagePolicy: PAGE_POLICY },
    { prefix: '/site', dirs: [join(PUBLIC_DIR, 'site')], pagePolicy: PAGE_POLICY },
    {
      prefix: '/bundles',
      dirs: ['@confab/chat-widget', '@confab/inbox-elements'].map((name) => join(packageDir(name), 'dist/bundles')),
    },
  ];
  for (const [prefix, dir] of Object.entries(extra)) {
    if (!/^\/[\w-]+$/.test(prefix))
      throw new TypeError(`A mount prefix is one path segment like /react, not ${prefix}.`);
    const builtIn = mounts.find((mount) => mount.prefix === prefix);
    if (builtIn) builtIn.dirs = [resolve(dir)];
    else mounts.push({ prefix, dirs: [resolve(dir)] });
  }
  return mounts;
}

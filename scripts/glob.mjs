// A tiny recursive glob for `dir/**/*.ext` patterns (Node 20 has no fs.glob).
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** Files matching `prefix/*\/dist/**\/*.test.js`-style patterns: one `*` segment and one `**`. */
export function globSync(pattern) {
  const [head, tail] = pattern.split('/**/');
  const suffix = tail.replace(/^\*/, '');
  const roots = expand(head);
  const out = [];
  for (const root of roots) walk(root, (file) => file.endsWith(suffix) && out.push(file));
  return out.sort();
}

function expand(path) {
  const parts = path.split('/');
  let bases = [''];
  for (const part of parts) {
    const next = [];
    for (const base of bases) {
      if (part === '*') {
        const dir = base || '.';
        if (!existsSync(dir)) continue;
        for (const name of readdirSync(dir))
          if (statSync(join(dir, name)).isDirectory()) next.push(base ? join(base, name) : name);
      } else next.push(base ? join(base, part) : part);
    }
    bases = next;
  }
  return bases.filter((b) => existsSync(b));
}

function walk(dir, visit) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, visit);
    else visit(full);
  }
}

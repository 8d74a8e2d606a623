// Packs workspace packages into tarballs and installs them into a scratch project outside the
// workspace, as a user of the published packages would (files, not symlinks). Third-party
// packages come from npm's cache, which the repository's own `npm ci` filled.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** `npm pack` of each workspace package (e.g. 'packages/core') → tarball paths, in `dir`. */
export function packWorkspaces(workspaces, dir) {
  run('npm', ['pack', '--silent', '--pack-destination', dir, ...workspaces.flatMap((w) => ['--workspace', w])], REPO);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.tgz'))
    .map((file) => join(dir, file));
}

/**
 * A scratch project in a fresh temporary directory: `fixture`'s files, a package.json with the
 * tarballs and `dependencies` (name → version range), installed. → its path
 */
export function scratchProject({ fixture, tarballs, dependencies }) {
  const dir = mkdtempSync(join(tmpdir(), 'confab-scratch-'));
  cpSync(fixture, dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }, null, 2));
  const specs = [...tarballs, ...Object.entries(dependencies).map(([name, range]) => `${name}@${range}`)];
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...specs], dir);
  return dir;
}

/** The version range the repository itself uses for a dependency (root package.json). */
export function repoRange(name) {
  const root = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const range = root.devDependencies?.[name] ?? root.dependencies?.[name];
  if (!range) throw new Error(`the repository has no dependency ${name}`);
  return range;
}

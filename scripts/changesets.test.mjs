// Versioning (issue 13): the packages are released together with changesets. The pending
// changesets parse, and a release would give every package the same version (a change to one
// package's peer must not turn a minor release of all of them into a major one).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = JSON.parse(readFileSync('package.json', 'utf8'));
const packageNames = root.workspaces.map(
  (workspace) => JSON.parse(readFileSync(join(workspace, 'package.json'), 'utf8')).name,
);

describe('changesets', () => {
  it('versions every workspace package together', () => {
    const config = JSON.parse(readFileSync('.changeset/config.json', 'utf8'));
    assert.deepEqual(config.fixed, [['@confab/*']]);
    for (const name of packageNames) assert.match(name, /^@confab\//, `${name} is in the fixed group`);
    const versions = new Set(
      root.workspaces.map((workspace) => JSON.parse(readFileSync(join(workspace, 'package.json'), 'utf8')).version),
    );
    assert.equal(versions.size, 1, `one version for all packages, not ${[...versions].join(', ')}`);
  });

  it('the pending changesets would release all packages at one version, no higher than their bump asks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'confab-changesets-'));
    try {
      const output = join(dir, 'status.json');
      const status = spawnSync('npx', ['--no-install', 'changeset', 'status', '--output', output], {
        encoding: 'utf8',
      });
      assert.equal(status.status, 0, status.stdout + status.stderr);
      const { changesets, releases } = JSON.parse(readFileSync(output, 'utf8'));
      if (releases.length === 0) return; // nothing pending since the last release
      assert.deepEqual(releases.map((release) => release.name).sort(), [...packageNames].sort());
      assert.equal(new Set(releases.map((release) => release.newVersion)).size, 1);
      const asked = new Set(changesets.flatMap((changeset) => changeset.releases.map((release) => release.type)));
      const highest = ['major', 'minor', 'patch'].find((type) => asked.has(type));
      for (const release of releases)
        assert.equal(release.type, highest, `${release.name} gets a ${release.type} release`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

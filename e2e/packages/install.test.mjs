// Every package from its tarball alone (issue 13), as someone who installs them would: the
// tarballs installed into a scratch project outside the workspace, `npx confab-server` started
// there in production mode on a fresh data directory, and an app bundled from the installed
// packages with plain rollup (no configuration of this repository) and run in Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { launchChromium } from '../../scripts/chromium.mjs';
import { packWorkspaces, repoRange, REPO, scratchProject } from './pack.mjs';

const PACKAGES = ['core', 'element-kit', 'identity', 'inbox-elements', 'chat-widget', 'server', 'react'];

/** A port nobody listens on now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/**
 * Starts `npx confab-server …args` in `cwd`, in a process group of its own (npx does not pass
 * SIGTERM on to the server); resolves once the server says it listens.
 */
function startInstalledServer(cwd, args, env) {
  const child = spawn('npx', ['--no-install', 'confab-server', ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 30 s:\n${output}`)), 30_000);
    const read = (chunk) => {
      output += chunk;
      if (/listening on/.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before it listened:\n${output}`));
    });
  });
}

function stopServer(child) {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.on('exit', resolve);
    process.kill(-child.pid, 'SIGTERM');
  });
}

describe('the packages installed from their tarballs', () => {
  let work, project, dataDir, server, url;
  const figures = {};

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'confab-tarballs-'));
    const tarballs = packWorkspaces(
      PACKAGES.map((name) => `packages/${name}`),
      work,
    );
    for (const tarball of tarballs) figures[basename(tarball)] = statSync(tarball).size;
    const installStart = performance.now();
    project = scratchProject({
      fixture: join(REPO, 'e2e/packages/rollup-app'),
      tarballs,
      dependencies: {
        rollup: repoRange('rollup'),
        '@rollup/plugin-node-resolve': repoRange('@rollup/plugin-node-resolve'),
      },
    });
    dataDir = mkdtempSync(join(tmpdir(), 'confab-installed-data-'));
    const port = await freePort();
    server = await startInstalledServer(project, [`--mount=/app=${join(project, 'public')}`], {
      PORT: String(port),
      HOST: '127.0.0.1',
      CONFAB_DATA_DIR: dataDir,
      CONFAB_DEMO: '0',
    });
    url = `http://127.0.0.1:${port}`;
    figures.installToListeningSeconds = ((performance.now() - installStart) / 1000).toFixed(1);
  });

  after(async () => {
    await stopServer(server);
    for (const dir of [work, project, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds no tests, test utilities or source maps, and each package has its README and LICENSE', (t) => {
    t.diagnostic(`tarball bytes: ${JSON.stringify(figures)}`);
    for (const name of PACKAGES) {
      const dir = join(project, 'node_modules/@confab', name);
      assert.ok(!statSync(dir).isSymbolicLink(), `${name} is a copy, not a link`);
      const files = readdirSync(dir, { recursive: true });
      const unwanted = files.filter((file) => /\.test\.|\.test-util\.|\.map$|\.tsbuildinfo$/.test(file));
      assert.deepEqual(unwanted, [], `${name} ships ${unwanted.join(', ')}`);
      for (const file of ['README.md', 'LICENSE', 'package.json'])
        assert.ok(files.includes(file), `${name} has ${file}`);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      assert.equal(manifest.engines?.node, '>=20');
      assert.ok(manifest.repository?.url && manifest.publishConfig?.access === 'public', `${name}'s manifest`);
    }
  });

  it('npx confab-server serves its inbox, health and the widget bundles from the installed packages', async () => {
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    const inbox = await fetch(`${url}/inbox/`);
    assert.equal(inbox.status, 200);
    assert.match(await inbox.text(), /<title>/);
    const widgetPackage = join(project, 'node_modules/@confab/chat-widget');
    for (const file of ['confab-widget.js', 'confab-widget-app.js']) {
      const served = await fetch(`${url}/bundles/${file}`);
      assert.equal(served.status, 200, file);
      assert.equal(await served.text(), readFileSync(join(widgetPackage, 'dist/bundles', file), 'utf8'), file);
    }
    assert.equal((await fetch(`${url}/bundles/confab-inbox.js`)).status, 200);
    assert.equal((await fetch(`${url}/site/`)).status, 200);
  });

  it('the widget loader is an export of @confab/chat-widget', () => {
    const resolved = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "console.log(import.meta.resolve('@confab/chat-widget/confab-widget.js'))"],
      { cwd: project, encoding: 'utf8' },
    );
    assert.equal(resolved.status, 0, resolved.stderr);
    assert.match(resolved.stdout, /node_modules\/@confab\/chat-widget\/dist\/bundles\/confab-widget\.js/);
  });

  it('plain rollup bundles @confab/core and @confab/inbox-elements into an app that runs in Chromium', async () => {
    const bundled = spawnSync(process.execPath, [join(project, 'node_modules/rollup/dist/bin/rollup'), '-c'], {
      cwd: project,
      encoding: 'utf8',
    });
    assert.equal(bundled.status, 0, bundled.stdout + bundled.stderr);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${url}/app/`);
      await page.waitForFunction(() => document.body.dataset.ready === 'yes');
      assert.deepEqual(errors, []);
      // The app made a client and the inbox element from the installed packages: with no token
      // the production server refuses it, and the list says so instead of an empty inbox.
      await page.getByRole('alert').first().waitFor();
      assert.equal(await page.evaluate(() => customElements.get('confab-inbox') !== undefined), true);
    } finally {
      await browser.close();
    }
  });
});

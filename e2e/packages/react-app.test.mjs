// A React 19 + TypeScript + Vite app built from the packed tarballs alone (issue 21, item 1): it
// type-checks, a file of deliberate misuses fails to, it builds, and in Chromium it shows the
// inbox of a real reference server through @confab/react's components and through native tags.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync } from 'node:zlib';
import { startServer } from '@confab/server';
import { launchChromium } from '../../scripts/chromium.mjs';
import { packWorkspaces, repoRange, REPO, scratchProject } from './pack.mjs';

const PACKAGES = [
  'packages/core',
  'packages/element-kit',
  'packages/inbox-elements',
  'packages/chat-widget',
  'packages/react',
];
const PAGES = ['react-only', 'whole', 'parts'];

/** Brotli bytes of every .js file under `dir`. */
function brotliBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true })) {
    const file = join(dir, entry);
    if (entry.endsWith('.js') && statSync(file).isFile()) total += brotliCompressSync(readFileSync(file)).length;
  }
  return total;
}

function tsc(app, project) {
  return spawnSync(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', project], {
    cwd: app,
    encoding: 'utf8',
  });
}

describe('a React app from the packed tarballs', () => {
  let work, app;
  const built = {};

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'confab-tarballs-'));
    const tarballs = packWorkspaces(PACKAGES, work);
    app = scratchProject({
      fixture: join(REPO, 'e2e/packages/react-app'),
      tarballs,
      dependencies: Object.fromEntries(
        ['react', 'react-dom', '@types/react', '@types/react-dom', 'typescript', 'vite'].map((name) => [
          name,
          repoRange(name),
        ]),
      ),
    });
    // One page per build, so each build's size is that page's alone.
    const { build } = await import(pathToFileURL(join(app, 'node_modules/vite/dist/node/index.js')).href);
    const template = readFileSync(join(app, 'index.html'), 'utf8');
    for (const page of PAGES) {
      writeFileSync(join(app, 'index.html'), template.replace('PAGE', page));
      const outDir = join(app, 'out', page);
      await build({ root: app, base: './', logLevel: 'silent', build: { outDir, emptyOutDir: true } });
      built[page] = outDir;
    }
  });

  after(() => {
    for (const dir of [work, app]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('installs without the workspace: every @confab package is a copy, not a link', () => {
    for (const name of ['core', 'inbox-elements', 'chat-widget', 'react']) {
      const dir = join(app, 'node_modules/@confab', name);
      assert.ok(!statSync(dir, { throwIfNoEntry: true }).isSymbolicLink(), `${name} is a symlink`);
      assert.ok(statSync(join(dir, 'package.json')).isFile());
    }
  });

  it('type-checks (components, useStore, native tags with @confab/react/jsx), and every deliberate misuse is an error', () => {
    const good = tsc(app, 'tsconfig.json');
    assert.equal(good.status, 0, good.stdout + good.stderr);
    const wrong = tsc(app, 'tsconfig.wrong.json');
    const source = readFileSync(join(app, 'src/wrong.tsx'), 'utf8').split('\n');
    const expected = source.flatMap((line, i) => (line.includes('// WRONG') ? [i + 1] : []));
    const reported = new Set(
      [...wrong.stdout.matchAll(/src\/wrong\.tsx\((\d+),\d+\): error/g)].map((m) => Number(m[1])),
    );
    assert.notEqual(wrong.status, 0);
    assert.deepEqual(
      expected.filter((line) => !reported.has(line)),
      [],
      `misuses tsc let through (lines of wrong.tsx):\n${wrong.stdout}`,
    );
    assert.deepEqual(
      [...reported].filter((line) => !expected.includes(line)),
      [],
      `errors on lines that are right:\n${wrong.stdout}`,
    );
  });

  it('builds with Vite; the inbox adds this much over React (brotli)', (t) => {
    const base = brotliBytes(built['react-only']);
    const whole = brotliBytes(built.whole) - base;
    const parts = brotliBytes(built.parts) - base;
    t.diagnostic(`React alone ${base} B; the whole inbox adds ${whole} B; list + thread (native tags) add ${parts} B`);
    assert.ok(whole > 0 && parts > 0);
  });

  describe('in Chromium, against the reference server', () => {
    let server, browser, dataDir, token;
    const pageErrors = [];

    before(async () => {
      // The server serves /react/ from the page built from the tarballs.
      dataDir = mkdtempSync(join(tmpdir(), 'confab-react-app-data-'));
      const mounts = { '/react': join(app, 'out') };
      server = await startServer({ port: 0, host: '127.0.0.1', dataDir, demo: true, mounts });
      const agentId = [...server.backend.state.agents.keys()][0];
      token = (await server.auth.issueAgentToken(agentId, 'react-app test')).token;
      browser = await launchChromium();
    });

    after(async () => {
      await browser?.close();
      await server?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    /** A page of the app with the agent's token handed over before its scripts run. */
    async function open(name) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.addInitScript((value) => (window.confabToken = value), token);
      await page.goto(`${server.url}/react/${name}/`);
      return page;
    }

    it('T1/A1 the whole inbox lists the conversations, and a cancelled confab-open-record reaches React state', async () => {
      const page = await open('whole');
      await page.getByTestId('connection').getByText('online').waitFor();
      await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first().click();
      await page.getByRole('region', { name: 'Contact' }).getByRole('button').first().click();
      await page
        .getByTestId('opened')
        .getByText(/^contact \S+$/)
        .waitFor();
      assert.deepEqual(pageErrors, []);
      await page.close();
    });

    it('T1 with native tags (React 19), an onconfab-select-conversation handler carries the choice to the thread', async () => {
      const page = await open('parts');
      const row = page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first();
      const rowText = (await row.textContent()) ?? '';
      await row.click();
      await page.getByRole('list', { name: 'Conversation' }).getByRole('listitem').first().waitFor();
      const heading = (
        (await page.locator('confab-thread').getByRole('heading', { level: 2 }).textContent()) ?? ''
      ).trim();
      assert.ok(heading && rowText.includes(heading), `the thread of "${rowText}" is open, its heading: ${heading}`);
      assert.deepEqual(pageErrors, []);
      await page.close();
    });
  });
});

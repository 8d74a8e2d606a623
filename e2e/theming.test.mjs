// Theming that composes (issue 21, item 3): the brand theme of docs/theming/brand.css on the whole
// inbox. Parts of inner elements are reached through the names <confab-inbox> passes on, per-theme
// tokens apply to their theme only, axe finds nothing in light, dark and forced colours, and each
// is photographed (test-results/e2e/theming-*.png; docs/screenshots/ holds copies).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { SCREENSHOT_DIR, startDemoServer } from './harness.mjs';

const BRAND_CSS = readFileSync('docs/theming/brand.css', 'utf8');

/**
 * A host page of the product's own, served by the reference server as /site/ (its strict CSP
 * included): the brand stylesheet, the inbox bundle, a demo sign-in. `?theme=` picks the theme.
 */
function hostRoot() {
  const root = mkdtempSync(join(tmpdir(), 'confab-theming-'));
  writeFileSync(join(root, 'brand.css'), BRAND_CSS);
  // The test's axe, a file of this page: its CSP allows no other script.
  symlinkSync(resolve('node_modules/axe-core/axe.min.js'), join(root, 'axe.min.js'));
  writeFileSync(
    join(root, 'index.html'),
    `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Confab with a brand theme</title>
    <link rel="stylesheet" href="brand.css" />
    <link rel="stylesheet" href="page.css" />
    <script type="module" src="page.js"></script>
    <script src="axe.min.js" defer></script>
  </head>
  <body>
    <confab-inbox></confab-inbox>
  </body>
</html>`,
  );
  writeFileSync(
    join(root, 'page.css'),
    'html, body { margin: 0; height: 100%; } confab-inbox { display: block; height: 100vh; }',
  );
  writeFileSync(
    join(root, 'page.js'),
    `import { createInboxClient, createWebSocketTransport } from '/bundles/confab-inbox.js';
const inbox = document.querySelector('confab-inbox');
inbox.setAttribute('theme', new URLSearchParams(location.search).get('theme'));
const session = await (await fetch('/api/demo/session')).json();
inbox.client = createInboxClient({
  transport: createWebSocketTransport({ url: 'ws://' + location.host + '/ws' }),
  token: session.token,
});`,
  );
  return root;
}

/** The value of a private palette copy (`--_surface`) as an element inside the inbox resolves it. */
const paletteOf = (locator, name) =>
  locator.evaluate((element, property) => getComputedStyle(element).getPropertyValue(property).trim(), `--_${name}`);

describe('theming: a brand theme on the whole inbox', () => {
  let demo, browser, context, tab, rootDir;

  before(async () => {
    rootDir = hostRoot();
    demo = await startDemoServer('theming', { mounts: { '/site': rootDir } });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    tab = await context.newPage();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
    if (rootDir) rmSync(rootDir, { recursive: true, force: true });
  });

  async function open(theme) {
    await tab.goto(`${demo.server.url}/site/?theme=${theme}`);
    const rows = tab.getByRole('listbox', { name: 'Conversations' }).getByRole('option');
    await rows.first().waitFor();
    await rows.first().click();
    await tab.getByRole('button', { name: 'Send' }).waitFor();
  }

  async function axeViolations() {
    const { violations } = await tab.evaluate(() =>
      window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }),
    );
    return violations.map(
      (violation) =>
        `${violation.id}: ${violation.nodes.length} × ${violation.help}: ${violation.nodes.map((node) => `${node.target.join(' ')} (${node.any[0]?.message ?? ''})`).join('; ')}`,
    );
  }

  it('parts of inner elements are styled through the names the inbox passes on', async () => {
    await open('light');
    const row = tab.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first();
    assert.equal(await row.evaluate((element) => getComputedStyle(element).borderInlineStartWidth), '3px');
    const send = tab.getByRole('button', { name: 'Send' });
    assert.equal(await send.evaluate((element) => getComputedStyle(element).borderTopLeftRadius), '999px');
    const compose = tab.getByRole('button', { name: 'Compose' });
    assert.equal(await compose.evaluate((element) => getComputedStyle(element).borderTopLeftRadius), '999px');
  });

  for (const [theme, surface, accent] of [
    ['light', '#f0fdfa', '#0f766e'],
    ['dark', '#112624', '#5eead4'],
  ]) {
    it(`${theme}: the per-theme tokens apply to their theme only, and axe finds nothing`, async () => {
      await open(theme);
      const list = tab.getByRole('listbox', { name: 'Conversations' });
      assert.equal(await paletteOf(list, 'surface'), surface);
      assert.equal(await paletteOf(list, 'accent'), accent);
      await tab.screenshot({ path: join(SCREENSHOT_DIR, `theming-${theme}.png`) });
      assert.deepEqual(await axeViolations(), []);
    });
  }

  it('forced colours (Windows high contrast): axe finds nothing', async () => {
    await tab.emulateMedia({ forcedColors: 'active' });
    await open('light');
    await tab.screenshot({ path: join(SCREENSHOT_DIR, 'theming-forced-colors.png') });
    assert.deepEqual(await axeViolations(), []);
    await tab.emulateMedia({ forcedColors: 'none' });
  });
});

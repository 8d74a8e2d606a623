// Every code sample of the README runs here, as written, against the real server: the browser
// samples in Chromium, the conformance sample under node:test, the commands against package.json.
// Only what a reader must fill in is supplied (a token, a conversation id, their own transport),
// and `https://inbox.example.com` becomes the test server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { startServer } from '@confab/server';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The README's fenced code blocks, in order: { lang, code, heading }. */
function codeBlocks(markdown) {
  const blocks = [];
  let heading = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i].startsWith('## ')) heading = lines[i].slice(3);
    const open = /^```(\w*)/.exec(lines[i]);
    if (!open) continue;
    const body = [];
    for (i += 1; i < lines.length && !lines[i].startsWith('```'); i += 1) body.push(lines[i]);
    blocks.push({ lang: open[1], code: body.join('\n'), heading });
  }
  return blocks;
}

const blocks = codeBlocks(README);
const sample = (heading, lang, contains) => {
  const found = blocks.find(
    (block) => block.heading.startsWith(heading) && block.lang === lang && (!contains || block.code.includes(contains)),
  );
  assert.ok(found, `README has a ${lang} sample under "${heading}"`);
  return found.code;
};

describe('the README code samples', () => {
  let server;
  let browser;
  let dataDir;
  let siteDir;
  let wsUrl;
  let pages = 0;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'confab-readme-'));
    // The server serves, under /site/, the sample pages written below, and under /dev/ the
    // repository's own bundles (the core sample's).
    siteDir = mkdtempSync(join(tmpdir(), 'confab-readme-site-'));
    const mounts = { '/site': siteDir, '/dev': join(process.cwd(), 'dist', 'bundles') };
    server = await startServer({ port: 0, host: '127.0.0.1', dataDir, mounts, demo: true });
    wsUrl = `${server.url.replace(/^http/, 'ws')}/ws`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(siteDir, { recursive: true, force: true });
  });

  /**
   * A page served by the test server whose content is `html`. The server sends its pages a strict
   * CSP (no inline scripts), as a careful site would: each inline script becomes a file of its own,
   * in the same place and order.
   */
  async function pageWith(html) {
    pages += 1;
    let scripts = 0;
    const external = html.replace(/<script( type="module")?>([\s\S]*?)<\/script>/g, (_, module = '', code) => {
      scripts += 1;
      const file = `readme-${pages}-${scripts}.js`;
      writeFileSync(join(siteDir, file), code);
      return `<script${module} src="${file}"></script>`;
    });
    writeFileSync(join(siteDir, `readme-${pages}.html`), external);
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    if (process.env.README_TEST_DEBUG)
      page.on('console', (message) => console.log('page:', message.type(), message.text()));
    await page.goto(`${server.url}/site/readme-${pages}.html`);
    return { page, errors };
  }

  const agentToken = async () => (await (await fetch(`${server.url}/api/demo/session`)).json()).token;

  it('every code block is one the tests below run (no sample goes untested)', () => {
    const kinds = blocks.map((block) => `${block.heading} · ${block.lang}`);
    const tested = new Set([
      'Quick start · sh',
      'Tests · sh',
      'Embedding the chat widget (site owners) · html',
      'Embedding the chat widget (site owners) · js',
      'Embedding the inbox (developers) · html',
      'The core (`@confab/core`) · ts',
      'Writing a transport adapter · js',
      'Writing a transport adapter · ts',
    ]);
    for (const kind of kinds) assert.ok(tested.has(kind), `a test runs the README sample "${kind}"`);
  });

  it('the commands it shows exist', () => {
    const scripts = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts;
    for (const code of [sample('Quick start', 'sh'), sample('Tests', 'sh')]) {
      for (const [, name] of code.matchAll(/^npm (?:run )?(\w+)/gm)) {
        if (name !== 'install') assert.ok(scripts[name], `package.json has the script "${name}"`);
      }
    }
  });

  it('the core sample signs in, queries a live view and assigns a conversation', async () => {
    const code = sample('The core', 'ts')
      .replace("from '@confab/core'", "from '/dev/core-agent.js'")
      .replace('wss://inbox.example.com/ws', wsUrl);
    const conversationId = [...server.backend.state.conversations.values()].find(
      (c) => c.channel === 'chat' && !c.trashedAt && !c.filtered,
    ).id;
    const { page, errors } = await pageWith(`<script type="module">
      const agentToken = ${JSON.stringify(await agentToken())};
      const conversationId = ${JSON.stringify(conversationId)};
      window.rendered = [];
      const render = (total, rows) => window.rendered.push({ total, rows: rows.length });
      ${code}
      window.done = true;
    </script>`);
    await page.waitForFunction(() => window.done === true, null, { timeout: 15_000 });
    assert.deepEqual(errors, []);
    assert.equal(
      server.backend.state.conversations.get(conversationId).assigneeId,
      'agent-ben',
      'the assignment reached the server',
    );
    await page.waitForFunction(() => window.rendered.some((reading) => reading.total > 0 && reading.rows > 0), null, {
      timeout: 10_000,
    });
    await page.close();
  });

  it('the widget tag and the window.Confab sample work on a page', async () => {
    const tag = sample('Embedding the chat widget', 'html').replace('https://inbox.example.com', server.url);
    const api = sample('Embedding the chat widget', 'js');
    const identity = (
      await (
        await fetch(`${server.url}/api/demo/identity`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'ada@example.com', name: 'Ada' }),
        })
      ).json()
    ).identity;
    const { page, errors } = await pageWith(`<!doctype html><html lang="en"><head>${tag}</head><body>
      <script type="module">
        const identityTokenFromYourBackend = ${JSON.stringify(identity)};
        window.events = [];
        addEventListener('confab-open', () => window.events.push('dom:open'));
        ${api.replace('console.log(detail)', "window.events.push(['message-received', detail])")}
        window.state = state;
        window.done = true;
      </script></body></html>`);
    await page.waitForFunction(() => window.done === true, null, { timeout: 20_000 });
    assert.deepEqual(errors, []);
    const state = await page.evaluate(() => window.state);
    assert.equal(state.open, true, 'Confab.open() opened the chat');
    assert.ok(await page.getByRole('dialog').count(), 'the chat window is on the page');
    assert.ok((await page.evaluate(() => window.events)).includes('dom:open'), 'the DOM event confab-open fired');
    await page.close();
  });

  it('the inbox embedding sample renders the inbox', async () => {
    const html = sample('Embedding the inbox', 'html')
      .replace("'@confab/inbox-elements/define.js'", "'/bundles/confab-inbox.js'")
      .replace('wss://inbox.example.com/ws', wsUrl);
    const { page, errors } = await pageWith(`<!doctype html><html><body>
      <script>window.token = ${JSON.stringify(await agentToken())};</script>
      ${html.replace('<script type="module">', '<script type="module">\n  const token = window.token;')}
    </body></html>`);
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: /^All conversations \d+$/ })
      .waitFor({ timeout: 20_000 });
    await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first().waitFor({ timeout: 20_000 });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the adapter-kit sample makes a transport an agent client signs in over', async () => {
    const code = sample('Writing a transport adapter', 'js', 'createLinkTransport');
    const file = join(process.cwd(), `.readme-kit-sample-${process.pid}.mjs`);
    // Node 20 has no global WebSocket; the sample is browser code, `ws` stands in for it.
    writeFileSync(
      file,
      `import WebSocket from 'ws';
import { createInboxClient } from '@confab/core';
globalThis.WebSocket ??= WebSocket;
${code}
export const client = createInboxClient({ transport: createMyTransport(${JSON.stringify(wsUrl)}), token: ${JSON.stringify(await agentToken())} });
`,
    );
    try {
      const { client } = await import(pathToFileURL(file).href);
      const start = Date.now();
      while (!client.status.get().ready) {
        assert.ok(Date.now() - start < 10_000, 'the client signs in over the sample transport');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(client.status.get().principal?.kind, 'agent');
      await client.close();
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('the adapter sample runs the conformance suite against an adapter', async () => {
    const code = sample('Writing a transport adapter', 'ts', 'runTransportConformance');
    const { startLongPollingBackend } = await import('../examples/custom-transport/long-polling-backend.mjs');
    const backend = await startLongPollingBackend();
    const file = join(process.cwd(), `.readme-sample-${process.pid}.mjs`);
    // The reader's own transport and token; mocha's globals become node:test's API.
    writeFileSync(
      file,
      `import { createLongPollingTransport } from './examples/custom-transport/long-polling-transport.mjs';
import { CLOSE_CODES } from '@confab/core';
const createMyTransport = (baseUrl) => createLongPollingTransport({ baseUrl, initialDelayMs: 50 });
const hub = globalThis.__readmeHub;
${code.replace("'https://backend.example.com'", JSON.stringify(backend.url)).replace('process.env.AGENT_TOKEN', JSON.stringify(backend.agentToken('agent-1')))}
`,
    );
    globalThis.__readmeHub = backend.backend;
    try {
      const checks = [];
      globalThis.describe = (name, body) => body();
      globalThis.it = (name, run) => checks.push({ name, run });
      await import(pathToFileURL(file).href);
      assert.ok(checks.length >= 6, 'the sample registers the conformance checks');
      for (const check of checks) await check.run();
    } finally {
      delete globalThis.describe;
      delete globalThis.it;
      delete globalThis.__readmeHub;
      rmSync(file, { force: true });
      await backend.close();
    }
  });
});

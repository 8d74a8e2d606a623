// Issue 19 in the browser: the demo's two workspaces. A visitor on the second team's site
// (`data-site="site_demo-harbour"`) chats with that team only: the chat is in the harbour
// workspace's hub and its inbox (/inbox/?workspace=harbour), never in the default team's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from '../scripts/chromium.mjs';
import { eventually, openWidget, row, startDemoServer, visitorSays } from './harness.mjs';

/** The conversation holding a message with this text in one hub, if any. */
function conversationIn(backend, text) {
  for (const [conversationId, messages] of backend.state.messages)
    if (messages.some((message) => message.text === text)) return backend.state.conversations.get(conversationId);
  return undefined;
}

describe('two workspaces in the browser (issue 19)', () => {
  let demo;
  let browser;
  const pageErrors = [];
  before(async () => {
    demo = await startDemoServer('workspaces');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  async function open(path) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${path}: ${error.message}`));
    await page.goto(`${demo.server.url}${path}`);
    return page;
  }

  it("a chat on the second team's site reaches that team's inbox and never the default team's", async () => {
    const text = `Can you fix a flat today? ${Math.random().toString(36).slice(2, 8)}`;
    const site = await open('/site/harbour.html');
    await visitorSays(await openWidget(site), text);
    const harbour = await demo.server.workspaces.get('harbour');
    await eventually(() => assert.ok(conversationIn(harbour.backend, text)), { what: "the chat in harbour's hub" });
    assert.equal(conversationIn(demo.server.backend, text), undefined, "not in the default workspace's hub");

    const harbourInbox = await open('/inbox/?workspace=harbour');
    await row(harbourInbox, text).waitFor();
    const defaultInbox = await open('/inbox/');
    await defaultInbox.getByRole('listbox', { name: 'Conversations' }).waitFor();
    assert.equal(await row(defaultInbox, text).count(), 0, "the default team's inbox does not list it");
    assert.deepEqual(pageErrors, []);
  });
});

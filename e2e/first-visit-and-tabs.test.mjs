// Issue 14: nothing a visitor writes waits in element memory, and other tabs follow an identity
// switch. The real widget from the real server in Chromium; the chat's socket cut by a proxy.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createIdentityToken, DEMO_IDENTITY } from '@confab/server';
import { conversationWith, eventually, openWidget, startJourney, visitorSays } from './harness.mjs';

describe('a first visit offline, and tabs that follow an identity switch', () => {
  let journey;
  before(async () => {
    journey = await startJourney('first-visit');
  });
  after(async () => {
    await journey?.close();
  });

  const storedTexts = (conversationId) =>
    (journey.server.backend.state.messages.get(conversationId) ?? [])
      .filter((message) => message.direction === 'inbound')
      .map((message) => message.text);

  it('W2 a first-time visitor offline from the start writes three messages, reloads, comes online: each arrives once, in order', async () => {
    const { page: site, chatOnline } = await journey.visitorBehindProxy({ chatOffline: true });
    const texts = ['First visit, offline: one', 'First visit, offline: two', 'First visit, offline: three'];
    const widget = await openWidget(site);
    for (const text of texts) {
      await visitorSays(widget, text);
      await widget.getByText(text, { exact: true }).waitFor();
    }
    assert.equal(conversationWith(journey.server, texts[0]), undefined, 'nothing reached the server yet');
    // Let the last record reach IndexedDB, then reload.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await site.reload();
    const again = await openWidget(site);
    for (const text of texts) await again.getByText(text, { exact: true }).waitFor();
    await journey.shot(site, 'offline-first-visit-after-reload');

    chatOnline(true);
    const conversation = await eventually(() => conversationWith(journey.server, texts[2]) ?? assert.fail('not yet'), {
      what: 'the third message on the server',
      timeoutMs: 30_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(storedTexts(conversation.id), texts, 'each once, in order, in one conversation');
    for (const text of texts)
      await eventually(async () => assert.equal(await again.getByText(text, { exact: true }).count(), 1), {
        what: `“${text}” shown once`,
      });
  });

  it('identify() for someone else, then logout(), in one tab: the other open tab drops the person before too', async () => {
    const token = (email, name) => createIdentityToken({ email, name }, DEMO_IDENTITY.secret, DEMO_IDENTITY);
    const ann = await token('ann-tabs@example.com', 'Ann');
    const bob = await token('bob-tabs@example.com', 'Bob');
    const { context, page: first } = await journey.visitor();
    await first.evaluate((tokenOfAnn) => window.Confab.identify({ email: 'ann' }, tokenOfAnn), ann);
    const firstWidget = await openWidget(first);
    await visitorSays(firstWidget, 'Ann writes in tab one');
    await eventually(() => conversationWith(journey.server, 'Ann writes in tab one') ?? assert.fail('not yet'));

    // The second tab: the same browser, so the same stored person.
    const second = await context.newPage();
    await second.goto(first.url());
    const secondWidget = await openWidget(second);
    await secondWidget.getByText('Ann writes in tab one', { exact: true }).waitFor();

    await first.evaluate((tokenOfBob) => window.Confab.identify({ email: 'bob' }, tokenOfBob), bob);
    await eventually(
      async () => assert.equal(await secondWidget.getByText('Ann writes in tab one', { exact: true }).count(), 0),
      { what: 'tab two to drop Ann' },
    );

    // The window stays open for the new person.
    const bobsWidget = first.getByRole('dialog', { name: 'Chat with us' });
    await visitorSays(bobsWidget, 'Bob writes in tab one');
    await eventually(() => conversationWith(journey.server, 'Bob writes in tab one') ?? assert.fail('not yet'));
    await second.reload();
    const secondAgain = await openWidget(second);
    await secondAgain.getByText('Bob writes in tab one', { exact: true }).waitFor();
    assert.equal(await secondAgain.getByText('Ann writes in tab one', { exact: true }).count(), 0);

    await first.evaluate(() => window.Confab.logout());
    await eventually(
      async () => assert.equal(await secondAgain.getByText('Bob writes in tab one', { exact: true }).count(), 0),
      { what: 'tab two to drop Bob' },
    );
  });
});

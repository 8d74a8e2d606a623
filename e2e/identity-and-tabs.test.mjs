// One visitor, two tabs of one browser, the real widget and the real server (issue 7 item 3): both
// tabs write while the chat is cut off, both close, two new tabs open at once and flush the shared
// outbox together.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { conversationWith, eventually, openWidget, startJourney, visitorSays } from './harness.mjs';

describe('two tabs, one outbox', () => {
  let journey;
  before(async () => {
    journey = await startJourney('tabs');
  });
  after(async () => {
    await journey?.close();
  });

  it('W2 two tabs queue offline, close, and two new tabs flush at once: each message stored once, in each tab’s order, shown once in both', async () => {
    const { context, page: first, chatOnline } = await journey.visitorBehindProxy();
    const url = first.url();
    const firstWidget = await openWidget(first);
    await visitorSays(firstWidget, 'Two tabs: the opening line');
    const conversation = await eventually(() => {
      const found = conversationWith(journey.server, 'Two tabs: the opening line');
      assert.ok(found);
      return found;
    });
    // The second tab is the same visitor (same browser, same stored session).
    const second = await context.newPage();
    await second.goto(url);
    const secondWidget = await openWidget(second);
    await secondWidget.getByText('Two tabs: the opening line', { exact: true }).waitFor();

    chatOnline(false);
    for (const page of [first, second]) {
      await eventually(
        async () =>
          assert.notEqual(
            await page.evaluate(() => window.Confab.getState().then((state) => state.connection)),
            'online',
          ),
        { what: 'the chat offline' },
      );
    }
    const one = ['tab one: first', 'tab one: second', 'tab one: third'];
    const two = ['tab two: first', 'tab two: second', 'tab two: third'];
    for (let index = 0; index < one.length; index += 1) {
      await visitorSays(firstWidget, one[index]);
      await visitorSays(secondWidget, two[index]);
    }
    for (const [widget, texts] of [
      [firstWidget, one],
      [secondWidget, two],
    ])
      for (const text of texts) await widget.getByText(text, { exact: true }).waitFor();
    // Let the last record reach IndexedDB, then both tabs go.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await Promise.all([first.close(), second.close()]);
    chatOnline(true);

    // Two new tabs open at the same moment.
    const [third, fourth] = await Promise.all([context.newPage(), context.newPage()]);
    await Promise.all([third.goto(url), fourth.goto(url)]);
    const everything = ['Two tabs: the opening line', ...one, ...two];
    const stored = () => (journey.server.backend.state.messages.get(conversation.id) ?? []).map((m) => m.text);
    await eventually(() => assert.deepEqual([...stored()].sort(), [...everything].sort()), {
      what: 'every message stored',
      timeoutMs: 15_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const texts = stored();
    for (const text of everything) assert.equal(texts.filter((t) => t === text).length, 1, `${text} stored once`);
    assert.deepEqual(
      texts.filter((text) => one.includes(text)),
      one,
      'tab one’s order',
    );
    assert.deepEqual(
      texts.filter((text) => two.includes(text)),
      two,
      'tab two’s order',
    );
    for (const page of [third, fourth]) {
      const widget = await openWidget(page);
      for (const text of everything)
        await eventually(async () => assert.equal(await widget.getByText(text, { exact: true }).count(), 1), {
          what: `“${text}” shown once`,
        });
    }
    await journey.shot(third, 'w2-two-tabs-flushed');
    const outboxes = await third.evaluate(async () => {
      const names = (await indexedDB.databases()).map((db) => db.name);
      let count = 0;
      for (const name of names) {
        const db = await new Promise((resolve, reject) => {
          const request = indexedDB.open(name);
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        for (const store of db.objectStoreNames) {
          const keys = await new Promise((resolve) => {
            const request = db.transaction(store).objectStore(store).getAllKeys();
            request.onsuccess = () => resolve(request.result);
          });
          count += keys.filter((key) => String(key).includes(':outbox')).length;
        }
        db.close();
      }
      return count;
    });
    assert.equal(outboxes, 0, 'the stored outbox is empty');
  });
});

import { expect } from '@open-wc/testing';
import type { QueryResult } from './types.js';
import { createInboxStore, loadSearch } from './store.js';
import { contact, conversation, message, snapshot } from './store-fixtures.test-util.js';

// Runs on a page of its own: nothing has loaded the search part before the first test.
describe('inbox store, search before its part has arrived', () => {
  it('F1 a search made before the search part arrives says it is pending, then answers once it arrives', async () => {
    let flushes = 0;
    const store = createInboxStore({ me: 'a1', schedule: () => void (flushes += 1) });
    store.reset(
      snapshot({
        contacts: [contact('p1', 'Zoë Müller', 'zoe@hotel.example')],
        conversations: [
          conversation('c1', { contactId: 'p1', participantIds: ['p1'], lastReceivedAt: 2 }),
          conversation('c2', { lastReceivedAt: 1 }),
          conversation('c3', { lastReceivedAt: 3 }),
        ],
        messages: [message('m1', 'c2', 'Parcel lost'), message('m2', 'c3', 'Where is my parcel?')],
      }),
    );
    store.flush();
    const live = store.query({ viewId: 'all', search: 'parcel' });
    const muller = store.query({ viewId: 'all', search: 'muller' });
    expect(live.get().pending).to.equal(true);
    expect(live.get().total).to.equal(0);
    const heard: QueryResult[] = [];
    live.subscribe((result) => heard.push(result));
    // A message that arrives while the part loads is searched too.
    store.apply([{ type: 'message.upserted', message: message('m3', 'c1', 'my parcel, please') }]);
    store.flush();
    expect(heard).to.deep.equal([]);

    await loadSearch();
    store.flush();
    expect(heard.length).to.equal(1);
    expect(heard[0].pending).to.equal(undefined);
    expect(heard[0].slice(0, 10).map((c) => c.id)).to.deep.equal(['c3', 'c1', 'c2']);
    expect(
      muller
        .get()
        .slice(0, 10)
        .map((c) => c.id),
    ).to.deep.equal(['c1']);
    expect(flushes).to.be.greaterThan(0);

    // Later stores have it at once.
    const next = createInboxStore({ me: 'a1', schedule: () => undefined });
    next.reset(snapshot({ conversations: [conversation('c9')], messages: [message('m9', 'c9', 'parcel')] }));
    expect(next.query({ viewId: 'all', search: 'parcel' }).get().total).to.equal(1);
  });
});

import { expect } from '@open-wc/testing';
import type { ConfabEvent, Snapshot } from '../protocol/events.js';
import { createInboxStore, loadSearch, type LocalInboxStore } from './store.js';
import { contact, conversation, message, savedView, snapshot } from './store-fixtures.test-util.js';

const COUNT = 5000;

function record(i: number, patch: Parameters<typeof conversation>[1] = {}) {
  return conversation(`c${i}`, {
    channel: i % 3 === 0 ? 'email' : 'chat',
    contactId: `p${i}`,
    participantIds: [`p${i}`],
    assigneeId: i % 4 === 0 ? 'a1' : null,
    status: i % 5 === 0 ? 'closed' : 'open',
    lastReceivedAt: i,
    lastActivityAt: i,
    ...patch,
  });
}

function large(): Snapshot {
  const conversations = Array.from({ length: COUNT }, (_, i) => record(i));
  return snapshot({
    conversations,
    contacts: conversations.map((c, i) => contact(c.contactId!, `Person ${i}`)),
    messages: conversations.map((c, i) => message(`m${i}`, c.id, i % 500 === 7 ? 'Parcel lost' : 'hello')),
    views: [savedView('closed', { status: 'closed' })],
  });
}

/** What arrives while the snapshot loads: every kind of change a batch can make. */
const BATCHES: ConfabEvent[][] = [
  [{ type: 'message.upserted', message: message('n1', 'c10', 'parcel arrived', { createdAt: 1 }) }],
  [{ type: 'conversation.upserted', conversation: record(10, { lastReceivedAt: 2 * COUNT, status: 'closed' }) }],
  [{ type: 'conversation.removed', conversationId: 'c20' }],
  [{ type: 'conversation.upserted', conversation: record(COUNT, { lastReceivedAt: 3 * COUNT }) }],
  [{ type: 'contact.upserted', contact: contact('p30', 'Zebedee Parcel') }],
  [{ type: 'view.upserted', view: savedView('open', { status: 'open', channels: ['email'] }) }],
  [{ type: 'message.removed', conversationId: 'c7', messageId: 'm7' }],
  [
    { type: 'conversation.upserted', conversation: record(40, { assigneeId: 'a1', lastReceivedAt: 4 * COUNT }) },
    { type: 'message.upserted', message: message('n2', `c${COUNT}`, 'parcel again', { createdAt: 2 }) },
  ],
  [{ type: 'view.removed', viewId: 'closed' }],
];

const SEARCHES = ['parcel', 'lost', 'zebedee', 'person 4'];

/** Everything a reader can see of a store: views, counts, lists, searches and records. */
function reading(store: LocalInboxStore) {
  const list = (viewId: string, search?: string) => {
    const live = store.query({ viewId, search });
    const result = live.get();
    const ids = result.slice(0, COUNT * 2).map((c) => c.id);
    live.dispose();
    return { total: result.total, ids };
  };
  return {
    views: store.views().map((view) => [view.id, store.count(view.id), list(view.id)]),
    searches: SEARCHES.map((search) => list('all', search)),
    mine: (() => {
      const live = store.query({ viewId: 'all', filter: { assignee: 'me', status: 'open' } });
      const ids = live
        .get()
        .slice(0, COUNT)
        .map((c) => c.id);
      live.dispose();
      return ids;
    })(),
    conversations: [...store.state.conversations.values()],
    threads: [...store.state.messages.entries()],
    contacts: store.state.contacts.size,
  };
}

function syncStore(): LocalInboxStore {
  return createInboxStore({ me: 'a1', schedule: () => {}, slices: { above: Infinity, ms: 0 } });
}

describe('inbox store: a large reset in slices', () => {
  before(() => loadSearch());

  it('V1 F1 answers from the replica before it until the new one is whole, and ends equal to a fresh replica', async () => {
    // One step per task: the batches below arrive between the reset's slices.
    const store = createInboxStore({ me: 'a1', schedule: () => {}, slices: { above: 0, ms: 0 } });
    const first = snapshot({ conversations: [record(1), record(2)], contacts: [contact('p1', 'Person 1')] });
    store.reset(first);
    await store.settled();
    store.flush();
    const all = store.query({ viewId: 'all' });
    const found = store.query({ viewId: 'all', search: 'parcel' });
    // The replica before the reset, with the same batches: what readers must see until the swap.
    const before = syncStore();
    before.reset(first);

    let done = false;
    const settled = store.settled();
    store.reset(large());
    void store.settled().then(() => (done = true));
    let duringReset = 0;
    for (const batch of BATCHES) {
      store.apply(batch);
      before.apply(batch);
      store.flush();
      before.flush();
      if (!done) {
        duringReset += 1;
        expect(reading(store)).to.deep.equal(reading(before));
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(duringReset).to.be.greaterThan(BATCHES.length / 2);
    await settled;
    await store.settled();
    store.flush();

    const fresh = syncStore();
    fresh.reset(large());
    for (const batch of BATCHES) fresh.apply(batch);
    fresh.flush();
    expect(reading(store)).to.deep.equal(reading(fresh));
    // Live queries made before the reset follow it.
    const ids = (store: LocalInboxStore, search?: string) => {
      const live = store.query({ viewId: 'all', search });
      const result = live.get().slice(0, COUNT * 2);
      live.dispose();
      return result;
    };
    expect(all.get().slice(0, COUNT * 2)).to.deep.equal(ids(fresh));
    expect(found.get().slice(0, COUNT * 2)).to.deep.equal(ids(fresh, 'parcel'));
    expect(found.get().total).to.equal(12);
  });

  it('V1 a reset replaces one under way, and the batches that came before it are not applied', async () => {
    const store = createInboxStore({ me: 'a1', schedule: () => {}, slices: { above: 100, ms: 0 } });
    store.reset(large());
    store.apply(BATCHES[3]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const small = snapshot({ conversations: [record(1)], contacts: [contact('p1', 'Person 1')] });
    store.reset(small);
    store.apply(BATCHES[0]);
    await store.settled();
    store.flush();
    const fresh = syncStore();
    fresh.reset(small);
    fresh.apply(BATCHES[0]);
    fresh.flush();
    expect(reading(store)).to.deep.equal(reading(fresh));
    expect(store.conversation(`c${COUNT}`)).to.equal(undefined);
  });
});

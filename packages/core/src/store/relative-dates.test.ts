import { expect } from '@open-wc/testing';
import type { ConfabEvent } from '../protocol/events.js';
import { createInboxStore } from './store.js';
import { conversation, savedView, snapshot } from './store-fixtures.test-util.js';

const HOUR = 3_600_000;

describe('inbox store: relative dates and labels (issue 16)', () => {
  const realNow = Date.now;
  let now = 0;
  beforeEach(() => {
    now = Date.UTC(2026, 11, 4, 12);
    Date.now = () => now;
  });
  afterEach(() => {
    Date.now = realNow;
  });

  const ids = (store: ReturnType<typeof createInboxStore>, viewId: string, filter = {}) => {
    const live = store.query({ viewId, filter });
    const found = live
      .get()
      .slice(0, 100)
      .map((c) => c.id);
    live.dispose();
    return found;
  };

  it('F2 "last 24 hours" is placed in time when a query is made, in the filter menu and in a saved view', () => {
    const store = createInboxStore({ me: 'a1', schedule: () => {} });
    store.reset(
      snapshot({
        conversations: [
          conversation('fresh', { lastActivityAt: now - 1 * HOUR, lastReceivedAt: 3 }),
          conversation('older', { lastActivityAt: now - 20 * HOUR, lastReceivedAt: 2 }),
          conversation('old', { lastActivityAt: now - 30 * HOUR, lastReceivedAt: 1 }),
        ],
        views: [savedView('recent', { scope: 'inbox', activityWithin: '24h' })],
      }),
    );
    expect(ids(store, 'all', { activityWithin: '24h' })).to.deep.equal(['fresh', 'older']);
    expect(ids(store, 'recent')).to.deep.equal(['fresh', 'older']);
    // Six hours later, without any event: a new query means the last 24 hours from now, and the
    // view's count follows once it is asked for.
    now += 6 * HOUR;
    expect(store.count('recent')).to.equal(2);
    expect(ids(store, 'all', { activityWithin: '24h' })).to.deep.equal(['fresh']);
    expect(ids(store, 'recent')).to.deep.equal(['fresh']);
    expect(store.count('recent')).to.equal(1);
    expect(ids(store, 'recent', { activityWithin: '7d' })).to.deep.equal(['fresh']);
    // Activity brings one back in, live.
    store.apply([
      { type: 'conversation.upserted', conversation: conversation('old', { lastActivityAt: now, lastReceivedAt: 1 }) },
    ]);
    store.flush();
    expect(ids(store, 'recent')).to.deep.equal(['fresh', 'old']);
  });

  it('F3 a saved label view stays live as labels come and go', () => {
    const store = createInboxStore({ me: 'a1', schedule: () => {} });
    store.reset(
      snapshot({
        conversations: [conversation('c1', { labelIds: ['vip'] }), conversation('c2')],
        views: [savedView('vips', { scope: 'inbox', labels: ['vip'] })],
      }),
    );
    const live = store.query({ viewId: 'vips' });
    expect(live.get().total).to.equal(1);
    const events: ConfabEvent[] = [
      { type: 'conversation.upserted', conversation: conversation('c2', { labelIds: ['vip', 'x'] }) },
      { type: 'conversation.upserted', conversation: conversation('c1') },
    ];
    store.apply(events);
    store.flush();
    expect(
      live
        .get()
        .slice(0, 10)
        .map((c) => c.id),
    ).to.deep.equal(['c2']);
    live.dispose();
  });
});

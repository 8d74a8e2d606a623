import { expect } from '@open-wc/testing';
import type { ConversationFilter } from '../model/model.js';
import { ConfabError } from '../protocol/errors.js';
import type { ConfabEvent } from '../protocol/events.js';
import { createInboxStore, loadSearch, type LocalInboxStore } from './store.js';
import { contact, conversation, message, savedView, snapshot } from './store-fixtures.test-util.js';

/** A store whose flushes happen only when the test says so. */
function manualStore(me: string | null = 'a1'): { store: LocalInboxStore; pending: () => number } {
  let scheduled = 0;
  const store = createInboxStore({ me, schedule: () => void (scheduled += 1) });
  return { store, pending: () => scheduled };
}

function ids(
  store: LocalInboxStore,
  viewId: string,
  extra: { filter?: ConversationFilter; search?: string } = {},
): string[] {
  const live = store.query({ viewId, ...extra });
  const result = live
    .get()
    .slice(0, 1000)
    .map((c) => c.id);
  live.dispose();
  return result;
}

const upsert = (...conversations: ReturnType<typeof conversation>[]): ConfabEvent[] =>
  conversations.map((c) => ({ type: 'conversation.upserted', conversation: c }));

describe('inbox store', () => {
  // Searches here answer at once: the search part (a lazy chunk in bundles) is loaded first.
  before(() => loadSearch());

  it('V1 lists every inbox conversation, newest received first (L1), leaving out Filtered, Trash and Sent', () => {
    const { store } = manualStore();
    store.reset(
      snapshot({
        conversations: [
          conversation('c1', { lastReceivedAt: 10 }),
          conversation('c2', { lastReceivedAt: 30 }),
          conversation('c3', { lastReceivedAt: 20, filtered: 'spam' }),
          conversation('c4', { lastReceivedAt: 40, trashedAt: 41 }),
          conversation('c5', { lastReceivedAt: 50, sentOnly: true }),
          conversation('c0', { lastReceivedAt: 10 }),
        ],
      }),
    );
    expect(ids(store, 'all')).to.deep.equal(['c2', 'c0', 'c1']);
    expect(ids(store, 'filtered')).to.deep.equal(['c3']);
    expect(ids(store, 'trash')).to.deep.equal(['c4']);
    expect(ids(store, 'sent')).to.deep.equal(['c5']);
  });

  it('V2 V3 V9 keep live counts per view as conversations are assigned and handed over', () => {
    const { store } = manualStore('a1');
    store.apply(
      upsert(conversation('c1', { bot: 'active' }), conversation('c2'), conversation('c3', { assigneeId: 'a1' })),
    );
    expect([store.count('mine'), store.count('unassigned'), store.count('bots'), store.count('all')]).to.deep.equal([
      1, 1, 1, 3,
    ]);
    store.apply(upsert(conversation('c1', { bot: 'handed-over', assigneeId: 'a1' })));
    expect([store.count('mine'), store.count('unassigned'), store.count('bots')]).to.deep.equal([2, 1, 0]);
    store.apply([{ type: 'conversation.removed', conversationId: 'c3' }]);
    expect([store.count('mine'), store.count('all')]).to.deep.equal([1, 2]);
    expect(store.count('no-such-view')).to.equal(0);
  });

  it('V4 V8 sort a conversation into its channel and ticket views and re-sort it in place (L1)', () => {
    const { store } = manualStore();
    store.apply(
      upsert(
        conversation('e1', { channel: 'email', lastReceivedAt: 5 }),
        conversation('e2', { channel: 'email', lastReceivedAt: 6 }),
      ),
    );
    expect(ids(store, 'email')).to.deep.equal(['e2', 'e1']);
    store.apply(upsert(conversation('e1', { channel: 'email', lastReceivedAt: 9, ticketId: 't1' })));
    expect(ids(store, 'email')).to.deep.equal(['e1', 'e2']);
    expect(ids(store, 'tickets')).to.deep.equal(['e1']);
    expect(ids(store, 'chat')).to.deep.equal([]);
  });

  it('V1 lists built-in views then saved views, and a saved view gets its own live index', () => {
    const { store } = manualStore();
    store.apply(upsert(conversation('c1', { status: 'closed' }), conversation('c2')));
    store.apply([{ type: 'view.upserted', view: savedView('closed', { status: 'closed' }, 'Closed') }]);
    const views = store.views();
    expect(views.slice(0, 12).every((view) => view.builtIn)).to.equal(true);
    expect(views.map((view) => view.id).at(-1)).to.equal('closed');
    expect(ids(store, 'closed')).to.deep.equal(['c1']);
    store.apply(upsert(conversation('c2', { status: 'closed', lastReceivedAt: 3 })));
    expect(ids(store, 'closed')).to.deep.equal(['c2', 'c1']);
    store.apply([{ type: 'view.upserted', view: savedView('closed', { status: 'open' }, 'Open now') }]);
    expect(ids(store, 'closed')).to.deep.equal([]);
    store.apply([{ type: 'view.removed', viewId: 'closed' }]);
    expect(store.views().some((view) => view.id === 'closed')).to.equal(false);
  });

  it('V1 refuses a query on a view that does not exist', () => {
    const { store } = manualStore();
    let error: unknown;
    try {
      store.query({ viewId: 'nope' });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ConfabError);
    expect((error as ConfabError).code).to.equal('not-found');
  });

  it('F2 narrows a view by status, channel, assignee and activity date together', () => {
    const { store } = manualStore('a1');
    store.apply(
      upsert(
        conversation('c1', { channel: 'email', assigneeId: 'a2', lastActivityAt: 100 }),
        conversation('c2', { channel: 'email', assigneeId: 'a2', status: 'closed', lastActivityAt: 100 }),
        conversation('c3', { channel: 'chat', assigneeId: 'a2', lastActivityAt: 100 }),
        conversation('c4', { channel: 'email', assigneeId: null, lastActivityAt: 100 }),
        conversation('c5', { channel: 'email', assigneeId: 'a2', lastActivityAt: 5 }),
        conversation('c6', { channel: 'form', assigneeId: 'a2', lastActivityAt: 100, lastReceivedAt: 1 }),
      ),
    );
    const filter: ConversationFilter = {
      status: 'open',
      channels: ['email', 'form'],
      assignee: 'a2',
      activityFrom: 50,
    };
    expect(ids(store, 'all', { filter })).to.deep.equal(['c6', 'c1']);
    expect(ids(store, 'email', { filter })).to.deep.equal(['c1']);
    expect(ids(store, 'all', { filter: { assignee: 'nobody' } })).to.deep.equal(['c4']);
    expect(store.query({ viewId: 'all', filter }).get().total).to.equal(2);
  });

  it('F2 a filter narrows the view it is applied to, Trash included', () => {
    const { store } = manualStore();
    store.apply(
      upsert(
        conversation('t1', { trashedAt: 1 }),
        conversation('t2', { trashedAt: 1, status: 'closed' }),
        conversation('c1'),
      ),
    );
    expect(ids(store, 'trash', { filter: { status: 'closed' } })).to.deep.equal(['t2']);
    expect(ids(store, 'trash', { filter: { scope: 'inbox' } })).to.deep.equal([]);
    expect(ids(store, 'all', { filter: { status: 'open' } })).to.deep.equal(['c1']);
  });

  it('F1 finds contact name and address, subject and message text, folding case and accents', () => {
    const { store } = manualStore();
    store.reset(
      snapshot({
        contacts: [contact('p1', 'Zoë Müller', 'zoe@hotel.example'), contact('p2', 'Bob Stone')],
        conversations: [
          conversation('c1', { contactId: 'p1', participantIds: ['p1'], subject: 'Booking', lastReceivedAt: 2 }),
          conversation('c2', { contactId: 'p2', participantIds: ['p2'], subject: 'Invoice 42', lastReceivedAt: 1 }),
        ],
        messages: [message('m1', 'c1', 'Is breakfast included?'), message('m2', 'c2', 'The café bill is wrong')],
      }),
    );
    expect(ids(store, 'all', { search: 'ZOE muller' })).to.deep.equal(['c1']);
    expect(ids(store, 'all', { search: 'hotel.example' })).to.deep.equal(['c1']);
    expect(ids(store, 'all', { search: 'invoice' })).to.deep.equal(['c2']);
    expect(ids(store, 'all', { search: 'CAFE wrong' })).to.deep.equal(['c2']);
    expect(ids(store, 'all', { search: 'breakfast bill' })).to.deep.equal([]);
    expect(ids(store, 'all', { search: 'e' })).to.deep.equal(['c1', 'c2']);
    expect(ids(store, 'all', { search: '   ' })).to.deep.equal(['c1', 'c2']);
  });

  it('F1 a visitor replica (indexed only when searched) finds old and new messages at once', async () => {
    const { store } = manualStore(null);
    store.reset(
      snapshot({
        conversations: [conversation('c1', { subject: 'Booking', lastReceivedAt: 2 })],
        messages: [message('m1', 'c1', 'Is breakfast included?')],
      }),
    );
    store.apply([{ type: 'message.upserted', message: message('m2', 'c1', 'And parking?') }]);
    store.flush();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ids(store, 'all', { search: 'breakfast' })).to.deep.equal(['c1']);
    expect(ids(store, 'all', { search: 'parking' })).to.deep.equal(['c1']);
  });

  it('F1 finds text of a large snapshot both right after the reset and once background indexing is done', async () => {
    const { store } = manualStore();
    const conversations = Array.from({ length: 5000 }, (_, i) => conversation(`c${i}`, { lastReceivedAt: i }));
    const messages = conversations.map((c, i) => message(`m${i}`, c.id, i % 1000 === 7 ? 'Parcel lost' : 'hello'));
    store.reset(snapshot({ conversations, messages }));
    store.flush();
    expect(ids(store, 'all', { search: 'parcel' })).to.deep.equal(['c4007', 'c3007', 'c2007', 'c1007', 'c7']);
    store.reset(snapshot({ conversations, messages: messages.slice(0, 2000) }));
    store.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ids(store, 'all', { search: 'lost' })).to.deep.equal(['c1007', 'c7']);
  });

  it('F1 searches comments for an agent, never for a visitor (R2)', () => {
    const data = snapshot({
      conversations: [conversation('c1')],
      messages: [
        message('m1', 'c1', 'hello there'),
        message('m2', 'c1', 'vip customer', { kind: 'comment', authorType: 'agent' }),
      ],
    });
    const agent = manualStore('a1').store;
    agent.reset(data);
    expect(ids(agent, 'all', { search: 'vip' })).to.deep.equal(['c1']);
    const visitor = manualStore(null).store;
    visitor.reset(data);
    expect(ids(visitor, 'all', { search: 'vip' })).to.deep.equal([]);
    expect(ids(visitor, 'all', { search: 'hello' })).to.deep.equal(['c1']);
  });

  it('F3 keeps view, filter and search combined and live: conversations enter, leave and re-sort without a new query', () => {
    const { store } = manualStore('a1');
    store.reset(
      snapshot({
        contacts: [contact('p1', 'Ann Lee'), contact('p2', 'Carl Berg')],
        conversations: [
          conversation('c1', { contactId: 'p1', channel: 'email', lastReceivedAt: 1 }),
          conversation('c2', { contactId: 'p2', channel: 'email', lastReceivedAt: 2 }),
        ],
        messages: [message('m1', 'c1', 'refund please'), message('m2', 'c2', 'where is my refund')],
      }),
    );
    store.flush();
    const live = store.query({ viewId: 'email', filter: { status: 'open' }, search: 'refund' });
    const seen: string[][] = [];
    live.subscribe((result) => seen.push(result.slice(0, 10).map((c) => c.id)));
    expect(
      live
        .get()
        .slice(0, 10)
        .map((c) => c.id),
    ).to.deep.equal(['c2', 'c1']);

    store.apply(upsert(conversation('c1', { contactId: 'p1', channel: 'email', lastReceivedAt: 5 }))); // re-sorts
    store.flush();
    store.apply(upsert(conversation('c2', { contactId: 'p2', channel: 'email', lastReceivedAt: 2, status: 'closed' }))); // leaves
    store.flush();
    store.apply([
      ...upsert(conversation('c3', { channel: 'email', lastReceivedAt: 3 })),
      { type: 'message.upserted', message: message('m3', 'c3', 'Refund!') },
    ]); // enters through its message text
    store.flush();
    store.apply([{ type: 'contact.upserted', contact: contact('p1', 'Ann Refund') }]);
    store.flush(); // still a member: the row changed, the order did not
    store.apply([{ type: 'message.removed', messageId: 'm3', conversationId: 'c3' }]); // leaves
    store.flush();
    expect(seen).to.deep.equal([['c1', 'c2'], ['c1'], ['c1', 'c3'], ['c1', 'c3'], ['c1']]);
    expect(live.get().total).to.equal(1);
  });

  it('F3 a contact rename moves that contact’s conversations into a name search', () => {
    const { store } = manualStore();
    store.apply([
      { type: 'contact.upserted', contact: contact('p1', 'Ann') },
      ...upsert(conversation('c1', { contactId: 'p1' })),
    ]);
    store.flush();
    const live = store.query({ viewId: 'all', search: 'annabel' });
    expect(live.get().total).to.equal(0);
    store.apply([{ type: 'contact.upserted', contact: contact('p1', 'Annabel') }]);
    store.flush();
    expect(live.get().total).to.equal(1);
  });

  it('F3 batches many applies into one notification per flush, and none when nothing changed', () => {
    const { store, pending } = manualStore();
    const revisions: number[] = [];
    store.revision.subscribe((revision) => revisions.push(revision));
    const all = store.query({ viewId: 'all' });
    const closed = store.query({ viewId: 'all', filter: { status: 'closed' } });
    let allCalls = 0;
    let closedCalls = 0;
    all.subscribe(() => (allCalls += 1));
    closed.subscribe(() => (closedCalls += 1));
    for (let i = 0; i < 100; i++) store.apply(upsert(conversation(`c${i}`, { lastReceivedAt: i })));
    expect(pending()).to.equal(1);
    expect(allCalls).to.equal(0);
    store.flush();
    store.flush();
    expect([revisions, allCalls, closedCalls]).to.deep.equal([[1], 1, 0]);
    expect(all.get().total).to.equal(100);
    expect(
      all
        .get()
        .slice(0, 2)
        .map((c) => c.id),
    ).to.deep.equal(['c99', 'c98']);
  });

  it('F3 delivers batches on the schedule it was given', async () => {
    const store = createInboxStore({ me: 'a1', schedule: (flush) => setTimeout(flush, 0) });
    const revisions: number[] = [];
    store.revision.subscribe((revision) => revisions.push(revision));
    store.apply(upsert(conversation('c1')));
    store.apply(upsert(conversation('c2')));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(revisions).to.deep.equal([1]);
    expect(store.revision.get()).to.equal(1);
  });

  it('F3 batches per animation frame by default, and still delivers when no frame comes', async () => {
    const original = window.requestAnimationFrame;
    const frames: FrameRequestCallback[] = [];
    window.requestAnimationFrame = (callback) => frames.push(callback);
    try {
      const store = createInboxStore({ me: 'a1' });
      const live = store.query({ viewId: 'all' });
      const seen: number[] = [];
      live.subscribe((result) => seen.push(result.total));
      store.apply(upsert(conversation('c1')));
      store.apply(upsert(conversation('c2')));
      expect([frames.length, seen]).to.deep.equal([1, []]);
      frames[0](performance.now());
      expect(seen).to.deep.equal([2]);
      // A hidden tab: the frame never comes, the batch arrives a little later all the same.
      store.apply(upsert(conversation('c3')));
      expect(frames.length).to.equal(2);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(seen).to.deep.equal([2, 3]);
      expect(store.revision.get()).to.equal(2);
    } finally {
      window.requestAnimationFrame = original;
    }
  });

  it('F1 follows a contact shared by several conversations through renames and removals', () => {
    const { store } = manualStore();
    store.apply([
      { type: 'contact.upserted', contact: contact('p1', 'Ann') },
      ...upsert(
        conversation('c1', { contactId: 'p1' }),
        conversation('c2', { participantIds: ['p1'] }),
        conversation('c3', { contactId: 'p1' }),
      ),
      { type: 'conversation.removed', conversationId: 'c3' },
      ...upsert(conversation('c2', { participantIds: [] })),
      { type: 'contact.upserted', contact: contact('p1', 'Annika') },
      ...upsert(conversation('c4', { contactId: 'p1', lastReceivedAt: 1 })),
    ]);
    store.flush();
    expect(ids(store, 'all', { search: 'annika' })).to.deep.equal(['c4', 'c1']);
  });

  it('F3 a disposed query stops following the store', () => {
    const { store } = manualStore();
    const live = store.query({ viewId: 'all', search: 'x' });
    let calls = 0;
    live.subscribe(() => (calls += 1));
    live.dispose();
    store.apply([...upsert(conversation('c1')), { type: 'message.upserted', message: message('m1', 'c1', 'x marks') }]);
    store.flush();
    expect(calls).to.equal(0);
  });

  it('V1 reset replaces everything and the signed-in agent', () => {
    const { store } = manualStore(null);
    store.apply(upsert(conversation('old')));
    const mine = store.query({ viewId: 'mine' });
    const search = store.query({ viewId: 'all', search: 'old' });
    let notified = 0;
    search.subscribe(() => (notified += 1));
    store.reset(snapshot({ conversations: [conversation('c1', { assigneeId: 'a7' })] }), 'a7');
    // Readable at once (old slots mean nothing after a reset); listeners hear at the flush.
    expect(
      mine
        .get()
        .slice(0, 5)
        .map((c) => c.id),
    ).to.deep.equal(['c1']);
    expect(search.get().total).to.equal(0);
    expect(notified).to.equal(0);
    store.flush();
    expect(notified).to.equal(1);
    expect(store.me).to.equal('a7');
    expect(ids(store, 'all')).to.deep.equal(['c1']);
    expect(
      mine
        .get()
        .slice(0, 5)
        .map((c) => c.id),
    ).to.deep.equal(['c1']);
    expect(store.conversation('old')).to.equal(undefined);
  });
});

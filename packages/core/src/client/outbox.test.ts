import { expect } from '@open-wc/testing';
import { createVisitorClient, isPendingRecord } from './client.js';
import { createMemoryBackend, type MemoryBackend } from '../transport/memory.js';
import { createMemoryPersistence, openPersistence, type Persistence } from '../persistence/persistence.js';
import type { VisitorClient } from './types.js';
import type { Message } from '../model/model.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

/** Waits until `check` passes (the backend answers on later macrotasks). */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000) {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves with the value, or rejects after `ms` saying what hung. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} hung for ${ms} ms`)), ms)),
  ]);
}

function namespace() {
  return `outbox-${Math.random().toString(36).slice(2)}`;
}

/** Reads the stored outbox of a namespace, as a next page would, and lets the database go. */
async function storedOutbox(ns: string): Promise<string[]> {
  const storage = await openPersistence(ns);
  try {
    const records = await storage.entries<{ command: { text?: string } }>(`${ns}:visitor:outbox:`);
    return records.map(([, record]) => record.command.text ?? '');
  } finally {
    storage.close?.();
  }
}

async function storedSession(ns: string): Promise<string | undefined> {
  const storage = await openPersistence(ns);
  try {
    return await storage.get<string>(`${ns}:visitor:session`);
  } finally {
    storage.close?.();
  }
}

/** A persistence that works for `writes` writes, then is over quota for good. */
function overQuotaAfter(writes: number, inner: Persistence): Persistence & { failures: number } {
  let left = writes;
  const wrapped = {
    kind: 'indexeddb' as const,
    failures: 0,
    get: <T>(key: string) => inner.get<T>(key),
    entries: <T>(prefix: string) => inner.entries<T>(prefix),
    set: (key: string, value: unknown) => write(() => inner.set(key, value)),
    replace: (key: string, value: unknown) => write(() => inner.replace(key, value)),
    del: (key: string) => write(() => inner.del(key)),
  };
  async function write(run: () => Promise<void>) {
    if (left <= 0) {
      wrapped.failures += 1;
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    left -= 1;
    await run();
  }
  return wrapped;
}

describe('the outbox shared by tabs (issue 7 item 3)', () => {
  let memory: MemoryBackend;
  const clients: VisitorClient[] = [];
  const track = (client: VisitorClient) => {
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    memory = createMemoryBackend({ startTime: T0 });
    await memory.backend.ready;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  const serverTexts = (conversationId: string) =>
    (memory.backend.state.messages.get(conversationId) ?? []).map((message) => message.text);
  const shown = (client: VisitorClient, conversationId: string): Message[] =>
    client.store.state.messages.get(conversationId) ?? [];

  it('W2 two tabs queue offline on one namespace; two pages then flush at once: each message stored once, in each tab’s order, shown once, outboxes empty', async () => {
    const ns = namespace();
    const link1 = memory.transport();
    const tab1 = track(createVisitorClient({ transport: link1, namespace: ns }));
    await until(() => tab1.status.get().ready, 'tab one ready');
    expect(tab1.status.get().storage).to.equal('indexeddb');
    const { conversationId } = await tab1.send({ type: 'visitor.startChat', text: 'Opening line' });
    await until(async () => (await storedSession(ns)) !== undefined, 'the session stored');

    // The second tab is the same visitor: it finds the session the first one stored.
    const link2 = memory.transport();
    const tab2 = track(createVisitorClient({ transport: link2, namespace: ns }));
    await until(() => shown(tab2, conversationId).length === 1, 'tab two shows the chat');
    expect(tab2.status.get().principal).to.deep.equal(tab1.status.get().principal);

    link1.goOffline();
    link2.goOffline();
    await until(() => tab1.connection.get() === 'offline' && tab2.connection.get() === 'offline', 'both offline');
    const one = ['one-1', 'one-2', 'one-3', 'one-4', 'one-5'];
    const two = ['two-1', 'two-2', 'two-3', 'two-4', 'two-5'];
    for (let index = 0; index < one.length; index += 1) {
      void tab1.send({ type: 'visitor.message', conversationId, text: one[index] }).catch(() => undefined);
      void tab2.send({ type: 'visitor.message', conversationId, text: two[index] }).catch(() => undefined);
    }
    await Promise.all([tab1.close(), tab2.close()]);
    expect((await storedOutbox(ns)).sort(), 'both tabs’ commands are stored').to.deep.equal([...one, ...two].sort());

    // Two pages start at the same moment, online; each finds both tabs' commands.
    const pageA = track(createVisitorClient({ transport: memory.transport(), namespace: ns }));
    const pageB = track(createVisitorClient({ transport: memory.transport(), namespace: ns }));
    const everything = ['Opening line', ...one, ...two];
    await until(
      () =>
        everything.every((text) => serverTexts(conversationId).includes(text)) &&
        pageA.pending.get().length === 0 &&
        pageB.pending.get().length === 0,
      'every command delivered and both outboxes empty',
    );
    const stored = serverTexts(conversationId);
    for (const text of everything)
      expect(
        stored.filter((t) => t === text),
        `${text} stored once`,
      ).to.have.length(1);
    expect(
      stored.filter((text) => one.includes(text)),
      'tab one’s order',
    ).to.deep.equal(one);
    expect(
      stored.filter((text) => two.includes(text)),
      'tab two’s order',
    ).to.deep.equal(two);
    for (const [name, page] of [
      ['page A', pageA],
      ['page B', pageB],
    ] as const) {
      await until(
        () =>
          shown(page, conversationId).length === everything.length &&
          shown(page, conversationId).every((message) => !isPendingRecord(message.id)),
        `${name} shows each message once, confirmed (has ${shown(page, conversationId).map((m) => m.text)})`,
      );
      expect(shown(page, conversationId).map((message) => message.text)).to.deep.equal(stored);
    }
    await until(async () => (await storedOutbox(ns)).length === 0, 'the stored outbox empty');

    // A third page on the namespace, after the others closed: it opens and reads at once.
    await Promise.all([pageA.close(), pageB.close()]);
    const third = track(createVisitorClient({ transport: memory.transport(), namespace: ns }));
    await within(
      until(() => shown(third, conversationId).length === everything.length, 'the third page shows the chat'),
      4000,
      'a third client on the namespace',
    );
    expect(third.status.get().storage).to.equal('indexeddb');
  });

  it('W2 a client lets go of IndexedDB when another page deletes it: the delete is not blocked, the client says why and still sends once; the next client opens', async () => {
    const ns = namespace();
    const transport = memory.transport();
    const visitor = track(createVisitorClient({ transport, namespace: ns }));
    await until(() => visitor.status.get().ready && visitor.status.get().storage === 'indexeddb', 'ready on IndexedDB');
    const { conversationId } = await visitor.send({ type: 'visitor.startChat', text: 'Before the delete' });

    let blocked = false;
    await within(
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.deleteDatabase(`${ns}-store`);
        request.onblocked = () => (blocked = true);
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error);
      }),
      3000,
      'deleting the database of an open client',
    );
    expect(blocked, 'the open client closed its connection instead of blocking').to.equal(false);

    await visitor.send({ type: 'visitor.message', conversationId, text: 'After the delete' });
    expect(visitor.status.get().storage).to.equal('memory');
    expect(visitor.status.get().storageError).to.match(/deleted or upgraded/);
    expect(serverTexts(conversationId).filter((text) => text === 'After the delete')).to.have.length(1);

    const next = track(createVisitorClient({ transport: memory.transport(), namespace: ns }));
    await within(
      until(() => next.status.get().ready, 'the next client ready'),
      4000,
      'a client opening after the delete',
    );
    expect(next.status.get().storage).to.equal('indexeddb');
  });

  it('W2 storage over quota mid-session: nothing lost, nothing twice, it still sends, and the status says why; a reload over the stale records duplicates nothing', async () => {
    const backing = createMemoryPersistence();
    // Enough for the session, the identity-free start and the first command's record.
    const flaky = overQuotaAfter(3, backing);
    const transport = memory.transport();
    const visitor = track(createVisitorClient({ transport, persistence: flaky }));
    await until(() => visitor.status.get().ready, 'ready');
    const { conversationId } = await visitor.send({ type: 'visitor.startChat', text: 'q-0' });
    const online = ['q-1', 'q-2', 'q-3'];
    const offline = ['q-4', 'q-5', 'q-6'];
    await Promise.all(online.map((text) => visitor.send({ type: 'visitor.message', conversationId, text })));
    transport.goOffline();
    await until(() => visitor.connection.get() === 'offline', 'offline');
    const queued = offline.map((text) => visitor.send({ type: 'visitor.message', conversationId, text }));
    expect(visitor.pending.get().map((entry) => (entry.command as { text: string }).text)).to.deep.equal(offline);
    transport.goOnline();
    await Promise.all(queued);

    const all = ['q-0', ...online, ...offline];
    expect(flaky.failures, 'storage did fail').to.be.greaterThan(0);
    expect(serverTexts(conversationId)).to.deep.equal(all);
    expect(visitor.status.get().storage).to.equal('memory');
    expect(visitor.status.get().storageError).to.contain('QuotaExceededError');
    await until(() => shown(visitor, conversationId).length === all.length, 'all shown');
    expect(shown(visitor, conversationId).map((message) => message.text)).to.deep.equal(all);
    expect(visitor.pending.get()).to.have.length(0);

    // The records written before the quota ran out outlive their acks; a reload re-sends them
    // under their ids, and the server answers from its record: still once each.
    await visitor.close();
    const reloaded = track(createVisitorClient({ transport: memory.transport(), persistence: backing }));
    await until(
      () => reloaded.pending.get().length === 0 && shown(reloaded, conversationId).length === all.length,
      'the reloaded page settled',
    );
    expect(serverTexts(conversationId)).to.deep.equal(all);
    expect(shown(reloaded, conversationId).map((message) => message.text)).to.deep.equal(all);
  });
});

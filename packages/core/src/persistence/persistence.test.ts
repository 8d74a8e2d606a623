import { expect } from '@open-wc/testing';
import { createMemoryPersistence, openPersistence, resilient, type Persistence } from './persistence.js';

const namespace = () => `persistence-${Math.random().toString(36).slice(2)}`;

describe('persistence', () => {
  for (const [name, open] of [
    ['memory', async () => createMemoryPersistence()],
    ['IndexedDB', () => openPersistence(namespace())],
  ] as const) {
    it(`W2 ${name}: entries(prefix) lists only that prefix, in key order; replace never creates a record`, async () => {
      const storage: Persistence = await open();
      await storage.set('ns:outbox:b', { n: 2 });
      await storage.set('ns:outbox:a', { n: 1 });
      await storage.set('ns:outbox', ['an older list']);
      await storage.set('ns:session', 'token');
      await storage.set('other:outbox:c', { n: 3 });
      expect(await storage.entries('ns:outbox:')).to.deep.equal([
        ['ns:outbox:a', { n: 1 }],
        ['ns:outbox:b', { n: 2 }],
      ]);
      await storage.replace('ns:outbox:gone', { n: 9 });
      expect(await storage.get('ns:outbox:gone'), 'a deleted record stays deleted').to.equal(undefined);
      await storage.replace('ns:outbox:a', { n: 10 });
      expect(await storage.get('ns:outbox:a')).to.deep.equal({ n: 10 });
      await storage.del('ns:outbox:a');
      expect((await storage.entries('ns:outbox:')).map(([key]) => key)).to.deep.equal(['ns:outbox:b']);
      storage.close?.();
    });
  }

  it('W2 resilient: after an error it keeps values in memory and says why, and deletes still reach the failing store', async () => {
    const backing = createMemoryPersistence();
    await backing.set('k:old', 1);
    let full = false;
    const overQuota = () => Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
    const storage = resilient({
      kind: 'indexeddb',
      get: (key) => backing.get(key),
      entries: (prefix) => backing.entries(prefix),
      set: (key, value) => (full ? overQuota() : backing.set(key, value)),
      replace: (key, value) => (full ? overQuota() : backing.replace(key, value)),
      // Over quota, deleting still works.
      del: (key) => backing.del(key),
    });
    await storage.set('k:a', 1);
    expect(storage.kind).to.equal('indexeddb');
    full = true;
    await storage.set('k:b', 2);
    expect(storage.kind).to.equal('memory');
    expect(storage.fallbackReason).to.contain('QuotaExceededError');
    expect(await storage.get('k:b')).to.equal(2);
    expect(await storage.entries('k:')).to.deep.equal([['k:b', 2]]);
    await storage.del('k:old');
    expect(await backing.get('k:old'), 'the stale record is gone from the failing store too').to.equal(undefined);
  });

  it('W2 a closed IndexedDB persistence lets another page delete the database at once', async () => {
    const ns = namespace();
    const storage = await openPersistence(ns);
    await storage.set('k', 1);
    storage.close?.();
    let blocked = false;
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(`${ns}-store`);
      request.onblocked = () => (blocked = true);
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
    expect(blocked).to.equal(false);
  });
});

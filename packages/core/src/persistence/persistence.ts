import { createStore, del, get, promisifyRequest, set, type UseStore } from 'idb-keyval';

/**
 * Where a client keeps what must survive a reload: the outbox, drafts, the last snapshot and a
 * visitor's session token. Values are structured-cloneable. Several pages of one origin (tabs)
 * share it, so a client writes one record per thing it owns rather than one list for all.
 */
export interface Persistence {
  readonly kind: 'indexeddb' | 'memory';
  /** Why this is memory when IndexedDB was asked for (missing, private mode, quota, broken, deleted). */
  readonly fallbackReason?: string;
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  /** Every stored `[key, value]` whose key starts with `prefix`, in key order. */
  entries<T>(prefix: string): Promise<Array<[string, T]>>;
  /**
   * Sets `key` only if it holds a value now, in one step: a record another tab deleted (its
   * command was acknowledged there) stays deleted.
   */
  replace(key: string, value: unknown): Promise<void>;
  /** Lets go of the database (other tabs may then delete or upgrade it). Optional. */
  close?(): void;
}

/** Keeps values for the life of the page only. */
export function createMemoryPersistence(fallbackReason?: string): Persistence {
  const values = new Map<string, unknown>();
  return {
    kind: 'memory',
    fallbackReason,
    async get<T>(key: string) {
      return values.get(key) as T | undefined;
    },
    async set(key, value) {
      values.set(key, structuredClone(value));
    },
    async del(key) {
      values.delete(key);
    },
    async entries<T>(prefix: string) {
      return [...values.entries()]
        .filter(([key]) => key.startsWith(prefix))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, value]) => [key, structuredClone(value) as T] as [string, T]);
    },
    async replace(key, value) {
      if (values.has(key)) values.set(key, structuredClone(value));
    },
  };
}

/** A namespace's IndexedDB database is `<namespace>-store`. */
const DATABASE_SUFFIX = '-store';

/** The IndexedDB database that {@link openPersistence} keeps a namespace in. */
export const databaseName = (namespace: string): string => `${namespace}${DATABASE_SUFFIX}`;

/**
 * IndexedDB through idb-keyval, one database per namespace. Resolves to memory persistence (with
 * the reason) when IndexedDB is missing or fails a probe write.
 *
 * When another page deletes or upgrades the database, this connection closes at once (an open
 * connection would block that page, and every later open on the origin queues behind it); from
 * then on the wrapper keeps values in memory and says why.
 */
export async function openPersistence(namespace = 'confab'): Promise<Persistence> {
  if (typeof indexedDB === 'undefined') return createMemoryPersistence('IndexedDB is not available');
  let database: IDBDatabase | null = null;
  let closedBecause = '';
  // databaseName(namespace), written out: a minifier leaves a call of it wrapped, which core's bundle would pay for.
  const idbStore: UseStore = createStore(`${namespace}${DATABASE_SUFFIX}`, 'kv');
  const store: UseStore = (mode, callback) => {
    if (closedBecause) return Promise.reject(new DOMException(closedBecause, 'InvalidStateError'));
    return idbStore(mode, (objectStore) => {
      const db = objectStore.transaction.db;
      if (db !== database) {
        database = db;
        db.onversionchange = () => {
          closedBecause = 'another page deleted or upgraded the database';
          db.close();
        };
      }
      return callback(objectStore);
    });
  };
  try {
    // One read-write transaction, a put and a delete (it runs on every start: one, not two).
    await store('readwrite', (objectStore) => {
      objectStore.put(1, '__probe');
      objectStore.delete('__probe');
      return promisifyRequest(objectStore.transaction);
    });
    return resilient({
      kind: 'indexeddb',
      get: <T>(key: string) => get<T>(key, store),
      set: (key, value) => set(key, value, store),
      del: (key) => del(key, store),
      entries: <T>(prefix: string) =>
        store('readonly', async (objectStore) => {
          const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
          // Both requests run in one transaction, so keys and values match one to one.
          const [keys, values] = await Promise.all([
            promisifyRequest(objectStore.getAllKeys(range)),
            promisifyRequest(objectStore.getAll(range)),
          ]);
          return keys.map((key, index) => [String(key), values[index] as T] as [string, T]);
        }),
      replace: (key, value) =>
        store('readwrite', (objectStore) => {
          const existing = objectStore.getKey(key);
          existing.onsuccess = () => {
            if (existing.result !== undefined) objectStore.put(value, key);
          };
          return promisifyRequest(objectStore.transaction).then(() => undefined);
        }),
      close() {
        closedBecause ||= 'the page closed the database';
        database?.close();
      },
    });
  } catch (error) {
    return createMemoryPersistence(`IndexedDB failed: ${describe(error)}`);
  }
}

/**
 * Wraps a persistence so that it never fails its caller: after the first error (private mode,
 * quota, a broken or deleted database) it keeps values in memory instead and says why in
 * `fallbackReason`. Deletes still reach the failing store when they can (over quota, deleting
 * works): a record left there would come back on the next start.
 */
export function resilient(inner: Persistence): Persistence {
  let fallback: Persistence | null = null;
  const fallBack = (error: unknown) =>
    (fallback ??= createMemoryPersistence(`${inner.kind} failed: ${describe(error)}`));
  async function attempt<T>(use: (persistence: Persistence) => Promise<T>): Promise<T> {
    if (fallback) return use(fallback);
    try {
      return await use(inner);
    } catch (error) {
      return use(fallBack(error));
    }
  }
  return {
    get kind() {
      return fallback ? fallback.kind : inner.kind;
    },
    get fallbackReason() {
      return fallback?.fallbackReason ?? inner.fallbackReason;
    },
    get: <T>(key: string) => attempt((persistence) => persistence.get<T>(key)),
    set: (key, value) => attempt((persistence) => persistence.set(key, value)),
    async del(key) {
      if (fallback) await inner.del(key).catch(() => undefined);
      return attempt((persistence) => persistence.del(key));
    },
    entries: <T>(prefix: string) => attempt((persistence) => persistence.entries<T>(prefix)),
    replace: (key, value) => attempt((persistence) => persistence.replace(key, value)),
    close: () => inner.close?.(),
  };
}

function describe(error: unknown): string {
  return error instanceof Error || error instanceof DOMException ? `${error.name}: ${error.message}` : String(error);
}

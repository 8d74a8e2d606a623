import { createStore, del, get, set, type UseStore } from 'idb-keyval';

/**
 * Where a client keeps what must survive a reload: the outbox, drafts, the last snapshot and a
 * visitor's session token. Values are structured-cloneable.
 */
export interface Persistence {
  readonly kind: 'indexeddb' | 'memory';
  /** Why this is memory when IndexedDB was asked for (missing, private mode, quota, broken). */
  readonly fallbackReason?: string;
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
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
  };
}

/**
 * IndexedDB through idb-keyval, one database per namespace. Resolves to memory persistence (with
 * the reason) when IndexedDB is missing or fails a probe write.
 */
export async function openPersistence(namespace = 'confab'): Promise<Persistence> {
  if (typeof indexedDB === 'undefined') return createMemoryPersistence('IndexedDB is not available');
  try {
    const store: UseStore = createStore(`${namespace}-store`, 'kv');
    await set('__probe', 1, store);
    await del('__probe', store);
    return resilient({
      kind: 'indexeddb',
      get: <T>(key: string) => get<T>(key, store),
      set: (key, value) => set(key, value, store),
      del: (key) => del(key, store),
    });
  } catch (error) {
    return createMemoryPersistence(`IndexedDB failed: ${describe(error)}`);
  }
}

/**
 * Wraps a persistence so that it never fails its caller: after the first error (private mode,
 * quota, a broken database) it keeps values in memory instead and says why in `fallbackReason`.
 */
export function resilient(inner: Persistence): Persistence {
  let fallback: Persistence | null = null;
  const fallBack = (error: unknown) =>
    (fallback ??= createMemoryPersistence(`${inner.kind} failed: ${describe(error)}`));
  return {
    get kind() {
      return fallback ? fallback.kind : inner.kind;
    },
    get fallbackReason() {
      return fallback?.fallbackReason ?? inner.fallbackReason;
    },
    async get<T>(key: string): Promise<T | undefined> {
      if (fallback) return fallback.get<T>(key);
      try {
        return await inner.get<T>(key);
      } catch (error) {
        return fallBack(error).get<T>(key);
      }
    },
    async set(key: string, value: unknown) {
      if (fallback) return fallback.set(key, value);
      try {
        await inner.set(key, value);
      } catch (error) {
        await fallBack(error).set(key, value);
      }
    },
    async del(key: string) {
      if (fallback) return fallback.del(key);
      try {
        await inner.del(key);
      } catch (error) {
        await fallBack(error).del(key);
      }
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Where a client keeps what must survive a reload: the outbox, drafts, the last snapshot and a
 * visitor's session token. Values are structured-cloneable.
 */
export interface Persistence {
  readonly kind: 'indexeddb' | 'memory';
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
}

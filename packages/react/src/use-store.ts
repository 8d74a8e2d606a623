import { useCallback, useSyncExternalStore } from 'react';
import type { Readable } from '@confab/core';

/**
 * The current value of a Confab store (`client.connection`, `client.me`, `client.status`, …); the
 * component renders again when it changes. The core's stores are `get()` + `subscribe(fn) →
 * unsubscribe`, which is what `useSyncExternalStore` wants, so a render never shows a torn value.
 *
 * @example const connection = useStore(client.connection); // 'online' | 'connecting' | 'offline'
 */
export function useStore<T>(store: Readable<T>): T {
  const subscribe = useCallback((onChange: () => void) => store.subscribe(onChange), [store]);
  const getSnapshot = useCallback(() => store.get(), [store]);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}

// @ts-check
import { useCallback, useSyncExternalStore } from 'react';

/**
 * The current value of a Confab store (`client.connection`, `client.me`, …); the component
 * re-renders when it changes. The core's stores are `get()` + `subscribe(fn) → unsubscribe`,
 * exactly what `useSyncExternalStore` wants.
 * @template T
 * @param {import('@confab/core').Readable<T>} store
 * @returns {T}
 */
export function useStore(store) {
  const subscribe = useCallback((/** @type {() => void} */ onChange) => store.subscribe(onChange), [store]);
  const getSnapshot = useCallback(() => store.get(), [store]);
  return useSyncExternalStore(subscribe, getSnapshot);
}

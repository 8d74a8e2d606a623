/** Who a tab switched away from: their principal key, and/or the hash of the token they signed in with. */
export interface LeftPerson {
  principal?: string;
  tokenHash?: string;
}

/**
 * Tells the other tabs of this browser (same origin, same client namespace) that this tab signed
 * someone out or switched to someone else. It works after the client closed, too (a sign-out
 * closes first, then forgets). Without BroadcastChannel it does nothing: the other tabs still
 * drop the person on their next start.
 */
export function announceLeft(name: string, left: LeftPerson): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(`${name}:identity`);
  channel.postMessage(left);
  channel.close();
}

/** Hears the other tabs' announcements; returns the function that stops listening. */
export function listenForLeft(name: string, onLeft: (left: LeftPerson) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(`${name}:identity`);
  // In Node a channel would keep the process alive.
  (channel as { unref?: () => void }).unref?.();
  channel.onmessage = (event: MessageEvent<LeftPerson>) => {
    if (event.data && typeof event.data === 'object') onLeft(event.data);
  };
  return () => channel.close();
}

/** Who a tab switched away from: their principal key, and/or the hash of the token they signed in with. */
export interface LeftPerson {
  principal?: string;
  tokenHash?: string;
  /** Which client announced it (a client ignores its own announcements). */
  from?: string;
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

/** This client's end of the channel between tabs. */
export interface TabChannel {
  announce(left: LeftPerson): void;
  stop(): void;
}

/**
 * Listens for other tabs' announcements and announces this one's. A page hears its own channel
 * messages (every channel object of the name does): each end names its announcements and ignores
 * its own, or a tab that switches person would take its own switch for another tab's.
 */
export function openTabChannel(name: string, onLeft: (left: LeftPerson) => void): TabChannel {
  const self = Math.random().toString(36).slice(2);
  const stop = listenForLeft(name, (left) => {
    if (left.from !== self) onLeft(left);
  });
  return { announce: (left) => announceLeft(name, { ...left, from: self }), stop };
}

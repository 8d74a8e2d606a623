/** Who a tab switched away from: their principal key, and/or the hash of the token they signed in with. */
export interface LeftPerson {
  principal?: string;
  tokenHash?: string;
}

/**
 * Tells the other tabs of this browser (same origin, same client namespace) that this tab signed
 * someone out or switched to someone else, and hears them say it. Without BroadcastChannel it does
 * nothing: each tab still drops the person on its next start.
 */
export interface IdentityChannel {
  announce(left: LeftPerson): void;
  close(): void;
}

export function createIdentityChannel(name: string, onLeft: (left: LeftPerson) => void): IdentityChannel {
  if (typeof BroadcastChannel === 'undefined') return { announce() {}, close() {} };
  const channel = new BroadcastChannel(`${name}:identity`);
  // In Node a channel would keep the process alive.
  (channel as { unref?: () => void }).unref?.();
  let open = true;
  channel.onmessage = (event: MessageEvent<LeftPerson>) => {
    if (event.data && typeof event.data === 'object') onLeft(event.data);
  };
  return {
    announce(left) {
      if (open) channel.postMessage(left);
    },
    close() {
      open = false;
      channel.close();
    },
  };
}

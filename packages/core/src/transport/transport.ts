import type { ClientFrame, ServerFrame } from '../protocol/frames.js';

/** `connecting` until the link is up, `online` while it is, `offline` between attempts. */
export type ConnectionState = 'connecting' | 'online' | 'offline';

export interface TransportListener {
  /** A frame from the backend, already parsed and validated. */
  frame(frame: ServerFrame): void;
  /** The link changed state. Every time it becomes `online`, the client sends a new hello. */
  state(state: ConnectionState): void;
}

/**
 * A Transport carries protocol frames between one client and its backend. It is a pipe: it knows
 * nothing of commands or replicas. The client speaks the protocol over it (hello, resume, commands,
 * acks), so an adapter for another backend implements only these three methods and proves itself
 * with `runTransportConformance` from `@confab/core/testing`.
 *
 * Rules an adapter keeps:
 * - frames arrive in the order the backend sent them, each at most once per link;
 * - after a link drops it reports `offline`, retries by itself (with backoff), and reports
 *   `online` when a new link is up; frames sent while not online may be dropped (the client's
 *   outbox re-sends what was not acknowledged);
 * - `disconnect()` stops retrying for good.
 *
 * @example
 * const transport = createWebSocketTransport({ url: 'wss://inbox.example.com/ws' });
 * const client = createInboxClient({ transport, token });
 */
export interface Transport {
  connect(listener: TransportListener): void;
  send(frame: ClientFrame): void;
  disconnect(): void;
}

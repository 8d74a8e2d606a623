import { CLOSE_CODES, errorOfClose, isFatalClose } from '../protocol/close-codes.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import { PROTOCOL_VERSION } from '../protocol/frames.js';
import type { ConnectionState, Transport, TransportListener } from './transport.js';

/** One connection to the backend, as an adapter opened it. */
export interface Link {
  /** Sends one frame (the adapter encodes it; JSON text over most wires). */
  send(frame: ClientFrame): void;
  /** Ends the link. The adapter need not report `closed` for a link it was told to close. */
  close(): void;
}

/** What an adapter reports about a link it opened. Reports about a replaced link are ignored. */
export interface LinkEvents {
  /** The link is up: frames can be sent. */
  opened(): void;
  /** One frame from the backend: the JSON text as it came, or the value already parsed. */
  received(data: unknown): void;
  /** The link ended. `code`: the backend's close code, when the wire carries one. */
  closed(code?: number, reason?: string): void;
}

/** Opens one link and reports on it through `events`. Throwing counts as a link that failed. */
export type OpenLink = (events: LinkEvents) => Link;

export interface LinkTransportOptions {
  /** First retry delay; doubles per failed attempt up to `maxDelayMs`, with full jitter. Default 500. */
  initialDelayMs?: number;
  /** Default 15,000. */
  maxDelayMs?: number;
  /** A link silent this long is dead and replaced; a ping goes out every third of it. Default 45,000. */
  idleTimeoutMs?: number;
  /** A link must stay up this long before a drop retries at once again (no retry loop). Default 10,000. */
  stableLinkMs?: number;
}

const SERVER_FRAME_TYPES = new Set(['welcome', 'snapshot', 'events', 'ack', 'error', 'typing', 'pong']);

/**
 * The adapter kit: a Transport from a function that opens one link. Everything else a transport
 * must get right is here, once: the connection states, reconnecting with exponential backoff and
 * full jitter (the count resets only after a link stayed up `stableLinkMs`), pings and dead-link
 * detection, the fatal closes (4400–4499: report one error, stay offline), an immediate retry
 * when the browser comes back online, frame checks (junk is dropped), and a `disconnect()` after
 * which nothing runs and no report of an old link gets through.
 *
 * @example
 * const transport = createLinkTransport((events) => {
 *   const socket = new WebSocket(url);
 *   socket.onopen = () => events.opened();
 *   socket.onmessage = (message) => events.received(message.data);
 *   socket.onclose = (close) => events.closed(close.code, close.reason);
 *   return { send: (frame) => socket.send(JSON.stringify(frame)), close: () => socket.close(1000) };
 * });
 */
export function createLinkTransport(openLink: OpenLink, options: LinkTransportOptions = {}): Transport {
  const initialDelay = options.initialDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 15_000;
  const idleTimeout = options.idleTimeoutMs ?? 45_000;
  const stableLink = options.stableLinkMs ?? 10_000;
  let listener: TransportListener | null = null;
  let link: Link | null = null;
  /** Each link gets a number; reports about any other than the current one are ignored. */
  let generation = 0;
  let stopped = true;
  let attempts = 0;
  let openedAt = 0;
  let lastHeard = 0;
  /** Whether the current link already reported a connection error (a close code must not repeat it). */
  let reportedError = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let state: ConnectionState = 'offline';

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    listener?.state(next);
  };

  const onBrowserOnline = () => {
    if (!stopped && state === 'offline' && retryTimer !== undefined) {
      clearTimeout(retryTimer);
      retryTimer = undefined;
      open();
    }
  };

  function open() {
    retryTimer = undefined;
    if (stopped) return;
    const current = ++generation;
    const isCurrent = () => current === generation && !stopped;
    reportedError = false;
    openedAt = 0;
    setState('connecting');
    try {
      link = openLink({
        opened() {
          if (!isCurrent() || state === 'online') return;
          openedAt = lastHeard = Date.now();
          startHeartbeat();
          setState('online');
        },
        received(data) {
          if (!isCurrent()) return;
          lastHeard = Date.now();
          const frame = parseServerFrame(data);
          if (!frame || frame.type === 'pong') return;
          if (frame.type === 'error' && frame.id === undefined) reportedError = true;
          listener?.frame(frame);
        },
        closed(code, reason) {
          if (isCurrent()) ended(code, reason);
        },
      });
    } catch {
      if (isCurrent()) ended();
    }
  }

  /** The current link is gone: stop for good after a fatal close, else retry after a backoff. */
  function ended(code?: number, reason?: string) {
    const wasStable = openedAt !== 0 && Date.now() - openedAt >= stableLink;
    const alreadyReported = reportedError;
    const fatal = isFatalClose(code);
    forgetLink();
    // After a fatal close: stopped until connect() is called again (a client that starts over
    // with other credentials may do so as soon as it hears `offline`).
    if (fatal) stop();
    const linksBefore = generation;
    setState('offline');
    if (fatal) {
      // Not when a listener already connected again on `offline`: the error is the old link's.
      if (!alreadyReported && generation === linksBefore)
        listener?.frame({
          v: PROTOCOL_VERSION,
          type: 'error',
          error: { code: errorOfClose(code), message: reason || 'The server ended the connection.' },
        });
      return;
    }
    if (wasStable) attempts = 0;
    const ceiling = Math.min(maxDelay, initialDelay * 2 ** attempts);
    attempts += 1;
    retryTimer = setTimeout(open, Math.random() * ceiling);
  }

  function stop() {
    stopped = true;
    clearTimeout(retryTimer);
    retryTimer = undefined;
    globalThis.removeEventListener?.('online', onBrowserOnline);
  }

  function forgetLink() {
    generation += 1;
    clearInterval(heartbeat);
    heartbeat = undefined;
    link = null;
  }

  function startHeartbeat() {
    clearInterval(heartbeat);
    heartbeat = setInterval(
      () => {
        if (Date.now() - lastHeard > idleTimeout) {
          // Do not wait for a dead link to say goodbye.
          const dead = link;
          ended(CLOSE_CODES.deadLink, 'no answer within the idle timeout');
          dead?.close();
          return;
        }
        trySend({ v: PROTOCOL_VERSION, type: 'ping' });
      },
      Math.max(1000, Math.floor(idleTimeout / 3)),
    );
  }

  function trySend(frame: ClientFrame) {
    try {
      link?.send(frame);
    } catch {
      // The link is closing; the client's outbox sends again after the reconnect.
    }
  }

  return {
    connect(next) {
      listener = next;
      if (!stopped) return;
      stopped = false;
      globalThis.addEventListener?.('online', onBrowserOnline);
      open();
    },
    send(frame) {
      if (state === 'online') trySend(frame);
    },
    disconnect() {
      stop();
      const last = link;
      forgetLink();
      last?.close();
      setState('offline');
    },
  };
}

/**
 * Checks a frame from the backend: JSON text, or a value an adapter already parsed. Anything that
 * is not a frame of this protocol version is dropped (null).
 */
export function parseServerFrame(data: unknown): ServerFrame | null {
  let value: unknown = data;
  if (typeof data === 'string') {
    try {
      value = JSON.parse(data);
    } catch {
      return null;
    }
  }
  if (typeof value !== 'object' || value === null) return null;
  const frame = value as { v?: unknown; type?: unknown };
  if (frame.v !== PROTOCOL_VERSION || typeof frame.type !== 'string' || !SERVER_FRAME_TYPES.has(frame.type))
    return null;
  return value as ServerFrame;
}

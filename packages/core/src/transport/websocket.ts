import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import { PROTOCOL_VERSION } from '../protocol/frames.js';
import type { ConnectionState, Transport, TransportListener } from './transport.js';

export interface WebSocketTransportOptions {
  /** The server's WebSocket URL, e.g. `wss://inbox.example.com/ws`. Never put a token in it. */
  url: string;
  /** A WebSocket constructor (Node's `ws`, a patched-page-proof reference). Default: globalThis.WebSocket. */
  WebSocket?: typeof WebSocket;
  /** First retry delay; doubles per failed attempt up to `maxDelayMs`, with full jitter. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A link silent this long is considered dead and replaced. */
  idleTimeoutMs?: number;
}

/** Close codes 4400–4499 mean "do not retry with these credentials" (bad token, revoked, forbidden). */
export const FATAL_CLOSE_MIN = 4400;
export const FATAL_CLOSE_MAX = 4499;

const SERVER_FRAME_TYPES = new Set(['welcome', 'snapshot', 'events', 'ack', 'error', 'typing', 'pong']);

/**
 * A Transport over WebSocket: JSON text frames, reconnect with exponential backoff and full
 * jitter, a heartbeat that replaces silent links, and an immediate retry when the browser says it
 * is online again.
 *
 * @example
 * const transport = createWebSocketTransport({ url: 'wss://inbox.example.com/ws' });
 */
export function createWebSocketTransport(options: WebSocketTransportOptions): Transport {
  const Socket = options.WebSocket ?? globalThis.WebSocket;
  const initialDelay = options.initialDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 15_000;
  const idleTimeout = options.idleTimeoutMs ?? 45_000;
  let listener: TransportListener | null = null;
  let socket: WebSocket | null = null;
  let attempts = 0;
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let lastHeard = 0;
  let state: ConnectionState = 'offline';

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    listener?.state(next);
  };

  const onBrowserOnline = () => {
    if (state === 'offline' && !stopped) {
      clearTimeout(retryTimer);
      open();
    }
  };

  function open() {
    if (stopped) return;
    setState('connecting');
    let link: WebSocket;
    try {
      link = new Socket(options.url);
    } catch {
      scheduleRetry();
      return;
    }
    socket = link;
    link.onopen = () => {
      if (socket !== link) return;
      attempts = 0;
      lastHeard = Date.now();
      startHeartbeat(link);
      setState('online');
    };
    link.onmessage = (message) => {
      if (socket !== link) return;
      lastHeard = Date.now();
      const frame = parseServerFrame(message.data);
      if (frame && frame.type !== 'pong') listener?.frame(frame);
    };
    link.onclose = (event) => {
      if (socket !== link) return;
      socket = null;
      stopHeartbeat();
      setState('offline');
      if (event.code >= FATAL_CLOSE_MIN && event.code <= FATAL_CLOSE_MAX) {
        listener?.frame({
          v: 1,
          type: 'error',
          error: { code: 'unauthenticated', message: event.reason || 'The server closed the connection.' },
        });
        return;
      }
      scheduleRetry();
    };
    link.onerror = () => {
      // onclose follows and decides what to do.
    };
  }

  function scheduleRetry() {
    if (stopped) return;
    setState('offline');
    const ceiling = Math.min(maxDelay, initialDelay * 2 ** attempts);
    attempts += 1;
    retryTimer = setTimeout(open, Math.random() * ceiling);
  }

  function startHeartbeat(link: WebSocket) {
    stopHeartbeat();
    const interval = Math.max(1000, Math.floor(idleTimeout / 3));
    heartbeat = setInterval(() => {
      if (Date.now() - lastHeard > idleTimeout) {
        link.close(4000, 'heartbeat timeout');
        // Do not wait for the close handshake of a dead link.
        link.onclose?.({ code: 4000, reason: 'heartbeat timeout' } as CloseEvent);
        return;
      }
      trySend(link, { v: PROTOCOL_VERSION, type: 'ping' });
    }, interval);
  }

  function stopHeartbeat() {
    clearInterval(heartbeat);
    heartbeat = undefined;
  }

  return {
    connect(next) {
      listener = next;
      stopped = false;
      globalThis.addEventListener?.('online', onBrowserOnline);
      open();
    },
    send(frame) {
      if (socket && state === 'online') trySend(socket, frame);
    },
    disconnect() {
      stopped = true;
      clearTimeout(retryTimer);
      stopHeartbeat();
      globalThis.removeEventListener?.('online', onBrowserOnline);
      const link = socket;
      socket = null;
      link?.close(1000, 'client closed');
      setState('offline');
    },
  };
}

function trySend(link: WebSocket, frame: ClientFrame) {
  try {
    link.send(JSON.stringify(frame));
  } catch {
    // The link is closing; the outbox re-sends after reconnect.
  }
}

/** Parses and shape-checks a frame from the server; anything else is dropped (returns null). */
export function parseServerFrame(data: unknown): ServerFrame | null {
  if (typeof data !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const frame = value as { v?: unknown; type?: unknown };
  if (frame.v !== PROTOCOL_VERSION || typeof frame.type !== 'string' || !SERVER_FRAME_TYPES.has(frame.type))
    return null;
  return value as ServerFrame;
}

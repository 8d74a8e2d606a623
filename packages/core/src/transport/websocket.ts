import { CLOSE_CODES } from '../protocol/close-codes.js';
import { createLinkTransport, type LinkTransportOptions } from './link-transport.js';
import type { Transport } from './transport.js';

export interface WebSocketTransportOptions extends LinkTransportOptions {
  /** The server's WebSocket URL, e.g. `wss://inbox.example.com/ws`. Never put a token in it. */
  url: string;
  /** A WebSocket constructor (Node's `ws`, a patched-page-proof reference). Default: globalThis.WebSocket. */
  WebSocket?: typeof WebSocket;
}

/**
 * A Transport over WebSocket: JSON text frames, one socket per link. Reconnecting, pings and the
 * fatal-close rules are the adapter kit's (createLinkTransport).
 *
 * @example
 * const transport = createWebSocketTransport({ url: 'wss://inbox.example.com/ws' });
 */
export function createWebSocketTransport(options: WebSocketTransportOptions): Transport {
  const Socket = options.WebSocket ?? globalThis.WebSocket;
  return createLinkTransport((events) => {
    const socket = new Socket(options.url);
    socket.onopen = () => events.opened();
    socket.onmessage = (message) => events.received(message.data);
    socket.onclose = (close) => events.closed(close.code, close.reason);
    return {
      send: (frame) => socket.send(JSON.stringify(frame)),
      close: () => socket.close(CLOSE_CODES.normal, 'client closed'),
    };
  }, options);
}

import { isFatalError, type FatalErrorCode } from '../protocol/errors.js';
import type { ConnectionState } from '../transport/transport.js';
import type { ClientStatus } from './types.js';

/**
 * Why a client stopped for good, or null while it is connected or will reconnect by itself: a
 * fatal error about the connection, with the link gone. UIs show this instead of an empty inbox
 * or an endless "Connecting…", one message per cause.
 *
 * @example
 * const cause = stopCause(client.status.get(), client.connection.get()); // 'session-expired' | … | null
 */
export function stopCause(status: ClientStatus, connection: ConnectionState): FatalErrorCode | null {
  const code = status.error?.code;
  return connection === 'offline' && code !== undefined && isFatalError(code) ? code : null;
}

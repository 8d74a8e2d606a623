import type { ErrorCode } from './errors.js';

/**
 * Every close code a Confab link ends with, in one place (backend, server, transports). A backend
 * sends the codes of 4400–4499 after an `error` frame naming the cause; a transport that sees one
 * stops: the same credentials would be refused again.
 */
export const CLOSE_CODES = {
  /** The client disconnected. */
  normal: 1000,
  /** The server is shutting down or restarting: reconnect. */
  goingAway: 1001,
  /** The server restarts, or dropped its links on purpose: reconnect and resume. */
  serviceRestart: 1012,
  /** The client broke the protocol's limits (a flood, no hello in time): reconnect later. */
  policyViolation: 1008,
  /** Too many connections now: reconnect later. */
  tryAgainLater: 1013,
  /** The client found the link silent too long and replaced it. */
  deadLink: 4000,
  /** The hello's token is bad, expired or unknown. Do not retry with it. */
  unauthenticated: 4401,
  /** Access was revoked while connected (token revoked, agent disabled), or this page's origin is not served. */
  forbidden: 4403,
  /** The client speaks a protocol version the server does not. Reload or update, do not retry. */
  unsupportedVersion: 4426,
} as const;

/** Whether a link that ended with `code` must not be retried with the same credentials. */
export function isFatalClose(code: number | undefined): code is number {
  return code !== undefined && code >= 4400 && code <= 4499;
}

/** The error code a fatal close stands for when no error frame named the cause first. */
export function errorOfClose(code: number): ErrorCode {
  if (code === CLOSE_CODES.unauthenticated) return 'unauthenticated';
  if (code === CLOSE_CODES.unsupportedVersion) return 'unsupported-version';
  return 'forbidden';
}

/** The close code that ends a link after a connection-level refusal, or null when the link stays. */
export function closeCodeOf(error: ErrorCode): number | null {
  if (error === 'unauthenticated' || error === 'session-expired') return CLOSE_CODES.unauthenticated;
  if (error === 'forbidden' || error === 'origin-not-allowed') return CLOSE_CODES.forbidden;
  if (error === 'unsupported-version') return CLOSE_CODES.unsupportedVersion;
  return null;
}

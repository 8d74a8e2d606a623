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
  /** Access was revoked while connected (token revoked, agent disabled, origin refused). Do not retry. */
  forbidden: 4403,
} as const;

/** Whether a link that ended with `code` must not be retried with the same credentials. */
export function isFatalClose(code: number | undefined): code is number {
  return code !== undefined && code >= 4400 && code <= 4499;
}

/** The error code a fatal close stands for: 4401 unauthenticated, any other 44xx forbidden. */
export function errorOfClose(code: number): ErrorCode {
  return code === CLOSE_CODES.unauthenticated ? 'unauthenticated' : 'forbidden';
}

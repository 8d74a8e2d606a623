/**
 * Every refusal in Confab is a ConfabError with a stable `code`; a refusal caused by a rule of
 * SPEC.md also names the rule (`rule: 'T11'`). A refused command changes nothing.
 */
export type ErrorCode =
  /** The frame or command is not of the protocol's shape. */
  | 'invalid'
  /** A string or frame is larger than the protocol allows. */
  | 'too-large'
  /** The command type does not exist. */
  | 'unknown-command'
  /** The protocol version is not one this side speaks. */
  | 'unsupported-version'
  /** No valid token. */
  | 'unauthenticated'
  /** The sign-in was valid once and has ended (idle or too old): sign in again. */
  | 'session-expired'
  /** The server does not serve pages of this origin (the browser's `Origin` is not allowed). */
  | 'origin-not-allowed'
  /** The principal may not do this, or may not see that record. */
  | 'forbidden'
  /** No such record (for this principal). */
  | 'not-found'
  /** A rule of SPEC.md forbids it now; `rule` names it. */
  | 'rule'
  /** Too many requests; try again later. */
  | 'rate-limited'
  /** The replica is too far behind; a full resync follows. */
  | 'resync-required'
  /** The connection is gone and the command could not be sent (it stays in the outbox). */
  | 'offline'
  /**
   * The command was queued longer ago than the server keeps outcomes (its idempotency window): it
   * may have run already, so it is not run (again). Nothing was changed.
   */
  | 'expired'
  /** The backend failed; nothing was changed. */
  | 'internal';

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  rule?: string;
  /** Which field was wrong, for `invalid` and `too-large`. */
  path?: string;
}

export class ConfabError extends Error {
  readonly code: ErrorCode;
  readonly rule: string | undefined;
  readonly path: string | undefined;

  constructor(code: ErrorCode, message: string, options: { rule?: string; path?: string } = {}) {
    super(message);
    this.name = 'ConfabError';
    this.code = code;
    this.rule = options.rule;
    this.path = options.path;
  }

  toPayload(): ErrorPayload {
    const payload: ErrorPayload = { code: this.code, message: this.message };
    if (this.rule !== undefined) payload.rule = this.rule;
    if (this.path !== undefined) payload.path = this.path;
    return payload;
  }

  static fromPayload(payload: ErrorPayload): ConfabError {
    return new ConfabError(payload.code, payload.message, { rule: payload.rule, path: payload.path });
  }
}

/** A refusal by a rule of SPEC.md. */
export function ruleError(rule: string, message: string): ConfabError {
  return new ConfabError('rule', message, { rule });
}

/** The codes that end a connection for good: the same credentials, page or version would be refused again. */
export const FATAL_ERROR_CODES = [
  'unauthenticated',
  'session-expired',
  'forbidden',
  'origin-not-allowed',
  'unsupported-version',
] as const satisfies readonly ErrorCode[];

export type FatalErrorCode = (typeof FATAL_ERROR_CODES)[number];

/** Whether an error about the connection (not about one command) stops the client. */
export function isFatalError(code: ErrorCode): code is FatalErrorCode {
  return (FATAL_ERROR_CODES as readonly ErrorCode[]).includes(code);
}

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

/**
 * Which refusal it was, for a UI to word in the reader's language (the `message` is English for
 * developers and logs, never for the screen). A UI without a wording for a reason words the `code`.
 */
export type RefusalReason =
  | 'self-disabled'
  | 'member-disabled'
  | 'member-invited'
  | 'last-admin-demoted'
  | 'last-admin-disabled'
  | 'email-taken'
  | 'admin-only'
  | 'builtin-view'
  | 'no-email-address'
  | 'not-in-trash'
  | 'in-trash'
  | 'no-contact-to-block'
  | 'sender-blocked'
  | 'visitor-blocked'
  | 'spam-email-only'
  | 'ticket-exists'
  | 'forward-email-only'
  | 'no-email-to-forward'
  | 'delivery-not-failed'
  | 'messenger-window-closed'
  | 'messenger-too-long'
  | 'duplicate-shortcut'
  | 'empty-canned-response'
  | 'unknown-label'
  | 'duplicate-label'
  | 'sender-not-waiting'
  | 'cc-not-allowed'
  | 'bad-address'
  | 'recipients-email-only'
  | 'bot-quiet-time'
  | 'too-many-open-chats'
  | 'too-many-new-chats'
  | 'chat-only'
  | 'verified-email'
  | 'ratings-off'
  | 'rating-not-closed'
  | 'already-rated';

/** Values a wording may use: a name, an address, a number of minutes. */
export type RefusalParams = Record<string, string | number>;

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  rule?: string;
  /** Which field was wrong, for `invalid` and `too-large`. */
  path?: string;
  reason?: RefusalReason;
  params?: RefusalParams;
}

interface ErrorDetails {
  rule?: string;
  path?: string;
  reason?: RefusalReason;
  params?: RefusalParams;
}

export class ConfabError extends Error {
  declare readonly code: ErrorCode;
  declare readonly rule: string | undefined;
  declare readonly path: string | undefined;
  declare readonly reason: RefusalReason | undefined;
  declare readonly params: RefusalParams | undefined;

  constructor(code: ErrorCode, message: string, { rule, path, reason, params }: ErrorDetails = {}) {
    super(message);
    this.name = 'ConfabError';
    Object.assign(this, { code, rule, path, reason, params });
  }

  /** The error as a frame carries it: fields without a value are left out. */
  toPayload(): ErrorPayload {
    const { code, message, rule, path, reason, params } = this;
    return JSON.parse(JSON.stringify({ code, message, rule, path, reason, params })) as ErrorPayload;
  }

  static fromPayload(payload: ErrorPayload): ConfabError {
    return new ConfabError(payload.code, payload.message, payload);
  }
}

/** A refusal by a rule of SPEC.md, with the reason and values a UI words it from. */
export function ruleError(rule: string, reason: RefusalReason, message: string, params?: RefusalParams): ConfabError {
  return new ConfabError('rule', message, { rule, reason, params });
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

/**
 * @confab/identity — signs who a site's signed-in visitor is, for the Confab chat widget, and
 * verifies it on the Confab server. A token is a standard JWT (RFC 7519) signed with HS256, so a
 * backend in any language signs one with its own JWT library (see README.md). No native modules:
 * the only dependency is `jose`.
 */
import { SignJWT, errors, jwtVerify, type JWTPayload } from 'jose';

/** What a site backend vouches for about its signed-in user. */
export interface VerifiedIdentity {
  email: string;
  name?: string;
}

/**
 * A shared secret. `id` goes in the token's `kid` header, so the server can accept two secrets
 * during a rotation; a key without one signs tokens without `kid`.
 */
export interface IdentityKey {
  id?: string;
  secret: string;
}

export interface IdentityTokenOptions {
  /** The site the token is for (`aud`); the Confab server only accepts its own audience. */
  audience: string;
  /** Lifetime in seconds. Default 3600 (one hour). */
  expiresIn?: number;
  /** Current time in epoch ms (tests). Default Date.now(). */
  now?: number;
}

export interface VerifyIdentityOptions {
  /** The audience this server accepts. */
  audience: string;
  /** Current time in epoch ms (tests). Default Date.now(). */
  now?: number;
  /** How far apart the signer's and the verifier's clocks may be, in seconds. Default 60. */
  clockToleranceSeconds?: number;
}

/** Why a token was refused. */
export type IdentityTokenErrorCode =
  | 'malformed' // not a JWT, or longer than MAX_IDENTITY_TOKEN_LENGTH
  | 'algorithm' // signed with anything but HS256 (`none` included)
  | 'unknown-key' // its `kid` names no accepted key
  | 'bad-signature' // signed with another secret, or altered
  | 'expired'
  | 'not-yet-valid' // `nbf` in the future
  | 'wrong-audience'
  | 'bad-claims'; // no `email`, or a claim of the wrong type

/** A refused identity token; `code` says why. */
export class IdentityTokenError extends Error {
  override readonly name = 'IdentityTokenError';
  constructor(
    readonly code: IdentityTokenErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const IDENTITY_TOKEN_ALGORITHM = 'HS256';
/** Longer tokens are refused unread: an identity needs a few hundred bytes. */
export const MAX_IDENTITY_TOKEN_LENGTH = 4096;
/** Longer names are cut: a name is shown, not stored as a document. */
const MAX_NAME_LENGTH = 1024;

const encoder = new TextEncoder();

/**
 * Signs a visitor's identity for the chat widget. Call it in the site's backend — never in the
 * browser: the secret must stay on the server — and hand the token to the widget. Claims: `sub`
 * and `email` (the address), `name` when given, `aud`, `iat`, `exp`; header `alg: HS256`, `typ: JWT`
 * and `kid` when the key has an id.
 *
 * @example
 * import { createIdentityToken } from '@confab/identity';
 * const identity = await createIdentityToken({ email: user.email, name: user.name },
 *   { id: '2026-06', secret: process.env.CONFAB_IDENTITY_SECRET }, { audience: 'shop.example.com' });
 * // <script src="…/confab-widget.js" data-identity="${identity}">
 */
export async function createIdentityToken(
  identity: VerifiedIdentity,
  key: IdentityKey | string,
  options: IdentityTokenOptions,
): Promise<string> {
  const { id, secret } = typeof key === 'string' ? { id: undefined, secret: key } : key;
  if (!secret) throw new Error('createIdentityToken: the secret must not be empty');
  if (!options.audience) throw new Error('createIdentityToken: the audience (the site) must not be empty');
  // What counts as an address is the Confab server's rule; it refuses a token naming anything else.
  if (typeof identity.email !== 'string' || !identity.email)
    throw new Error('createIdentityToken: the email must be a non-empty string');
  const issuedAt = Math.floor((options.now ?? Date.now()) / 1000);
  return new SignJWT({ email: identity.email, ...(identity.name ? { name: identity.name } : {}) })
    .setProtectedHeader({ alg: IDENTITY_TOKEN_ALGORITHM, typ: 'JWT', ...(id ? { kid: id } : {}) })
    .setSubject(identity.email)
    .setAudience(options.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (options.expiresIn ?? 3600))
    .sign(encoder.encode(secret));
}

/**
 * The identity in a token, or an IdentityTokenError saying why it is refused. `keys` are the
 * accepted secrets: the one whose `id` equals the token's `kid` checks it (a key without `id`
 * checks tokens without `kid`). Only HS256 is accepted; `exp` and `email` are required.
 */
export async function verifyIdentityToken(
  token: string,
  keys: readonly IdentityKey[] | string,
  options: VerifyIdentityOptions,
): Promise<VerifiedIdentity> {
  if (typeof token !== 'string' || !token || token.length > MAX_IDENTITY_TOKEN_LENGTH)
    throw new IdentityTokenError('malformed', 'The identity token is empty or too long.');
  const accepted = (typeof keys === 'string' ? [{ secret: keys }] : keys).filter((key) => key.secret);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(
      token,
      (header) => {
        const key = accepted.find((candidate) => candidate.id === header.kid);
        if (!key)
          throw new IdentityTokenError('unknown-key', `No accepted key has the id ${JSON.stringify(header.kid)}.`);
        return encoder.encode(key.secret);
      },
      {
        algorithms: [IDENTITY_TOKEN_ALGORITHM],
        audience: options.audience,
        currentDate: new Date(options.now ?? Date.now()),
        clockTolerance: options.clockToleranceSeconds ?? 60,
        requiredClaims: ['exp', 'email'],
      },
    ));
  } catch (error) {
    throw refusal(error);
  }
  if (typeof payload.email !== 'string' || !payload.email)
    throw new IdentityTokenError('bad-claims', 'The identity token has no email.');
  if (payload.name !== undefined && typeof payload.name !== 'string')
    throw new IdentityTokenError('bad-claims', 'The identity token has a name that is not text.');
  const identity: VerifiedIdentity = { email: payload.email };
  if (payload.name) identity.name = payload.name.slice(0, MAX_NAME_LENGTH);
  return identity;
}

/** jose's error as ours: callers branch on a code, not on a library's classes. */
function refusal(error: unknown): IdentityTokenError {
  if (error instanceof IdentityTokenError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof errors.JWTExpired) return new IdentityTokenError('expired', message);
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return new IdentityTokenError('wrong-audience', message);
    if (error.claim === 'nbf') return new IdentityTokenError('not-yet-valid', message);
    return new IdentityTokenError('bad-claims', message);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new IdentityTokenError('bad-signature', message);
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return new IdentityTokenError('algorithm', message);
  return new IdentityTokenError('malformed', message);
}

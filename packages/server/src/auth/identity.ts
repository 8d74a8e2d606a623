import { createHmac, timingSafeEqual } from 'node:crypto';
import { isEmailAddress } from '@confab/core';

/** What a site backend vouches for about its signed-in user. */
export interface VerifiedIdentity {
  email: string;
  name?: string;
}

export interface IdentityTokenOptions {
  /** Lifetime in seconds. Default 3600 (one hour). */
  expiresIn?: number;
  /** The site the token is for; the Confab server only accepts its own audience. */
  audience: string;
  /** Current time in epoch ms (tests). Default Date.now(). */
  now?: number;
}

interface IdentityPayload {
  email: string;
  name?: string;
  /** Audience: the site. */
  aud: string;
  /** Issued at / expires at, epoch seconds (JWT convention). */
  iat: number;
  exp: number;
}

const MAX_TOKEN_LENGTH = 4096;

function sign(payloadPart: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(payloadPart).digest();
}

/**
 * Signs a visitor's identity for the chat widget (SPEC W, DESIGN §5). Call it in the site's
 * backend — never in the browser, the secret must stay on the server — and hand the token to the
 * widget. The Confab server verifies it in constant time, checks expiry and audience, and only then
 * attaches the visitor to a verified contact.
 *
 * Format: `base64url(JSON payload) "." base64url(HMAC-SHA256(secret, first part))`.
 *
 * @example
 * import { createIdentityToken } from '@confab/server';
 * const identity = createIdentityToken({ email: user.email, name: user.name }, process.env.CONFAB_IDENTITY_SECRET,
 *   { audience: 'shop.example.com', expiresIn: 3600 });
 * // <script src="…/confab-widget.js" data-identity="${identity}">
 */
export function createIdentityToken(identity: VerifiedIdentity, secret: string, options: IdentityTokenOptions): string {
  if (!secret) throw new Error('createIdentityToken: the secret must not be empty');
  if (!options.audience) throw new Error('createIdentityToken: the audience (the site) must not be empty');
  if (!isEmailAddress(identity.email))
    throw new Error('createIdentityToken: the email must be an email address (the engine refuses anything else)');
  const issuedAt = Math.floor((options.now ?? Date.now()) / 1000);
  const payload: IdentityPayload = {
    email: identity.email,
    ...(identity.name ? { name: identity.name } : {}),
    aud: options.audience,
    iat: issuedAt,
    exp: issuedAt + (options.expiresIn ?? 3600),
  };
  const payloadPart = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${payloadPart}.${sign(payloadPart, secret).toString('base64url')}`;
}

/**
 * The identity in a token made by createIdentityToken, or null when it is empty, malformed, signed
 * with another secret, expired or for another audience. The signature is compared in constant time.
 */
export function verifyIdentityToken(
  token: string,
  secret: string,
  options: { audience: string; now?: number },
): VerifiedIdentity | null {
  if (typeof token !== 'string' || !token || token.length > MAX_TOKEN_LENGTH || !secret || !options.audience)
    return null;
  const parts = token.split('.');
  if (parts.length !== 2) return null;
  const [payloadPart, signaturePart] = parts as [string, string];
  if (!/^[A-Za-z0-9_-]+$/.test(payloadPart) || !/^[A-Za-z0-9_-]+$/.test(signaturePart)) return null;
  const expected = sign(payloadPart, secret);
  const given = Buffer.from(signaturePart, 'base64url');
  // Equal lengths first: timingSafeEqual throws otherwise; the length of an HMAC is no secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let payload: Partial<IdentityPayload>;
  try {
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as Partial<IdentityPayload>;
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null) return null;
  // The engine's own rule: a signed non-address is a bad token, refused before the hello touches anything.
  if (typeof payload.email !== 'string' || !isEmailAddress(payload.email)) return null;
  if (typeof payload.exp !== 'number' || typeof payload.aud !== 'string') return null;
  if (payload.aud !== options.audience) return null;
  if (Math.floor((options.now ?? Date.now()) / 1000) >= payload.exp) return null;
  const identity: VerifiedIdentity = { email: payload.email };
  if (typeof payload.name === 'string' && payload.name) identity.name = payload.name.slice(0, 1024);
  return identity;
}

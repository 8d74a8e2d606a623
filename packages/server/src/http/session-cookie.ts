import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-util.js';
import { normaliseOrigin } from './host-check.js';

/** The agent session cookie. HttpOnly: page scripts never see the session token. */
export const SESSION_COOKIE = 'confab_session';

/** The value of one cookie of a request, or null. */
export function readCookie(req: IncomingMessage, name: string): string | null {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    if (part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}

/**
 * Whether the browser reached us over HTTPS: the socket is TLS, or — behind one trusted proxy
 * (CONFAB_TRUST_PROXY=1) — the proxy says so in X-Forwarded-Proto.
 */
export function cameOverHttps(req: IncomingMessage, trustProxy = false): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted) return true;
  if (!trustProxy) return false;
  return (
    String(req.headers['x-forwarded-proto'] ?? '')
      .split(',')[0]!
      .trim() === 'https'
  );
}

/**
 * `Set-Cookie` for a session: HttpOnly, SameSite=Strict (no other site's page, form or link sends
 * it; the inbox page's own requests do), Path=/, Secure over HTTPS. No Max-Age: the server's
 * session record decides expiry; the cookie lasts as long as the absolute lifetime at most.
 */
export function sessionCookie(token: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.floor(options.maxAgeSeconds)}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/** `Set-Cookie` that removes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    'Max-Age=0',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/**
 * CSRF check for a state-changing request a cookie can reach: its Origin must be one of the
 * server's own. A request without Origin is refused too: browsers send it on every POST, so only
 * non-browser clients omit it, and they can send one.
 */
export function requireOwnOrigin(req: IncomingMessage, own: readonly string[]): void {
  const origin = req.headers.origin;
  const normalised = typeof origin === 'string' ? normaliseOrigin(origin) : null;
  if (normalised === null || !own.includes(normalised))
    throw new HttpError(403, 'cross-origin', 'This request must come from a page of this server (Origin check).');
}

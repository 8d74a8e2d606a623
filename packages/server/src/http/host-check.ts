import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/**
 * An origin in one spelling (`https://Shop.example:443/` → `https://shop.example`), or null when
 * it is not an http(s) origin. Both sides of every Origin comparison go through this.
 */
export function normaliseOrigin(origin: string): string | null {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

/** A configured public URL as an origin; throws unless it is an http(s) origin with no path. */
export function parsePublicOrigin(text: string): string {
  const origin = normaliseOrigin(text);
  const url = origin === null ? null : new URL(text);
  if (origin === null || url === null || url.pathname !== '/' || url.search || url.hash || url.username)
    throw new Error(`A public URL is an origin such as https://chat.example.com (no path), not ${text}`);
  return origin;
}

/** A Host header's name without its port, lower-cased; `[::1]:80` → `::1`. Null when malformed. */
function hostName(host: string): string | null {
  try {
    const name = new URL(`http://${host}`).hostname.toLowerCase();
    return name.startsWith('[') ? name.slice(1, -1) : name;
  } catch {
    return null;
  }
}

/**
 * Whether a request's Host header names this server. DNS rebinding turns an attacker's name into
 * this server's address: the browser then treats the attacker's page as same-origin with us, and
 * only the Host header (the attacker's name) tells the two apart. Names that cannot be rebound are
 * always answered — IP addresses (no name to rebind), `localhost` and `*.localhost` (browsers and
 * resolvers keep them on loopback) — and so are the name the server was bound to and the hosts of
 * its public URLs (CONFAB_PUBLIC_URL). The port is not compared: rebinding needs a name, and
 * reverse proxies differ in whether they forward the port.
 */
export function createHostCheck(options: { publicOrigins: readonly string[]; boundHost?: string | undefined }) {
  const known = new Set<string>();
  for (const origin of options.publicOrigins) {
    const name = hostName(new URL(origin).host);
    if (name) known.add(name);
  }
  const bound = options.boundHost ? hostName(options.boundHost) : null;
  if (bound) known.add(bound);

  return function hostAllowed(req: IncomingMessage): boolean {
    const name = hostName(String(req.headers.host ?? ''));
    if (!name) return false;
    return isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost') || known.has(name);
  };
}

/**
 * The server's own origins for a request: its public URLs (CONFAB_PUBLIC_URL), or — when none are
 * configured — the one this request reached: `http://` plus its Host (the server speaks plain
 * HTTP; behind a TLS proxy that says so in X-Forwarded-Proto and is trusted, `https://`).
 */
export function ownOrigins(req: IncomingMessage, publicOrigins: readonly string[], trustProxy = false): string[] {
  if (publicOrigins.length > 0) return [...publicOrigins];
  const forwardedProto = trustProxy
    ? String(req.headers['x-forwarded-proto'] ?? '')
        .split(',')[0]!
        .trim()
    : '';
  const scheme = forwardedProto === 'https' ? 'https' : 'http';
  const own = normaliseOrigin(`${scheme}://${String(req.headers.host ?? '')}`);
  return own ? [own] : [];
}

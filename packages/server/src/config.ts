import type { StartServerOptions } from './server.js';
import type { IdentityKey, IdentitySettings } from './auth/identity.js';
import { DEFAULT_VISITOR_SESSION_LIFETIME } from './auth/authenticator.js';
import { DEFAULT_AGENT_SESSION_LIFETIME } from './accounts/accounts.js';
import { parsePublicOrigin } from './http/host-check.js';
import { NO_LIMITS } from './ws/gateway.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Server options from environment variables (all optional):
 *
 * | variable | meaning |
 * |---|---|
 * | `PORT` | port, default 4747 |
 * | `HOST` | interface, default all (demo mode: localhost) |
 * | `CONFAB_TRUST_PROXY` | `1` behind one reverse proxy: client address from X-Forwarded-For |
 * | `CONFAB_DATA_DIR` | data directory, default ./.data |
 * | `CONFAB_DEMO` | `1` demo mode (seed data, demo sign-in), `0` off; default off (`--demo` turns it on) |
 * | `CONFAB_INGEST_TOKEN` | bearer token for the channel endpoints |
 * | `CONFAB_ADMIN_TOKEN` | bearer token for the admin API |
 * | `CONFAB_MESSENGER_APP_SECRET`, `CONFAB_MESSENGER_VERIFY_TOKEN` | Messenger webhook signature and verification |
 * | `CONFAB_IDENTITY_KEYS`, `CONFAB_IDENTITY_SECRET`, `CONFAB_IDENTITY_AUDIENCE` | identity verification; see identityFromEnv |
 * | `CONFAB_PUBLIC_URL` | comma-separated origins the server is reached at (Host check, its own origins) |
 * | `CONFAB_ALLOWED_ORIGINS` | comma-separated origins allowed to open visitor chats (`*` any) |
 * | `CONFAB_SMTP_URL` | SMTP URL for outbound email; unset, email stays queued |
 * | `CONFAB_RATE_LIMITS` | `off` disables WebSocket and HTTP rate limits (loopback benchmarks only) |
 * | `CONFAB_RETENTION` | events kept in memory for resume (default 10,000) |
 * | `CONFAB_VISITOR_SESSION_IDLE_DAYS`, `CONFAB_VISITOR_SESSION_MAX_DAYS` | visitor session lifetimes (30 and 400) |
 * | `CONFAB_AGENT_SESSION_IDLE_DAYS`, `CONFAB_AGENT_SESSION_MAX_DAYS` | agent sign-in session lifetimes (7 and 30) |
 * | `CONFAB_TEST_CLOCK` | `1` enables `POST /api/test/clock` (tests only) |
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv, defaults: { demo: boolean }): StartServerOptions {
  const options: StartServerOptions = {
    port: env.PORT ? Number(env.PORT) : 4747,
    demo: env.CONFAB_DEMO === undefined ? defaults.demo : env.CONFAB_DEMO === '1' || env.CONFAB_DEMO === 'true',
    testClock: env.CONFAB_TEST_CLOCK === '1',
  };
  if (env.HOST) options.host = env.HOST;
  if (env.CONFAB_TRUST_PROXY === '1') options.trustProxy = true;
  if (env.CONFAB_DATA_DIR) options.dataDir = env.CONFAB_DATA_DIR;
  if (env.CONFAB_INGEST_TOKEN) options.ingestToken = env.CONFAB_INGEST_TOKEN;
  if (env.CONFAB_ADMIN_TOKEN) options.adminToken = env.CONFAB_ADMIN_TOKEN;
  if (env.CONFAB_MESSENGER_APP_SECRET || env.CONFAB_MESSENGER_VERIFY_TOKEN) {
    options.messenger = {
      ...(env.CONFAB_MESSENGER_APP_SECRET ? { appSecret: env.CONFAB_MESSENGER_APP_SECRET } : {}),
      ...(env.CONFAB_MESSENGER_VERIFY_TOKEN ? { verifyToken: env.CONFAB_MESSENGER_VERIFY_TOKEN } : {}),
    };
  }
  const identity = identityFromEnv(env);
  if (identity) options.identity = identity;
  if (env.CONFAB_PUBLIC_URL) {
    options.publicOrigins = env.CONFAB_PUBLIC_URL.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean)
      .map(parsePublicOrigin);
  }
  if (env.CONFAB_ALLOWED_ORIGINS) {
    options.allowedOrigins = env.CONFAB_ALLOWED_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
  }
  if (env.CONFAB_SMTP_URL) options.smtpUrl = env.CONFAB_SMTP_URL;
  if (env.CONFAB_RATE_LIMITS === 'off') {
    options.limits = NO_LIMITS;
    options.httpLimits = { burst: Infinity, perSecond: Infinity };
  }
  const visitorLifetime = sessionLifetimeFromEnv(env, 'CONFAB_VISITOR_SESSION', DEFAULT_VISITOR_SESSION_LIFETIME);
  if (visitorLifetime) options.visitorSessionLifetime = visitorLifetime;
  const agentLifetime = sessionLifetimeFromEnv(env, 'CONFAB_AGENT_SESSION', DEFAULT_AGENT_SESSION_LIFETIME);
  if (agentLifetime) options.agentSessionLifetime = agentLifetime;
  if (env.CONFAB_RETENTION) options.retention = Number(env.CONFAB_RETENTION);
  if (!Number.isInteger(options.port) || options.port! < 0 || options.port! > 65535)
    throw new Error(`PORT must be a port number, not ${env.PORT}`);
  return options;
}

/**
 * The identity keys the server accepts: `CONFAB_IDENTITY_KEYS=kid1:secret1,kid2:secret2` checks
 * tokens by their `kid` header (two during a rotation), `CONFAB_IDENTITY_SECRET` is a key without
 * id (tokens without `kid`); both may be set. Audience `CONFAB_IDENTITY_AUDIENCE`, default `confab`.
 * Undefined when no key is set.
 */
export function identityFromEnv(env: NodeJS.ProcessEnv): IdentitySettings | undefined {
  const keys: IdentityKey[] = [];
  for (const [index, entry] of (env.CONFAB_IDENTITY_KEYS ?? '').split(',').entries()) {
    if (!entry.trim()) continue;
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon).trim();
    const secret = entry.slice(colon + 1).trim();
    if (colon < 0 || !id || !secret)
      // The entry itself is not repeated: it may hold a secret.
      throw new Error(`CONFAB_IDENTITY_KEYS entry ${index + 1} is not kid:secret (pairs separated by commas)`);
    if (keys.some((key) => key.id === id)) throw new Error(`CONFAB_IDENTITY_KEYS names the key id ${id} twice`);
    keys.push({ id, secret });
  }
  if (env.CONFAB_IDENTITY_SECRET) keys.push({ secret: env.CONFAB_IDENTITY_SECRET });
  if (!keys.length) return undefined;
  return { keys, audience: env.CONFAB_IDENTITY_AUDIENCE || 'confab' };
}

/** `<prefix>_IDLE_DAYS` and `<prefix>_MAX_DAYS`, or undefined when neither is set. */
function sessionLifetimeFromEnv(
  env: NodeJS.ProcessEnv,
  prefix: string,
  defaults: { idleMs: number; absoluteMs: number },
): { idleMs: number; absoluteMs: number } | undefined {
  if (!env[`${prefix}_IDLE_DAYS`] && !env[`${prefix}_MAX_DAYS`]) return undefined;
  const days = (name: string, fallbackMs: number) => {
    const text = env[name];
    if (!text) return fallbackMs;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`${name} must be a positive number of days, not ${text}`);
    return value * DAY_MS;
  };
  const lifetime = {
    idleMs: days(`${prefix}_IDLE_DAYS`, defaults.idleMs),
    absoluteMs: days(`${prefix}_MAX_DAYS`, defaults.absoluteMs),
  };
  // An idle limit past the absolute one would promise what the absolute one takes away.
  if (lifetime.idleMs > lifetime.absoluteMs) throw new Error(`${prefix}_IDLE_DAYS may not exceed ${prefix}_MAX_DAYS`);
  return lifetime;
}

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ConfabError } from '@confab/core';
import { CLOSE_REVOKED, createBackend, createLocalFanOut } from '@confab/core/backend';
import { randomBytes } from 'node:crypto';
import { demoSeed } from '@confab/core/testing';
import type { Backend } from '@confab/core/backend';
import {
  createServerAuthenticator,
  type ServerAuthenticator,
  type VisitorSessionLifetime,
} from './auth/authenticator.js';
import { createAccounts, isActiveAgent, type Accounts, type AgentSessionLifetime } from './accounts/accounts.js';
import { removeControlFile, writeControlFile } from './control/control-file.js';
import { createAdminRoutes } from './http/admin-routes.js';
import { handleAuthRoutes } from './http/auth-routes.js';
import { createControlRoutes } from './http/control-routes.js';
import { createChannelRoutes } from './http/channel-routes.js';
import { createDemoRoutes, createTestClockRoutes } from './http/demo-routes.js';
import type { IdentitySettings } from './auth/identity.js';
import type { RouteContext, RouteHandler } from './http/route-context.js';
import { SESSION_COOKIE, readCookie } from './http/session-cookie.js';
import { HttpError, clientIp, requireBearer, sendError, sendJson } from './http/http-util.js';
import { createHostCheck, ownOrigins, parsePublicOrigin } from './http/host-check.js';
import { PAGE_POLICY, inlineHash, pageHeaders } from './http/page-policy.js';
import { serveStatic } from './http/static-files.js';
import { createMailer, type MailTransport, type Mailer } from './mail/mailer.js';
import { KeyedRateLimiter } from './rate-limit.js';
import { createSqliteStorage, defaultDataDir, type SqliteStorage } from './storage/sqlite-storage.js';
import { attachGateway, type Gateway, type GatewayLimits } from './ws/gateway.js';

export interface StartServerOptions {
  /** TCP port; 0 picks a free one. Default 4747. */
  port?: number;
  /**
   * Interface to listen on. Default: all interfaces, except in demo mode, which hands out agent
   * tokens to anyone who asks and so listens on `localhost` only (set `HOST=0.0.0.0` to expose it).
   */
  host?: string;
  /** Behind one trusted reverse proxy: rate-limit by X-Forwarded-For (CONFAB_TRUST_PROXY=1). */
  trustProxy?: boolean;
  /** Where the SQLite file lives. Default CONFAB_DATA_DIR or ./.data. */
  dataDir?: string;
  /**
   * Demo mode: seeds demo data into an empty store, lets `/inbox/` sign in as a seeded agent
   * (`GET /api/demo/session`), and uses demo secrets where none are configured. Never in production.
   */
  demo?: boolean;
  /** The server's clock (epoch ms). Default Date.now. */
  now?: () => number;
  /** Enables `GET/POST /api/test/clock` to move the clock (tests only; off by default). */
  testClock?: boolean;
  /** Visitor session lifetimes (CONFAB_VISITOR_SESSION_IDLE_DAYS / _MAX_DAYS). Default 30 days idle, 400 days at most. */
  visitorSessionLifetime?: VisitorSessionLifetime;
  /** Agent sign-in session lifetimes (CONFAB_AGENT_SESSION_IDLE_DAYS / _MAX_DAYS). Default 7 days idle, 30 days at most. */
  agentSessionLifetime?: AgentSessionLifetime;
  /** Bearer token for the channel endpoints (CONFAB_INGEST_TOKEN). Channels refuse everything without one. */
  ingestToken?: string;
  /** Bearer token for the admin API (CONFAB_ADMIN_TOKEN): create, disable and enable agents, change roles, issue tokens. */
  adminToken?: string;
  messenger?: { appSecret?: string; verifyToken?: string };
  /** The keys accepted for identity tokens and the audience (createIdentityToken; CONFAB_IDENTITY_KEYS). */
  identity?: IdentitySettings;
  /**
   * The origins the server is reached at (CONFAB_PUBLIC_URL, e.g. `https://chat.example.com`).
   * Requests must name one of their hosts (or localhost, an IP address, or the bound `host`), and
   * they are the server's own origins for the WebSocket Origin rule. Default: none.
   */
  publicOrigins?: string[];
  /** Origins whose pages may open visitor chats, besides the server's own (CONFAB_ALLOWED_ORIGINS). */
  allowedOrigins?: string[];
  /** SMTP URL for outbound email (CONFAB_SMTP_URL). Without it email stays queued. */
  smtpUrl?: string;
  /** A ready mail transport instead of smtpUrl (tests). */
  mailTransport?: MailTransport;
  /** WebSocket limits; see DEFAULT_LIMITS. */
  limits?: Partial<GatewayLimits>;
  /** Requests per IP to /api/: burst and per second. Default 300 and 100. */
  httpLimits?: { burst: number; perSecond: number };
  /** Events kept in memory for resume (the hub's retention). */
  retention?: number;
  heartbeatMs?: number;
  /** Repository root, for /inbox/, /site/ and /bundles/. Default: found from this file. */
  rootDir?: string;
  log?: (message: string) => void;
}

export interface RunningServer {
  /** `http://host:port` */
  url: string;
  port: number;
  backend: Backend;
  storage: SqliteStorage;
  auth: ServerAuthenticator;
  /** Agent accounts: passwords, sign-in sessions, one-time links. */
  accounts: Accounts;
  mailer: Mailer;
  close(): Promise<void>;
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;
const DEFAULT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export { BODY_LIMITS } from './http/body-limits.js';

/** Secrets the demo uses when none are configured; printed at start. Demo mode only. */
export const DEMO_INGEST_TOKEN = 'demo-ingest-token';
/** The demo's identity key has no id: tokens signed with the bare secret verify. */
export const DEMO_IDENTITY = { secret: 'demo-identity-secret', audience: 'confab-demo' };

function statusOf(error: ConfabError): number {
  switch (error.code) {
    case 'invalid':
    case 'unknown-command':
    case 'unsupported-version':
      return 400;
    case 'too-large':
      return 413;
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'not-found':
      return 404;
    case 'rule':
      return 409;
    case 'rate-limited':
      return 429;
    default:
      return 500;
  }
}

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof ConfabError) return new HttpError(statusOf(error), error.code, error.message, error.path);
  return new HttpError(500, 'internal', 'The server failed; nothing was changed.');
}

const INDEX_STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:640px;margin:48px auto;padding:0 16px;color:#1d2433}a{color:#2f5bea}code{background:#f1f3f8;padding:2px 4px;border-radius:4px}';
/** The index page is links and one inline style: it may load nothing else, that style included. */
const INDEX_POLICY = `default-src 'none'; style-src ${inlineHash(INDEX_STYLE)}; base-uri 'none'; form-action 'none'`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * Starts the reference server: HTTP and WebSocket on one port, SQLite storage, the core's backend
 * hub (one engine), channel ingestion and outbound email.
 *
 * @example
 * const server = await startServer({ port: 0, dataDir: '/tmp/confab', demo: true });
 * console.log(server.url); // http://localhost:54321
 * await server.close();
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? ((message: string) => console.log(message));
  const demo = options.demo ?? false;
  const baseNow = options.now ?? Date.now;
  let clockOffset = 0;
  const now = () => baseNow() + clockOffset;
  const rootDir = options.rootDir ?? DEFAULT_ROOT;
  const ingestToken = options.ingestToken ?? (demo ? DEMO_INGEST_TOKEN : undefined);
  const identity: IdentitySettings | undefined =
    options.identity ??
    (demo ? { keys: [{ secret: DEMO_IDENTITY.secret }], audience: DEMO_IDENTITY.audience } : undefined);

  const publicOrigins = (options.publicOrigins ?? []).map(parsePublicOrigin);
  const listenHost = options.host ?? (demo ? 'localhost' : undefined);
  const hostAllowed = createHostCheck({ publicOrigins, boundHost: listenHost });

  const storage = createSqliteStorage(options.dataDir ?? defaultDataDir());
  const fanOut = createLocalFanOut();
  let backendRef: Backend | null = null;
  let accountsRef: ReturnType<typeof createAccounts> | null = null;
  const auth = createServerAuthenticator({
    agentOfSession: (token) => accountsRef?.sessionAgent(token)?.id ?? null,
    store: storage,
    ...(identity ? { identity } : {}),
    ...(options.visitorSessionLifetime ? { visitorSessionLifetime: options.visitorSessionLifetime } : {}),
    now,
    // A token is worth nothing once the engine disables its agent or never knew it.
    isAgentActive: (agentId) => isActiveAgent(backendRef?.state.agents.get(agentId)),
  });
  const backend = createBackend({
    storage,
    auth,
    fanOut,
    now,
    ...(options.retention !== undefined ? { retention: options.retention } : {}),
  });
  backendRef = backend;
  await backend.ready;
  const accounts = createAccounts({
    backend,
    store: storage,
    now,
    ...(options.agentSessionLifetime ? { sessionLifetime: options.agentSessionLifetime } : {}),
  });
  accountsRef = accounts;

  // Agents an earlier version disabled in the token store only: the engine takes over (one truth).
  for (const agentId of storage.takeLegacyDisabledAgents()) {
    const agent = backend.state.agents.get(agentId);
    if (!agent || agent.disabled) continue;
    await backend.execute({ kind: 'system' }, { type: 'agent.disable', agentId }).catch((error: unknown) => {
      log(`could not disable ${agentId} (disabled in the token store): ${String(error)}`);
    });
  }

  if (demo && backend.seq === 0) {
    // Appended through the hub, so the demo data is stored and sequenced like everything else.
    const events = demoSeed(now());
    await backend.append(events);
    log(`Seeded ${events.length} demo events.`);
  }

  // An agent the engine disables (an agent.upserted with disabled: true) loses its open sockets too.
  const unsubscribeDisabled = fanOut.subscribe((events) => {
    for (const { event } of events) {
      if (event.type === 'agent.upserted' && event.agent.disabled) {
        const agentId = event.agent.id;
        backend.disconnectPrincipal(
          (principal) => principal.kind === 'agent' && principal.agentId === agentId,
          CLOSE_REVOKED,
          'agent disabled',
        );
      }
    }
  });

  const mailer = createMailer({
    backend,
    fanOut,
    store: storage,
    ...(options.smtpUrl ? { smtpUrl: options.smtpUrl } : {}),
    ...(options.mailTransport ? { transport: options.mailTransport } : {}),
    now,
    log,
  });

  const httpLimiter = new KeyedRateLimiter(options.httpLimits?.burst ?? 300, options.httpLimits?.perSecond ?? 100);

  function agentsInOrder() {
    return [...backend.state.agents.values()].filter((agent) => isActiveAgent(agent));
  }

  const controlToken = randomBytes(32).toString('base64url');
  const routeHandlers: RouteHandler[] = [
    createChannelRoutes({ ingestToken, ...(options.messenger ? { messenger: options.messenger } : {}) }),
    handleAuthRoutes,
    createAdminRoutes(options.adminToken),
    createControlRoutes(controlToken),
    ...(demo ? [createDemoRoutes({ identity, firstAgent: () => agentsInOrder()[0] })] : []),
    ...(options.testClock
      ? [
          createTestClockRoutes({
            now,
            advance: (ms) => (clockOffset += ms),
            setNow: (at) => (clockOffset = at - baseNow()),
          }),
        ]
      : []),
  ];
  const ownOriginsOf = (req: IncomingMessage) => ownOrigins(req, publicOrigins, options.trustProxy);
  let serverUrl = '';
  const routeContext: RouteContext = {
    backend,
    storage,
    auth,
    accounts,
    mailer,
    demo,
    trustProxy: options.trustProxy ?? false,
    now,
    ownOrigins: ownOriginsOf,
    linkOrigin: (req) => publicOrigins[0] ?? (req ? ownOriginsOf(req)[0] : undefined) ?? serverUrl,
    closeSessionSockets: (hashes, code, reason) => gateway.closeSessions(hashes, code, reason),
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname;

    if (!httpLimiter.take(clientIp(req, options.trustProxy)))
      throw new HttpError(429, 'rate-limited', 'Too many requests; retry later.');

    for (const routes of routeHandlers) if (await routes(routeContext, req, res, url)) return;

    throw new HttpError(404, 'not-found', `No route ${method} ${path}.`);
  }

  function indexPage(): string {
    const agentLinks = demo
      ? agentsInOrder()
          .map(
            (agent) => `<li><a href="/inbox/?agent=${encodeURIComponent(agent.id)}">${escapeHtml(agent.name)}</a></li>`,
          )
          .join('')
      : '';
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Confab</title>
<style>${INDEX_STYLE}</style>
</head><body>
<h1>Confab</h1>
<p>An embeddable conversations inbox. This is the reference server${demo ? ', running with demo data' : ''}.</p>
<ul>
<li><a href="/inbox/">Agent inbox</a>${demo ? ' — signed in as the first demo agent' : ''}</li>
<li><a href="/site/">Demo website with the chat widget</a></li>
<li><a href="/react/">The inbox embedded in a React app</a></li>
<li><a href="/health">Health</a> (JSON)</li>
</ul>
${agentLinks ? `<h2>Sign in to the inbox as</h2><ul>${agentLinks}</ul><p>Demo only: <code>GET /api/demo/session</code> hands out agent tokens to anyone.</p>` : ''}
</body></html>`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    try {
      // Liveness says nothing about anyone, and load balancers probe it by address or internal name.
      if (path !== '/health' && !hostAllowed(req))
        throw new HttpError(
          400,
          'host-not-allowed',
          'This server is not known by that Host name. Its operator lists its names in CONFAB_PUBLIC_URL.',
        );
      if (path.startsWith('/api/')) {
        await handleApi(req, res, url);
        return;
      }
      if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'method-not-allowed', 'Use GET.');
      if (path === '/health') {
        // Anyone may probe it, so it says "alive" and nothing more; where the data lives and how
        // busy the server is are for its operator.
        if (!url.searchParams.has('details')) {
          sendJson(res, 200, { ok: true });
          return;
        }
        // Outside /api/ but a guessable bearer all the same: the same per-address limit.
        if (!httpLimiter.take(clientIp(req, options.trustProxy)))
          throw new HttpError(429, 'rate-limited', 'Too many requests; retry later.');
        requireBearer(req, options.adminToken, 'Health details');
        sendJson(res, 200, {
          ok: true,
          status: 'ok',
          version: VERSION,
          storage: { kind: storage.kind, dir: storage.dir, events: storage.eventCount() },
          seq: backend.seq,
          connections: gateway.connections,
          mail: { smtp: mailer.enabled, pending: storage.pendingEmails().length },
          demo,
        });
        return;
      }
      if (path === '/' || path === '/index.html') {
        const page = indexPage();
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-length': Buffer.byteLength(page),
          ...pageHeaders(INDEX_POLICY),
        });
        res.end(method === 'HEAD' ? undefined : page);
        return;
      }
      // The React example brings its own scripts and styles: it gets no policy but the framing rule.
      for (const [prefix, dir, pagePolicy] of [
        ['/inbox', 'examples/inbox', PAGE_POLICY],
        ['/site', 'examples/site', PAGE_POLICY],
        ['/react', 'examples/react', undefined],
        ['/bundles', 'dist/bundles', undefined],
      ] as const) {
        if (path === prefix) {
          res.writeHead(301, { location: `${prefix}/${url.search}` });
          res.end();
          return;
        }
        if (path.startsWith(prefix + '/')) {
          if (await serveStatic(res, `${rootDir}/${dir}`, path.slice(prefix.length), method, pagePolicy)) return;
          break;
        }
      }
      throw new HttpError(404, 'not-found', `Nothing at ${path}.`);
    } catch (error) {
      const httpError = toHttpError(error);
      if (httpError.status === 500)
        log(`error: ${method} ${path}: ${error instanceof Error ? error.stack : String(error)}`);
      sendError(res, httpError);
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  const gateway: Gateway = attachGateway(server, {
    backend,
    claimedKind: (token) => auth.claimedKind(token),
    allowedOrigins: options.allowedOrigins ?? [],
    ownOrigins: ownOriginsOf,
    hostAllowed,
    sessionCookie: (req) => readCookie(req, SESSION_COOKIE),
    sessionAlive: (token) => accounts.sessionAgent(token) !== null,
    ...(options.trustProxy ? { trustProxy: true } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
  });
  const sweep = setInterval(() => {
    httpLimiter.sweep();
    accounts.sweep();
  }, 60_000);
  sweep.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 4747, options.host ?? (demo ? 'localhost' : undefined), () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    // Port taken, or the like: release what was opened so the data directory is not left locked.
    clearInterval(sweep);
    unsubscribeDisabled();
    await gateway.close();
    await mailer.close();
    await backend.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = listenHost && listenHost !== '::' && listenHost !== '0.0.0.0' ? listenHost : 'localhost';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  serverUrl = url;
  const dataDir = storage.dir;
  writeControlFile(dataDir, { url, token: controlToken, pid: process.pid });

  let closing: Promise<void> | null = null;
  return {
    url,
    port: address.port,
    backend,
    storage,
    auth,
    accounts,
    mailer,
    close() {
      closing ??= (async () => {
        removeControlFile(dataDir, controlToken);
        clearInterval(sweep);
        unsubscribeDisabled();
        await gateway.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await mailer.close();
        // Closes storage after the last queued command committed.
        await backend.close();
      })();
      return closing;
    },
  };
}

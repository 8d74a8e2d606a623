import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLOSE_CODES, ConfabError } from '@confab/core';
import {
  CLOSE_REVOKED,
  createBackend,
  createLocalFanOut,
  type BackendStorage,
  type FanOut,
} from '@confab/core/backend';
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
import { inlineHash, pageHeaders } from './http/page-policy.js';
import { staticMounts } from './http/static-mounts.js';
import { serveStatic } from './http/static-files.js';
import { createMailer, type MailTransport, type Mailer } from './mail/mailer.js';
import { KeyedRateLimiter } from './rate-limit.js';
import { createSqliteStorage, defaultDataDir, type SqliteStorage } from './storage/sqlite-storage.js';
import { attachGateway, type Gateway, type GatewayLimits } from './ws/gateway.js';
import { newLogId, silentLogger, type Logger } from './logging.js';
import { createMetrics, type ServerMetrics } from './metrics.js';
import { SCHEMA_VERSION } from './storage/migrations.js';

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
  /**
   * Bearer token for `GET /metrics` (CONFAB_METRICS_TOKEN). Without one, /metrics is off (404) —
   * except in demo mode, which serves it to anyone (the demo listens on localhost).
   */
  metricsToken?: string;
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
  /** A snapshot of the hub's state after this many events (CONFAB_SNAPSHOT_EVERY_EVENTS). */
  snapshotEveryEvents?: number;
  /** …or this long after the last one when events came since (CONFAB_SNAPSHOT_EVERY_MINUTES). */
  snapshotEveryMs?: number;
  /** How long command outcomes are kept (CONFAB_IDEMPOTENCY_DAYS). */
  idempotencyWindowMs?: number;
  heartbeatMs?: number;
  /**
   * More static directories by URL prefix, e.g. `{ '/react': 'examples/react' }` (pages get only the
   * framing rule). A built-in prefix (`/inbox`, `/site`, `/bundles`) named here is served from the
   * given directory instead, with its own policy.
   */
  mounts?: Record<string, string>;
  /** Where the server logs (pino; `createLogger`). Default: nowhere — the binary passes one. */
  logger?: Logger;
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
  /**
   * Stops: no new connections, `/ready` answers 503, every socket is closed with `code` (1001
   * going away by default; 1012 "restarting" tells clients to reconnect and resume), requests in
   * progress get up to 5 s to finish, and storage closes after the last queued commit.
   */
  close(code?: number): Promise<void>;
}

/** How long requests in progress may take to finish once the server is closing. */
const REQUEST_DRAIN_MS = 5_000;
/** A readiness probe writes to the store at most this often (each write is an fsync). */
const READY_PROBE_MS = 2_000;

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;
export { BODY_LIMITS } from './http/body-limits.js';

/** Secrets the demo uses when none are configured; printed at start. Demo mode only. */
export const DEMO_INGEST_TOKEN = 'demo-ingest-token';
/** The demo's identity key has no id: tokens signed with the bare secret verify. */
export const DEMO_IDENTITY = { secret: 'demo-identity-secret', audience: 'confab-demo' };

/** Refusals counted and logged at warn, by the status they were answered with. */
const REFUSAL_OF_STATUS: Record<number, string> = { 401: 'unauthenticated', 403: 'forbidden', 429: 'rate-limited' };

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
  const logger = options.logger ?? silentLogger();
  const demo = options.demo ?? false;
  const baseNow = options.now ?? Date.now;
  let clockOffset = 0;
  const now = () => baseNow() + clockOffset;
  const mounts = staticMounts(options.mounts);
  const ingestToken = options.ingestToken ?? (demo ? DEMO_INGEST_TOKEN : undefined);
  const identity: IdentitySettings | undefined =
    options.identity ??
    (demo ? { keys: [{ secret: DEMO_IDENTITY.secret }], audience: DEMO_IDENTITY.audience } : undefined);

  const publicOrigins = (options.publicOrigins ?? []).map(parsePublicOrigin);
  const listenHost = options.host ?? (demo ? 'localhost' : undefined);
  const hostAllowed = createHostCheck({ publicOrigins, boundHost: listenHost });

  const storage = createSqliteStorage(options.dataDir ?? defaultDataDir());
  const metrics = createMetrics();
  const fanOut = timedFanOut(createLocalFanOut(), metrics);
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
    storage: observedStorage(storage, metrics, logger),
    auth,
    fanOut,
    now,
    ...(options.retention !== undefined ? { retention: options.retention } : {}),
    ...(options.snapshotEveryEvents !== undefined ? { snapshotEveryEvents: options.snapshotEveryEvents } : {}),
    ...(options.snapshotEveryMs !== undefined ? { snapshotEveryMs: options.snapshotEveryMs } : {}),
    ...(options.idempotencyWindowMs !== undefined ? { idempotencyWindowMs: options.idempotencyWindowMs } : {}),
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
      logger.error({ agentId, err: error }, 'could not disable an agent disabled in the token store');
    });
  }

  if (demo && backend.seq === 0) {
    // Appended through the hub, so the demo data is stored and sequenced like everything else.
    const events = demoSeed(now());
    await backend.append(events);
    logger.info({ events: events.length }, 'seeded demo data');
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
    logger,
    metrics,
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
${mounts.some((mount) => mount.prefix === '/react') ? '<li><a href="/react/">The inbox embedded in a React app</a></li>' : ''}
<li><a href="/health">Health</a> (JSON)</li>
</ul>
${agentLinks ? `<h2>Sign in to the inbox as</h2><ul>${agentLinks}</ul><p>Demo only: <code>GET /api/demo/session</code> hands out agent tokens to anyone.</p>` : ''}
</body></html>`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const reqId = newLogId();
    res.setHeader('x-request-id', reqId);
    res.once('finish', () => logRequest(req, res.statusCode, reqId, method, path));
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
        // Anyone may probe it, so it says "alive" and nothing more, in constant time; where the
        // data lives and how busy the server is are for its operator.
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
      if (path === '/ready') {
        const readiness = ready();
        sendJson(res, readiness.ready ? 200 : 503, readiness);
        return;
      }
      if (path === '/metrics') {
        await serveMetrics(req, res, method);
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
      for (const { prefix, dirs, pagePolicy } of mounts) {
        if (path === prefix) {
          res.writeHead(301, { location: `${prefix}/${url.search}` });
          res.end();
          return;
        }
        if (path.startsWith(prefix + '/')) {
          for (const dir of dirs) if (await serveStatic(res, dir, path.slice(prefix.length), req, pagePolicy)) return;
          break;
        }
      }
      throw new HttpError(404, 'not-found', `Nothing at ${path}.`);
    } catch (error) {
      const httpError = toHttpError(error);
      if (httpError.status === 500) logger.error({ reqId, method, path, err: error }, 'request failed');
      sendError(res, httpError);
    }
  }

  /** One line per request: refusals an operator looks for at warn, ingests at info, the rest at debug. */
  function logRequest(req: IncomingMessage, status: number, reqId: string, method: string, path: string) {
    const fields = { reqId, method, path, status, ip: clientIp(req, options.trustProxy) };
    // A Host this server does not know (DNS rebinding, or a name missing from CONFAB_PUBLIC_URL).
    const refusal = status === 400 && !hostAllowed(req) ? 'host' : REFUSAL_OF_STATUS[status];
    if (refusal) {
      metrics.refusal(refusal);
      logger.warn(fields, 'request refused');
    } else if (path.startsWith('/api/channels/') && method === 'POST') {
      logger.info(fields, status === 200 ? 'ingest committed' : 'ingest refused');
    } else logger.debug(fields, 'request');
  }

  /** Prometheus text for the metrics token's holder (or anyone, in demo mode only). */
  async function serveMetrics(req: IncomingMessage, res: ServerResponse, method: string) {
    if (!options.metricsToken && !demo)
      throw new HttpError(404, 'not-found', 'Metrics are off: set CONFAB_METRICS_TOKEN.');
    if (options.metricsToken) {
      // A guessable bearer outside /api/: the same per-address limit.
      if (!httpLimiter.take(clientIp(req, options.trustProxy)))
        throw new HttpError(429, 'rate-limited', 'Too many requests; retry later.');
      requireBearer(req, options.metricsToken, 'Metrics');
    }
    const text = await metrics.render();
    res.writeHead(200, {
      'content-type': metrics.contentType,
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(method === 'HEAD' ? undefined : text);
  }

  let draining = false;
  let lastProbe = { at: -Infinity, writable: false };
  /** Readiness: storage takes writes and holds the schema this server knows; never while draining. */
  function ready(): { ready: boolean; draining: boolean; storage: boolean; migrations: boolean } {
    const at = performance.now();
    if (!draining && at - lastProbe.at >= READY_PROBE_MS) lastProbe = { at, writable: storage.writable() };
    const migrations = !draining && storage.schemaVersion() === SCHEMA_VERSION;
    return { ready: !draining && lastProbe.writable && migrations, draining, storage: lastProbe.writable, migrations };
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
    logger,
    metrics,
    ...(options.trustProxy ? { trustProxy: true } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
  });
  metrics.countConnectionsWith(() => gateway.connectionsByKind());
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
    close(code = CLOSE_CODES.goingAway) {
      closing ??= (async () => {
        draining = true;
        const started = performance.now();
        removeControlFile(dataDir, controlToken);
        clearInterval(sweep);
        unsubscribeDisabled();
        // Sockets first: meanwhile HTTP still answers, /ready with 503, so a load balancer stops
        // sending before the port closes.
        await gateway.close(code);
        const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Requests in progress (an ingest waiting for its commit) may finish; then the rest are cut.
        const drainTimer = new Promise<void>((resolve) => setTimeout(resolve, REQUEST_DRAIN_MS).unref());
        await Promise.race([httpClosed, drainTimer]);
        server.closeAllConnections();
        await httpClosed;
        await mailer.close();
        // Closes storage after the last queued commit.
        await backend.close();
        logger.info({ code, ms: Math.round(performance.now() - started) }, 'server closed');
      })();
      return closing;
    },
  };
}

/** The store as the hub sees it, timing each commit and logging the ones that fail. */
function observedStorage(storage: SqliteStorage, metrics: ServerMetrics, logger: Logger): BackendStorage {
  return {
    load: (options) => storage.load(options),
    close: () => storage.close(),
    outcomes: (principalKey, commandIds) => storage.outcomes(principalKey, commandIds),
    forgetOutcomes: (before) => storage.forgetOutcomes(before),
    async saveSnapshot(snapshot) {
      const started = performance.now();
      try {
        await storage.saveSnapshot(snapshot);
        logger.info({ seq: snapshot.seq, ms: Math.round(performance.now() - started) }, 'snapshot written');
      } catch (error) {
        // Costs a longer replay at the next start, nothing else: the events are stored.
        logger.error({ err: error, seq: snapshot.seq }, 'snapshot failed');
        throw error;
      }
    },
    async commit(record) {
      const stopTimer = metrics.commitSeconds.startTimer();
      try {
        await storage.commit(record);
      } catch (error) {
        logger.error({ err: error, events: record.events.length }, 'commit failed');
        throw error;
      } finally {
        stopTimer();
      }
    },
  };
}

/** Fan-out timed per publish: projecting events and handing them to every subscribed socket. */
function timedFanOut(fanOut: FanOut, metrics: ServerMetrics): FanOut {
  return {
    subscribe: (listener) => fanOut.subscribe(listener),
    publish(events) {
      const stopTimer = metrics.fanOutSeconds.startTimer();
      try {
        fanOut.publish(events);
      } finally {
        stopTimer();
      }
    },
  };
}

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLOSE_CODES, ConfabError, DEFAULT_UPLOAD_MAX_BYTES, type Principal } from '@confab/core';
import {
  CLOSE_REVOKED,
  createBackend,
  createLocalFanOut,
  type BackendStorage,
  type CommitRecord,
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
import { SignInThrottles } from './accounts/throttle.js';
import { createAccounts, isActiveAgent, type Accounts, type AgentSessionLifetime } from './accounts/accounts.js';
import { removeControlFile, writeControlFile } from './control/control-file.js';
import { createAdminRoutes } from './http/admin-routes.js';
import { createRestRoutes } from './api/rest-routes.js';
import { handleAuthRoutes } from './http/auth-routes.js';
import { createAttachmentAdmission, followFileEvents } from './files/attachment-admission.js';
import { createFileRoutes } from './files/file-routes.js';
import { createControlRoutes } from './http/control-routes.js';
import { createChannelRoutes } from './http/channel-routes.js';
import { createDemoRoutes, createTestClockRoutes } from './http/demo-routes.js';
import type { IdentitySettings } from './auth/identity.js';
import { workspaceIdentity } from './auth/workspace-identity.js';
import type { RouteContext, RouteHandler } from './http/route-context.js';
import { SESSION_COOKIE, readCookie } from './http/session-cookie.js';
import { HttpError, clientIp } from './http/http-util.js';
import { serveIndexPage } from './http/index-page.js';
import { createOperationsPages, type Readiness } from './http/operations-pages.js';
import { createRouter } from './http/router.js';
import { createHostCheck, ownOrigins, parsePublicOrigin } from './http/host-check.js';
import { staticMounts } from './http/static-mounts.js';
import { createWebhookSender, type WebhookSender } from './webhooks/webhook-sender.js';
import { createMailer, type MailTransport, type Mailer } from './mail/mailer.js';
import { startSmtpListener, type SmtpListener } from './channels/smtp-listener.js';
import { createMessengerSender, type MessengerSender } from './channels/messenger-send.js';
import { createMessengerPages } from './channels/messenger-pages.js';
import { BODY_LIMITS } from './http/body-limits.js';
import { SharedRateLimiter, localRateLimiters, type RateLimiterFactory } from './rate-limit.js';
import { defaultDataDir, type SqliteStorage, type WorkspaceStorage } from './storage/sqlite-storage.js';
import { openServerStore, type ServerStore } from './storage/open-storage.js';
import { DEFAULT_DATABASE_TIMEOUT_MS } from './storage/postgres-pool.js';
import { watchDatabase } from './cluster/database-watchdog.js';
import { DEFAULT_CLUSTER_POLL_MS, followOtherProcesses } from './cluster/head-poll.js';
import { openRedisBus, type ClusterBus } from './cluster/redis-bus.js';
import {
  DEFAULT_WORKSPACE,
  SITE_KEY_PREFIX,
  UnknownWorkspaceError,
  type WorkspaceDirectory,
} from './storage/workspace-directory.js';
import { routeAtOpening } from './workspaces/route-at-opening.js';
import { WorkspaceHubs, type WorkspaceHub } from './workspaces/hubs.js';
import { workspaceOfRecipient } from './channels/inbound-routing.js';
import { workspaceOfHello, workspaceOfToken } from './workspaces/routing.js';
import { createSocketRouter } from './workspaces/socket-router.js';
import { attachGateway, type Gateway, type GatewayLimits } from './ws/gateway.js';
import { silentLogger, type Logger } from './logging.js';
import { createMetrics, type ServerMetrics } from './metrics.js';

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
   * PostgreSQL (CONFAB_DATABASE_URL): every workspace's log, the directory, tokens, sessions,
   * accounts and deliveries live there, so any number of processes on it are one service.
   */
  databaseUrl?: string;
  /** Connections this process keeps to PostgreSQL (CONFAB_DATABASE_POOL_SIZE). Default 10. */
  databasePoolSize?: number;
  /**
   * How often (ms) a process on PostgreSQL asks for the heads of its loaded workspaces, to show its
   * clients what other processes committed (CONFAB_CLUSTER_POLL_MS). Default 1,000.
   */
  clusterPollMs?: number;
  /**
   * How long (ms) a PostgreSQL query, connection or wait for a pooled connection may take
   * (CONFAB_DATABASE_TIMEOUT_MS). A process whose database has not answered for this long closes
   * its sockets with 1012 so their clients move to a process that has one. Default 5,000.
   */
  databaseTimeoutMs?: number;
  /**
   * Redis (CONFAB_REDIS_URL), with `databaseUrl`: processes tell each other at once what they
   * committed, typing, and sockets to close; without it they learn it at their next poll.
   */
  redisUrl?: string;
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
  /**
   * Messenger: the webhook's signature key and verification token; the page access token and
   * Graph API base URL for sending agents' replies.
   */
  messenger?: { appSecret?: string; verifyToken?: string; pageToken?: string; apiUrl?: string };
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
  /** How long outbound email is retried before it is marked failed, ms. Default 24 hours. */
  emailRetryWindowMs?: number;
  /** Webhook receivers on loopback or private networks are refused unless this is true (CONFAB_WEBHOOK_PRIVATE_NETWORKS). */
  webhookPrivateNetworks?: boolean;
  /** How long a webhook delivery is retried before it is marked failed, ms. Default 24 hours. */
  webhookRetryWindowMs?: number;
  /** Delay after failed webhook attempt n, ms (tests). Default 2^n × 5 s, at most one hour. */
  webhookRetryDelay?: (attempt: number) => number;
  /** How often due webhook deliveries are looked for besides wake-ups, ms. Default 5 s. */
  webhookPollMs?: number;
  /** Port of the built-in SMTP listener for inbound email (0 picks a free one); off without it. */
  smtpInboundPort?: number;
  /** Largest upload in bytes (CONFAB_UPLOAD_MAX_BYTES). Default 10 MB. */
  uploadMaxBytes?: number;
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
  /**
   * A workspace's hub with no open links is closed after this long unused (CONFAB_WORKSPACE_IDLE_MINUTES);
   * the next hello, ingest or API call loads it again. The default workspace stays loaded. Default 10 minutes.
   */
  workspaceIdleMs?: number;
  /** Demo mode: more workspaces seeded beside the default one, so isolation is visible. Default `['harbour']`. */
  demoWorkspaces?: string[];
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
  /** The default workspace's hub, storage, authenticator, accounts and mailer. */
  backend: Backend;
  /**
   * The data directory's SQLite file; as a WorkspaceStorage it is the default workspace's. With
   * PostgreSQL (`store.kind`) it holds no workspace's data: use `store`.
   */
  storage: SqliteStorage;
  /** Everything stored, in SQLite or PostgreSQL: the directory and each workspace's storage. */
  store: ServerStore;
  auth: ServerAuthenticator;
  /** Agent accounts: passwords, sign-in sessions, one-time links. */
  accounts: Accounts;
  mailer: Mailer;
  /** Sends the default workspace's replies in Messenger threads (with its page's token). */
  messengerSender: MessengerSender;
  /** The SMTP listener for inbound email, when `smtpInboundPort` is set. */
  smtpInbound: SmtpListener | null;
  /** The hub of each workspace, loaded on use and evicted when idle. */
  workspaces: WorkspaceHubs;
  /** Sends every workspace's webhook deliveries (`idle()` waits for what is due now). */
  webhooks: WebhookSender;
  /**
   * Stops: no new connections, `/ready` answers 503, every socket is closed with `code` (1001
   * going away by default; 1012 "restarting" tells clients to reconnect and resume), requests in
   * progress get up to 5 s to finish, and storage closes after the last queued commit.
   */
  close(code?: number): Promise<void>;
}

/** A workspace's hub, idle with no links, is closed after this long (CONFAB_WORKSPACE_IDLE_MINUTES). */
export const DEFAULT_WORKSPACE_IDLE_MS = 10 * 60 * 1000;
/** The demo's second workspace (its own team and conversations; see `--demo`). */
export const DEMO_WORKSPACES = ['harbour'];

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

  const store = await openServerStore({
    dataDir: options.dataDir ?? defaultDataDir(),
    databaseUrl: options.databaseUrl,
    ...(options.databasePoolSize ? { poolSize: options.databasePoolSize } : {}),
    ...(options.databaseTimeoutMs ? { timeoutMs: options.databaseTimeoutMs } : {}),
  });
  const storage = store.local;
  const directory = store.directory;
  const metrics = createMetrics();
  metrics.countDatabaseWith(() => store.databaseCounts());
  if (options.redisUrl && store.kind !== 'postgres') {
    await store.close();
    throw new RangeError('CONFAB_REDIS_URL joins processes that share a database: set CONFAB_DATABASE_URL too.');
  }
  const bus: ClusterBus | null = options.redisUrl ? openRedisBus({ url: options.redisUrl, logger }) : null;
  const rateLimiters = bus ? sharedRateLimiters(bus, metrics, logger) : localRateLimiters;
  const identityOf = workspaceIdentity(directory, identity);
  const signInThrottles = new SignInThrottles();
  const messengerPages = createMessengerPages({
    directory,
    ...(options.messenger?.pageToken ? { envPageToken: options.messenger.pageToken } : {}),
    ...(options.messenger?.apiUrl ? { apiUrl: options.messenger.apiUrl } : {}),
    logger,
  });

  if (store.epochsRenewed)
    logger.warn(
      'the database was restored, recovered or failed over: every workspace has a new epoch, and clients resync',
    );
  const webhookSender = createWebhookSender({
    store: store.webhooks,
    allowPrivateNetworks: options.webhookPrivateNetworks ?? false,
    ...(options.webhookRetryWindowMs ? { retryWindowMs: options.webhookRetryWindowMs } : {}),
    ...(options.webhookRetryDelay ? { retryDelay: options.webhookRetryDelay } : {}),
    ...(options.webhookPollMs ? { pollMs: options.webhookPollMs } : {}),
    now,
    logger: logger.child({ part: 'webhooks' }),
  });

  /** Loads one workspace's hub: its log (snapshot + tail), authenticator, accounts and mailer. */
  async function openHub(workspaceId: string): Promise<WorkspaceHub> {
    const workspaceStorage = await store.forWorkspace(workspaceId);
    const workspaceLogger = logger.child({ workspace: workspaceId });
    const fanOut = timedFanOut(createLocalFanOut(), metrics);
    const files = store.files(workspaceId);
    const followFiles = followFileEvents(files, workspaceLogger);
    let backendRef: Backend | null = null;
    let accountsRef: Accounts | null = null;
    const auth = createServerAuthenticator({
      agentOfSession: async (token) => (await accountsRef?.sessionAgent(token))?.id ?? null,
      store: workspaceStorage,
      identity: () => identityOf(workspaceId),
      ...(options.visitorSessionLifetime ? { visitorSessionLifetime: options.visitorSessionLifetime } : {}),
      now,
      // A token is worth nothing once the engine disables its agent or never knew it.
      isAgentActive: (agentId) => isActiveAgent(backendRef?.state.agents.get(agentId)),
    });
    const backend = createBackend({
      storage: observedStorage(workspaceStorage, metrics, workspaceLogger),
      auth,
      fanOut,
      now,
      // Told to each client in its welcome: the composers name and check the limit this server keeps.
      uploadMaxBytes: options.uploadMaxBytes ?? DEFAULT_UPLOAD_MAX_BYTES,
      ...(options.retention !== undefined ? { retention: options.retention } : {}),
      ...(options.snapshotEveryEvents !== undefined ? { snapshotEveryEvents: options.snapshotEveryEvents } : {}),
      ...(options.snapshotEveryMs !== undefined ? { snapshotEveryMs: options.snapshotEveryMs } : {}),
      ...(options.idempotencyWindowMs !== undefined ? { idempotencyWindowMs: options.idempotencyWindowMs } : {}),
      admitAttachments: createAttachmentAdmission(files, (id) => backend.state.conversations.has(id)),
      onCommitted(events) {
        followFiles(events);
        bus?.publish(workspaceId, {
          kind: 'events',
          epoch: backend.epoch,
          from: events[0]!.seq,
          to: events[events.length - 1]!.seq,
          events,
        });
      },
      ...(bus
        ? { onSignal: (principal, command) => bus.publish(workspaceId, { kind: 'signal', principal, command }) }
        : {}),
    });
    backendRef = backend;
    await backend.ready;
    // What the other processes publish about this workspace, while it is loaded here.
    const unfollow = bus?.follow(workspaceId, (message) => {
      if (message.kind === 'events') {
        // Numbers of another history (a restore) are not this hub's: the poll sorts it out.
        if (message.epoch !== backend.epoch) return;
        backend.receive(message.events).catch((error: unknown) => {
          workspaceLogger.warn({ err: error }, 'applying events from the bus failed; the poll catches up');
        });
      } else if (message.kind === 'signal') backend.relaySignal(message.principal, message.command);
      else
        backend.disconnectPrincipal(
          (principal) => samePrincipal(principal, message.principal),
          message.code,
          message.reason,
        );
    });
    const accounts = createAccounts({
      backend,
      store: workspaceStorage,
      workspaceId,
      throttles: signInThrottles,
      now,
      ...(options.agentSessionLifetime ? { sessionLifetime: options.agentSessionLifetime } : {}),
    });
    accountsRef = accounts;

    // Agents an earlier version disabled in the token store only: the engine takes over (one truth).
    for (const agentId of store.kind === 'sqlite' ? storage.forWorkspace(workspaceId).takeLegacyDisabledAgents() : []) {
      const agent = backend.state.agents.get(agentId);
      if (!agent || agent.disabled) continue;
      await backend.execute({ kind: 'system' }, { type: 'agent.disable', agentId }).catch((error: unknown) => {
        workspaceLogger.error({ agentId, err: error }, 'could not disable an agent disabled in the token store');
      });
    }

    if (demo && backend.seq === 0) {
      // Appended through the hub, so the demo data is stored and sequenced like everything else.
      const events = demoSeed(now());
      await backend.append(events);
      workspaceLogger.info({ events: events.length }, 'seeded demo data');
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

    // Webhooks follow the log: what was committed since the workspace's cursor (before this process
    // loaded it too: a process that died before dispatching), then every batch committed or received.
    webhookSender.dispatch(workspaceId, backend.epoch, backend.seq);
    const unsubscribeWebhooks = fanOut.subscribe((events) => {
      if (events.length) webhookSender.dispatch(workspaceId, backend.epoch, events[events.length - 1]!.seq);
    });

    const mailer = createMailer({
      backend,
      fanOut,
      store: workspaceStorage,
      files,
      ...(options.smtpUrl ? { smtpUrl: options.smtpUrl } : {}),
      ...(options.mailTransport ? { transport: options.mailTransport } : {}),
      ...(options.emailRetryWindowMs ? { retryWindowMs: options.emailRetryWindowMs } : {}),
      now,
      logger: workspaceLogger,
      metrics,
    });
    const messengerSender = createMessengerSender({
      backend,
      fanOut,
      store: workspaceStorage,
      pageTokenFor: (pageId) => messengerPages.tokenFor(workspaceId, pageId),
      ...(options.messenger?.apiUrl ? { apiUrl: options.messenger.apiUrl } : {}),
      now,
      logger: workspaceLogger,
    });
    workspaceLogger.debug({ seq: backend.seq }, 'workspace loaded');
    return {
      id: workspaceId,
      storage: workspaceStorage,
      backend,
      auth,
      accounts,
      mailer,
      messengerSender,
      async close() {
        unfollow?.();
        unsubscribeDisabled();
        unsubscribeWebhooks();
        await mailer.close();
        await messengerSender.close();
        // Closes the workspace's storage after its last queued commit (the file stays open).
        await backend.close();
      },
    };
  }

  const workspaces = new WorkspaceHubs({
    open: openHub,
    idleMs: options.workspaceIdleMs ?? DEFAULT_WORKSPACE_IDLE_MS,
    pinned: [DEFAULT_WORKSPACE],
    // A workspace whose email is still being sent stays loaded until it is.
    busy: (hub) => hub.mailer.enabled && hub.mailer.sending > 0,
    now,
  });
  const defaultHub = await workspaces.get(DEFAULT_WORKSPACE);
  const follower = followOtherProcesses({
    store,
    hubs: workspaces,
    intervalMs: options.clusterPollMs ?? DEFAULT_CLUSTER_POLL_MS,
    logger,
  });
  // The bus was down a while: what it lost is in the log, fetched now rather than at the next poll.
  bus?.onReconnect(() => follower.pollNow());
  const { backend, auth, accounts, mailer, messengerSender } = defaultHub;
  if (demo) {
    // A second team beside the default one, so that what one workspace sees the other never does.
    for (const id of options.demoWorkspaces ?? DEMO_WORKSPACES) {
      if (!(await directory.workspace(id))) {
        await directory.createWorkspace({ id, name: id, createdAt: now() });
        // A fixed key, so the demo's page for it (/site/<id>.html) can name it; own pages only.
        await directory.createSite(id, [], now(), `${SITE_KEY_PREFIX}demo-${id}`);
      }
      await workspaces.get(id);
    }
  }

  const httpLimiter = rateLimiters('http', options.httpLimits?.burst ?? 300, options.httpLimits?.perSecond ?? 100);

  function agentsInOrder(hub: Backend = backend) {
    return [...hub.state.agents.values()].filter((agent) => isActiveAgent(agent));
  }

  const controlToken = randomBytes(32).toString('base64url');
  const routeHandlers: RouteHandler[] = [
    createChannelRoutes({
      ingestToken,
      ...(options.messenger ? { messenger: options.messenger } : {}),
      pages: messengerPages,
      logger,
      metrics,
    }),
    handleAuthRoutes,
    createFileRoutes({
      maxBytes: options.uploadMaxBytes ?? DEFAULT_UPLOAD_MAX_BYTES,
      filesOf: (workspaceId) => store.files(workspaceId),
    }),
    createAdminRoutes({ adminToken: options.adminToken, messengerPages }),
    createRestRoutes(),
    createControlRoutes(controlToken),
    ...(demo ? [createDemoRoutes({ identity, firstAgent: (hub) => agentsInOrder(hub)[0] })] : []),
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
    workspaceId: DEFAULT_WORKSPACE,
    backend,
    storage: defaultHub.storage,
    directory,
    workspaces,
    webhooks: store.webhooks,
    apiKeys: store.apiKeys,
    auth,
    accounts,
    mailer,
    demo,
    trustProxy: options.trustProxy ?? false,
    now,
    ownOrigins: ownOriginsOf,
    linkOrigin: (req) => publicOrigins[0] ?? (req ? ownOriginsOf(req)[0] : undefined) ?? serverUrl,
    closeSessionSockets(hashes, code, reason) {
      const tokenHashes = [...hashes];
      gateway.closeSessions(tokenHashes, code, reason);
      bus?.publishSessionsEnded({ tokenHashes, code, reason });
    },
    disconnectPrincipal(workspaceId, who, code, reason) {
      workspaces
        .peek(workspaceId)
        ?.backend.disconnectPrincipal((principal) => samePrincipal(principal, who), code, reason);
      bus?.publish(workspaceId, { kind: 'disconnect', principal: who, code, reason });
    },
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!httpLimiter.take(clientIp(req, options.trustProxy)))
      throw new HttpError(429, 'rate-limited', 'Too many requests; retry later.');
    try {
      for (const routes of routeHandlers) if (await routes(routeContext, req, res, url)) return;
    } catch (error) {
      // A workspace deleted from under a token, or named by one that outlived it: nothing to name.
      if (error instanceof UnknownWorkspaceError) throw new HttpError(404, 'not-found', 'No such workspace.');
      throw error;
    }
    throw new HttpError(404, 'not-found', `No route ${req.method ?? 'GET'} ${url.pathname}.`);
  }

  let draining = false;
  let lastProbe = { at: performance.now(), ...(await store.probe()) };
  let probing = false;
  /**
   * Readiness: storage takes writes and holds the schema this server knows; never while draining.
   * The probe (a write to SQLite, a query to PostgreSQL) runs at most every READY_PROBE_MS, in the
   * background: a probe answers with what the last one found.
   */
  function ready(): Readiness {
    const at = performance.now();
    if (!draining && !probing && at - lastProbe.at >= READY_PROBE_MS) {
      probing = true;
      void store.probe().then((found) => {
        lastProbe = { at: performance.now(), ...found };
        probing = false;
      });
    }
    const migrations = !draining && lastProbe.migrations;
    const busUp = bus?.connected();
    return {
      // A bus that is down costs latency, not correctness (the poll goes on): reported, not a 503,
      // or a Redis outage would take every process out of the load balancer at once.
      ready: !draining && lastProbe.writable && migrations,
      draining,
      storage: lastProbe.writable,
      migrations,
      ...(busUp !== undefined ? { bus: busUp } : {}),
    };
  }

  const operationsPage = createOperationsPages({
    adminToken: options.adminToken,
    metricsToken: options.metricsToken,
    demo,
    metrics,
    allow: (req) => httpLimiter.take(clientIp(req, options.trustProxy)),
    ready,
    details: async () => ({
      version: VERSION,
      storage: { kind: store.kind, dir: storage.dir, events: backend.seq },
      seq: backend.seq,
      workspaces: { stored: (await directory.listWorkspaces()).length, loaded: workspaces.loaded().length },
      connections: gateway.connections,
      mail: { smtp: mailer.enabled, pending: (await defaultHub.storage.pendingEmails()).length },
      demo,
    }),
  });
  const indexPage = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname !== '/' && url.pathname !== '/index.html') return false;
    serveIndexPage(res, req.method === 'HEAD', {
      demo,
      agents: demo ? agentsInOrder() : [],
      react: mounts.some((mount) => mount.prefix === '/react'),
    });
    return true;
  };
  const route = createRouter({
    hostAllowed,
    api: handleApi,
    pages: [operationsPage, indexPage],
    mounts,
    trustProxy: options.trustProxy ?? false,
    logger,
    metrics,
  });

  const server = createServer((req, res) => void route(req, res));
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  const socketRouter = createSocketRouter({
    hubs: workspaces,
    workspaceOf: (hello, connection) => workspaceOfHello(directory, hello, connection),
  });
  /** The accounts of the workspace a session was opened in (loaded: its socket holds a link there). */
  const sessionAgent = async (token: string) =>
    (await workspaces.peek(await workspaceOfToken(directory, token))?.accounts.sessionAgent(token)) ?? null;
  const gateway: Gateway = attachGateway(server, {
    backend: socketRouter,
    claimedKind: (token) => auth.claimedKind(token),
    allowedOrigins: options.allowedOrigins ?? [],
    ownOrigins: ownOriginsOf,
    hostAllowed,
    sessionCookie: (req) => readCookie(req, SESSION_COOKIE),
    sessionAlive: async (token) => (await sessionAgent(token)) !== null,
    logger,
    metrics,
    rateLimiters,
    ...(options.trustProxy ? { trustProxy: true } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
  });
  metrics.countConnectionsWith(() => gateway.connectionsByKind());
  // A session ended or a token revoked on another process: its sockets here close at once too.
  bus?.onSessionsEnded(({ tokenHashes, code, reason }) => gateway.closeSessions(tokenHashes, code, reason));
  // Only a shared database has other processes for clients to move to.
  const watchdog =
    store.kind === 'postgres'
      ? watchDatabase({
          probe: () => store.probe(),
          found: (found) => (lastProbe = { at: performance.now(), ...found }),
          lost: () => gateway.closeEvery(CLOSE_CODES.serviceRestart, 'database unreachable: reconnect'),
          timeoutMs: options.databaseTimeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS,
          logger,
        })
      : null;
  const sweep = setInterval(
    () => {
      httpLimiter.sweep();
      for (const hub of workspaces.loaded()) hub.accounts.sweep();
      signInThrottles.sweep(now());
      // Issue 17: chats that came in outside business hours are routed once the team opens.
      for (const hub of workspaces.loaded())
        routeAtOpening(hub.backend, now()).catch((error: unknown) =>
          logger.error({ err: error, workspace: hub.id }, 'routing at the opening failed'),
        );
      workspaces.evictIdle().then(
        (evicted) => {
          if (evicted.length) logger.info({ workspaces: evicted.length }, 'idle workspaces closed');
        },
        (error: unknown) => logger.error({ err: error }, 'closing idle workspaces failed'),
      );
    },
    Math.min(60_000, Math.max(1_000, (options.workspaceIdleMs ?? DEFAULT_WORKSPACE_IDLE_MS) / 2)),
  );
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
    await gateway.close();
    await follower.stop();
    await workspaces.close();
    await webhookSender.close();
    await bus?.close();
    await store.close();
    throw error;
  }
  let smtpInbound: SmtpListener | null = null;
  if (options.smtpInboundPort !== undefined) {
    try {
      smtpInbound = await startInboundSmtp(workspaces, directory, options.smtpInboundPort, listenHost, logger);
    } catch (error) {
      server.close();
      clearInterval(sweep);
      await gateway.close();
      await follower.stop();
      await workspaces.close();
      await webhookSender.close();
      await bus?.close();
      await store.close();
      throw error;
    }
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
    store,
    auth,
    accounts,
    mailer,
    messengerSender,
    smtpInbound,
    workspaces,
    webhooks: webhookSender,
    close(code = CLOSE_CODES.goingAway) {
      closing ??= (async () => {
        draining = true;
        const started = performance.now();
        removeControlFile(dataDir, controlToken);
        clearInterval(sweep);
        watchdog?.stop();
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
        await smtpInbound?.close();
        // Each hub's mailer and last queued commits, then the file.
        await follower.stop();
        await workspaces.close();
        await webhookSender.close();
        await bus?.close();
        await store.close();
        logger.info({ code, ms: Math.round(performance.now() - started) }, 'server closed');
      })();
      return closing;
    },
  };
}

/**
 * The SMTP listener files mail into the workspace that receives mail at its recipient address
 * (channels/inbound-routing.ts), as the HTTP endpoint does, with the same idempotency key.
 */
function startInboundSmtp(
  workspaces: WorkspaceHubs,
  directory: WorkspaceDirectory,
  port: number,
  host: string | undefined,
  logger: Logger,
) {
  const defaultAddress = () => workspaces.peek(DEFAULT_WORKSPACE)?.backend.state.settings.email.address ?? '';
  const workspaceOf = (address: string) => workspaceOfRecipient(directory, defaultAddress(), address);
  return startSmtpListener({
    port,
    ...(host ? { host } : {}),
    maxBytes: BODY_LIMITS.rawEmail,
    accepts: async (address) => (await workspaceOf(address)) !== null,
    ingest: async (command, recipients) => {
      const targets = new Set((await Promise.all(recipients.map(workspaceOf))).filter((id) => id !== null));
      for (const workspaceId of targets) {
        const hub = await workspaces.get(workspaceId);
        await hub.backend.execute({ kind: 'system' }, command, `email:${command.messageId}`);
      }
    },
    logger,
  });
}

/**
 * Limiters shared by the cluster through Redis. Redis only speeds the limit up across processes:
 * while it is down each process limits alone (fail open to the in-process buckets), counted in
 * `confab_rate_limit_unshared_total` and logged once a minute at most; traffic never waits on it.
 */
function sharedRateLimiters(bus: ClusterBus, metrics: ServerMetrics, logger: Logger): RateLimiterFactory {
  let loggedAt = -Infinity;
  return (name, capacity, perSecond) =>
    new SharedRateLimiter(name, capacity, perSecond, bus.counter, (error) => {
      metrics.rateLimitUnshared(name);
      if (Date.now() - loggedAt < 60_000) return;
      loggedAt = Date.now();
      logger.warn({ limiter: name, err: (error as Error).message }, 'rate limits not shared: redis unreachable');
    });
}

/** The store as the hub sees it, timing each commit and logging the ones that fail. */
function observedStorage(storage: WorkspaceStorage, metrics: ServerMetrics, logger: Logger): BackendStorage {
  /** Times a commit and logs it when it fails (a refusal the engine decided is not a failure of storage). */
  async function observed(commit: () => Promise<void>, events: () => number): Promise<void> {
    const stopTimer = metrics.commitSeconds.startTimer();
    try {
      await commit();
    } catch (error) {
      if (!(error instanceof ConfabError)) logger.error({ err: error, events: events() }, 'commit failed');
      throw error;
    } finally {
      stopTimer();
    }
  }
  const { commitLocked, eventsAfter, commitAt } = storage;
  return {
    ...(storage.keepsMessagesApart ? { keepsMessagesApart: true } : {}),
    // A log other processes write too (PostgreSQL): the hub decides under its lock and catches up.
    ...(commitLocked && eventsAfter
      ? {
          eventsAfter: (seq: number) => eventsAfter(seq),
          commitLocked(batch, decide) {
            let events = 0;
            const asked = performance.now();
            return observed(
              () =>
                commitLocked(batch, (log) => {
                  // Called once the head row is locked: a pooled connection, BEGIN and the lock were waited for.
                  metrics.lockWaitSeconds.observe((performance.now() - asked) / 1000);
                  const records = decide(log);
                  events = records.reduce((sum, record) => sum + record.events.length, 0);
                  return records;
                }),
              () => events,
            );
          },
          ...(commitAt && {
            async commitAt(seq: number, record: CommitRecord) {
              let done = false;
              await observed(
                async () => {
                  done = await commitAt(seq, record);
                },
                () => record.events.length,
              );
              metrics.oneStepCommit(done ? 'committed' : 'moved');
              return done;
            },
          }),
        }
      : {}),
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
    commit(record) {
      return observed(
        () => storage.commit(record),
        () => record.events.length,
      );
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

/** Whether two principals are the same agent or the same visitor. */
function samePrincipal(a: Principal, b: Principal): boolean {
  if (a.kind === 'agent' && b.kind === 'agent') return a.agentId === b.agentId;
  if (a.kind === 'visitor' && b.kind === 'visitor') return a.contactId === b.contactId;
  return false;
}

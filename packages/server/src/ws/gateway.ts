import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE_CODES, MAX_FRAME_LENGTH, type ErrorCode, type ServerFrame } from '@confab/core';
import type { BackendConnection } from '@confab/core/backend';
import { frameText } from './frame-text.js';
import { createTurnWrites } from './turn-writes.js';
import type { RoutedConnectionInfo } from '../workspaces/socket-router.js';
import { isSiteKey } from '../storage/workspace-directory.js';

/** A hub link; a workspace router's (workspaces/socket-router.ts) names the workspace it went to. */
type GatewayConnection = BackendConnection & { readonly workspaceId?: string | null };
import { TokenBucket, localRateLimiters, type RateLimiterFactory } from '../rate-limit.js';
import { clientIp } from '../http/http-util.js';
import { normaliseOrigin, ownOrigins } from '../http/host-check.js';
import { hashToken } from '../auth/authenticator.js';
import { newLogId, silentLogger, type Logger } from '../logging.js';
import type { ServerMetrics } from '../metrics.js';

/**
 * The token a page of this server says hello with to use its agent session cookie: the gateway
 * puts the cookie's session token in its place, so the session token never reaches page scripts
 * (the cookie is HttpOnly) nor a URL. Only a same-origin upgrade carries the cookie into a hello.
 */
export const SESSION_COOKIE_HELLO = 'confab-session-cookie';
/** What a cookie hello becomes when there is no usable cookie: a token the hub refuses (4401). */
const NO_SESSION = 'cfs_none';

/**
 * Close codes. 4400–4499 tell the client not to retry with the same credentials (the WebSocket
 * transport stops); 1013 "try again later" lets it back off and resume.
 */
export const CLOSE_UNAUTHENTICATED = CLOSE_CODES.unauthenticated;
export const CLOSE_FORBIDDEN = CLOSE_CODES.forbidden;
export const CLOSE_TRY_AGAIN_LATER = CLOSE_CODES.tryAgainLater;
/** A connection that floods, does not read its answers, or never says hello. */
export const CLOSE_POLICY_VIOLATION = CLOSE_CODES.policyViolation;

/**
 * A socket that sends but does not read: while more than UNREAD_BYTES wait unsent and nothing was
 * drained since its previous answer (error, pong), each answer is a strike; past MAX_STRIKES it is
 * dropped. One that floods with its reading paused made the server queue an answer per frame (40
 * such sockets once took the server from 62 MB to 1.7 GB). A client draining a large snapshot
 * makes progress between answers and is never struck.
 */
const UNREAD_BYTES = 64 * 1024;
const MAX_STRIKES = 64;
/**
 * While more than this waits unsent to a socket, the gateway stops reading it: a client that does
 * not read its answers cannot make the server queue more (its frames wait in TCP instead). A
 * visitor sending large messages with its reading paused once held 12 MB each (125 took 1.5 GB).
 */
const READ_PAUSE_BYTES = 64 * 1024;
/** The heartbeat pings its sockets in slices this far apart (see the heartbeat below). */
const HEARTBEAT_SLICE_MS = 100;
/** How long a closing peer has to answer the close frame. */
const CLOSE_GRACE_MS = 1000;

export interface GatewayLimits {
  /** Frames per connection: burst and sustained rate. */
  connectionBurst: number;
  connectionPerSecond: number;
  /** Frames per visitor, across all their connections. */
  visitorBurst: number;
  visitorPerSecond: number;
  /** Frames per IP, across all connections from it. */
  ipBurst: number;
  ipPerSecond: number;
  /** New visitor sessions (hellos without a token) per IP. */
  newVisitorBurst: number;
  newVisitorPerSecond: number;
  /** Open sockets per IP. */
  connectionsPerIp: number;
  /** A socket that has not said hello this long after opening is closed (1008). */
  helloTimeoutMs: number;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  connectionBurst: 60,
  connectionPerSecond: 20,
  visitorBurst: 60,
  visitorPerSecond: 20,
  ipBurst: 600,
  ipPerSecond: 200,
  newVisitorBurst: 60,
  newVisitorPerSecond: 2,
  connectionsPerIp: 500,
  helloTimeoutMs: 10_000,
};

/** No limits at all: for benchmarks on loopback. */
export const NO_LIMITS: GatewayLimits = {
  connectionBurst: Infinity,
  connectionPerSecond: Infinity,
  visitorBurst: Infinity,
  visitorPerSecond: Infinity,
  ipBurst: Infinity,
  ipPerSecond: Infinity,
  newVisitorBurst: Infinity,
  newVisitorPerSecond: Infinity,
  connectionsPerIp: Infinity,
  helloTimeoutMs: Infinity,
};

export interface GatewayOptions {
  /** Links each socket to a hub: the server's workspace router, or one Backend. */
  backend: {
    connect(
      send: (frame: ServerFrame) => void,
      end: (code: number, reason: string) => void,
      info: RoutedConnectionInfo,
    ): GatewayConnection;
  };
  /** Tells what a token claims to be, before the hub verifies it (for the Origin rule). */
  claimedKind: (token: string) => 'agent' | 'visitor' | 'unknown';
  /** Origins whose pages may open visitor sessions, besides the server's own; `*` allows any. */
  allowedOrigins: readonly string[];
  /**
   * The page origins a widget site allows (a hello naming `site` is checked against these instead
   * of allowedOrigins), or null for a site the server does not know (the router refuses it).
   */
  siteOrigins?: (siteKey: string) => readonly string[] | null;
  /** The server's own origins for a request. Default: `http://` plus its Host (see ownOrigins). */
  ownOrigins?: (req: IncomingMessage) => readonly string[];
  /** Whether the upgrade's Host header names this server (DNS rebinding); refused with 400 when not. */
  hostAllowed?: (req: IncomingMessage) => boolean;
  limits?: Partial<GatewayLimits>;
  /** Makes the per-IP and per-visitor limiters; in-process buckets by default. */
  rateLimiters?: RateLimiterFactory;
  /** Interval of WebSocket pings; a socket that missed one pong is dropped. Default 30 s. */
  heartbeatMs?: number;
  /** A socket with more than this many bytes unsent is too slow and is closed (it resumes on reconnect). */
  maxBufferedBytes?: number;
  path?: string;
  /** Take the client address from X-Forwarded-For (one trusted reverse proxy in front). */
  trustProxy?: boolean;
  /** The agent session token in an upgrade's cookie, or null (see SESSION_COOKIE_HELLO). */
  sessionCookie?: (req: IncomingMessage) => string | null;
  /** Whether a session is still live; checked at each heartbeat, a socket of an ended one closes (4401). */
  sessionAlive?: (sessionToken: string) => Promise<boolean>;
  /** Where refusals and closes are logged (never a token or a frame's text). */
  logger?: Logger;
  /** Counts commands by type and outcome, and refusals. */
  metrics?: ServerMetrics;
}

export interface Gateway {
  readonly connections: number;
  /** Open connections by principal kind (`agent`, `visitor`, `none` before a hello is accepted). */
  connectionsByKind(): Record<string, number>;
  /** Closes the sockets that said hello with one of these agent sessions or agent tokens (by token hash). */
  closeSessions(tokenHashes: Iterable<string>, code: number, reason: string): void;
  /**
   * Stops taking sockets and closes every open one with `code` (1001 going away, 1012 restarting:
   * both tell clients to reconnect and resume); resolves once all are gone (a peer that does not
   * answer is cut off after a second).
   */
  close(code?: number): Promise<void>;
  /** Closes every open socket with `code` and goes on taking new ones (a process that lost its database). */
  closeEvery(code: number, reason: string): void;
}

/** What a socket is in the connection counts: `none` until its hello is welcomed. */
type ConnectionKind = 'agent' | 'visitor' | 'none';

/** Error answers an operator wants in the log: who was turned away, and why. */
const REFUSALS_TO_LOG = new Set(['unauthenticated', 'forbidden', 'session-expired', 'origin-not-allowed']);
/** Commands tracked for the metric per socket; the rate limits keep a socket far below this. */
const MAX_PENDING_COMMANDS = 1000;

/** A query parameter that looks like a credential: tokens never travel in URLs (DESIGN §5). */
const CREDENTIAL_PARAM = /token|session|secret|auth|key/i;

/**
 * WebSocket at `path` on an existing HTTP server: each socket becomes one backend connection.
 * The gateway adds what the hub does not know about: the Origin rule, rate limits, byte limits,
 * heartbeats and slow consumers. It passes each text frame to the hub, which validates it.
 */
export function attachGateway(server: Server, options: GatewayOptions): Gateway {
  const limits: GatewayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const path = options.path ?? '/ws';
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 16 * 1024 * 1024;
  const anyOrigin = options.allowedOrigins.includes('*');
  const ownOriginsOf = options.ownOrigins ?? ((req: IncomingMessage) => ownOrigins(req, [], options.trustProxy));
  const allowedOrigins = new Set(options.allowedOrigins.map(normaliseOrigin).filter((origin) => origin !== null));

  const beforeWrite = createTurnWrites();
  // The hub refuses frames over MAX_FRAME_LENGTH characters with a typed error; ws drops the socket
  // only far beyond that (a UTF-8 character takes up to 3 bytes per UTF-16 unit, plus slack).
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_LENGTH * 4, perMessageDeflate: false });
  // Per IP and per visitor, shared by the cluster's processes when it has Redis (rate-limit.ts).
  const rateLimiters = options.rateLimiters ?? localRateLimiters;
  const ipFrames = rateLimiters('ip-frames', limits.ipBurst, limits.ipPerSecond);
  const visitorFrames = rateLimiters('visitor-frames', limits.visitorBurst, limits.visitorPerSecond);
  const newVisitors = rateLimiters('new-visitors', limits.newVisitorBurst, limits.newVisitorPerSecond);
  const socketsPerIp = new Map<string, number>();
  const alive = new WeakMap<WebSocket, boolean>();
  /** Sockets that said hello with a cookie session, and that session's token. */
  const sessionOf = new Map<WebSocket, string>();
  /** Sockets that said hello with an agent's bearer token, and that token (a revoked one closes them). */
  const agentTokenOf = new Map<WebSocket, string>();
  const enders = new WeakMap<WebSocket, (code: number, reason: string) => void>();
  /** Ends a socket whose agent session ended (idle or too old), saying so first. */
  const sessionEnders = new WeakMap<WebSocket, () => void>();
  const connectionOf = new Map<WebSocket, GatewayConnection>();
  /** Open connections by kind, kept as they change: a scrape reads them without walking the sockets. */
  const connectionCounts: Record<ConnectionKind, number> = { agent: 0, visitor: 0, none: 0 };
  const logger = options.logger ?? silentLogger();
  const refused = (reason: string, fields: Record<string, unknown>, message: string, to: Logger = logger) => {
    options.metrics?.refusal(reason);
    to.warn({ ...fields, reason }, message);
  };

  function refuseUpgrade(socket: Duplex, status: number, message: string) {
    socket.end(
      `HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
    );
  }

  function originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    // No Origin: not a browser, so not a page of some other site acting through the visitor's browser.
    if (!origin) return true;
    if (anyOrigin) return true;
    // Whole origins: an http:// page (which anyone on the network can write into) is not the
    // https:// site of the same name, nor is another port on the same host.
    const normalised = normaliseOrigin(origin);
    if (normalised === null) return false;
    return allowedOrigins.has(normalised) || ownOriginsOf(req).includes(normalised);
  }

  /** A visitor hello naming a site: the page must be one of the site's origins (or the server's own). */
  function siteAllowsOrigin(req: IncomingMessage, siteKey: string): boolean {
    const origin = req.headers.origin;
    if (!origin) return true;
    const origins = options.siteOrigins?.(siteKey);
    // An unknown site is refused by the router, in its own words.
    if (!origins) return true;
    if (origins.includes('*')) return true;
    const normalised = normaliseOrigin(origin);
    if (normalised === null) return false;
    return origins.includes(normalised) || ownOriginsOf(req).includes(normalised);
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) {
      refuseUpgrade(socket, 404, 'Not Found');
      return;
    }
    const ip = clientIp(req, options.trustProxy);
    if (options.hostAllowed && !options.hostAllowed(req)) {
      refused('host', { ip, host: req.headers.host }, 'socket refused: unknown Host name');
      refuseUpgrade(socket, 400, 'Bad Request: this server is not known by that Host name (set CONFAB_PUBLIC_URL)');
      return;
    }
    for (const name of url.searchParams.keys()) {
      if (CREDENTIAL_PARAM.test(name)) {
        refused('credential-in-url', { ip }, 'socket refused: a credential in its URL');
        refuseUpgrade(socket, 400, 'Bad Request: tokens never travel in URLs; send the token in the hello frame');
        return;
      }
    }
    if ((socketsPerIp.get(ip) ?? 0) >= limits.connectionsPerIp) {
      refused('rate-limited', { ip, limit: 'connections-per-ip' }, 'socket refused: too many open connections');
      refuseUpgrade(socket, 429, 'Too Many Requests: too many open connections from this address');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, ip));
  }

  function onConnection(ws: WebSocket, req: IncomingMessage, ip: string) {
    const log = logger.child({ connId: newLogId(), ip });
    log.debug({ origin: req.headers.origin }, 'socket opened');
    /** Commands awaiting their answer: id → type and arrival, for the commands metrics. */
    const pendingCommands = new Map<string, { type: string; started: number }>();
    socketsPerIp.set(ip, (socketsPerIp.get(ip) ?? 0) + 1);
    alive.set(ws, true);
    const fromAllowedOrigin = originAllowed(req);
    // A cookie rides along on any upgrade the browser makes to us; only a page of our own origin may use it.
    const origin = normaliseOrigin(String(req.headers.origin ?? ''));
    const cookieSession =
      origin !== null && ownOriginsOf(req).includes(origin) ? (options.sessionCookie?.(req) ?? null) : null;
    const connectionFrames = new TokenBucket(limits.connectionBurst, limits.connectionPerSecond);
    let connection: GatewayConnection | null = null;
    /** Refusals it may be answered at the same rates; a connection that spends them all floods. */
    const refusals = new TokenBucket(limits.connectionBurst, limits.connectionPerSecond);
    const helloTimer = Number.isFinite(limits.helloTimeoutMs)
      ? setTimeout(() => {
          log.info({ reason: 'no-hello' }, 'socket closed: no hello in time');
          end(CLOSE_POLICY_VIOLATION, 'no hello: say hello first');
        }, limits.helloTimeoutMs)
      : undefined;

    /** This socket's kind in the connection counts (kept as sockets open, say hello and close). */
    let counted: ConnectionKind | null = null;
    const countAs = (kind: ConnectionKind | null) => {
      if (counted !== null) connectionCounts[counted] -= 1;
      if (kind !== null) connectionCounts[kind] += 1;
      counted = kind;
    };
    let bufferedAtLastAnswer = 0;
    let strikes = 0;
    const send = (frame: ServerFrame) => {
      if (ws.readyState !== ws.OPEN) return;
      if (frame.type === 'welcome') countAs(frame.principal.kind === 'system' ? 'none' : frame.principal.kind);
      if (frame.type === 'ack' || frame.type === 'error') answered(frame);
      if (frame.type === 'error' || frame.type === 'pong') {
        const buffered = ws.bufferedAmount;
        strikes = buffered > UNREAD_BYTES && buffered >= bufferedAtLastAnswer ? strikes + 1 : 0;
        bufferedAtLastAnswer = buffered;
        if (strikes > MAX_STRIKES) {
          refused('not-reading', {}, 'socket dropped: it sends but does not read', log);
          ws.terminate();
          return;
        }
      }
      if (ws.bufferedAmount > maxBufferedBytes) {
        log.info({ reason: 'too-slow', buffered: ws.bufferedAmount }, 'socket closed: too far behind');
        ws.close(CLOSE_TRY_AGAIN_LATER, 'too slow: reconnect and resume');
        return;
      }
      const text = frameText(frame);
      const backlogged = ws.isPaused || ws.bufferedAmount + text.length > READ_PAUSE_BYTES;
      // A socket awaiting answers gets its command's events and ack in one write.
      beforeWrite(req.socket, pendingCommands.size > 0);
      // The write's callback runs once it (and all before it) left for the network.
      ws.send(text, backlogged ? resumeWhenDrained : undefined);
      if (backlogged && !ws.isPaused) ws.pause();
    };
    /** Counts a command's outcome, and logs the refusals an operator looks for (auth, access). */
    const answered = (frame: Extract<ServerFrame, { type: 'ack' | 'error' }>) => {
      const pending = frame.id === undefined ? undefined : pendingCommands.get(frame.id);
      const type = pending?.type;
      if (pending !== undefined) {
        pendingCommands.delete(frame.id!);
        options.metrics?.command(pending.type, frame.type === 'ack' ? 'ack' : frame.error.code);
        options.metrics?.commandSeconds.observe((performance.now() - pending.started) / 1000);
      }
      if (frame.type === 'error' && REFUSALS_TO_LOG.has(frame.error.code))
        refused(frame.error.code, type === undefined ? {} : { command: type }, `refused: ${frame.error.code}`, log);
    };
    const resumeWhenDrained = () => {
      if (ws.isPaused && !closing && ws.bufferedAmount <= READ_PAUSE_BYTES) ws.resume();
    };
    let closing = false;
    const end = (code: number, reason: string) => {
      if (ws.readyState !== ws.OPEN && ws.readyState !== ws.CONNECTING) return;
      closing = true;
      // A close reason may have at most 123 bytes.
      ws.close(code, Buffer.from(reason).subarray(0, 123).toString());
      // A peer that does not answer the close (it is not reading) is cut off after a moment,
      // instead of being read from and held for ws's 30 s closing timeout.
      const cutOff = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
      ws.once('close', () => clearTimeout(cutOff));
    };
    const refuse = (code: ErrorCode, message: string, id?: string) =>
      send({ v: 1, type: 'error', ...(id ? { id } : {}), error: { code, message } });
    enders.set(ws, end);
    sessionEnders.set(ws, () => {
      // Named first, so the inbox says "your session has ended", not "you are not signed in".
      refuse('session-expired', 'Your session has ended: sign in again.');
      end(CLOSE_UNAUTHENTICATED, 'session ended: sign in again');
    });

    connection = options.backend.connect(send, end, {
      ip,
      ...(req.headers.origin ? { origin: req.headers.origin } : {}),
      sameOrigin: !req.headers.origin || (origin !== null && ownOriginsOf(req).includes(origin)),
    });
    connectionOf.set(ws, connection);
    countAs('none');

    ws.on('pong', () => alive.set(ws, true));
    ws.on('message', (data, isBinary) => {
      alive.set(ws, true);
      // Once closing, what it still sends is not read any further (a flood would keep the server busy).
      if (!connection || closing) return;
      // Rates first: a flood costs a counter per frame, not a decode and a parse.
      const now = Date.now();
      const principal = connection.principal;
      const withinRate =
        connectionFrames.take(1, now) &&
        ipFrames.take(ip, 1, now) &&
        (principal?.kind !== 'visitor' ||
          visitorFrames.take(`${connection.workspaceId ?? ''}:${principal.contactId}`, 1, now));
      if (!withinRate && !refusals.take(1, now)) {
        refused('flood', {}, 'socket closed: too many frames', log);
        end(CLOSE_POLICY_VIOLATION, 'too many frames: reconnect later, slower');
        ws.pause();
        return;
      }
      if (isBinary) {
        refuse('invalid', 'Frames are JSON text, not binary.');
        return;
      }
      const raw = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.from(data).toString('utf8');
      if (raw.length > MAX_FRAME_LENGTH) {
        refuse('too-large', `A frame may have at most ${MAX_FRAME_LENGTH} characters.`);
        return;
      }
      let parsed: unknown;
      let isJson = true;
      try {
        parsed = JSON.parse(raw);
      } catch {
        isJson = false;
      }
      const frame =
        isJson && typeof parsed === 'object' && parsed !== null
          ? (parsed as { type?: unknown; id?: unknown; token?: unknown; site?: unknown })
          : null;
      const commandId = typeof frame?.id === 'string' && frame.id.length <= 128 ? frame.id : undefined;
      if (!withinRate) {
        options.metrics?.refusal('rate-limited');
        refuse('rate-limited', 'Too many frames; slow down and retry.', commandId);
        return;
      }
      if (frame?.type === 'hello' && frame.token === SESSION_COOKIE_HELLO) {
        frame.token = cookieSession ?? NO_SESSION;
        if (cookieSession) sessionOf.set(ws, cookieSession);
      }
      if (frame?.type === 'hello') {
        clearTimeout(helloTimer);
        const kind = options.claimedKind(typeof frame.token === 'string' ? frame.token : 'unknown');
        if (kind === 'agent' && !sessionOf.has(ws) && typeof frame.token === 'string')
          agentTokenOf.set(ws, frame.token);
        else agentTokenOf.delete(ws);
        const originAllowedHere =
          typeof frame.site === 'string' && isSiteKey(frame.site)
            ? siteAllowsOrigin(req, frame.site)
            : fromAllowedOrigin;
        if (kind === 'visitor' && !originAllowedHere) {
          refused('origin', { origin: req.headers.origin }, 'visitor session refused: origin not allowed', log);
          refuse('origin-not-allowed', 'This site may not open chat sessions (its origin is not allowed).');
          end(CLOSE_FORBIDDEN, 'origin not allowed');
          return;
        }
        if (frame.token === '' && !newVisitors.take(ip, 1, now)) {
          refused(
            'rate-limited',
            { limit: 'new-visitors-per-ip' },
            'visitor session refused: too many new sessions',
            log,
          );
          refuse('rate-limited', 'Too many new visitor sessions from this address; retry later.');
          end(CLOSE_TRY_AGAIN_LATER, 'too many new sessions');
          return;
        }
      }
      if (frame?.type === 'command' && commandId !== undefined && pendingCommands.size < MAX_PENDING_COMMANDS) {
        const command = (parsed as { command?: { type?: unknown } }).command;
        if (typeof command?.type === 'string')
          pendingCommands.set(commandId, { type: command.type, started: performance.now() });
      }
      // The hub validates the frame (and answers malformed JSON with a typed error). Only an
      // object travels parsed: a JSON string holding a frame must not be decoded a second time,
      // past the Origin and new-session checks above.
      connection.receive(frame !== null ? parsed : raw);
    });
    ws.on('close', (code) => {
      log.debug({ code }, 'socket closed');
      connectionOf.delete(ws);
      countAs(null);
      clearTimeout(helloTimer);
      sessionOf.delete(ws);
      agentTokenOf.delete(ws);
      const count = (socketsPerIp.get(ip) ?? 1) - 1;
      if (count <= 0) socketsPerIp.delete(ip);
      else socketsPerIp.set(ip, count);
      connection?.close();
      connection = null;
    });
    ws.on('error', () => ws.terminate());
  }

  server.on('upgrade', onUpgrade);

  function closeSessions(tokenHashes: Iterable<string>, code: number, reason: string) {
    const ended = new Set(tokenHashes);
    for (const tokens of [sessionOf, agentTokenOf])
      for (const [ws, token] of tokens) if (ended.has(hashToken(token))) enders.get(ws)?.(code, reason);
  }

  // Each socket is pinged once per heartbeat, a slice of them at a time: pinging 10,000 sockets in
  // one go held the event loop for 180–390 ms every 30 s (a write each), and every message that
  // arrived meanwhile waited (issue 19's fan-out p99). A socket still has a whole heartbeat to answer.
  const slices = Math.max(1, Math.round(heartbeatMs / HEARTBEAT_SLICE_MS));
  let round: WebSocket[] = [];
  let tick = 0;
  const heartbeat = setInterval(() => {
    const slice = tick % slices;
    tick += 1;
    if (slice === 0) {
      round = [...wss.clients];
      if (options.sessionAlive) {
        for (const [ws, token] of sessionOf)
          void options.sessionAlive(token).then(
            (alive) => alive || sessionEnders.get(ws)?.(),
            () => undefined,
          );
      }
      const now = Date.now();
      ipFrames.sweep(now);
      visitorFrames.sweep(now);
      newVisitors.sweep(now);
    }
    const size = Math.ceil(round.length / slices);
    for (const ws of round.slice(slice * size, (slice + 1) * size)) {
      if (ws.readyState !== ws.OPEN) continue;
      if (!alive.get(ws)) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, heartbeatMs / slices);
  heartbeat.unref();

  /** Closes every socket with `code`; resolves once each is gone (cut off after CLOSE_GRACE_MS). */
  async function closeAll(code: number, reason: string): Promise<void> {
    clearInterval(heartbeat);
    server.off('upgrade', onUpgrade);
    const closed = [...wss.clients].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === ws.CLOSED) return resolve();
          // A peer that does not finish the closing handshake (one that began it itself, too) is
          // cut off after a moment rather than holding the shutdown for ws's 30 s.
          const cutOff = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
          ws.once('close', () => {
            clearTimeout(cutOff);
            resolve();
          });
          const end = enders.get(ws);
          if (end) end(code, reason);
          else ws.terminate();
        }),
    );
    await Promise.all(closed);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  return {
    get connections() {
      return wss.clients.size;
    },
    connectionsByKind() {
      return { ...connectionCounts };
    },
    closeSessions,
    closeEvery(code, reason) {
      for (const ws of wss.clients) {
        const end = enders.get(ws);
        if (end) end(code, reason);
        else ws.terminate();
      }
    },
    close(code = CLOSE_CODES.goingAway) {
      return closeAll(
        code,
        code === CLOSE_CODES.serviceRestart ? 'server restarting: reconnect' : 'server shutting down',
      );
    },
  };
}

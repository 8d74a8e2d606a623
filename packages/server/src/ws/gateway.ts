import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_FRAME_LENGTH, type ErrorCode, type ServerFrame } from '@confab/core';
import type { Backend, BackendConnection } from '@confab/core/backend';
import { KeyedRateLimiter, TokenBucket } from '../rate-limit.js';
import { clientIp } from '../http/http-util.js';
import { normaliseOrigin, ownOrigins } from '../http/host-check.js';
import { hashToken } from '../auth/authenticator.js';

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
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_TRY_AGAIN_LATER = 1013;
/** A connection that floods, does not read its answers, or never says hello. */
export const CLOSE_POLICY_VIOLATION = 1008;

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
  backend: Backend;
  /** Tells what a token claims to be, before the hub verifies it (for the Origin rule). */
  claimedKind: (token: string) => 'agent' | 'visitor' | 'unknown';
  /** Origins whose pages may open visitor sessions, besides the server's own; `*` allows any. */
  allowedOrigins: readonly string[];
  /** The server's own origins for a request. Default: `http://` plus its Host (see ownOrigins). */
  ownOrigins?: (req: IncomingMessage) => readonly string[];
  /** Whether the upgrade's Host header names this server (DNS rebinding); refused with 400 when not. */
  hostAllowed?: (req: IncomingMessage) => boolean;
  limits?: Partial<GatewayLimits>;
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
  sessionAlive?: (sessionToken: string) => boolean;
}

export interface Gateway {
  readonly connections: number;
  /** Closes the sockets that said hello with one of these agent sessions (by token hash). */
  closeSessions(tokenHashes: Iterable<string>, code: number, reason: string): void;
  close(): Promise<void>;
}

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

  // The hub refuses frames over MAX_FRAME_LENGTH characters with a typed error; ws drops the socket
  // only far beyond that (a UTF-8 character takes up to 3 bytes per UTF-16 unit, plus slack).
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_LENGTH * 4, perMessageDeflate: false });
  const ipFrames = new KeyedRateLimiter(limits.ipBurst, limits.ipPerSecond);
  const visitorFrames = new KeyedRateLimiter(limits.visitorBurst, limits.visitorPerSecond);
  const newVisitors = new KeyedRateLimiter(limits.newVisitorBurst, limits.newVisitorPerSecond);
  const socketsPerIp = new Map<string, number>();
  const alive = new WeakMap<WebSocket, boolean>();
  /** Sockets that said hello with a cookie session, and that session's token. */
  const sessionOf = new Map<WebSocket, string>();
  const enders = new WeakMap<WebSocket, (code: number, reason: string) => void>();
  /** Ends a socket whose agent session ended (idle or too old), saying so first. */
  const sessionEnders = new WeakMap<WebSocket, () => void>();

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

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) {
      refuseUpgrade(socket, 404, 'Not Found');
      return;
    }
    if (options.hostAllowed && !options.hostAllowed(req)) {
      refuseUpgrade(socket, 400, 'Bad Request: this server is not known by that Host name (set CONFAB_PUBLIC_URL)');
      return;
    }
    for (const name of url.searchParams.keys()) {
      if (CREDENTIAL_PARAM.test(name)) {
        refuseUpgrade(socket, 400, 'Bad Request: tokens never travel in URLs; send the token in the hello frame');
        return;
      }
    }
    const ip = clientIp(req, options.trustProxy);
    if ((socketsPerIp.get(ip) ?? 0) >= limits.connectionsPerIp) {
      refuseUpgrade(socket, 429, 'Too Many Requests: too many open connections from this address');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, ip));
  }

  function onConnection(ws: WebSocket, req: IncomingMessage, ip: string) {
    socketsPerIp.set(ip, (socketsPerIp.get(ip) ?? 0) + 1);
    alive.set(ws, true);
    const fromAllowedOrigin = originAllowed(req);
    // A cookie rides along on any upgrade the browser makes to us; only a page of our own origin may use it.
    const origin = normaliseOrigin(String(req.headers.origin ?? ''));
    const cookieSession =
      origin !== null && ownOriginsOf(req).includes(origin) ? (options.sessionCookie?.(req) ?? null) : null;
    const connectionFrames = new TokenBucket(limits.connectionBurst, limits.connectionPerSecond);
    let connection: BackendConnection | null = null;
    /** Refusals it may be answered at the same rates; a connection that spends them all floods. */
    const refusals = new TokenBucket(limits.connectionBurst, limits.connectionPerSecond);
    const helloTimer = Number.isFinite(limits.helloTimeoutMs)
      ? setTimeout(() => end(CLOSE_POLICY_VIOLATION, 'no hello: say hello first'), limits.helloTimeoutMs)
      : undefined;

    let bufferedAtLastAnswer = 0;
    let strikes = 0;
    const send = (frame: ServerFrame) => {
      if (ws.readyState !== ws.OPEN) return;
      if (frame.type === 'error' || frame.type === 'pong') {
        const buffered = ws.bufferedAmount;
        strikes = buffered > UNREAD_BYTES && buffered >= bufferedAtLastAnswer ? strikes + 1 : 0;
        bufferedAtLastAnswer = buffered;
        if (strikes > MAX_STRIKES) {
          ws.terminate();
          return;
        }
      }
      if (ws.bufferedAmount > maxBufferedBytes) {
        ws.close(CLOSE_TRY_AGAIN_LATER, 'too slow: reconnect and resume');
        return;
      }
      const text = JSON.stringify(frame);
      const backlogged = ws.isPaused || ws.bufferedAmount + text.length > READ_PAUSE_BYTES;
      // The write's callback runs once it (and all before it) left for the network.
      ws.send(text, backlogged ? resumeWhenDrained : undefined);
      if (backlogged && !ws.isPaused) ws.pause();
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
    });

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
        (principal?.kind !== 'visitor' || visitorFrames.take(principal.contactId, 1, now));
      if (!withinRate && !refusals.take(1, now)) {
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
          ? (parsed as { type?: unknown; id?: unknown; token?: unknown })
          : null;
      const commandId = typeof frame?.id === 'string' && frame.id.length <= 128 ? frame.id : undefined;
      if (!withinRate) {
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
        if (kind === 'visitor' && !fromAllowedOrigin) {
          refuse('origin-not-allowed', 'This site may not open chat sessions (its origin is not allowed).');
          end(CLOSE_FORBIDDEN, 'origin not allowed');
          return;
        }
        if (frame.token === '' && !newVisitors.take(ip, 1, now)) {
          refuse('rate-limited', 'Too many new visitor sessions from this address; retry later.');
          end(CLOSE_TRY_AGAIN_LATER, 'too many new sessions');
          return;
        }
      }
      // The hub validates the frame (and answers malformed JSON with a typed error). Only an
      // object travels parsed: a JSON string holding a frame must not be decoded a second time,
      // past the Origin and new-session checks above.
      connection.receive(frame !== null ? parsed : raw);
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      sessionOf.delete(ws);
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
    for (const [ws, token] of sessionOf) if (ended.has(hashToken(token))) enders.get(ws)?.(code, reason);
  }

  const heartbeat = setInterval(() => {
    if (options.sessionAlive) {
      for (const [ws, token] of sessionOf) if (!options.sessionAlive(token)) sessionEnders.get(ws)?.();
    }
    for (const ws of wss.clients) {
      if (!alive.get(ws)) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
    const now = Date.now();
    ipFrames.sweep(now);
    visitorFrames.sweep(now);
    newVisitors.sweep(now);
  }, heartbeatMs);
  heartbeat.unref();

  return {
    get connections() {
      return wss.clients.size;
    },
    closeSessions,
    async close() {
      clearInterval(heartbeat);
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const ws of wss.clients) ws.terminate();
    },
  };
}

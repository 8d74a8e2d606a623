// Shared by the security suite: a real reference server on loopback (temp data dir, demo data),
// real `ws` clients that keep every frame they receive, and a stable fingerprint of the engine's
// state so that a test can prove that hostile traffic changed nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startServer, DEMO_INGEST_TOKEN } from '@confab/server';

export { DEMO_INGEST_TOKEN };

/** Every code protocol/errors.ts defines. */
export const ERROR_CODES = new Set([
  'invalid',
  'too-large',
  'unknown-command',
  'unsupported-version',
  'unauthenticated',
  'forbidden',
  'not-found',
  'rule',
  'rate-limited',
  'resync-required',
  'offline',
  'internal',
]);

/** Starts the real server on 127.0.0.1:0 with a fresh data dir and demo data. */
export async function startSecurityServer(options = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-security-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    demo: true,
    ...options,
  });
  const wsUrl = `ws://127.0.0.1:${server.port}/ws`;
  return {
    server,
    url: `http://127.0.0.1:${server.port}`,
    wsUrl,
    dataDir,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Anything → JSON-able, with Maps as sorted entry lists (the engine state is Maps of records). */
function plain(value) {
  if (value instanceof Map)
    return [...value.entries()]
      .map(([key, item]) => [key, plain(item)])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, plain(value[key])]),
    );
  return value;
}

/** The hub's sequence number and its whole state as one JSON text. */
export function fingerprint(server) {
  return { seq: server.backend.seq, state: JSON.stringify(plain(server.backend.state)) };
}

/**
 * A WebSocket peer that records every frame it receives (`frames`, parsed; `texts`, raw) and can
 * wait for the next frame matching a predicate.
 */
export function openPeer(wsUrl, headers = {}) {
  const ws = new WebSocket(wsUrl, { headers });
  const frames = [];
  const texts = [];
  const waiters = [];
  let closed = null;
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? `<binary ${data.length}>` : data.toString('utf8');
    texts.push(text);
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      frame = { type: '<not json>', text };
    }
    frames.push(frame);
    for (const waiter of [...waiters]) {
      if (waiter.index <= frames.length - 1 && waiter.match(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  });
  ws.on('close', (code, reason) => {
    closed = { code, reason: reason.toString() };
    for (const waiter of waiters.splice(0))
      waiter.reject(new Error(`socket closed (${code} ${reason}) while waiting for ${waiter.what}`));
  });
  ws.on('error', () => undefined);
  const opened = new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });

  const peer = {
    ws,
    frames,
    texts,
    opened,
    get closed() {
      return closed;
    },
    send(frame) {
      ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    },
    sendRaw(data, options) {
      ws.send(data, options);
    },
    /** The first frame after index `from` (default: from now on) that matches. */
    next(match = () => true, { from = frames.length, timeoutMs = 5000, what = 'a frame' } = {}) {
      for (let index = from; index < frames.length; index += 1)
        if (match(frames[index])) return Promise.resolve(frames[index]);
      if (closed) return Promise.reject(new Error(`socket closed (${closed.code}) before ${what}`));
      return new Promise((resolve, reject) => {
        const waiter = { index: from, match, what, resolve, reject };
        waiters.push(waiter);
        setTimeout(() => {
          const at = waiters.indexOf(waiter);
          if (at >= 0) {
            waiters.splice(at, 1);
            reject(new Error(`timed out waiting for ${what}`));
          }
        }, timeoutMs).unref();
      });
    },
    /** Sends a frame and returns the next frame the server answers with. */
    async ask(frame, match = () => true, what = 'an answer') {
      const from = frames.length;
      peer.send(frame);
      return peer.next(match, { from, what });
    },
    /** Sends a command and waits for its ack or error (by command id). */
    async command(id, command) {
      return peer.ask(
        { v: 1, type: 'command', id, command },
        (f) => (f.type === 'ack' || f.type === 'error') && f.id === id,
        `answer to ${id}`,
      );
    },
    /** Ping → pong: the connection is still usable. */
    async alive() {
      const pong = await peer.ask({ v: 1, type: 'ping' }, (f) => f.type === 'pong', 'pong');
      return pong.type === 'pong';
    },
    whenClosed() {
      if (closed) return Promise.resolve(closed);
      return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    },
    close() {
      ws.close();
    },
  };
  return peer;
}

/** Opens a socket and says hello; resolves with the peer once the welcome and catch-up arrived. */
export async function connect(wsUrl, token = '', extra = {}, headers = {}) {
  const peer = openPeer(wsUrl, headers);
  await peer.opened;
  peer.send({ v: 1, type: 'hello', token, ...extra });
  const welcome = await peer.next((f) => f.type === 'welcome' || f.type === 'error', { from: 0, what: 'welcome' });
  if (welcome.type !== 'welcome') throw new Error(`hello refused: ${JSON.stringify(welcome)}`);
  // The catch-up (snapshot, or events on resume) follows the welcome at once.
  if (extra.resumeFrom === undefined) await peer.next((f) => f.type === 'snapshot', { from: 0, what: 'snapshot' });
  else await peer.alive();
  peer.welcome = welcome;
  peer.token = welcome.sessionToken ?? token;
  return peer;
}

/** An agent token through the demo sign-in. */
export async function agentToken(url, agentId) {
  const response = await fetch(`${url}/api/demo/session${agentId ? `?agent=${encodeURIComponent(agentId)}` : ''}`);
  return (await response.json()).token;
}

/** A new visitor who starts a chat with `text`; returns the peer, contact and conversation ids. */
export async function newVisitorWithChat(wsUrl, text, id = `start-${Math.random().toString(36).slice(2)}`) {
  const peer = await connect(wsUrl, '');
  const ack = await peer.command(id, { type: 'visitor.startChat', text });
  if (ack.type !== 'ack') throw new Error(`startChat refused: ${JSON.stringify(ack)}`);
  return { peer, contactId: peer.welcome.principal.contactId, conversationId: ack.result.conversationId };
}

export async function health(url) {
  const response = await fetch(`${url}/health`);
  return response.status;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A random seed that is printed, or the one given in CONFAB_SECURITY_SEED to replay a run. */
export function seedFor(name) {
  const given = Number(process.env.CONFAB_SECURITY_SEED);
  const seed =
    Number.isInteger(given) && process.env.CONFAB_SECURITY_SEED
      ? given
      : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  console.log(`# ${name}: fast-check seed ${seed} (replay with CONFAB_SECURITY_SEED=${seed})`);
  return seed;
}

/** Wraps a property so that its first failure is printed (fast-check 4 keeps it only as `cause`). */
export function printingFailures(property) {
  let printed = false;
  return async (...args) => {
    try {
      await property(...args);
    } catch (error) {
      if (!printed) console.log(`# first failure: ${String(error?.message ?? error).slice(0, 1500)}`);
      printed = true;
      throw error;
    }
  };
}

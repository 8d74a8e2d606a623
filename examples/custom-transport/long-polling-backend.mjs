// A backend that speaks Confab's protocol over plain HTTP long-polling instead of WebSocket:
// the shape of an integrator's own backend. Each link is a queue of server frames.
//
//   POST /links              → { linkId }                       opens a link
//   POST /links/:id/frames   body: a client frame (JSON)        client → server
//   GET  /links/:id/frames?after=N → [{ n, frame }, …]          server → client, held up to 20 s
//   DELETE /links/:id                                           closes the link
//
// Tokens travel inside the hello frame's body, never in a URL.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createBackend } from '@confab/core/backend';

const POLL_HOLD_MS = 20_000;
const LINK_IDLE_MS = 60_000;
const MAX_BODY = 256 * 1024;

/**
 * Starts the long-polling backend on 127.0.0.1.
 * @param {{ port?: number, agents?: Array<{ id: string, name: string }> }} [options]
 */
export async function startLongPollingBackend(options = {}) {
  const tokens = new Map();
  const issue = (principal) => {
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, principal);
    return token;
  };
  const backend = createBackend({
    auth: {
      verify: async (token) => tokens.get(token) ?? null,
      issueVisitorSession: async (contactId) => issue({ kind: 'visitor', contactId }),
    },
  });
  await backend.ready;
  const agents = options.agents ?? [{ id: 'agent-1', name: 'Ann' }];
  await backend.append(
    agents.map((agent) => ({
      type: 'agent.upserted',
      agent: { ...agent, email: `${agent.id}@team.example`, availability: 'available', disabled: false },
    })),
  );

  /** @type {Map<string, { frames: Array<{ n: number, frame: unknown }>, next: number, waiters: Set<() => void>, connection: any, closed: boolean, seen: number }>} */
  const links = new Map();

  function openLink() {
    const linkId = randomBytes(16).toString('base64url');
    const link = { frames: [], next: 1, waiters: new Set(), connection: null, closed: false, seen: Date.now() };
    const wake = () => {
      for (const waiter of [...link.waiters]) waiter();
    };
    link.connection = backend.connect(
      (frame) => {
        link.frames.push({ n: link.next++, frame });
        wake();
      },
      (code, reason) => {
        link.frames.push({
          n: link.next++,
          frame: {
            v: 1,
            type: 'error',
            error: { code: code >= 4400 && code < 4500 ? 'unauthenticated' : 'internal', message: reason },
          },
        });
        link.closed = true;
        wake();
      },
    );
    links.set(linkId, link);
    return linkId;
  }

  const sweeper = setInterval(() => {
    for (const [id, link] of links) {
      if (Date.now() - link.seen > LINK_IDLE_MS) {
        link.connection.close();
        links.delete(id);
      }
    }
  }, 5_000);

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean);
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method === 'POST' && url.pathname === '/links') return reply(201, { linkId: openLink() });
      const link = parts[0] === 'links' && parts[1] ? links.get(parts[1]) : undefined;
      if (!link) return reply(404, { error: { code: 'not-found', message: 'No such link.' } });
      link.seen = Date.now();
      if (req.method === 'DELETE' && parts.length === 2) {
        link.connection.close();
        links.delete(parts[1]);
        return reply(204, {});
      }
      if (parts[2] !== 'frames') return reply(404, { error: { code: 'not-found', message: 'No such route.' } });
      if (req.method === 'POST') {
        const body = await readBody(req);
        // The hub validates the frame itself and answers bad ones with a typed error frame.
        link.connection.receive(body);
        return reply(202, {});
      }
      if (req.method === 'GET') {
        const after = Number(url.searchParams.get('after') ?? 0);
        const ready = () => link.frames.filter((entry) => entry.n > after);
        if (!ready().length && !link.closed) {
          await new Promise((resolve) => {
            const timer = setTimeout(done, POLL_HOLD_MS);
            function done() {
              clearTimeout(timer);
              link.waiters.delete(done);
              resolve(undefined);
            }
            link.waiters.add(done);
            req.on('close', done);
          });
        }
        // Frames the client has confirmed (by asking after them) are dropped.
        link.frames = link.frames.filter((entry) => entry.n > after);
        return reply(200, { frames: ready(), closed: link.closed });
      }
      return reply(405, { error: { code: 'invalid', message: 'Method not allowed.' } });
    } catch (error) {
      return reply(error?.status ?? 500, {
        error: { code: error?.code ?? 'internal', message: error?.message ?? 'failed' },
      });
    }
  });
  await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    backend,
    agentToken: (agentId) => issue({ kind: 'agent', agentId }),
    async close() {
      clearInterval(sweeper);
      for (const link of links.values()) {
        link.closed = true;
        for (const waiter of [...link.waiters]) waiter();
        link.connection.close();
      }
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
      await backend.close();
    },
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('The frame is too large.'), { status: 413, code: 'too-large' }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

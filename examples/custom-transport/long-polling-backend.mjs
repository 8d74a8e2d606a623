// A backend that speaks Confab's protocol over plain HTTP long-polling instead of WebSocket:
// the shape of an integrator's own backend. Each link is a queue of server frames.
//
//   POST /links              → { linkId, linkKey }                    opens a link
//   POST /links/:id/frames   body: a client frame (JSON)              client → server
//   GET  /links/:id/frames?after=N → { frames: [{ n, frame }, …],   server → client, held up to 20 s
//                                      closeCode?, closeReason? }    (closeCode: the link ended)
//   DELETE /links/:id                                                 closes the link
//
// Every request about a link carries `Authorization: Bearer <linkKey>`: knowing a link id is not
// enough to read or post on it. Tokens travel inside the hello frame's body, never in a URL.
import { createServer } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { MAX_FRAME_LENGTH } from '@confab/core';
import { createBackend } from '@confab/core/backend';

const POLL_HOLD_MS = 20_000;
const LINK_IDLE_MS = 60_000;
// A frame may hold MAX_FRAME_LENGTH UTF-16 code units, up to 3 bytes each in UTF-8. Anything
// shorter would leave a legal command "sending" forever; the hub itself answers larger frames
// with a typed too-large error.
const MAX_BODY = 3 * MAX_FRAME_LENGTH + 1024;

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
      agent: {
        ...agent,
        email: `${agent.id}@team.example`,
        availability: 'available',
        disabled: false,
        role: 'admin',
        invitePending: false,
        lastSeenAt: null,
      },
    })),
  );

  /** @type {Map<string, { key: Buffer, frames: Array<{ n: number, frame: unknown }>, next: number, waiters: Set<() => void>, connection: any, closeCode?: number, closeReason?: string, seen: number }>} */
  const links = new Map();

  function wake(link) {
    for (const waiter of [...link.waiters]) waiter();
  }

  function openLink() {
    const linkId = randomBytes(16).toString('base64url');
    const linkKey = randomBytes(32).toString('base64url');
    const link = {
      key: Buffer.from(linkKey),
      frames: [],
      next: 1,
      waiters: new Set(),
      connection: null,
      seen: Date.now(),
    };
    link.connection = backend.connect(
      (frame) => {
        link.frames.push({ n: link.next++, frame });
        wake(link);
      },
      (code, reason) => {
        // The hub ended the link (a refused token: 4401, then the transport stops; a restart: 1012).
        link.closeCode = code;
        link.closeReason = reason;
        wake(link);
      },
    );
    links.set(linkId, link);
    return { linkId, linkKey };
  }

  function closeLink(id, link) {
    link.connection.close();
    links.delete(id);
    link.closeCode ??= 1000;
    wake(link);
  }

  /** The link a request names, if it carries that link's key. */
  function linkOf(req, id) {
    const link = id ? links.get(id) : undefined;
    const key = Buffer.from(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    return link && key.length === link.key.length && timingSafeEqual(key, link.key) ? link : undefined;
  }

  const sweeper = setInterval(() => {
    for (const [id, link] of links) {
      if (Date.now() - link.seen > LINK_IDLE_MS) {
        closeLink(id, link);
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
      if (req.method === 'POST' && url.pathname === '/links') return reply(201, openLink());
      const link = parts[0] === 'links' ? linkOf(req, parts[1]) : undefined;
      // One answer for a link that does not exist and a key that does not fit: nothing to learn.
      if (!link) return reply(404, { error: { code: 'not-found', message: 'No such link.' } });
      link.seen = Date.now();
      if (req.method === 'DELETE' && parts.length === 2) {
        closeLink(parts[1], link);
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
        if (!ready().length && link.closeCode === undefined) {
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
        const ended = link.closeCode === undefined ? {} : { closeCode: link.closeCode, closeReason: link.closeReason };
        return reply(200, { frames: ready(), ...ended });
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
      for (const [id, link] of links) closeLink(id, link);
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

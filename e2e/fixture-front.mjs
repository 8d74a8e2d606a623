// The e2e fixture pages (e2e/fixtures/) on the reference server's origin, served by a loopback
// front with their Content-Security-Policy in the response header and a fresh nonce each time.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, connect } from 'node:net';

const FIXTURES = new URL('./fixtures/', import.meta.url);

/** The fixtures served with strictPolicy() in a response header. */
const STRICT_FIXTURES = ['host-hostile.html', 'host-strict.html'];

/**
 * The strict pages' policy: scripts and styles only with the nonce, nothing inline, no eval,
 * Trusted Types required (README, "Content-Security-Policy and Trusted Types").
 */
export function strictPolicy(nonce, { trustedTypes = true } = {}) {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    // A returning visitor's client runs in a worker from a blob: URL that imports the widget's bundle.
    "worker-src 'self' blob:",
    "img-src 'self' data:",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    ...(trustedTypes ? ["require-trusted-types-for 'script'", 'trusted-types lit-html confab-widget'] : []),
  ].join('; ');
}

/**
 * The fixture pages on the reference server's origin, as a site that serves the widget from its
 * own domain: a loopback front that answers `GET /e2e-host/<fixture>.html` itself (the hostile
 * page with its policy in the response header and a fresh nonce) and passes every other
 * connection, WebSocket upgrades included, to the server untouched. A real response from a
 * loopback address, unlike a route fulfilled by the test driver, which Chromium's local network
 * checks would treat as a public page reaching into the local network.
 */
export async function startFixtureFront(serverPort) {
  const connections = new Set();
  const tcp = createTcpServer((client) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    client.on('error', () => client.destroy());
    client.once('data', (first) => {
      const requestLine = first.toString('latin1', 0, Math.min(first.length, 2048)).split('\r\n')[0];
      const [, fixture, query = ''] = /^GET \/e2e-host\/([\w-]+\.html)(?:\?(\S*))? HTTP\/1\.1$/.exec(requestLine) ?? [];
      if (fixture) {
        client.end(fixtureResponse(fixture, new URLSearchParams(query)));
        return;
      }
      const upstream = connect(serverPort, '127.0.0.1', () => {
        upstream.write(first);
        client.pipe(upstream).pipe(client);
      });
      connections.add(upstream);
      upstream.on('close', () => connections.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    });
  });
  await new Promise((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${tcp.address().port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of connections) socket.destroy();
        tcp.close(resolve);
      }),
  };
}

function fixtureResponse(fixture, query) {
  let body;
  try {
    body = readFileSync(new URL(fixture, FIXTURES));
  } catch {
    return 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';
  }
  const nonce = randomBytes(16).toString('base64');
  const html = Buffer.from(body.toString('utf8').replaceAll('__NONCE__', nonce));
  const headers = [
    'HTTP/1.1 200 OK',
    'Content-Type: text/html; charset=utf-8',
    `Content-Length: ${html.length}`,
    'Cache-Control: no-store',
    'Connection: close',
  ];
  // `?trusted-types=absent`: the policy a browser without Trusted Types (older Firefox and Safari
  // releases) enforces, which is the same minus those two directives.
  const trustedTypes = query.get('trusted-types') !== 'absent';
  if (STRICT_FIXTURES.includes(fixture))
    headers.push(`Content-Security-Policy: ${strictPolicy(nonce, { trustedTypes })}`);
  return Buffer.concat([Buffer.from(headers.join('\r\n') + '\r\n\r\n', 'latin1'), html]);
}

// Issue 20 item 12 (DESIGN §5). DNS rebinding: a page on evil.example whose name an attacker then
// points at 127.0.0.1 is same-origin with a local Confab server as far as the browser knows, so it
// could read `/api/demo/session` (an agent token). Only the Host header tells the two apart: the
// server answers only the names it is known by (CONFAB_PUBLIC_URL, loopback names, IP addresses,
// the name it was bound to). And the WebSocket Origin rule compares whole origins — scheme, host
// and port — so an `http://` page cannot open visitor chats on an `https://` deployment.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { optionsFromEnv } from '@confab/server';
import { connect, openPeer, startSecurityServer } from './helpers.mjs';

/** GET with a chosen Host header (fetch sets its own); resolves with status and parsed body. */
function getWithHost(url, path, host) {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { headers: { host } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body;
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
        resolve({ status: res.statusCode, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A new visitor's hello from a page at `origin`: 'welcome', or the close code it got. */
async function visitorHelloFrom(wsUrl, origin, host) {
  const peer = openPeer(wsUrl, { origin, ...(host ? { host } : {}) });
  await peer.opened;
  peer.send({ v: 1, type: 'hello', token: '' });
  const answer = await peer.next((f) => f.type === 'welcome' || f.type === 'error', { from: 0, what: 'welcome' });
  if (answer.type === 'welcome') {
    peer.close();
    return 'welcome';
  }
  return (await peer.whenClosed()).code;
}

describe('Host header: only the names the server is known by (DNS rebinding)', () => {
  let t;
  before(async () => {
    t = await startSecurityServer();
  });
  after(async () => {
    await t?.close();
  });

  test('the demo session endpoint answers a rebound name with a typed 400 and no token', async () => {
    for (const host of [`evil.example:${t.server.port}`, 'evil.example', `localhost.evil.example:${t.server.port}`]) {
      const { status, body } = await getWithHost(t.url, '/api/demo/session', host);
      assert.equal(status, 400, host);
      assert.equal(body.error.code, 'host-not-allowed', host);
      assert.ok(!JSON.stringify(body).includes('cfa_'), `${host}: no agent token in the refusal`);
    }
  });

  test('every page is refused under a rebound name, /health too is answered (liveness only)', async () => {
    for (const path of ['/', '/inbox/', '/api/demo/identity', '/api/admin/agent-tokens']) {
      const { status, body } = await getWithHost(t.url, path, 'evil.example');
      assert.equal(status, 400, path);
      assert.equal(body.error.code, 'host-not-allowed', path);
    }
    // Load balancers probe /health by IP or by an internal name: it says nothing but "alive".
    assert.equal((await getWithHost(t.url, '/health', 'evil.example')).status, 200);
  });

  test('loopback names and IP addresses are answered, with or without a port', async () => {
    const port = t.server.port;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'localhost',
      `[::1]:${port}`,
      `app.localhost:${port}`,
      `10.0.0.7:${port}`,
    ]) {
      const { status, body } = await getWithHost(t.url, '/api/demo/session', host);
      assert.equal(status, 200, host);
      assert.match(body.token, /^cfa_/, host);
    }
  });

  test('a WebSocket upgrade under a rebound name is refused before it opens', async () => {
    const peer = openPeer(t.wsUrl, { host: `evil.example:${t.server.port}` });
    await assert.rejects(peer.opened, /upgrade refused: 400/);
  });
});

describe('CONFAB_PUBLIC_URL names the server and its origins', () => {
  let t;
  before(async () => {
    t = await startSecurityServer({ publicOrigins: ['https://chat.example.com', 'https://help.example.org:8443'] });
  });
  after(async () => {
    await t?.close();
  });

  test('its hosts are answered, other names are not', async () => {
    for (const host of ['chat.example.com', 'CHAT.example.com', 'help.example.org:8443', `127.0.0.1:${t.server.port}`])
      assert.equal((await getWithHost(t.url, '/api/demo/session', host)).status, 200, host);
    for (const host of ['evil.example', 'example.com', 'chat.example.com.evil.example'])
      assert.equal((await getWithHost(t.url, '/api/demo/session', host)).status, 400, host);
  });

  test('visitor chats open from the public origins only, scheme and port included', async () => {
    const host = 'chat.example.com';
    assert.equal(await visitorHelloFrom(t.wsUrl, 'https://chat.example.com', host), 'welcome');
    assert.equal(await visitorHelloFrom(t.wsUrl, 'https://help.example.org:8443', host), 'welcome');
    assert.equal(await visitorHelloFrom(t.wsUrl, 'http://chat.example.com', host), 4403);
    assert.equal(await visitorHelloFrom(t.wsUrl, 'https://chat.example.com:444', host), 4403);
    assert.equal(await visitorHelloFrom(t.wsUrl, 'https://help.example.org', host), 4403);
  });
});

test('CONFAB_PUBLIC_URL takes comma-separated origins and refuses anything else at start', () => {
  const env = { CONFAB_PUBLIC_URL: 'https://Chat.example.com/, https://help.example.org:8443' };
  assert.deepEqual(optionsFromEnv(env, { demo: false }).publicOrigins, [
    'https://chat.example.com',
    'https://help.example.org:8443',
  ]);
  for (const bad of ['chat.example.com', 'https://chat.example.com/inbox', 'ftp://chat.example.com'])
    assert.throws(() => optionsFromEnv({ CONFAB_PUBLIC_URL: bad }, { demo: false }), /public URL/, bad);
});

describe('WebSocket Origin rule compares whole origins', () => {
  let t;
  before(async () => {
    t = await startSecurityServer({ allowedOrigins: ['https://shop.example'] });
  });
  after(async () => {
    await t?.close();
  });

  test("the server's own origin is its scheme, host and port: another scheme is another site", async () => {
    const port = t.server.port;
    assert.equal(await visitorHelloFrom(t.wsUrl, `http://127.0.0.1:${port}`), 'welcome');
    assert.equal(await visitorHelloFrom(t.wsUrl, `https://127.0.0.1:${port}`), 4403);
    assert.equal(await visitorHelloFrom(t.wsUrl, `http://127.0.0.1:${port + 1}`), 4403);
  });

  test('an allowed origin matches in full: the same name over http is refused', async () => {
    assert.equal(await visitorHelloFrom(t.wsUrl, 'https://shop.example'), 'welcome');
    assert.equal(await visitorHelloFrom(t.wsUrl, 'https://SHOP.example:443'), 'welcome');
    assert.equal(await visitorHelloFrom(t.wsUrl, 'http://shop.example'), 4403);
  });

  test('an agent (not a visitor session) may still sign in from anywhere', async () => {
    const response = await fetch(`${t.url}/api/demo/session`);
    const { token } = await response.json();
    const peer = await connect(t.wsUrl, token, {}, { origin: 'http://elsewhere.example' });
    assert.equal(peer.welcome.principal.kind, 'agent');
    peer.close();
  });
});

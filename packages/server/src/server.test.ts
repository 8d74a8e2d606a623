import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hello, startTestServer, type TestServer } from './testing/harness.test-util.js';
import { startServer } from './server.js';

describe('HTTP: health, pages and demo sign-in', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ demo: true, testClock: true });
  });
  after(() => t.close());

  test('GET /health answers 200 {ok:true}; with the admin token, ?details adds the version and the storage state', async () => {
    const live = await fetch(`${t.url}/health`);
    assert.equal(live.status, 200);
    assert.deepEqual(await live.json(), { ok: true });
    const response = await fetch(`${t.url}/health?details`, { headers: { authorization: 'Bearer test-admin' } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    const body = (await response.json()) as {
      status: string;
      version: string;
      storage: { kind: string; dir: string; events: number };
    };
    assert.equal(body.status, 'ok');
    assert.match(body.version, /^\d+\.\d+\.\d+/);
    assert.equal(body.storage.kind, 'sqlite');
    assert.equal(body.storage.dir, t.dataDir);
    assert.equal(body.storage.events, t.server.storage.eventCount());
    assert.ok(body.storage.events > 0);
  });

  test('the index page links the inbox, the site and health; /inbox/ and /site/ are served', async () => {
    const index = await fetch(`${t.url}/`);
    assert.equal(index.status, 200);
    const html = await index.text();
    for (const link of ['href="/inbox/"', 'href="/site/"', 'href="/health"']) assert.ok(html.includes(link), link);
    for (const page of ['/inbox/', '/site/']) {
      const response = await fetch(`${t.url}${page}`);
      assert.equal(response.status, 200, page);
      assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    }
    const redirect = await fetch(`${t.url}/inbox?agent=x`, { redirect: 'manual' });
    assert.deepEqual([redirect.status, redirect.headers.get('location')], [301, '/inbox/?agent=x']);
  });

  test('paths that climb out of the served folders and unknown routes answer 404 with a typed error', async () => {
    for (const path of [
      '/inbox/../package.json',
      '/inbox/%2e%2e/%2e%2e/package.json',
      '/bundles/..%2f..%2fpackage.json',
      '/nothing',
    ]) {
      const response = await fetch(`${t.url}${path}`);
      assert.equal(response.status, 404, path);
    }
    const api = await fetch(`${t.url}/api/nothing`);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'not-found');
  });

  test('demo mode: /api/demo/session signs in as the first agent, or the one asked for, and the token works over WebSocket', async () => {
    const seeded = [...t.server.backend.state.agents.keys()];
    assert.ok(seeded.length >= 2, 'demo agents are seeded');
    const first = (await (await fetch(`${t.url}/api/demo/session`)).json()) as { token: string; agentId: string };
    assert.equal(first.agentId, seeded[0]);
    const { welcome, peer } = await hello(t.wsUrl, first.token);
    assert.deepEqual(welcome.principal, { kind: 'agent', agentId: seeded[0] });
    peer.close();
    const second = (await (await fetch(`${t.url}/api/demo/session?agent=${seeded[1]}`)).json()) as { agentId: string };
    assert.equal(second.agentId, seeded[1]);
    assert.equal((await fetch(`${t.url}/api/demo/session?agent=nobody`)).status, 404);
  });

  test('the test clock moves the server clock only when enabled', async () => {
    const before = ((await (await fetch(`${t.url}/api/test/clock`)).json()) as { now: number }).now;
    const moved = await fetch(`${t.url}/api/test/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceMs: 31 * 60_000 }),
    });
    const after = ((await moved.json()) as { now: number }).now;
    assert.ok(after - before >= 31 * 60_000);
  });
});

describe('HTTP: product mode', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ demo: false, ingestToken: undefined as unknown as string });
  });
  after(() => t.close());

  test('without demo mode there is no demo sign-in and no test clock, and channels refuse without a configured token', async () => {
    assert.equal((await fetch(`${t.url}/api/demo/session`)).status, 404);
    assert.equal((await fetch(`${t.url}/api/test/clock`)).status, 404);
    const response = await fetch(`${t.url}/api/channels/forms/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer anything' },
      body: JSON.stringify({ formId: 'f', fields: { a: 'b' } }),
    });
    assert.equal(response.status, 401);
    assert.match(((await response.json()) as { error: { message: string } }).error.message, /turned off/);
  });
});

describe('demo data', () => {
  test('the demo store is seeded once: a restart on the same data dir does not seed again', async () => {
    const { tempDataDir } = await import('./testing/harness.test-util.js');
    const dataDir = tempDataDir();
    try {
      const first = await startTestServer({ dataDir, demo: true });
      const seq = first.server.backend.seq;
      const conversations = first.server.backend.state.conversations.size;
      assert.ok(conversations > 0, 'demo conversations');
      const channels = new Set(
        [...first.server.backend.state.conversations.values()].map((conversation) => conversation.channel),
      );
      assert.deepEqual([...channels].sort(), ['chat', 'email', 'form', 'messenger']);
      await first.close();
      const second = await startTestServer({ dataDir, demo: true });
      assert.equal(second.server.backend.seq, seq);
      assert.equal(second.server.backend.state.conversations.size, conversations);
      await second.close();
    } finally {
      (await import('node:fs')).rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('start-up failures', () => {
  test('a port already in use fails startServer with the listen error and releases the store', async () => {
    const t = await startTestServer();
    try {
      const { tempDataDir } = await import('./testing/harness.test-util.js');
      const dataDir = tempDataDir();
      await assert.rejects(startServer({ port: t.server.port, host: '127.0.0.1', dataDir }), /EADDRINUSE/);
      // The store was closed: it opens again at once.
      const again = await startServer({ port: 0, host: '127.0.0.1', dataDir });
      await again.close();
      (await import('node:fs')).rmSync(dataDir, { recursive: true, force: true });
    } finally {
      await t.close();
    }
  });
});

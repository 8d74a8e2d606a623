// Issue 20 item 6 (DESIGN §5). `/health` answers anyone — load balancers probe it without
// credentials — so it says only that the server is alive. What an operator wants to see (the data
// directory, event and connection counts, pending mail) tells an attacker where the data lives
// and how busy the server is: `/health?details` shows it to the admin token only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSecurityServer } from './helpers.mjs';

const ADMIN = 'health-admin-token';

describe('/health: liveness for anyone, details for the admin', () => {
  let t;
  before(async () => {
    t = await startSecurityServer({ adminToken: ADMIN });
  });
  after(async () => {
    await t?.close();
  });

  test('without a token /health says it is alive and nothing else', async () => {
    for (const path of ['/health', '/health?details', '/health?details=1']) {
      const headers = path === '/health' ? {} : { authorization: 'Bearer wrong' };
      const response = await fetch(`${t.url}${path}`, { headers });
      const text = await response.text();
      if (path === '/health') {
        assert.equal(response.status, 200);
        assert.deepEqual(JSON.parse(text), { ok: true });
      } else {
        assert.equal(response.status, 401, path);
        assert.equal(JSON.parse(text).error.code, 'unauthenticated', path);
      }
      assert.ok(!text.includes(t.dataDir), `${path}: no data directory`);
      for (const word of ['connections', 'mail', 'storage', 'seq']) assert.ok(!text.includes(word), `${path}: ${word}`);
    }
  });

  test('with the admin token /health?details shows storage, connections and mail', async () => {
    const response = await fetch(`${t.url}/health?details`, { headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.ok, true);
    assert.equal(body.storage.dir, t.dataDir);
    assert.equal(body.storage.events, t.server.storage.eventCount());
    assert.equal(body.seq, t.server.backend.seq);
    assert.equal(typeof body.connections, 'number');
    assert.deepEqual(body.mail, { smtp: false, pending: 0 });
  });
});

test('without an admin token configured, /health?details is refused to everyone', async () => {
  const t = await startSecurityServer();
  try {
    const response = await fetch(`${t.url}/health?details`, { headers: { authorization: 'Bearer anything' } });
    assert.equal(response.status, 401);
    assert.ok(!(await response.text()).includes(t.dataDir));
    assert.deepEqual(await (await fetch(`${t.url}/health`)).json(), { ok: true });
  } finally {
    await t.close();
  }
});

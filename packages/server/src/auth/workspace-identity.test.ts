// Issue 19: each workspace verifies identity tokens with keys of its own, rotated with the admin
// API (a new key verifies at once, an old one until it is removed); the default workspace keeps the
// server's keys (CONFAB_IDENTITY_*). A real server, real sockets.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createIdentityToken, type IdentityKey } from './identity.js';
import { hello, postJson, startTestServer, type TestServer } from '../testing/harness.test-util.js';

const SERVER_KEY = { id: 'server-key', secret: 'server-identity-secret' };

describe('identity keys per workspace (issue 19)', () => {
  let t: TestServer;
  let shop: { admin: string; site: string };
  const admin = (method: string, path: string) =>
    fetch(`${t.url}${path}`, { method, headers: { authorization: `Bearer ${shop.admin}` } });
  const newKey = async (): Promise<IdentityKey> => {
    const answer = await admin('POST', '/api/admin/identity-keys');
    assert.equal(answer.status, 201);
    const { id, secret } = (await answer.json()) as { id: string; secret: string };
    return { id, secret };
  };
  /** Whether a hello through the shop's site with a token signed by `key` comes out verified. */
  const verifies = async (key: IdentityKey, site?: string) => {
    const email = `v${Math.random().toString(36).slice(2)}@customer.example`;
    const identity = await createIdentityToken({ email }, key, { audience: 'confab' });
    const { peer, welcome } = await hello(t.wsUrl, '', { identity, ...(site ? { site } : {}) });
    await peer.next('snapshot');
    const refused = peer.frames.some((frame) => frame.type === 'error' && frame.error.code === 'unauthenticated');
    peer.close();
    const hub = await t.server.workspaces.get(site ? 'shop' : 'default');
    const verified =
      hub.backend.state.contacts.get((welcome.principal as { contactId: string }).contactId)?.email === email;
    assert.equal(verified, !refused, 'a token is either verified or refused out loud');
    return verified;
  };

  before(async () => {
    t = await startTestServer({ identity: { keys: [SERVER_KEY], audience: 'confab' } });
    const created = await postJson(
      `${t.url}/api/admin/workspaces`,
      { id: 'shop' },
      { authorization: 'Bearer test-admin' },
    );
    const token = (created.json as unknown as { adminToken: string }).adminToken;
    const site = await postJson(`${t.url}/api/admin/sites`, { origins: ['*'] }, { authorization: `Bearer ${token}` });
    shop = { admin: token, site: (site.json as unknown as { siteKey: string }).siteKey };
  });
  after(() => t.close());

  test("a rotation: the new key verifies at once, the old one until it is removed; the server's key is the default workspace's only", async () => {
    const first = await newKey();
    assert.equal(await verifies(first, shop.site), true);
    const second = await newKey();
    assert.equal(await verifies(first, shop.site), true, 'the old key still verifies');
    assert.equal(await verifies(second, shop.site), true);
    const listed = await (await admin('GET', '/api/admin/identity-keys')).text();
    assert.deepEqual(
      (JSON.parse(listed) as { keys: { id: string }[] }).keys.map((key) => key.id),
      [first.id, second.id],
    );
    assert.ok(!listed.includes(first.secret) && !listed.includes(second.secret), 'secrets are shown once');

    assert.equal((await admin('DELETE', `/api/admin/identity-keys/${encodeURIComponent(first.id!)}`)).status, 200);
    assert.equal(await verifies(first, shop.site), false, 'a removed key verifies nothing');
    assert.equal(await verifies(second, shop.site), true);
    assert.equal((await admin('DELETE', `/api/admin/identity-keys/${encodeURIComponent(first.id!)}`)).status, 404);

    assert.equal(await verifies(SERVER_KEY, shop.site), false, "the server's key is not the shop's");
    assert.equal(await verifies(SERVER_KEY), true, "the server's key is the default workspace's");
    assert.equal(await verifies(second), false, "the shop's key is not the default workspace's");
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer } from '../server.js';
import { createWorkspaceCli } from '../control/account-cli.js';
import { createSqliteStorage } from '../storage/sqlite-storage.js';
import { hello, postJson, startTestServer, tempDataDir } from '../testing/harness.test-util.js';

const ADMIN = 'test-admin';
const MINUTE = 60_000;

/** Creates a workspace through the admin API; resolves with its tokens and a site for `origin`. */
async function newWorkspace(url: string, id: string, origin = 'https://shop.example') {
  const created = await postJson(`${url}/api/admin/workspaces`, { id }, { authorization: `Bearer ${ADMIN}` });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const { adminToken, ingestToken } = created.json as unknown as { adminToken: string; ingestToken: string };
  const site = await postJson(
    `${url}/api/admin/sites`,
    { origins: [origin] },
    { authorization: `Bearer ${adminToken}` },
  );
  assert.equal(site.status, 201);
  return { adminToken, ingestToken, siteKey: (site.json as unknown as { siteKey: string }).siteKey };
}

function email(messageId: string) {
  return { from: 'customer@example.com', to: 'support@team.example', subject: 'Hi', text: 'Hello', messageId };
}

describe('workspaces (issue 19)', () => {
  test('a server without any workspace setting serves the default workspace, as before', async () => {
    const t = await startTestServer();
    try {
      assert.deepEqual(
        (await t.server.storage.listWorkspaces()).map((workspace) => workspace.id),
        ['default'],
      );
      const { welcome } = await hello(t.wsUrl, '');
      assert.equal(welcome.type, 'welcome');
      assert.equal(t.server.workspaces.peek('default')!.backend, t.server.backend);
    } finally {
      await t.close();
    }
  });

  test('each workspace has its own gap-free sequence from 1, and a visitor of a site is a contact of its workspace only', async () => {
    const t = await startTestServer();
    try {
      const shop = await newWorkspace(t.url, 'shop');
      const before = t.server.backend.seq;
      const ingested = await postJson(`${t.url}/api/channels/email/inbound`, email('<m1@x>'), {
        authorization: `Bearer ${shop.ingestToken}`,
      });
      assert.equal(ingested.status, 200);
      const stored = await t.server.storage.forWorkspace('shop').load({ recent: 100 });
      assert.deepEqual(
        stored.events.map((event) => event.seq),
        Array.from({ length: ingested.json.seq! }, (_, index) => index + 1),
        'the workspace numbers its own events from 1',
      );
      assert.equal(t.server.backend.seq, before, 'the default workspace is untouched');
      const { peer, welcome } = await hello(t.wsUrl, '', { site: shop.siteKey }, { origin: 'https://shop.example' });
      assert.equal(welcome.type, 'welcome');
      peer.close();
      const hub = await t.server.workspaces.get('shop');
      const contactId = welcome.principal.kind === 'visitor' ? welcome.principal.contactId : '';
      assert.ok(hub.backend.state.contacts.has(contactId));
      assert.ok(!t.server.backend.state.contacts.has(contactId));
      // Its session token opens the same visitor again, through its site.
      const again = await hello(
        t.wsUrl,
        welcome.sessionToken!,
        { site: shop.siteKey },
        { origin: 'https://shop.example' },
      );
      assert.deepEqual(again.welcome.principal, welcome.principal);
      again.peer.close();
    } finally {
      await t.close();
    }
  });

  test('a workspace hub is loaded on first use, closed when idle with no links, and loaded again with all it had', async () => {
    let clock = Date.now();
    const t = await startTestServer({ now: () => clock, workspaceIdleMs: 10 * MINUTE });
    try {
      const shop = await newWorkspace(t.url, 'shop');
      assert.equal(t.server.workspaces.peek('shop'), undefined, 'creating a workspace loads nothing');
      await postJson(`${t.url}/api/channels/email/inbound`, email('<m1@x>'), {
        authorization: `Bearer ${shop.ingestToken}`,
      });
      const loaded = t.server.workspaces.peek('shop')!;
      const firstMailSeq = loaded.backend.seq;
      // A socket keeps it loaded, however long it is idle.
      const { peer } = await hello(t.wsUrl, '', { site: shop.siteKey }, { origin: 'https://shop.example' });
      await peer.next('snapshot');
      clock += 11 * MINUTE;
      assert.deepEqual(await t.server.workspaces.evictIdle(), []);
      peer.close();
      await peer.closed;
      // The link is gone once the server saw the close.
      for (let i = 0; i < 50 && loaded.backend.openLinks > 0; i += 1) await new Promise((r) => setTimeout(r, 20));
      const seq = loaded.backend.seq;
      assert.deepEqual(await t.server.workspaces.evictIdle(), ['shop']);
      assert.equal(t.server.workspaces.peek('shop'), undefined);
      // The default workspace is never evicted.
      assert.ok(t.server.workspaces.peek('default'));
      // Next use: the same history, and the sequence goes on from where it was.
      const again = await postJson(`${t.url}/api/channels/email/inbound`, email('<m1@x>'), {
        authorization: `Bearer ${shop.ingestToken}`,
      });
      assert.equal(again.json.seq, firstMailSeq, 'the repeated Message-ID is answered from the stored outcome');
      assert.equal(t.server.workspaces.peek('shop')!.backend.seq, seq);
      const next = await postJson(`${t.url}/api/channels/email/inbound`, email('<m2@x>'), {
        authorization: `Bearer ${shop.ingestToken}`,
      });
      assert.ok(next.json.seq! > seq);
    } finally {
      await t.close();
    }
  });

  test('create-workspace prints a new workspace with its tokens, which a running server takes at once; a taken id is refused', async () => {
    const dataDir = tempDataDir();
    const server = await startServer({ port: 0, host: '127.0.0.1', dataDir });
    try {
      const created = await createWorkspaceCli(dataDir, ['--id', 'agency', '--name', 'The Agency']);
      assert.equal(created.workspace.name, 'The Agency');
      assert.match(created.adminToken, /^cfw_/);
      assert.match(created.ingestToken, /^cfi_/);
      const agents = await fetch(`${server.url}/api/admin/agents`, {
        headers: { authorization: `Bearer ${created.adminToken}` },
      });
      assert.equal(agents.status, 200);
      assert.deepEqual(await agents.json(), { agents: [] });
      await assert.rejects(createWorkspaceCli(dataDir, ['--id', 'agency']), /exists already/);
      await assert.rejects(createWorkspaceCli(dataDir, ['--id', 'Not Valid']), /lower-case/);
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('the demo seeds a second workspace beside the default one, each with its own agents and sign-in', async () => {
    const dataDir = tempDataDir();
    const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, demo: true });
    try {
      const harbour = await server.workspaces.get('harbour');
      assert.ok(harbour.backend.seq > 0);
      const session = (await (await fetch(`${server.url}/api/demo/session?workspace=harbour`)).json()) as {
        token: string;
        workspace: string;
      };
      assert.equal(session.workspace, 'harbour');
      const { peer, welcome } = await hello(`${server.url.replace(/^http/, 'ws')}/ws`, session.token);
      assert.equal(welcome.type, 'welcome');
      peer.close();
      // The default workspace's token store does not know the other workspace's token.
      assert.equal(await server.auth.verify(session.token), null);
      assert.equal((await fetch(`${server.url}/api/demo/session?workspace=nope`)).status, 404);
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('workspace rows survive a restart; a snapshot is per workspace', async () => {
    const dataDir = tempDataDir();
    const options = { port: 0, host: '127.0.0.1', dataDir, adminToken: ADMIN, snapshotEveryEvents: 1 };
    let server = await startServer(options);
    const shop = await newWorkspace(server.url, 'shop');
    await postJson(`${server.url}/api/channels/email/inbound`, email('<m1@x>'), {
      authorization: `Bearer ${shop.ingestToken}`,
    });
    const seq = server.workspaces.peek('shop')!.backend.seq;
    // The snapshot is written a turn after the commit that made it due: wait for it to be stored.
    const shopStorage = server.storage.forWorkspace('shop');
    for (let i = 0; i < 250 && (await shopStorage.load({ recent: 0 })).snapshot?.seq !== seq; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await server.close();
    server = await startServer(options);
    try {
      const hub = await server.workspaces.get('shop');
      assert.equal(hub.backend.seq, seq);
      assert.equal(server.backend.seq, 0);
      const storage = createSqliteStorage(dataDir);
      const log = await storage.forWorkspace('shop').load({ recent: 0 });
      assert.equal(log.snapshot?.seq, seq, "the shop's snapshot");
      assert.equal((await storage.load({ recent: 0 })).snapshot, null, 'the default workspace has none');
      await storage.close();
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

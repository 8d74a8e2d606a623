// Issue 19: each workspace registers its Facebook pages; the webhook files each page's messages
// into its workspace and replies go out with that workspace's page token. The Graph API is an edge
// we do not own: a local HTTP stand-in plays it (`GET /me` names the env token's page, the Send API
// records who sent what with which token).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '../logging.js';
import { messengerSignature } from './messenger.js';
import { hello, postJson, startTestServer, type TestServer } from '../testing/harness.test-util.js';
import { WORKSPACE_HEADER } from '../http/admin-routes.js';

const APP_SECRET = 'app-secret-pages';
const ENV_PAGE_TOKEN = 'env-page-token-default';
const ALPHA_PAGE_TOKEN = 'alpha-page-token-0001';

async function graphStandIn() {
  const sends: { authorization: string | undefined; recipient: string; text: string }[] = [];
  const state = { meStatus: 200, meCalls: 0 };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && req.url?.startsWith('/v21.0/me?')) {
        state.meCalls += 1;
        // The page a page token belongs to; Facebook answers the page for `/me` with a page token.
        const ok = state.meStatus === 200 && req.headers.authorization === `Bearer ${ENV_PAGE_TOKEN}`;
        res.statusCode = ok ? 200 : state.meStatus === 200 ? 400 : state.meStatus;
        res.end(JSON.stringify(ok ? { id: 'page-default', name: 'Default page' } : { error: { message: 'no' } }));
        return;
      }
      const body = JSON.parse(raw) as { recipient: { id: string }; message: { text: string } };
      sends.push({ authorization: req.headers.authorization, recipient: body.recipient.id, text: body.message.text });
      res.end(JSON.stringify({ recipient_id: body.recipient.id, message_id: `m.${sends.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v21.0`,
    sends,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function webhook(pageId: string, senderId: string, mid: string, text: string) {
  return JSON.stringify({
    object: 'page',
    entry: [
      {
        id: pageId,
        time: 1700000000000,
        messaging: [
          { sender: { id: senderId }, recipient: { id: pageId }, timestamp: 1700000000000, message: { mid, text } },
        ],
      },
    ],
  });
}

describe('Messenger pages per workspace (issue 19)', () => {
  let graph: Awaited<ReturnType<typeof graphStandIn>>;
  let t: TestServer;
  const logLines: string[] = [];
  const admin: Record<string, string> = {};

  const adminCall = (
    token: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${t.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const post = (body: string) =>
    postJson(`${t.url}/api/channels/messenger/webhook`, body, {
      'x-hub-signature-256': messengerSignature(body, APP_SECRET),
    });

  before(async () => {
    graph = await graphStandIn();
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    t = await startTestServer({
      messenger: { appSecret: APP_SECRET, verifyToken: 'v', pageToken: ENV_PAGE_TOKEN, apiUrl: graph.url },
      metricsToken: 'metrics-token',
      logger: createLogger('info', logStream),
    });
    for (const id of ['alpha', 'bravo']) {
      const created = await adminCall('test-admin', 'POST', '/api/admin/workspaces', { id });
      admin[id] = ((await created.json()) as { adminToken: string }).adminToken;
    }
  });
  after(async () => {
    await t.close();
    await graph.close();
  });

  test("a workspace registers its page; GET shows the page but never the token; another workspace's page, or the env page, is a 409 naming nobody", async () => {
    const added = await adminCall(admin.alpha!, 'POST', '/api/admin/messenger-pages', {
      pageId: 'page-alpha',
      pageToken: ALPHA_PAGE_TOKEN,
    });
    assert.equal(added.status, 201);
    const listed = await (await adminCall(admin.alpha!, 'GET', '/api/admin/messenger-pages')).text();
    assert.deepEqual(
      (JSON.parse(listed) as { pages: { pageId: string; token: string }[] }).pages.map(({ pageId, token }) => [
        pageId,
        token,
      ]),
      [['page-alpha', '…0001']],
    );
    assert.ok(!listed.includes(ALPHA_PAGE_TOKEN), 'the token is never shown whole');
    for (const pageId of ['page-alpha', 'page-default']) {
      const taken = await adminCall(admin.bravo!, 'POST', '/api/admin/messenger-pages', {
        pageId,
        pageToken: 'bravo-token-123',
      });
      const text = await taken.text();
      assert.equal(taken.status, 409, pageId);
      assert.ok(!text.includes('alpha') && !text.includes('default'), text);
    }
    assert.deepEqual(
      ((await (await adminCall(admin.bravo!, 'GET', '/api/admin/messenger-pages')).json()) as { pages: [] }).pages,
      [],
    );
    // Bad input is a typed 400 that stores nothing.
    for (const body of [
      { pageId: 'has space', pageToken: 'x'.repeat(20) },
      { pageId: '123', pageToken: 'short' },
      {},
    ]) {
      const refused = await adminCall(admin.bravo!, 'POST', '/api/admin/messenger-pages', body);
      assert.equal(refused.status, 400);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'invalid');
    }
    // Naming another workspace with a workspace's admin token is forbidden.
    const naming = await adminCall(admin.bravo!, 'GET', '/api/admin/messenger-pages', undefined, {
      [WORKSPACE_HEADER]: 'alpha',
    });
    assert.equal(naming.status, 403);
  });

  test("each page's messages go to its workspace; replies go out with that workspace's token; an unknown page is dropped, logged and counted", async () => {
    const alphaHub = await t.server.workspaces.get('alpha');
    const bravoHub = await t.server.workspaces.get('bravo');
    const [alphaSeq, bravoSeq, defaultSeq] = [alphaHub.backend.seq, bravoHub.backend.seq, t.server.backend.seq];

    const toAlpha = await post(webhook('page-alpha', 'psid-a', 'mid-a1', 'Hello Alpha'));
    assert.equal(toAlpha.status, 200);
    const alphaConversation = toAlpha.json.results[0].conversationId as string;
    assert.ok(alphaConversation, JSON.stringify(toAlpha.json));
    assert.equal(alphaHub.backend.state.conversations.get(alphaConversation)?.channel, 'messenger');
    assert.equal(t.server.backend.state.conversations.has(alphaConversation), false);
    assert.equal(t.server.backend.seq, defaultSeq, 'nothing filed into the default workspace');

    const toDefault = await post(webhook('page-default', 'psid-d', 'mid-d1', 'Hello default'));
    const defaultConversation = toDefault.json.results[0].conversationId as string;
    assert.ok(t.server.backend.state.conversations.has(defaultConversation));

    const unknown = await post(webhook('page-nobody', 'psid-x', 'mid-x1', 'Whose page?'));
    assert.deepEqual([unknown.status, unknown.json.results], [200, [{ mid: 'mid-x1', error: 'unknown-page' }]]);
    assert.equal(bravoHub.backend.seq, bravoSeq);
    assert.ok(logLines.some((line) => line.includes('page-nobody') && line.includes('dropped')));
    const metrics = await (
      await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer metrics-token' } })
    ).text();
    assert.match(metrics, /confab_messenger_dropped_total\{reason="unknown-page"\} 1/);
    assert.ok(alphaHub.backend.seq > alphaSeq);

    // Replies: alpha's agent with alpha's page token, the default workspace's with the env token.
    const alphaAgent = await alphaHub.accounts.createAgent({
      email: 'agent@alpha.example',
      name: 'Alpha Agent',
      role: 'admin',
      password: 'alpha-password-1',
    });
    // Invited until activated (as a first sign-in does).
    await alphaHub.backend.execute({ kind: 'system' }, { type: 'agent.activate', agentId: alphaAgent.id });
    await alphaHub.backend.execute(
      { kind: 'agent', agentId: alphaAgent.id },
      { type: 'message.reply', conversationId: alphaConversation, text: 'Hi from Alpha' },
    );
    const { peer } = await hello(t.wsUrl, t.agentToken);
    await peer.next('snapshot');
    peer.send({
      v: 1,
      type: 'command',
      id: 'd-reply',
      command: { type: 'message.reply', conversationId: defaultConversation, text: 'Hi from default' },
    });
    await peer.next('ack', (frame) => frame.id === 'd-reply');
    peer.close();
    await alphaHub.messengerSender.idle();
    await t.server.messengerSender.idle();
    assert.deepEqual(graph.sends.map(({ authorization, recipient, text }) => [authorization, recipient, text]).sort(), [
      [`Bearer ${ALPHA_PAGE_TOKEN}`, 'psid-a', 'Hi from Alpha'],
      [`Bearer ${ENV_PAGE_TOKEN}`, 'psid-d', 'Hi from default'],
    ]);
  });

  test('a reply in a workspace without its page waits queued, and goes out once the page is registered again', async () => {
    const alphaHub = await t.server.workspaces.get('alpha');
    const removedByBravo = await adminCall(admin.bravo!, 'DELETE', '/api/admin/messenger-pages/page-alpha');
    assert.equal(removedByBravo.status, 404, "bravo cannot remove alpha's page");
    assert.equal((await adminCall(admin.alpha!, 'DELETE', '/api/admin/messenger-pages/page-alpha')).status, 200);
    const dropped = await post(webhook('page-alpha', 'psid-a', 'mid-a2', 'Still there?'));
    assert.equal(dropped.json.results[0].error, 'unknown-page', 'a removed page files nothing');

    const conversationId = [...alphaHub.backend.state.conversations.values()].find(
      (c) => c.channel === 'messenger',
    )!.id;
    const agentId = [...alphaHub.backend.state.agents.keys()][0]!;
    const sent = graph.sends.length;
    const outcome = await alphaHub.backend.execute(
      { kind: 'agent', agentId },
      { type: 'message.reply', conversationId, text: 'Waiting for a page' },
    );
    await alphaHub.messengerSender.idle();
    assert.equal(graph.sends.length, sent, 'no token: nothing sent');
    const messageId = outcome.result!['messageId']!;
    const delivery = () =>
      alphaHub.backend.state.messages.get(conversationId)!.find((message) => message.id === messageId)!.delivery;
    assert.equal(delivery(), 'queued');

    const again = await adminCall(admin.alpha!, 'POST', '/api/admin/messenger-pages', {
      pageId: 'page-alpha',
      pageToken: 'alpha-page-token-0002',
    });
    assert.equal(again.status, 201);
    await alphaHub.messengerSender.idle();
    assert.deepEqual(graph.sends.at(-1), {
      authorization: 'Bearer alpha-page-token-0002',
      recipient: 'psid-a',
      text: 'Waiting for a page',
    });
    assert.equal(delivery(), 'sent');
  });
});

test("while the Graph API cannot say which page the env token is, a message to an unregistered page is answered 503 and filed nowhere, registered pages go on; Messenger's retry is filed once it can", async () => {
  const graph = await graphStandIn();
  graph.state.meStatus = 503;
  const t = await startTestServer({
    messenger: { appSecret: APP_SECRET, pageToken: ENV_PAGE_TOKEN, apiUrl: graph.url },
  });
  try {
    const body = webhook('page-default', 'psid-r', 'mid-r1', 'Retry me');
    const signed = { 'x-hub-signature-256': messengerSignature(body, APP_SECRET) };
    const seq = t.server.backend.seq;
    const first = await postJson(`${t.url}/api/channels/messenger/webhook`, body, signed);
    assert.deepEqual([first.status, first.json.error.code], [503, 'unavailable']);
    assert.equal(t.server.backend.seq, seq);
    // A page a workspace registered (before the Graph API went away) does not wait for it. Registering
    // one now waits: the env page might be the one named (503 too).
    const { directory } = t.server.store;
    await directory.createWorkspace({ id: 'shop', name: 'Shop', createdAt: Date.now() });
    await directory.addMessengerPage({
      pageId: 'page-shop',
      workspaceId: 'shop',
      pageToken: 'shop-page-token',
      createdAt: 1,
    });
    const created = await postJson(
      `${t.url}/api/admin/workspaces`,
      { id: 'other' },
      { authorization: 'Bearer test-admin' },
    );
    const otherAdmin = { authorization: `Bearer ${(created.json as unknown as { adminToken: string }).adminToken}` };
    const waits = await postJson(
      `${t.url}/api/admin/messenger-pages`,
      { pageId: 'page-x', pageToken: 'other-page-token' },
      otherAdmin,
    );
    assert.deepEqual([waits.status, waits.json.error.code], [503, 'unavailable']);
    const shopBody = webhook('page-shop', 'psid-s', 'mid-s1', 'Hello shop');
    const toShop = await postJson(`${t.url}/api/channels/messenger/webhook`, shopBody, {
      'x-hub-signature-256': messengerSignature(shopBody, APP_SECRET),
    });
    assert.equal(toShop.status, 200);
    const shopHub = await t.server.workspaces.get('shop');
    assert.ok(shopHub.backend.state.conversations.has(toShop.json.results[0]!.conversationId!));
    graph.state.meStatus = 200;
    const retried = await postJson(`${t.url}/api/channels/messenger/webhook`, body, signed);
    assert.equal(retried.status, 200);
    assert.ok(t.server.backend.state.conversations.has(retried.json.results[0].conversationId as string));
    // Asked by the first webhook, the refused registration and the retry; remembered from then on.
    assert.equal(graph.state.meCalls, 3, 'asked again after each failure, then remembered');
    await postJson(`${t.url}/api/channels/messenger/webhook`, webhook('page-default', 'psid-r', 'mid-r2', 'Again'), {
      'x-hub-signature-256': messengerSignature(webhook('page-default', 'psid-r', 'mid-r2', 'Again'), APP_SECRET),
    });
    assert.equal(graph.state.meCalls, 3);
  } finally {
    await t.close();
    await graph.close();
  }
});

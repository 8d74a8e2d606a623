// Issue 17 (integrations): webhooks. An admin registers endpoints per workspace and picks event
// types; deliveries are signed (HMAC, timestamped), retried with backoff, derived once from the log
// and sent once across processes. A local HTTP server plays the receiver; SQLite and a throwaway
// PostgreSQL hold the deliveries.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SequencedEvent } from '@confab/core';
import { WORKSPACE_HEADER } from '../http/admin-routes.js';
import { AGENTS, postJson, startTestServer, type TestServer } from '../testing/harness.test-util.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../testing/postgres.test-util.js';
import { deriveWebhookEvents, type RecordMemory } from './webhook-events.js';
import { WEBHOOK_HEADERS, createWebhookSender, isPrivateAddress, verifyWebhookSignature } from './webhook-sender.js';
import { createPostgresWebhookStore } from './postgres-webhook-store.js';
import { openPostgresPool, poolCounts } from '../storage/postgres-pool.js';
import { openPostgresStorage } from '../storage/postgres-storage.js';
import pg from 'pg';

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: { id: string; type: string; workspaceId: string; data: Record<string, { id: string }> };
}

/** A webhook receiver: answers each POST with `status(n)` (n = 1 for the first request). */
async function receiver(status: (n: number) => number = () => 200) {
  const received: Received[] = [];
  let count = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      count += 1;
      const answer = status(count);
      if (answer >= 200 && answer < 300)
        received.push({ headers: req.headers, raw, body: JSON.parse(raw) as Received['body'] });
      res.statusCode = answer;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    requests: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until<T>(what: string, probe: () => T | undefined | false, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const ADMIN = { authorization: 'Bearer test-admin' };
const INGEST = { authorization: 'Bearer test-ingest' };

async function api(server: TestServer, method: string, path: string, headers: Record<string, string> = ADMIN) {
  const response = await fetch(`${server.url}${path}`, { method, headers });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function email(index: number) {
  return {
    from: `Customer ${index} <customer${index}@example.com>`,
    to: 'support@team.example',
    subject: `Question ${index}`,
    text: `Hello, question ${index}.`,
    messageId: `<hook-${index}@example.com>`,
  };
}

describe('webhook events derived from the log', () => {
  const conversation = (status: 'open' | 'closed', assigneeId: string | null) => ({
    id: 'c1',
    status,
    assigneeId,
    startedAt: 1000,
    lastActivityAt: 2000,
  });
  const upsert = (seq: number, status: 'open' | 'closed', assigneeId: string | null) =>
    ({
      seq,
      cause: null,
      event: { type: 'conversation.upserted', conversation: conversation(status, assigneeId) },
    }) as unknown as SequencedEvent;

  test('a conversation is created once, then assigned, closed and reopened as its record changes', () => {
    const memory: RecordMemory = { conversations: new Map(), messages: new Set() };
    const events = [
      upsert(1, 'open', null),
      upsert(2, 'open', null), // a change that is none of these (an update of its activity)
      upsert(3, 'open', 'ann'),
      upsert(4, 'closed', 'ann'),
      upsert(5, 'open', 'ann'),
      upsert(6, 'open', 'ben'),
      upsert(7, 'open', null), // unassigned: not an assignment
    ];
    const derived = deriveWebhookEvents('ws', 'e1', events, memory, 0);
    assert.deepEqual(
      derived.map((event) => [event.id, event.type]),
      [
        ['e1-1-conversation.created', 'conversation.created'],
        ['e1-3-conversation.assigned', 'conversation.assigned'],
        ['e1-4-conversation.closed', 'conversation.closed'],
        ['e1-5-conversation.reopened', 'conversation.reopened'],
        ['e1-6-conversation.assigned', 'conversation.assigned'],
      ],
    );
    // The same events again (another process deriving them) give the same ids from the same memory.
    const again = deriveWebhookEvents('ws', 'e1', events, { conversations: new Map(), messages: new Set() }, 0);
    assert.deepEqual(
      again.map((event) => event.id),
      derived.map((event) => event.id),
    );
  });

  test('a message is announced once (a later upsert is a delivery change), and not when older than the first endpoint', () => {
    const message = (id: string, createdAt: number) =>
      ({
        seq: 1,
        cause: null,
        event: { type: 'message.upserted', message: { id, conversationId: 'c1', createdAt, text: 'hi' } },
      }) as unknown as SequencedEvent;
    const memory: RecordMemory = { conversations: new Map(), messages: new Set() };
    const derived = deriveWebhookEvents(
      'ws',
      'e1',
      [message('m1', 500), message('m1', 500), message('m0', 10)],
      memory,
      100,
    );
    assert.deepEqual(
      derived.map((event) => [event.type, (event.data.message as { id: string }).id]),
      [['message.created', 'm1']],
    );
    assert.ok(memory.messages.has('m0'), 'an old message is remembered, so its later changes stay quiet');
    // An activity note (issue 16) repeats what conversation.assigned / closed announce: not a message.
    const note = message('m2', 600);
    (note.event as { message: { activity?: object } }).message.activity = { type: 'closed' };
    assert.deepEqual(deriveWebhookEvents('ws', 'e1', [note], memory, 100), []);
  });

  test('private, loopback and link-local addresses are recognised (what a webhook may not reach by default)', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
    ])
      assert.equal(isPrivateAddress(address), true, address);
    for (const address of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '8.8.8.8'])
      assert.equal(isPrivateAddress(address), false, address);
  });
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`webhooks on ${kind}`, () => {
    let cluster: ThrowawayPostgres | null = null;
    let server: TestServer;
    let hooks: Awaited<ReturnType<typeof receiver>>;
    let databaseUrl: string | undefined;

    before(async () => {
      if (kind === 'postgres') {
        cluster = await startThrowawayPostgres();
        databaseUrl = await cluster.createDatabase();
      }
      hooks = await receiver();
      server = await startTestServer({
        ...(databaseUrl ? { databaseUrl } : {}),
        webhookPrivateNetworks: true,
        webhookPollMs: 100,
        webhookRetryDelay: () => 50,
      });
    });
    after(async () => {
      await server?.close();
      await hooks?.close();
      await cluster?.stop();
    });

    test('an endpoint gets the events it picked, signed and timestamped, each with an id of its own', async () => {
      const registered = await postJson(
        `${server.url}/api/admin/webhooks`,
        {
          url: hooks.url,
          events: ['conversation.created', 'message.created', 'conversation.assigned', 'conversation.closed'],
        },
        ADMIN,
      );
      assert.equal(registered.status, 201);
      const endpoint = registered.json as unknown as { id: string; secret: string; url: string };
      assert.match(endpoint.secret, /^whsec_/);
      // The secret is shown once: the list never repeats it.
      const listed = await api(server, 'GET', '/api/admin/webhooks');
      assert.equal(JSON.stringify(listed.json).includes(endpoint.secret), false);
      assert.deepEqual(
        (listed.json.endpoints as { id: string }[]).map((each) => each.id),
        [endpoint.id],
      );

      const ingested = await postJson(`${server.url}/api/channels/email/inbound`, email(1), INGEST);
      assert.equal(ingested.status, 200, JSON.stringify(ingested.json));
      const conversationId = ingested.json.result.conversationId!;
      const agent = { kind: 'agent' as const, agentId: AGENTS[0]!.id };
      await server.server.backend.execute(agent, {
        type: 'conversation.assign',
        conversationId,
        assigneeId: agent.agentId,
      });
      await server.server.backend.execute(agent, {
        type: 'conversation.setStatus',
        conversationIds: [conversationId],
        status: 'closed',
      });

      const types = ['conversation.created', 'message.created', 'conversation.assigned', 'conversation.closed'];
      await until('four deliveries', () => hooks.received.length >= 4);
      assert.deepEqual(
        hooks.received.map((each) => each.body.type),
        types,
        'in the order they happened, and nothing not picked (contact.updated)',
      );
      for (const each of hooks.received) {
        assert.equal(each.headers[WEBHOOK_HEADERS.id], each.body.id);
        assert.equal(each.body.workspaceId, 'default');
        assert.ok(
          verifyWebhookSignature(
            endpoint.secret,
            {
              timestamp: each.headers[WEBHOOK_HEADERS.timestamp] as string,
              signature: each.headers[WEBHOOK_HEADERS.signature] as string,
            },
            each.raw,
          ),
          'signed with the endpoint secret',
        );
        // A changed body, another secret, or an old timestamp does not verify.
        const headers = {
          timestamp: each.headers[WEBHOOK_HEADERS.timestamp] as string,
          signature: each.headers[WEBHOOK_HEADERS.signature] as string,
        };
        assert.equal(verifyWebhookSignature(endpoint.secret, headers, each.raw.replace('Question', 'Questoin')), false);
        assert.equal(verifyWebhookSignature('whsec_other', headers, each.raw), false);
        assert.equal(
          verifyWebhookSignature(endpoint.secret, headers, each.raw, { now: Date.now() + 10 * 60_000 }),
          false,
        );
      }
      assert.equal(new Set(hooks.received.map((each) => each.body.id)).size, 4, 'ids are unique');
      assert.equal(hooks.received[0]!.body.data.conversation!.id, conversationId);

      // The log shows each delivery with the receiver's answer (recorded after the receiver answered).
      await server.server.webhooks.idle();
      const log = await api(server, 'GET', `/api/admin/webhooks/${endpoint.id}/deliveries`);
      const deliveries = log.json.deliveries as { state: string; lastStatus: number; attempts: number }[];
      assert.equal(deliveries.length, 4);
      assert.ok(
        deliveries.every((each) => each.state === 'delivered' && each.lastStatus === 200 && each.attempts === 1),
      );
    });

    test('bad registrations get a typed error naming the field, and change nothing', async () => {
      const before = await api(server, 'GET', '/api/admin/webhooks');
      for (const [body, path] of [
        [{ url: 'ftp://example.com/x', events: ['message.created'] }, 'url'],
        [{ url: 'https://user:pw@example.com/x', events: ['message.created'] }, 'url'],
        [{ url: 'not a url', events: ['message.created'] }, 'url'],
        [{ url: 'https://example.com/x', events: ['message.deleted'] }, 'events'],
        [{ url: 'https://example.com/x', events: [] }, 'events'],
      ] as const) {
        const reply = await postJson(`${server.url}/api/admin/webhooks`, body, ADMIN);
        assert.equal(reply.status, 400, JSON.stringify(body));
        assert.equal(reply.json.error.code, 'invalid');
        assert.equal(reply.json.error.path, path);
      }
      assert.equal(
        (await postJson(`${server.url}/api/admin/webhooks`, { url: 'https://example.com' }, {})).status,
        401,
      );
      assert.deepEqual(await api(server, 'GET', '/api/admin/webhooks'), before);
    });

    test("another workspace's admin sees none of these endpoints, and its events never reach them", async () => {
      const created = await postJson(`${server.url}/api/admin/workspaces`, { id: 'other', name: 'Other' }, ADMIN);
      assert.equal(created.status, 201);
      const otherAdmin = { authorization: `Bearer ${(created.json as unknown as { adminToken: string }).adminToken}` };
      const otherIngest = `Bearer ${(created.json as unknown as { ingestToken: string }).ingestToken}`;
      const ours = ((await api(server, 'GET', '/api/admin/webhooks')).json.endpoints as { id: string }[])[0]!;

      assert.deepEqual((await api(server, 'GET', '/api/admin/webhooks', otherAdmin)).json, { endpoints: [] });
      const removed = await api(server, 'DELETE', `/api/admin/webhooks/${ours.id}`, otherAdmin);
      assert.equal(removed.status, 404);
      assert.equal(JSON.stringify(removed.json).includes(ours.id), false);
      assert.equal((await api(server, 'GET', `/api/admin/webhooks/${ours.id}/deliveries`, otherAdmin)).status, 404);
      // Naming our workspace with their token is refused outright.
      assert.equal(
        (await api(server, 'GET', '/api/admin/webhooks', { ...otherAdmin, [WORKSPACE_HEADER]: 'default' })).status,
        403,
      );

      const seen = hooks.received.length;
      const address = await postJson(
        `${server.url}/api/admin/inbound-addresses`,
        { address: 'help@other.example' },
        otherAdmin,
      );
      assert.equal(address.status, 201, JSON.stringify(address.json));
      const mail = { ...email(2), to: 'help@other.example' };
      assert.equal(
        (await postJson(`${server.url}/api/channels/email/inbound`, mail, { authorization: otherIngest })).status,
        200,
      );
      // Ours still works (a new event of ours arrives), and nothing of theirs came before it.
      assert.equal((await postJson(`${server.url}/api/channels/email/inbound`, email(3), INGEST)).status, 200);
      await until('our next delivery', () => hooks.received.length >= seen + 2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.ok(hooks.received.slice(seen).every((each) => each.body.workspaceId === 'default'));
      assert.equal(JSON.stringify(hooks.received).includes('other.example'), false);
    });

    test('a receiver that fails is retried with backoff until it answers 2xx, and the log shows each answer', async () => {
      const flaky = await receiver((n) => (n <= 2 ? 503 : 200));
      try {
        const registered = await postJson(
          `${server.url}/api/admin/webhooks`,
          { url: flaky.url, events: ['message.created'] },
          ADMIN,
        );
        const endpointId = (registered.json as unknown as { id: string }).id;
        assert.equal((await postJson(`${server.url}/api/channels/email/inbound`, email(4), INGEST)).status, 200);
        await until('the third attempt delivered', () => flaky.received.length === 1);
        assert.equal(flaky.requests(), 3);
        await server.server.webhooks.idle(); // the third answer is recorded after the receiver gave it
        const deliveries = (await api(server, 'GET', `/api/admin/webhooks/${endpointId}/deliveries`)).json
          .deliveries as {
          state: string;
          attempts: number;
          lastStatus: number;
        }[];
        assert.deepEqual(
          deliveries.map(({ state, attempts, lastStatus }) => ({ state, attempts, lastStatus })),
          [{ state: 'delivered', attempts: 3, lastStatus: 200 }],
        );
        assert.equal((await api(server, 'DELETE', `/api/admin/webhooks/${endpointId}`)).status, 200);
      } finally {
        await flaky.close();
      }
    });

    if (kind === 'postgres')
      test('two processes sending from one database POST each delivery once', async () => {
        const pool = new pg.Pool({ connectionString: databaseUrl!, max: 4 });
        const counted = await receiver();
        try {
          const store = createPostgresWebhookStore(pool);
          const registered = await postJson(
            `${server.url}/api/admin/webhooks`,
            { url: counted.url, events: ['message.created'] },
            ADMIN,
          );
          assert.equal(registered.status, 201);
          // Two more senders over the same tables beside the server's own: three claim at once.
          const senders = [1, 2].map(() => createWebhookSender({ store, allowPrivateNetworks: true, pollMs: 20 }));
          for (let index = 10; index < 40; index++)
            assert.equal(
              (await postJson(`${server.url}/api/channels/email/inbound`, email(index), INGEST)).status,
              200,
            );
          await until('30 deliveries', () => counted.received.length >= 30);
          await new Promise((resolve) => setTimeout(resolve, 500));
          await Promise.all(senders.map((sender) => sender.close()));
          const ids = counted.received.map((each) => each.body.id);
          assert.equal(ids.length, 30, 'each delivery POSTed once');
          assert.equal(new Set(ids).size, 30);
        } finally {
          await counted.close();
          await pool.end();
        }
      });
  });
}

test('without CONFAB_WEBHOOK_PRIVATE_NETWORKS=allow a receiver on loopback is refused (by address or by name), and the log says why', async () => {
  const hooks = await receiver();
  const server = await startTestServer({ webhookPollMs: 100, webhookRetryDelay: () => 50, webhookRetryWindowMs: 120 });
  try {
    const byName = hooks.url.replace('127.0.0.1', 'localhost');
    const endpointIds: string[] = [];
    for (const url of [hooks.url, byName]) {
      const registered = await postJson(
        `${server.url}/api/admin/webhooks`,
        { url, events: ['message.created'] },
        ADMIN,
      );
      endpointIds.push((registered.json as unknown as { id: string }).id);
    }
    assert.equal((await postJson(`${server.url}/api/channels/email/inbound`, email(1), INGEST)).status, 200);
    for (const [index, endpointId] of endpointIds.entries()) {
      const deadline = Date.now() + 15_000;
      let deliveries: { state: string; lastError: string | null; lastStatus: number | null }[] = [];
      while (Date.now() < deadline) {
        deliveries = (await api(server, 'GET', `/api/admin/webhooks/${endpointId}/deliveries`)).json
          .deliveries as typeof deliveries;
        if (deliveries[0]?.state === 'failed') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(deliveries[0]?.state, 'failed', `endpoint ${index}`);
      assert.equal(deliveries[0]?.lastStatus, null);
      assert.match(
        deliveries[0]!.lastError!,
        index === 0 ? /127\.0\.0\.1 is a private address/ : /localhost resolves to a private address/,
      );
    }
    assert.equal(hooks.requests(), 0, 'nothing reached the loopback receiver');
  } finally {
    await server.close();
    await hooks.close();
  }
});

test('on PostgreSQL a workspace found without an endpoint is looked at again only after a pause; an endpoint another process added is found then', async () => {
  const cluster = await startThrowawayPostgres();
  const url = await cluster.createDatabase();
  // Two processes: each its own pool and store on one database.
  const [poolA, poolB] = [openPostgresPool({ url, max: 2 }), openPostgresPool({ url, max: 2 })];
  try {
    const log = await openPostgresStorage({ pool: poolA, workspaceId: 'shop' });
    await poolA.query("INSERT INTO workspaces (id, name, created_at) VALUES ('shop', 'Shop', 0)");
    const events = [1, 2].map((seq) => ({
      seq,
      cause: 'c1',
      event: { type: 'view.removed' as const, viewId: `v${seq}` },
    }));
    await log.commit({ principalKey: 'agent:a1', commandId: 'c1', events, outcome: { ok: true, seq: 2 }, at: 1 });
    const [storeA, storeB] = [createPostgresWebhookStore(poolA), createPostgresWebhookStore(poolB)];

    assert.equal(await storeB.dispatch('shop', 'e1', 1, Date.now()), 0, 'no endpoint: nothing to derive');
    const endpoint = {
      id: 'wh1',
      workspaceId: 'shop',
      url: 'https://hooks.example/confab',
      secret: 'whsec_test',
      events: ['message.created' as const],
      createdAt: Date.now(),
    };
    await storeA.addEndpoint(endpoint, { seq: 0, conversations: [] });
    const cursor = async () =>
      Number((await poolA.query("SELECT seq FROM webhook_cursors WHERE workspace_id = 'shop'")).rows[0].seq);

    // B looked a moment ago and found none: its next dispatch waits, then reads once and finds A's endpoint.
    const queries = poolCounts(poolB).queries;
    const started = performance.now();
    await storeB.dispatch('shop', 'e1', 2, Date.now());
    assert.ok(performance.now() - started >= 400, 'waited for the second look');
    assert.equal(await cursor(), 2, 'the events up to 2 were derived');
    assert.ok(poolCounts(poolB).queries - queries >= 2, 'read the cursor, then derived under its lock');

    // A store that knows of an endpoint (or added it) dispatches at once.
    await log.commit({
      principalKey: 'agent:a1',
      commandId: 'c2',
      events: [{ seq: 3, cause: 'c2', event: { type: 'view.removed', viewId: 'v3' } }],
      outcome: { ok: true, seq: 3 },
      at: 2,
    });
    const again = performance.now();
    await storeB.dispatch('shop', 'e1', 3, Date.now());
    assert.ok(performance.now() - again < 400);
    assert.equal(await cursor(), 3);
    await log.close();
  } finally {
    await Promise.all([poolA.end(), poolB.end()]);
    await cluster.stop();
  }
});

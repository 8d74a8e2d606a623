// Issue 17 (integrations): the REST API for a product's backend. API keys per workspace (hashed,
// read or write, revocable, each acting as one agent), conversations listed with the inbox's view
// and filter model, writes as engine commands, and an OpenAPI document checked against the routes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AGENTS, postJson, startTestServer, type TestServer } from '../testing/harness.test-util.js';
import { API_ROUTES } from './rest-routes.js';
import { OPENAPI_DOCUMENT } from './openapi.js';

const ADMIN = { authorization: 'Bearer test-admin' };
const INGEST = { authorization: 'Bearer test-ingest' };

let server: TestServer;
const conversationIds: string[] = [];

async function call(
  method: string,
  path: string,
  key: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // The answers are read loosely: each test names the fields it expects.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

async function issueKey(scope: 'read' | 'write', agentId = AGENTS[0]!.id, headers = ADMIN) {
  const reply = await postJson(`${server.url}/api/admin/api-keys`, { agentId, scope, label: `${scope} key` }, headers);
  assert.equal(reply.status, 201, JSON.stringify(reply.json));
  return reply.json as unknown as { id: string; key: string; scope: string; agentId: string };
}

function email(index: number) {
  return {
    from: `Customer ${index} <rest${index}@example.com>`,
    to: 'support@team.example',
    subject: `REST ${index}`,
    text: `Question ${index}`,
    messageId: `<rest-${index}@example.com>`,
  };
}

before(async () => {
  server = await startTestServer();
  for (let index = 0; index < 7; index++) {
    const reply = await postJson(`${server.url}/api/channels/email/inbound`, email(index), INGEST);
    assert.equal(reply.status, 200);
    conversationIds.push(reply.json.result.conversationId!);
  }
});
after(() => server?.close());

describe('the OpenAPI document', () => {
  test('its operations are exactly the routes the server answers, and each documented one is routed', async () => {
    const documented = Object.entries(OPENAPI_DOCUMENT.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const routed = API_ROUTES.map((route) => `${route.method} ${route.path}`);
    assert.deepEqual([...documented].sort(), [...routed].sort());

    const served = await call('GET', '/api/v1/openapi.json', null);
    assert.equal(served.status, 200);
    assert.equal(served.json.openapi, '3.1.0');
    assert.deepEqual(Object.keys(served.json.paths).sort(), Object.keys(OPENAPI_DOCUMENT.paths).sort());

    // Each documented operation reaches its handler (a record that does not exist: the handler's
    // own 404), while an undocumented path or method is refused by the router.
    const { key } = await issueKey('write');
    for (const operation of documented) {
      const [method, template] = operation.split(' ') as [string, string];
      const path = template.replace('{id}', 'no-such-id');
      const body = method === 'GET' ? undefined : { text: 'x', assigneeId: null };
      const answer = await call(method, path, key, body);
      assert.ok(
        answer.status === 200 || /^No such (conversation|contact|view)/.test(answer.json.error?.message),
        `${operation}: ${JSON.stringify(answer.json)}`,
      );
    }
    const unknown = await call('GET', '/api/v1/tickets', key);
    assert.equal(unknown.status, 404);
    assert.match(unknown.json.error.message, /No such API route/);
    assert.equal((await call('DELETE', `/api/v1/conversations/${conversationIds[0]}`, key)).status, 405);
  });
});

describe('API keys', () => {
  test('an admin issues a key acting as an agent: shown once, listed without it, refused once revoked', async () => {
    const issued = await issueKey('read');
    assert.match(issued.key, /^cfk_/);
    const listed = await call('GET', '/api/admin/api-keys', 'test-admin');
    assert.equal(JSON.stringify(listed.json).includes(issued.key), false);
    assert.ok((listed.json.keys as { id: string }[]).some((key) => key.id === issued.id));
    assert.equal((await call('GET', '/api/v1/conversations', issued.key)).status, 200);

    assert.equal((await call('DELETE', `/api/admin/api-keys/${issued.id}`, 'test-admin')).status, 200);
    const refused = await call('GET', '/api/v1/conversations', issued.key);
    assert.equal(refused.status, 401);
    assert.equal((await call('DELETE', `/api/admin/api-keys/${issued.id}`, 'test-admin')).status, 404);
  });

  test('no key, a made-up key, an unknown agent or a bad scope are refused with typed errors', async () => {
    assert.equal((await call('GET', '/api/v1/conversations', null)).status, 401);
    assert.equal((await call('GET', '/api/v1/conversations', 'cfk_madeup')).status, 401);
    assert.equal(
      (await call('GET', '/api/v1/conversations', 'test-admin')).status,
      401,
      'the admin token is not an API key',
    );
    const noAgent = await postJson(`${server.url}/api/admin/api-keys`, { agentId: 'nobody', scope: 'read' }, ADMIN);
    assert.equal(noAgent.status, 404);
    assert.equal(noAgent.json.error.path, 'agentId');
    const badScope = await postJson(
      `${server.url}/api/admin/api-keys`,
      { agentId: AGENTS[0]!.id, scope: 'admin' },
      ADMIN,
    );
    assert.equal(badScope.status, 400);
    assert.equal(badScope.json.error.path, 'scope');
  });

  test('a read key cannot write, and its attempt changes nothing', async () => {
    const { key } = await issueKey('read');
    const id = conversationIds[0]!;
    const before = await call('GET', `/api/v1/conversations/${id}`, key);
    const refused = await call('POST', `/api/v1/conversations/${id}/messages`, key, { text: 'sneaky' });
    assert.equal(refused.status, 403);
    assert.equal((await call('POST', `/api/v1/conversations/${id}/close`, key)).status, 403);
    assert.deepEqual(await call('GET', `/api/v1/conversations/${id}`, key), before);
  });

  test("a disabled agent's key stops working", async () => {
    const { key } = await issueKey('read', AGENTS[1]!.id);
    assert.equal((await call('GET', '/api/v1/conversations', key)).status, 200);
    await server.server.backend.execute({ kind: 'system' }, { type: 'agent.disable', agentId: AGENTS[1]!.id });
    assert.equal((await call('GET', '/api/v1/conversations', key)).status, 401);
    await server.server.backend.execute({ kind: 'system' }, { type: 'agent.enable', agentId: AGENTS[1]!.id });
  });
});

describe('conversations and contacts', () => {
  test('the list pages through a view in list order, narrowed by filters like the inbox', async () => {
    const { key } = await issueKey('read');
    const all = await call('GET', '/api/v1/conversations?limit=100', key);
    const everyId = (all.json.conversations as { id: string }[]).map((conversation) => conversation.id);
    assert.ok(conversationIds.every((id) => everyId.includes(id)));
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call('GET', `/api/v1/conversations?limit=3${cursor ? `&cursor=${cursor}` : ''}`, key);
      assert.equal(page.status, 200);
      assert.ok(page.json.conversations.length <= 3);
      paged.push(...(page.json.conversations as { id: string }[]).map((conversation) => conversation.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    assert.deepEqual(paged, everyId, 'pages join up to the whole list, in order');

    const email = await call('GET', '/api/v1/conversations?view=email&status=open&channel=email&limit=100', key);
    assert.equal(email.json.conversations.length, everyId.length);
    const chat = await call('GET', '/api/v1/conversations?view=email&channel=chat', key);
    assert.deepEqual(chat.json, { conversations: [], nextCursor: null }, 'a contradiction answers nothing');
    const mine = await call('GET', '/api/v1/conversations?view=mine', key);
    assert.deepEqual(mine.json.conversations, []);
    // A saved view over a period (issue 16) means that period up to now, and a label view its labels.
    const recent = await server.server.backend.execute(
      { kind: 'agent', agentId: AGENTS[0]!.id },
      { type: 'view.save', name: 'Recent', filter: { scope: 'inbox', activityWithin: '24h' } },
    );
    const lately = await call('GET', `/api/v1/conversations?view=${recent.result!['viewId']}&limit=100`, key);
    assert.equal(lately.json.conversations.length, everyId.length, 'everything here is from the last 24 hours');

    for (const [query, path] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['status=pending', 'status'],
      ['channel=fax', 'channel'],
      ['hasTicket=maybe', 'hasTicket'],
      ['activityFrom=yesterday', 'activityFrom'],
      ['cursor=bm9wZQ', 'cursor'],
      ['label=no-such-label', 'label'],
    ]) {
      const refused = await call('GET', `/api/v1/conversations?${query}`, key);
      assert.equal(refused.status, 400, query);
      assert.equal(refused.json.error.path, path, query);
    }
    assert.equal((await call('GET', '/api/v1/conversations?view=nope', key)).status, 404);
  });

  test('the list takes a label parameter: a label id or its name in any case, repeated for every one (issue 17)', async () => {
    const { key } = await issueKey('read');
    const agent = { kind: 'agent' as const, agentId: AGENTS[0]!.id };
    const vip = (await server.server.backend.execute(agent, { type: 'label.create', name: 'VIP', color: '#0366d6' }))
      .result!['labelId']!;
    const urgent = (
      await server.server.backend.execute(agent, { type: 'label.create', name: 'Urgent', color: '#d73a49' })
    ).result!['labelId']!;
    const [first, second] = conversationIds;
    await server.server.backend.execute(agent, {
      type: 'conversation.addLabel',
      conversationIds: [first!, second!],
      labelId: vip,
    });
    await server.server.backend.execute(agent, {
      type: 'conversation.addLabel',
      conversationIds: [second!],
      labelId: urgent,
    });
    const ids = async (query: string) => {
      const answer = await call('GET', `/api/v1/conversations?limit=100&${query}`, key);
      assert.equal(answer.status, 200, query);
      return (answer.json.conversations as { id: string }[]).map((conversation) => conversation.id).sort();
    };
    assert.deepEqual(await ids(`label=${vip}`), [first!, second!].sort());
    assert.deepEqual(await ids('label=vip'), [first!, second!].sort(), 'by name, whatever its case');
    assert.deepEqual(await ids(`label=VIP&label=${urgent}`), [second!], 'every label given');
    assert.deepEqual(await ids('label=Urgent&status=closed'), [], 'with the other filters');
  });

  test('writes are engine commands of the key’s agent; an Idempotency-Key makes a retry one effect', async () => {
    const { key } = await issueKey('write');
    const id = conversationIds[1]!;
    const headers = { 'idempotency-key': 'reply-once-1' };
    const first = await call('POST', `/api/v1/conversations/${id}/messages`, key, { text: 'Thanks, on it.' }, headers);
    assert.equal(first.status, 201, JSON.stringify(first.json));
    const again = await call('POST', `/api/v1/conversations/${id}/messages`, key, { text: 'Thanks, on it.' }, headers);
    assert.deepEqual(again.json.messageId, first.json.messageId);
    const thread = await call('GET', `/api/v1/conversations/${id}`, key);
    const replies = (thread.json.messages as { text: string; authorId: string }[]).filter(
      (message) => message.text === 'Thanks, on it.',
    );
    assert.equal(replies.length, 1, 'one reply for two requests');
    assert.equal(replies[0]!.authorId, AGENTS[0]!.id);

    const comment = await call('POST', `/api/v1/conversations/${id}/comments`, key, { text: 'Internal note' });
    assert.equal(comment.status, 201);
    const assigned = await call('POST', `/api/v1/conversations/${id}/assign`, key, { assigneeId: AGENTS[0]!.id });
    assert.equal(assigned.json.conversation.assigneeId, AGENTS[0]!.id);
    assert.equal((await call('POST', `/api/v1/conversations/${id}/close`, key)).json.conversation.status, 'closed');
    assert.equal((await call('POST', `/api/v1/conversations/${id}/reopen`, key)).json.conversation.status, 'open');
    const mine = await call('GET', '/api/v1/conversations?view=mine', key);
    assert.deepEqual(
      (mine.json.conversations as { id: string }[]).map((conversation) => conversation.id),
      [id],
    );

    const contactId = thread.json.conversation.contactId as string;
    const patched = await call('PATCH', `/api/v1/contacts/${contactId}`, key, {
      name: 'Renamed Customer',
      properties: { plan: 'pro' },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.json));
    assert.equal(patched.json.contact.name, 'Renamed Customer');
    assert.equal((await call('GET', `/api/v1/contacts/${contactId}`, key)).json.contact.properties.plan, 'pro');

    const before = await call('GET', `/api/v1/contacts/${contactId}`, key);
    for (const [body, path] of [
      [{ properties: { plan: 3 } }, 'properties'],
      [{ name: 42 }, 'name'],
    ] as const) {
      const refused = await call('PATCH', `/api/v1/contacts/${contactId}`, key, body);
      assert.equal(refused.status, 400);
      assert.equal(refused.json.error.path, path);
    }
    assert.equal((await call('POST', `/api/v1/conversations/${id}/messages`, key, { text: '' })).status, 400);
    assert.equal((await call('POST', `/api/v1/conversations/${id}/assign`, key, { assigneeId: 7 })).status, 400);
    assert.deepEqual(await call('GET', `/api/v1/contacts/${contactId}`, key), before, 'refusals changed nothing');
  });

  test('an email reply takes cc and bcc through the engine; a bad address is a 400 naming it and sends nothing', async () => {
    const { key } = await issueKey('write');
    const id = conversationIds[2]!;
    const posted = await call('POST', `/api/v1/conversations/${id}/messages`, key, {
      text: 'Copying my colleagues.',
      cc: ['Ava@Customer.example'],
      bcc: ['audit@team-archive.example'],
    });
    assert.equal(posted.status, 201, JSON.stringify(posted.json));
    const thread = await call('GET', `/api/v1/conversations/${id}`, key);
    const reply = (thread.json.messages as { id: string; email?: { cc: string[]; bcc?: string[] } }[]).find(
      (message) => message.id === posted.json.messageId,
    )!;
    assert.deepEqual(reply.email!.cc, ['ava@customer.example']);
    assert.deepEqual(reply.email!.bcc, ['audit@team-archive.example']);

    const before = await call('GET', `/api/v1/conversations/${id}`, key);
    for (const [body, path] of [
      [{ text: 'x', cc: 'ava@customer.example' }, 'cc'],
      [{ text: 'x', cc: ['ava@customer.example', 'not an address'] }, 'cc[1]'],
      [{ text: 'x', bcc: [42] }, 'bcc[0]'],
      [{ text: 'x', bcc: Array.from({ length: 51 }, (_, n) => `b${n}@example.com`) }, 'bcc'],
    ] as const) {
      const refused = await call('POST', `/api/v1/conversations/${id}/messages`, key, body);
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.equal(refused.json.error.code, 'invalid');
      assert.equal(refused.json.error.path, path);
    }
    assert.deepEqual(await call('GET', `/api/v1/conversations/${id}`, key), before, 'refusals changed nothing');

    // On a chat the engine refuses copies by its rule (R1), as in the inbox.
    const backend = server.server.backend;
    const visitor = await backend.execute({ kind: 'system' }, { type: 'visitor.create', name: 'Chat visitor' });
    const chat = await backend.execute(
      { kind: 'visitor', contactId: visitor.result!['contactId']! },
      { type: 'visitor.startChat', text: 'Hello' },
    );
    const onChat = await call('POST', `/api/v1/conversations/${chat.result!['conversationId']}/messages`, key, {
      text: 'Copying someone',
      cc: ['ava@customer.example'],
    });
    assert.equal(onChat.status, 409);
    assert.equal(onChat.json.error.code, 'rule');
  });

  test('a key of another workspace sees nothing of this one and changes nothing', async () => {
    const created = await postJson(`${server.url}/api/admin/workspaces`, { id: 'rest-other', name: 'Other' }, ADMIN);
    assert.equal(created.status, 201);
    const otherAdmin = { authorization: `Bearer ${(created.json as unknown as { adminToken: string }).adminToken}` };
    const agent = await postJson(
      `${server.url}/api/admin/agents`,
      { email: 'o@other.example', name: 'Olga' },
      otherAdmin,
    );
    assert.equal(agent.status, 201, JSON.stringify(agent.json));
    const agentId = (agent.json as unknown as { agentId: string }).agentId;
    // An agent of this workspace cannot be named for a key of theirs.
    const crossAgent = await postJson(
      `${server.url}/api/admin/api-keys`,
      { agentId: AGENTS[0]!.id, scope: 'write' },
      otherAdmin,
    );
    assert.equal(crossAgent.status, 404);
    const listed = await call('GET', '/api/admin/api-keys', null, undefined, otherAdmin);
    assert.deepEqual(listed.json, { keys: [] }, "this workspace's keys are not theirs to see");

    const { key } = await issueKey('write', agentId, otherAdmin);
    const list = await call('GET', '/api/v1/conversations?limit=100', key);
    assert.deepEqual(list.json, { conversations: [], nextCursor: null });
    const id = conversationIds[2]!;
    const before = await call('GET', `/api/v1/conversations/${id}`, (await issueKey('read')).key);
    for (const [method, path, body] of [
      ['GET', `/api/v1/conversations/${id}`],
      ['POST', `/api/v1/conversations/${id}/messages`, { text: 'hi from elsewhere' }],
      ['POST', `/api/v1/conversations/${id}/close`],
      ['GET', `/api/v1/contacts/${before.json.conversation.contactId}`],
      ['PATCH', `/api/v1/contacts/${before.json.conversation.contactId}`, { name: 'Stolen' }],
    ] as const) {
      const answer = await call(method, path, key, body);
      assert.equal(answer.status, 404, `${method} ${path}`);
      assert.equal(JSON.stringify(answer.json).includes('rest2@example.com'), false);
    }
    assert.deepEqual(await call('GET', `/api/v1/conversations/${id}`, (await issueKey('read')).key), before);
  });
});

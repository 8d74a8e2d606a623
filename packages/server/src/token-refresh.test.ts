// Issue 21: an agent's token refreshed mid-session (client.setToken) over real sockets and the real
// server: what was queued is still sent once, and the client resumes instead of fetching everything.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { createInboxClient, createMemoryPersistence, createWebSocketTransport, type InboxClient } from '@confab/core';
import type { ClientFrame, ServerFrame } from '@confab/core';
import { AGENTS, startTestServer, visitorWithChat, type TestServer } from './testing/harness.test-util.js';

/** `ws` sockets that record the frames each way. */
function recordingSockets() {
  const sent: ClientFrame[] = [];
  const received: ServerFrame[] = [];
  const Socket = class extends WebSocket {
    constructor(url: string) {
      super(url);
      this.on('message', (data) => received.push(JSON.parse(String(data)) as ServerFrame));
    }
    override send(data: string) {
      sent.push(JSON.parse(data) as ClientFrame);
      super.send(data);
    }
  } as unknown as typeof globalThis.WebSocket;
  const count = (type: ServerFrame['type']) => received.filter((frame) => frame.type === type).length;
  return { Socket, sent, count };
}

async function until(check: () => boolean, what: string, timeoutMs = 5000) {
  const start = Date.now();
  while (!check()) {
    assert.ok(Date.now() - start < timeoutMs, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('refreshing an agent token mid-session', () => {
  let t: TestServer;
  let conversationId: string;
  const clients: InboxClient[] = [];
  before(async () => {
    t = await startTestServer();
    const chat = await visitorWithChat(t.wsUrl, 'Is my parcel on its way?');
    conversationId = chat.conversationId;
    chat.peer.close();
  });
  after(async () => {
    for (const client of clients) await client.close();
    await t.close();
  });

  async function signedIn(token: string, Socket: typeof globalThis.WebSocket) {
    const client = createInboxClient({
      transport: createWebSocketTransport({ url: t.wsUrl, WebSocket: Socket, initialDelayMs: 20 }),
      token,
      persistence: createMemoryPersistence(),
    });
    clients.push(client);
    await until(() => client.status.get().ready && client.connection.get() === 'online', 'signed in');
    return client;
  }

  const repliesOf = (text: string) =>
    (t.server.backend.state.messages.get(conversationId) ?? []).filter((message) => message.text === text).length;

  test('commands sent as the token changes are committed once, the draft stays, and the client resumes', async () => {
    const { Socket, sent, count } = recordingSockets();
    const client = await signedIn(t.agentToken, Socket);
    client.drafts.set(conversationId, 'still typing');
    const fresh = (await t.server.auth.issueAgentToken(AGENTS[0]!.id, 'refreshed')).token;

    // In flight on the old link as it is replaced: each may or may not have reached the server.
    const replies = ['one', 'two', 'three'].map((word) =>
      client.send({ type: 'message.reply', conversationId, text: `Reply ${word}` }),
    );
    client.setToken(fresh);
    await Promise.all(replies);

    for (const word of ['one', 'two', 'three']) assert.equal(repliesOf(`Reply ${word}`), 1, `reply ${word} once`);
    const hellos = sent.filter((frame) => frame.type === 'hello');
    assert.equal(hellos.length, 2);
    assert.equal(hellos[1]!.type === 'hello' && hellos[1]!.token, fresh, 'the new link signs in with the new token');
    assert.ok(hellos[1]!.type === 'hello' && hellos[1]!.resumeFrom !== undefined, 'it resumes');
    assert.equal(count('snapshot'), 1, 'nothing fetched again in full');
    assert.deepEqual(client.status.get().principal, { kind: 'agent', agentId: AGENTS[0]!.id });
    assert.equal(client.drafts.get(conversationId), 'still typing');
  });

  test('a token of another agent: the client becomes that agent and sends nothing of the one before', async () => {
    const { Socket, count } = recordingSockets();
    const bobToken = (await t.server.auth.issueAgentToken(AGENTS[1]!.id, 'bob')).token;
    const annToken = (await t.server.auth.issueAgentToken(AGENTS[0]!.id, 'ann')).token;
    const client = await signedIn(annToken, Socket);
    client.drafts.set(conversationId, "Ann's draft");
    client.setToken(bobToken);
    await until(
      () => client.status.get().principal?.kind === 'agent' && client.status.get().ready,
      'signed in as the other agent',
    );
    await until(() => client.me.get()?.id === AGENTS[1]!.id, 'the other agent');
    assert.equal(client.drafts.get(conversationId), '');
    assert.equal(count('snapshot'), 2, "the other agent's inbox, in full");
    assert.ok(client.store.conversation(conversationId), 'their replica is there');
  });
});

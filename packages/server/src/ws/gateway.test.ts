import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_FRAME_LENGTH } from '@confab/core';
import { CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED } from './gateway.js';
import {
  AGENTS,
  Peer,
  hello,
  startTestServer,
  visitorWithChat,
  type TestServer,
  sleep,
} from '../testing/harness.test-util.js';

describe('WebSocket: authentication and limits', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ allowedOrigins: ['https://shop.example'] });
  });
  after(() => t.close());

  test('an agent token signs in as that agent and receives a snapshot at the welcome seq', async () => {
    const { peer, welcome } = await hello(t.wsUrl, t.agentToken);
    assert.deepEqual(welcome.principal, { kind: 'agent', agentId: AGENTS[0]!.id });
    const snapshot = await peer.next('snapshot');
    assert.equal(snapshot.snapshot.seq, welcome.seq);
    assert.equal(snapshot.snapshot.agents.length, 2);
    peer.close();
  });

  test('a wrong token gets a typed unauthenticated error and the socket closes with 4401 and a reason', async () => {
    for (const token of ['cfa_not-a-real-token', 'cfv_not-a-real-session', 'garbage']) {
      const peer = await Peer.open(t.wsUrl);
      peer.send({ v: 1, type: 'hello', token });
      const error = await peer.next('error');
      assert.equal(error.error.code, 'unauthenticated');
      const closed = await peer.closed;
      assert.equal(closed.code, CLOSE_UNAUTHENTICATED);
      assert.ok(closed.reason.length > 0, 'the close has a reason');
    }
  });

  test('a token in the URL is refused before the upgrade: tokens never travel in URLs', async () => {
    await assert.rejects(Peer.open(`${t.wsUrl}?token=${t.agentToken}`), /HTTP 400/);
    await assert.rejects(Peer.open(`${t.wsUrl}?access_token=x`), /HTTP 400/);
    await assert.rejects(Peer.open(t.url.replace('http', 'ws') + '/elsewhere'), /HTTP 404/);
  });

  test('a malformed JSON frame, an unknown frame type and a binary frame get typed errors and the connection keeps working', async () => {
    const { peer } = await hello(t.wsUrl, t.agentToken);
    await peer.next('snapshot');
    peer.sendRaw('{not json');
    assert.equal((await peer.next('error')).error.code, 'invalid');
    peer.send({ v: 1, type: 'teleport' });
    assert.equal((await peer.next('error')).error.code, 'invalid');
    peer.sendRaw(Buffer.from([1, 2, 3]), true);
    assert.equal((await peer.next('error')).error.code, 'invalid');
    peer.send({ v: 1, type: 'command', id: 'x1', command: { type: 'no.such.command' } });
    const unknown = await peer.next('error');
    assert.equal(unknown.id, 'x1');
    assert.ok(['unknown-command', 'invalid'].includes(unknown.error.code));
    peer.send({ v: 1, type: 'ping' });
    await peer.next('pong');
    peer.send({
      v: 1,
      type: 'command',
      id: 'avail-1',
      command: { type: 'agent.setAvailability', availability: 'available' },
    });
    await peer.next('ack', (frame) => frame.id === 'avail-1');
    peer.close();
  });

  test('an oversized frame gets a too-large error and the connection stays open', async () => {
    const { peer } = await hello(t.wsUrl, t.agentToken);
    await peer.next('snapshot');
    peer.send({
      v: 1,
      type: 'command',
      id: 'big',
      command: { type: 'agent.setAvailability', availability: 'x'.repeat(MAX_FRAME_LENGTH) },
    });
    assert.equal((await peer.next('error')).error.code, 'too-large');
    peer.send({ v: 1, type: 'ping' });
    await peer.next('pong');
    peer.close();
  });

  test('a message text over the limit is refused as too large and changes nothing', async () => {
    const visitor = await visitorWithChat(t.wsUrl);
    const seq = t.server.backend.seq;
    visitor.peer.send({
      v: 1,
      type: 'command',
      id: 'long',
      command: { type: 'visitor.message', conversationId: visitor.conversationId, text: 'y'.repeat(70_000) },
    });
    const error = await visitor.peer.next('error', (frame) => frame.id === 'long');
    assert.equal(error.error.code, 'too-large');
    assert.equal(t.server.backend.seq, seq);
    visitor.peer.close();
  });

  test('a visitor from an origin that is not allowed is refused with 4403; an allowed origin and the own origin are accepted', async () => {
    const refused = await Peer.open(t.wsUrl, { origin: 'https://evil.example' });
    refused.send({ v: 1, type: 'hello', token: '' });
    assert.equal((await refused.next('error')).error.code, 'origin-not-allowed');
    assert.equal((await refused.closed).code, CLOSE_FORBIDDEN);

    for (const origin of ['https://shop.example', t.url]) {
      const { peer, welcome } = await hello(t.wsUrl, '', {}, { origin });
      assert.equal(welcome.principal.kind, 'visitor');
      peer.close();
    }
    // Agents are not bound to widget origins.
    const { peer, welcome } = await hello(t.wsUrl, t.agentToken, {}, { origin: 'https://evil.example' });
    assert.equal(welcome.principal.kind, 'agent');
    peer.close();
  });
});

/** Polls a condition until it holds (or the test's own timeout ends it). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await sleep(10);
}

describe('WebSocket: rate limits', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({
      limits: { connectionBurst: 5, connectionPerSecond: 1, newVisitorBurst: 3, newVisitorPerSecond: 0.001 },
    });
  });
  after(() => t.close());

  test('a connection a little over its bucket gets rate-limited error frames and stays open', async () => {
    const { peer } = await hello(t.wsUrl, t.agentToken);
    await peer.next('snapshot');
    // The hello took one of the 5 tokens: 4 pings pass, 3 are refused (within 5 refusals).
    for (let index = 0; index < 7; index++) peer.send({ v: 1, type: 'ping' });
    const limited = await peer.next('error');
    assert.equal(limited.error.code, 'rate-limited');
    const pongs = () => peer.frames.filter((frame) => frame.type === 'pong').length;
    await until(() => peer.frames.filter((frame) => frame.type === 'pong' || frame.type === 'error').length >= 7);
    assert.ok(pongs() >= 3 && pongs() <= 5, `burst answered (${pongs()} pongs)`);
    await sleep(1100);
    peer.send({ v: 1, type: 'ping' });
    await until(() => pongs() > 4); // the bucket refilled
    assert.equal(peer.socket.readyState, peer.socket.OPEN);
    peer.close();
  });

  test('a connection that keeps flooding past its refusals is closed 1008, not answered frame by frame', async () => {
    const { peer } = await hello(t.wsUrl, t.agentToken);
    await peer.next('snapshot');
    for (let index = 0; index < 40; index++) peer.send({ v: 1, type: 'ping' });
    const { code } = await peer.closed;
    assert.equal(code, 1008);
    const answered = peer.frames.filter((frame) => frame.type === 'pong' || frame.type === 'error').length;
    assert.ok(answered <= 5 + 5 + 2, `a burst and its refusals answered, then closed (${answered} answers)`);
  });

  test('too many new visitor sessions from one address are refused with rate-limited', async () => {
    const results: string[] = [];
    for (let index = 0; index < 4; index++) {
      const peer = await Peer.open(t.wsUrl);
      peer.send({ v: 1, type: 'hello', token: '' });
      const frame = await Promise.race([peer.next('welcome'), peer.next('error')]);
      results.push(frame.type === 'welcome' ? 'welcome' : frame.error.code);
      peer.close();
    }
    assert.deepEqual(results, ['welcome', 'welcome', 'welcome', 'rate-limited']);
  });
});

describe('WebSocket: revocation', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('revoking an agent token through the admin API closes its sockets within 5 s and the token stops working; another token of the agent stays connected', async () => {
    const issue = async (label: string) => {
      const issued = await fetch(`${t.url}/api/admin/agent-tokens`, {
        method: 'POST',
        headers: { authorization: 'Bearer test-admin', 'content-type': 'application/json' },
        body: JSON.stringify({ agentId: AGENTS[1]!.id, label }),
      });
      assert.equal(issued.status, 201);
      return (await issued.json()) as { id: string; token: string };
    };
    const { id, token } = await issue('laptop');
    const phone = await issue('phone');
    const { peer } = await hello(t.wsUrl, token);
    await peer.next('snapshot');
    const { peer: other } = await hello(t.wsUrl, phone.token);
    await other.next('snapshot');
    const started = Date.now();
    const revoked = await fetch(`${t.url}/api/admin/agent-tokens/${id}`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer test-admin' },
    });
    assert.equal(revoked.status, 200);
    const closed = await peer.closed;
    assert.ok(Date.now() - started < 5000);
    assert.ok(closed.code >= 4400 && closed.code < 4500, `fatal close code, got ${closed.code}`);
    const again = await Peer.open(t.wsUrl);
    again.send({ v: 1, type: 'hello', token });
    assert.equal((await again.closed).code, CLOSE_UNAUTHENTICATED);
    other.send({ v: 1, type: 'ping' });
    await other.next('pong');
    assert.equal(other.socket.readyState, other.socket.OPEN, 'the socket with the other token is still open');
    other.close();
  });

  test('disabling an agent closes their sockets and refuses their tokens; the admin API needs its token', async () => {
    const { peer } = await hello(t.wsUrl, t.agentToken);
    await peer.next('snapshot');
    const unauthorised = await fetch(`${t.url}/api/admin/agents/${AGENTS[0]!.id}/disable`, {
      method: 'POST',
      headers: { authorization: 'Bearer wrong' },
    });
    assert.equal(unauthorised.status, 401);
    assert.equal(((await unauthorised.json()) as { error: { code: string } }).error.code, 'unauthenticated');
    const disabled = await fetch(`${t.url}/api/admin/agents/${AGENTS[0]!.id}/disable`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin' },
    });
    assert.equal(disabled.status, 200);
    assert.ok((await peer.closed).code >= 4400);
    const again = await Peer.open(t.wsUrl);
    again.send({ v: 1, type: 'hello', token: t.agentToken });
    assert.equal((await again.closed).code, CLOSE_UNAUTHENTICATED);
    await fetch(`${t.url}/api/admin/agents/${AGENTS[0]!.id}/enable`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin' },
    });
    const { welcome } = await hello(t.wsUrl, t.agentToken);
    assert.equal(welcome.principal.kind, 'agent');
  });

  test('an agent the engine disables loses their open sockets and their token stops working', async () => {
    const bob = await t.server.auth.issueAgentToken(AGENTS[1]!.id);
    const { peer } = await hello(t.wsUrl, bob.token);
    await peer.next('snapshot');
    await t.server.backend.append([{ type: 'agent.upserted', agent: { ...AGENTS[1]!, disabled: true } }]);
    assert.ok((await peer.closed).code >= 4400);
    const again = await Peer.open(t.wsUrl);
    again.send({ v: 1, type: 'hello', token: bob.token });
    assert.equal((await again.closed).code, CLOSE_UNAUTHENTICATED);
  });
});

describe('WebSocket: heartbeat', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ heartbeatMs: 100 });
  });
  after(() => t.close());

  test('a socket that stops answering pings is dropped; one that answers stays', async () => {
    const { default: WebSocket } = await import('ws');
    const silent = new WebSocket(t.wsUrl, { autoPong: false });
    const opened = new Promise((resolve) => silent.once('open', resolve));
    const closed = new Promise<number>((resolve) => silent.on('close', (code) => resolve(code)));
    const answering = await Peer.open(t.wsUrl);
    await opened;
    const started = Date.now();
    const code = await closed;
    assert.ok(Date.now() - started < 1000, 'dropped within a few heartbeats');
    assert.equal(code, 1006, 'terminated, not closed politely');
    await sleep(300);
    assert.equal(answering.socket.readyState, answering.socket.OPEN);
    answering.close();
  });
});

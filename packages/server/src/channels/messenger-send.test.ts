// Agents' replies in Messenger threads go out through the Send API (issue 17). The Graph API is an
// edge we do not own: a local stand-in HTTP server on loopback plays it, answering as told.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConfabEvent } from '@confab/core';
import { hello, startTestServer, type Peer, type TestServer } from '../testing/harness.test-util.js';

interface SendApiCall {
  path: string;
  authorization: string | undefined;
  body: { recipient: { id: string }; messaging_type: string; message: { text: string } };
}

/** The Send API as Messenger runs it, answering each call with the next queued answer (else 200). */
async function sendApiStandIn() {
  const calls: SendApiCall[] = [];
  const answers: { status: number; body: unknown }[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      calls.push({ path: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(raw) });
      const answer = answers.shift() ?? {
        status: 200,
        body: { recipient_id: 'psid', message_id: `m.${calls.length}` },
      };
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v21.0`,
    calls,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function unique(): string {
  return Math.random().toString(36).slice(2);
}

describe('channels: replies in Messenger threads go out through the Send API', () => {
  let api: Awaited<ReturnType<typeof sendApiStandIn>>;
  let t: TestServer;
  let peer: Peer;
  before(async () => {
    api = await sendApiStandIn();
    t = await startTestServer({ messenger: { pageToken: 'page-token-1', apiUrl: api.url } });
    ({ peer } = await hello(t.wsUrl, t.agentToken));
    await peer.next('snapshot');
  });
  after(async () => {
    peer.close();
    await t.close();
    await api.close();
  });
  beforeEach(() => {
    api.calls.length = 0;
  });

  async function messengerThread(senderId: string): Promise<string> {
    const outcome = await t.server.backend.execute(
      { kind: 'system' },
      { type: 'inbound.messenger', senderId, senderName: 'Mo', text: 'Hi page', mid: `mid-${unique()}` },
    );
    return outcome.result!['conversationId']!;
  }

  async function reply(conversationId: string, text: string): Promise<string> {
    const id = `reply-${unique()}`;
    peer.send({ v: 1, type: 'command', id, command: { type: 'message.reply', conversationId, text } });
    const ack = await peer.next('ack', (frame) => frame.id === id);
    return ack.result!.messageId!;
  }

  const deliveryHeard = (
    messageId: string,
    test: (message: { delivery?: string; deliveryError?: string }) => boolean,
  ) =>
    peer.next('events', (frame) =>
      frame.events.some(
        ({ event }: { event: ConfabEvent }) =>
          event.type === 'message.upserted' && event.message.id === messageId && test(event.message),
      ),
    );

  test('a reply is posted to the person with the page token, then shown sent', async () => {
    const conversationId = await messengerThread('psid-100');
    const messageId = await reply(conversationId, 'Hello from the team');
    await deliveryHeard(messageId, (message) => message.delivery === 'sent');
    assert.equal(api.calls.length, 1);
    assert.equal(api.calls[0]!.path, '/v21.0/me/messages');
    // The token goes in a header, never in the URL (where logs and proxies keep it).
    assert.equal(api.calls[0]!.authorization, 'Bearer page-token-1');
    assert.deepEqual(api.calls[0]!.body, {
      recipient: { id: 'psid-100' },
      messaging_type: 'RESPONSE',
      message: { text: 'Hello from the team' },
    });
    assert.equal((await t.server.storage.delivery(messageId))?.state, 'sent');
  });

  test("Messenger's refusal fails the reply at once with its reason; Send again sends it once", async () => {
    const conversationId = await messengerThread('psid-200');
    api.answers.push({ status: 400, body: { error: { message: "(#551) This person isn't available right now." } } });
    const messageId = await reply(conversationId, 'Are you there?');
    await deliveryHeard(
      messageId,
      (message) =>
        message.delivery === 'failed' && /551\) This person isn't available/.test(message.deliveryError ?? ''),
    );
    assert.equal(api.calls.length, 1);
    peer.send({
      v: 1,
      type: 'command',
      id: 'resend-1',
      command: { type: 'message.resend', conversationId, messageId },
    });
    await peer.next('ack', (frame) => frame.id === 'resend-1');
    await deliveryHeard(messageId, (message) => message.delivery === 'sent' && message.deliveryError === undefined);
    await t.server.messengerSender.idle();
    assert.equal(api.calls.length, 2);
    assert.equal(api.calls[1]!.body.message.text, 'Are you there?');
  });

  test('a temporary failure (rate limit) is retried: the thread shows why meanwhile', async () => {
    const conversationId = await messengerThread('psid-300');
    api.answers.push({ status: 429, body: { error: { message: 'Calls to this api have exceeded the rate limit.' } } });
    const messageId = await reply(conversationId, 'Thanks!');
    await deliveryHeard(
      messageId,
      (message) => message.delivery === 'queued' && /^429 Calls to this api/.test(message.deliveryError ?? ''),
    );
    // The first retry comes after 2 s.
    await deliveryHeard(messageId, (message) => message.delivery === 'sent');
    assert.equal(api.calls.length, 2);
  });

  test('a reply longer than Messenger takes is refused before it is stored, naming the limit', async () => {
    const conversationId = await messengerThread('psid-400');
    peer.send({
      v: 1,
      type: 'command',
      id: 'too-long',
      command: { type: 'message.reply', conversationId, text: 'x'.repeat(2001) },
    });
    const refusal = await peer.next('error', (frame) => frame.id === 'too-long');
    assert.equal(refusal.error.reason, 'messenger-too-long');
    assert.deepEqual(refusal.error.params, { max: 2000 });
    assert.equal(api.calls.length, 0);
  });
});

test('without a page token a Messenger reply stays queued, and is sent once a restart brings the token', async () => {
  const { tempDataDir } = await import('../testing/harness.test-util.js');
  const dataDir = tempDataDir();
  const api = await sendApiStandIn();
  const first = await startTestServer({ dataDir });
  const { peer } = await hello(first.wsUrl, first.agentToken);
  await peer.next('snapshot');
  const outcome = await first.server.backend.execute(
    { kind: 'system' },
    { type: 'inbound.messenger', senderId: 'psid-500', text: 'Hi', mid: 'mid-restart' },
  );
  const conversationId = outcome.result!['conversationId']!;
  peer.send({ v: 1, type: 'command', id: 'r1', command: { type: 'message.reply', conversationId, text: 'Later' } });
  const messageId = (await peer.next('ack', (frame) => frame.id === 'r1')).result!.messageId!;
  peer.close();
  await first.close();
  assert.equal(api.calls.length, 0);

  const second = await startTestServer({ dataDir, messenger: { pageToken: 'page-token-2', apiUrl: api.url } });
  try {
    await second.server.messengerSender.idle();
    assert.equal(api.calls.length, 1);
    assert.equal(api.calls[0]!.body.message.text, 'Later');
    const message = second.server.backend.state.messages.get(conversationId)!.find((m) => m.id === messageId);
    assert.equal(message?.delivery, 'sent');
  } finally {
    await second.close();
    await api.close();
    (await import('node:fs')).rmSync(dataDir, { recursive: true, force: true });
  }
});

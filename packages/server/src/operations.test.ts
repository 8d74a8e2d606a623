import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from './logging.js';
import {
  Peer,
  hello,
  postJson,
  startTestServer,
  visitorWithChat,
  type TestServer,
} from './testing/harness.test-util.js';

/** Log lines the server wrote, parsed. */
function logCapture() {
  const lines: Record<string, unknown>[] = [];
  let raw = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw += chunk.toString();
      for (const line of chunk.toString().split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('debug', stream), lines, raw: () => raw };
}

const METRICS = { authorization: 'Bearer metrics-secret' };
const metricValue = (text: string, series: string) => {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('health, readiness, metrics and logs', () => {
  let t: TestServer;
  const log = logCapture();
  before(async () => {
    t = await startTestServer({ metricsToken: 'metrics-secret', logger: log.logger });
  });
  after(() => t.close());

  test('/health answers 200 {ok:true} and nothing about the store', async () => {
    const response = await fetch(`${t.url}/health`);
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.equal(text, '{"ok":true}');
    assert.ok(!text.includes(t.dataDir));
  });

  test('/ready: storage writable and migrations applied', async () => {
    const response = await fetch(`${t.url}/ready`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ready: true, draining: false, storage: true, migrations: true });
  });

  test('/metrics wants the metrics token, then counts connections, commands by type and outcome, commits and fan-out', async () => {
    assert.equal((await fetch(`${t.url}/metrics`)).status, 401);
    assert.equal((await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status, 401);

    const visitor = await visitorWithChat(t.wsUrl, 'the visitor wrote this sentence');
    visitor.peer.send({
      v: 1,
      type: 'command',
      id: 'not-theirs',
      command: { type: 'conversation.assign', conversationId: visitor.conversationId, assigneeId: 'agent-bob' },
    });
    await visitor.peer.next('error', (frame) => frame.id === 'not-theirs');
    visitor.peer.send({ v: 1, type: 'command', id: 'junk', command: { type: 'x'.repeat(200) } });
    await visitor.peer.next('error', (frame) => frame.id === 'junk');

    const response = await fetch(`${t.url}/metrics`, { headers: METRICS });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    assert.equal(metricValue(text, 'confab_connections{kind="visitor"}'), 1);
    assert.equal(metricValue(text, 'confab_commands_total{type="visitor.startChat",outcome="ack"}'), 1);
    assert.ok(!text.includes('x'.repeat(200)), 'a client-chosen type is never a label');
    assert.ok(
      text.includes('confab_commands_total{type="unchecked",outcome="unknown-command"} 1'),
      'junk is counted as unchecked',
    );
    assert.ok(/confab_commands_total\{type="conversation.assign",outcome="[a-z-]+"\} 1/.test(text), text);
    assert.ok(metricValue(text, 'confab_commit_seconds_count')! >= 2);
    assert.ok(metricValue(text, 'confab_fanout_seconds_count')! >= 2);
    assert.ok(metricValue(text, 'confab_nodejs_eventloop_lag_seconds')! >= 0);
    assert.ok(text.includes('confab_outbound_email_total'));
    // Figures that walk every open socket at each scrape are not collected (they stalled the loop).
    assert.ok(!text.includes('confab_process_open_fds') && !text.includes('confab_nodejs_active_handles'));
    visitor.peer.close();
    // The connection counts are kept as sockets come and go: the closed visitor is no longer counted.
    let visitors: number | undefined = 1;
    for (let tries = 0; visitors !== 0 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      visitors = metricValue(
        await (await fetch(`${t.url}/metrics`, { headers: METRICS })).text(),
        'confab_connections{kind="visitor"}',
      );
    }
    assert.equal(visitors, 0);
  });

  test('refusals, ingests and sockets are logged as JSON with request and connection ids; no token or text is', async () => {
    const refused = await postJson(
      `${t.url}/api/channels/email/inbound`,
      { from: 'a@b.example' },
      { authorization: 'Bearer guessed-token' },
    );
    assert.equal(refused.status, 401);
    const ingest = await postJson(
      `${t.url}/api/channels/email/inbound`,
      {
        from: 'Carla <carla@customer.example>',
        to: 'support@team.example',
        subject: 'private subject line',
        text: 'private body of the email',
        messageId: '<log-test@customer.example>',
      },
      { authorization: 'Bearer test-ingest' },
    );
    assert.equal(ingest.status, 200);
    // A page of another site opening a visitor chat.
    const foreign = await Peer.open(t.wsUrl, { origin: 'https://elsewhere.example' });
    foreign.send({ v: 1, type: 'hello', token: '' });
    assert.equal((await foreign.closed).code, 4403);
    // A wrong agent token.
    const { peer: stranger } = await hello(t.wsUrl, 'cfa_not-a-real-token').catch(async () => ({ peer: null }));
    stranger?.close();

    const byMessage = (msg: string) => log.lines.filter((line) => line.msg === msg);
    const refusal = byMessage('request refused').find((line) => line.path === '/api/channels/email/inbound')!;
    assert.equal(refusal.status, 401);
    assert.equal(typeof refusal.reqId, 'string');
    assert.equal(refusal.level, 40);
    const committed = byMessage('ingest committed')[0]!;
    assert.equal(committed.status, 200);
    assert.notEqual(committed.reqId, refusal.reqId);
    const origin = byMessage('visitor session refused: origin not allowed')[0]!;
    assert.equal(origin.origin, 'https://elsewhere.example');
    assert.equal(typeof origin.connId, 'string');
    assert.ok(byMessage('refused: unauthenticated').length >= 1, 'the wrong agent token is logged');

    const everything = log.raw();
    for (const secret of [
      'guessed-token',
      'test-ingest',
      'metrics-secret',
      t.agentToken,
      'cfa_not-a-real-token',
      'private body of the email',
      'private subject line',
      'the visitor wrote this sentence',
    ])
      assert.ok(!everything.includes(secret), `the log never holds ${secret}`);
  });

  test('/ready answers 503 while the server drains its sockets', async () => {
    const stalled = await hello(t.wsUrl, t.agentToken);
    // Not reading: it will not answer the close, so the drain lasts its full second.
    stalled.peer.socket.pause();
    const started = performance.now();
    const closing = t.server.close();
    const response = await fetch(`${t.url}/ready`);
    assert.equal(response.status, 503);
    assert.equal(((await response.json()) as { draining: boolean }).draining, true);
    await closing;
    assert.ok(performance.now() - started < 5_000, 'a peer that does not answer the close is cut off');
    stalled.peer.socket.resume();
    assert.equal((await stalled.peer.closed).code, 1001, 'it was told the server is going away');
  });
});

test('without a metrics token /metrics is off in production and open in demo mode', async () => {
  const production = await startTestServer();
  try {
    assert.equal((await fetch(`${production.url}/metrics`)).status, 404);
  } finally {
    await production.close();
  }
  const demo = await startTestServer({ demo: true });
  try {
    const response = await fetch(`${demo.url}/metrics`);
    assert.equal(response.status, 200);
    assert.ok((await response.text()).includes('confab_connections'));
  } finally {
    await demo.close();
  }
});

test('a socket that began closing and then went silent does not hold the shutdown up', async () => {
  const t = await startTestServer();
  // A raw client: it says goodbye, reads the server's answer, and never closes its end of the TCP
  // connection (allowHalfOpen), so the server waits for a handshake that does not finish.
  const socket = connect({ port: t.server.port, host: '127.0.0.1', allowHalfOpen: true });
  const received = (test: (data: Buffer) => boolean) =>
    new Promise<void>((resolve) => {
      const onData = (data: Buffer) => {
        if (!test(data)) return;
        socket.off('data', onData);
        resolve();
      };
      socket.on('data', onData);
    });
  const upgraded = received((data) => data.toString().startsWith('HTTP/1.1 101'));
  socket.write(
    `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${t.server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await upgraded;
  const answered = received((data) => data[0] === 0x88);
  // A masked close frame with code 1000 (a client's frames are masked).
  const mask = randomBytes(4);
  const payload = Buffer.from([0x03, 0xe8]).map((byte, index) => byte ^ mask[index % 4]!);
  socket.write(Buffer.concat([Buffer.from([0x88, 0x82]), mask, payload]));
  await answered;

  const started = performance.now();
  await t.close();
  const ms = performance.now() - started;
  assert.ok(ms < 3_000, `closed in ${Math.round(ms)} ms (ws alone waits 30 s for the closing handshake)`);
  socket.destroy();
});

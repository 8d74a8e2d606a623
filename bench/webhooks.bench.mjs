// Webhook figures for packages/server/README.md ("Webhooks"), issue 17:
// - time from a visitor's message (sent on its WebSocket) to its `message.created` webhook at a
//   receiver, at a steady 50 messages/s (p50, p99);
// - webhook deliveries per second while 2,000 emails are ingested as fast as 16 clients can post them
//   (three deliveries each: conversation.created, message.created, contact.updated).
// The server runs in a child process on SQLite; this process plays the visitor, the mail client
// and the receiver.
// `npm run bench -- webhooks`, or directly: npx tsc -b && node bench/webhooks.bench.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const WebSocket = createRequire(join(root, 'packages/server/package.json'))('ws');
const MESSAGES = 500;
const RATE_PER_S = 50;
const EMAILS = 2000;
const CONCURRENCY = 16;

const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function startServer(dataDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'packages/server/dist/bin/confab-server.js')], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        CONFAB_DATA_DIR: dataDir,
        CONFAB_DEMO: '0',
        CONFAB_RATE_LIMITS: 'off',
        CONFAB_INGEST_TOKEN: 'bench-ingest',
        CONFAB_ADMIN_TOKEN: 'bench-admin',
        CONFAB_WEBHOOK_PRIVATE_NETWORKS: 'allow',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 30_000);
    const onData = (chunk) => {
      output += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
}

/** The receiver: records when each event arrived, by the text or subject it carries. */
async function startReceiver(onEvent) {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      onEvent(JSON.parse(raw), performance.now());
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/hook`, close: () => server.close() };
}

function frames(socket) {
  const waiting = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data));
    for (const entry of [...waiting]) {
      if (!entry.match(frame)) continue;
      waiting.splice(waiting.indexOf(entry), 1);
      entry.resolve(frame);
    }
  });
  return (match) => new Promise((resolve) => waiting.push({ match, resolve }));
}

export async function run() {
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-bench-webhooks-'));
  const { child, url } = await startServer(dataDir);
  const arrived = new Map();
  let deliveries = 0;
  let firstAt = 0;
  let lastAt = 0;
  const receiver = await startReceiver((event, at) => {
    deliveries++;
    firstAt ||= at;
    lastAt = at;
    if (event.type === 'message.created') arrived.set(event.data.message.text, at);
  });
  try {
    const registered = await fetch(`${url}/api/admin/webhooks`, {
      method: 'POST',
      headers: { authorization: 'Bearer bench-admin', 'content-type': 'application/json' },
      body: JSON.stringify({
        url: receiver.url,
        events: ['conversation.created', 'message.created', 'contact.updated'],
      }),
    });
    if (registered.status !== 201) throw new Error(`registration failed: ${await registered.text()}`);

    // 1. A visitor's messages at a steady rate: message → webhook.
    const socket = new WebSocket(`${url.replace('http', 'ws')}/ws`);
    const next = frames(socket);
    await new Promise((resolve) => socket.once('open', resolve));
    const snapshot = next((frame) => frame.type === 'snapshot');
    socket.send(JSON.stringify({ v: 1, type: 'hello', token: '' }));
    await snapshot;
    const started = next((frame) => frame.type === 'ack' && frame.id === 'start');
    socket.send(
      JSON.stringify({ v: 1, type: 'command', id: 'start', command: { type: 'visitor.startChat', text: 'hello' } }),
    );
    const { result } = await started;
    const sentAt = new Map();
    const ackLatencies = [];
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'ack' && frame.id.startsWith('m-'))
        ackLatencies.push(performance.now() - sentAt.get(`bench-${frame.id.slice(2)}`));
    });
    const begin = performance.now();
    for (let index = 0; index < MESSAGES; index++) {
      const wait = begin + (index * 1000) / RATE_PER_S - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const text = `bench-${index}`;
      sentAt.set(text, performance.now());
      socket.send(
        JSON.stringify({
          v: 1,
          type: 'command',
          id: `m-${index}`,
          command: { type: 'visitor.message', conversationId: result.conversationId, text },
        }),
      );
    }
    const deadline = performance.now() + 30_000;
    while ([...sentAt.keys()].some((text) => !arrived.has(text)) && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const latencies = [...sentAt].filter(([text]) => arrived.has(text)).map(([text, at]) => arrived.get(text) - at);
    latencies.sort((a, b) => a - b);
    ackLatencies.sort((a, b) => a - b);
    socket.close();

    // 2. Email ingest as fast as it goes: deliveries per second at the receiver.
    deliveries = 0;
    firstAt = 0;
    let nextEmail = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (nextEmail < EMAILS) {
          const index = nextEmail++;
          const response = await fetch(`${url}/api/channels/email/inbound`, {
            method: 'POST',
            headers: { authorization: 'Bearer bench-ingest', 'content-type': 'application/json' },
            body: JSON.stringify({
              from: `customer${index}@customer.example`,
              to: 'support@team.example',
              subject: `Question ${index}`,
              text: `Question number ${index}.`,
              messageId: `<webhook-bench-${index}@customer.example>`,
            }),
          });
          await response.arrayBuffer();
        }
      }),
    );
    const expected = EMAILS * 3;
    const until = performance.now() + 120_000;
    while (deliveries < expected && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    return [
      { metric: 'webhooks.messageToWebhook.p50.ms', value: round(percentile(latencies, 50)), unit: 'ms' },
      { metric: 'webhooks.messageToWebhook.p99.ms', value: round(percentile(latencies, 99)), unit: 'ms' },
      { metric: 'webhooks.messageToWebhook.delivered', value: latencies.length, unit: `of ${MESSAGES}` },
      // The same messages' acknowledgements: what of the latency is the command's own commit.
      { metric: 'webhooks.messageAck.p50.ms', value: round(percentile(ackLatencies, 50)), unit: 'ms' },
      { metric: 'webhooks.messageAck.p99.ms', value: round(percentile(ackLatencies, 99)), unit: 'ms' },
      {
        metric: 'webhooks.deliveriesPerSec',
        value: round(deliveries / ((lastAt - firstAt) / 1000), 1),
        unit: `deliveries/s (${deliveries} of ${expected}, email ingest at full speed)`,
      },
    ];
  } finally {
    receiver.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  for (const line of await run()) console.log(JSON.stringify(line));

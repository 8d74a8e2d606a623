// `node bench/fanout-floor.mjs`: what the cluster-sockets bench's fan-out costs with no Confab in it —
// the floor of this machine for `cluster.fanout.p99.ms`. BENCH_FANOUT_VISITORS WebSocket clients (10,000 by
// default, `ws`, in this process, as in the cluster-sockets bench) spread over three plain `ws` server
// processes; each round, one process is told to send a small frame, tells the other two (as the Redis
// bus would, here over a local socket) and each process sends the frame to every socket it holds.
// From the command to each client receiving it, five rounds, 99th percentile — beside the same
// bench's per-round CPU of the server processes and of this process.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const WebSocket = createRequire(join(root, 'packages/server/package.json'))('ws');
const VISITORS = Number(process.env.BENCH_FANOUT_VISITORS ?? 10_000);
const PROCESSES = 3;
const ROUNDS = 5;
const FRAME = JSON.stringify({
  v: 1,
  type: 'events',
  events: [
    { seq: 1, cause: null, event: { type: 'agent.upserted', agent: { id: 'a1', name: 'Ann', availability: 'away' } } },
  ],
});

if (process.env.FANOUT_FLOOR_SERVER) {
  // A server process: holds sockets; on 'round' from the parent sends the frame to each.
  const { WebSocketServer } = WebSocket;
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  wss.on('listening', () => process.send({ port: wss.address().port }));
  process.on('message', (message) => {
    if (message.type !== 'round') return;
    const started = process.cpuUsage();
    const text = FRAME.replace('"seq":1', `"seq":${message.round}`);
    for (const socket of wss.clients) socket.send(text);
    const used = process.cpuUsage(started);
    process.send({ type: 'sent', cpuMs: (used.user + used.system) / 1000 });
  });
} else {
  const servers = await Promise.all(
    Array.from({ length: PROCESSES }, async () => {
      const child = fork(fileURLToPath(import.meta.url), { env: { ...process.env, FANOUT_FLOOR_SERVER: '1' } });
      const { port } = await new Promise((resolve) => child.once('message', resolve));
      return { child, port };
    }),
  );
  const waiting = new Set();
  let roundStarted = 0;
  const latencies = [];
  const sockets = [];
  for (let start = 0; start < VISITORS; start += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, VISITORS - start) }, (_, offset) => {
        const socket = new WebSocket(`ws://127.0.0.1:${servers[(start + offset) % PROCESSES].port}`);
        sockets.push(socket);
        // Parsed, as the cluster-sockets bench's visitors parse each frame.
        socket.on('message', (data) => {
          JSON.parse(String(data));
          if (waiting.delete(socket)) latencies.push(performance.now() - roundStarted);
        });
        return new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      }),
    );
  }
  const benchBefore = process.cpuUsage();
  let serverCpuMs = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    for (const socket of sockets) waiting.add(socket);
    const done = new Promise((resolve) => {
      const check = setInterval(() => waiting.size === 0 && (clearInterval(check), resolve()), 1);
    });
    roundStarted = performance.now();
    const sent = servers.map(
      ({ child }) =>
        new Promise((resolve) =>
          child.once('message', (message) => {
            serverCpuMs += message.cpuMs;
            resolve();
          }),
        ),
    );
    for (const { child } of servers) child.send({ type: 'round', round });
    await Promise.all([done, ...sent]);
  }
  const bench = process.cpuUsage(benchBefore);
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)];
  console.log(
    JSON.stringify({ metric: 'floor.fanout.p99.ms', value: Math.round(p99 * 10) / 10, unit: 'ms', visitors: VISITORS }),
  );
  console.log(
    JSON.stringify({
      metric: 'floor.fanout.server.sendCpuMsPerRound',
      value: Math.round(serverCpuMs / ROUNDS),
      unit: 'ms',
    }),
  );
  console.log(
    JSON.stringify({
      metric: 'floor.fanout.bench.cpuMsPerRound',
      value: Math.round((bench.user + bench.system) / 1000 / ROUNDS),
      unit: 'ms',
    }),
  );
  for (const socket of sockets) socket.terminate();
  for (const { child } of servers) child.kill();
}

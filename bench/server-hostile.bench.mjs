// Hostile sockets (issue 20): what 500 sockets that misbehave cost one server process, with its
// rate limits on (the defaults). Four kinds, 125 each:
//   - no hello: open and silent (closed after the hello timeout);
//   - flooding: say nothing sensible, write pings as fast as they can while reading;
//   - not reading: reading paused, flooding one-byte frames (the attack of item 1);
//   - slow consumer: a visitor with a chat that keeps sending messages (each echoed back to it),
//     reading paused.
// They come from 10 addresses (X-Forwarded-For, the server trusting one proxy), 50 each, as a
// spread-out attacker would. Budget: ≤ 64 MB resident above idle (the server with the slow
// consumers' chats set up), `/health` p99 ≤ 50 ms meanwhile,
// probed from a separate process so that this process's own work does not count.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const requireFromServer = createRequire(join(root, 'packages/server/package.json'));
const WebSocket = requireFromServer('ws');

const PER_KIND = 125;
const ADDRESSES = 10;
const LOAD_MS = 12_000; // past the default hello timeout (10 s)
const HEALTH_EVERY_MS = 20;
// Small messages, one every 2 s: what each stores counts in the figure too, and each is a commit
// (fsynced, and better-sqlite3 holds the event loop meanwhile), so large or frequent ones would
// measure storage and disk, not sockets (60 KB at 16/s from 125 visitors stored 1.2 GB; 1 KB at 5/s
// made 625 commits a second, which alone held /health for seconds on a busy disk).
const SLOW_TEXT = 'x'.repeat(1000);
const SLOW_EVERY_MS = 2000;

const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Resident memory of a process, in MB (Linux). */
function rssMB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return Number(line[1]) / 1024;
}

function startServer(dataDir) {
  return new Promise((resolve, reject) => {
    const profile = process.env.BENCH_SERVER_PROFILE;
    const args = [...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : [])];
    const child = spawn(process.execPath, [...args, join(root, 'packages/server/dist/bin/confab-server.js')], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        CONFAB_DATA_DIR: dataDir,
        CONFAB_DEMO: '0',
        CONFAB_TRUST_PROXY: '1',
        CONFAB_RATE_LIMITS: 'on',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 15_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => {
      if (code) console.error(`bench: hostile server exited (${code}): ${output.slice(-2000)}`);
      reject(new Error(`server exited (${code}): ${output}`));
    });
  });
}

/** `/health` latencies from a child process that probes every HEALTH_EVERY_MS for `ms`. */
function probeHealth(url, ms) {
  const script = `
    const latencies = [];
    const until = Date.now() + ${ms};
    while (Date.now() < until) {
      const started = performance.now();
      const response = await fetch(${JSON.stringify(url + '/health')});
      await response.arrayBuffer();
      latencies.push(response.ok ? performance.now() - started : Infinity);
      await new Promise((resolve) => setTimeout(resolve, ${HEALTH_EVERY_MS}));
    }
    process.stdout.write(JSON.stringify(latencies));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`probe exited ${code}`)),
    );
  });
}

/** A socket from one of the addresses; resolves once open, tracks whether the server closed it. */
function openSocket(wsUrl, index) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, {
      perMessageDeflate: false,
      headers: { 'x-forwarded-for': `10.0.0.${(index % ADDRESSES) + 1}` },
    });
    socket.closedByServer = false;
    socket.on('close', () => (socket.closedByServer = true));
    socket.on('error', () => undefined);
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
}

/** Waits for the first frame that matches, reading normally. */
function nextFrame(socket, predicate) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), 10_000);
    const listener = (data) => {
      const frame = JSON.parse(String(data));
      if (!predicate(frame)) return;
      clearTimeout(timer);
      socket.off('message', listener);
      resolve(frame);
    };
    socket.on('message', listener);
  });
}

/** A visitor with a chat, then reading paused: it sends large messages and reads none of the echoes. */
async function slowConsumer(wsUrl, index) {
  const socket = await openSocket(wsUrl, index);
  const welcome = nextFrame(socket, (frame) => frame.type === 'welcome');
  socket.send(JSON.stringify({ v: 1, type: 'hello', token: '' }));
  await welcome;
  const started = nextFrame(socket, (frame) => frame.type === 'ack' && frame.id === 'start');
  socket.send(
    JSON.stringify({ v: 1, type: 'command', id: 'start', command: { type: 'visitor.startChat', text: 'hello' } }),
  );
  const { result } = await started;
  return async (until) => {
    socket._socket.pause();
    // Well within the rates, so that only its not reading could get it dropped.
    for (let sent = 0; Date.now() < until && socket.readyState === WebSocket.OPEN; sent++) {
      socket.send(
        JSON.stringify({
          v: 1,
          type: 'command',
          id: `m-${sent}`,
          command: { type: 'visitor.message', conversationId: result.conversationId, text: SLOW_TEXT },
        }),
      );
      await sleep(SLOW_EVERY_MS);
    }
    socket._socket.resume();
    return socket;
  };
}

/** Writes frames as fast as the socket takes them, reading (`paused` false) or not, until closed. */
async function flood(socket, frame, paused, until) {
  if (paused) socket._socket.pause();
  while (Date.now() < until && socket.readyState === WebSocket.OPEN) {
    for (let i = 0; i < 200 && socket.readyState === WebSocket.OPEN; i++) socket.send(frame);
    await new Promise((resolve) => setImmediate(resolve));
  }
  socket._socket.resume();
  return socket;
}

export async function run() {
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-bench-hostile-'));
  const { child, url } = await startServer(dataDir);
  const wsUrl = url.replace(/^http/, 'ws') + '/ws';
  const sockets = [];
  try {
    // Slow consumers set up their chats first (reading), as the flood would refuse their hellos;
    // idle is the server with them connected, so the figure is what misbehaving costs.
    const slowStarts = await Promise.all(Array.from({ length: PER_KIND }, (_, i) => slowConsumer(wsUrl, i)));
    for (let i = 0; i < 5; i++) await (await fetch(`${url}/health`)).arrayBuffer();
    const idle = rssMB(child.pid);
    const loadUntil = Date.now() + LOAD_MS;
    const health = probeHealth(url, LOAD_MS);
    let peak = rssMB(child.pid);
    const sampler = setInterval(() => (peak = Math.max(peak, rssMB(child.pid))), 100);
    const kinds = (process.env.BENCH_HOSTILE_KINDS ?? 'slow,silent,flood,unread').split(',');
    const load = [
      ...(kinds.includes('slow') ? slowStarts.map((start) => start(loadUntil)) : []),
      ...(kinds.includes('silent')
        ? Array.from({ length: PER_KIND }, async (_, i) => openSocket(wsUrl, PER_KIND + i))
        : []),
      ...(kinds.includes('flood')
        ? Array.from({ length: PER_KIND }, async (_, i) =>
            flood(await openSocket(wsUrl, 2 * PER_KIND + i), JSON.stringify({ v: 1, type: 'ping' }), false, loadUntil),
          )
        : []),
      ...(kinds.includes('unread')
        ? Array.from({ length: PER_KIND }, async (_, i) =>
            flood(await openSocket(wsUrl, 3 * PER_KIND + i), 'x', true, loadUntil),
          )
        : []),
    ];
    sockets.push(...(await Promise.all(load)));
    const latencies = (await health).sort((a, b) => a - b);
    clearInterval(sampler);
    peak = Math.max(peak, rssMB(child.pid));
    const dropped = sockets.filter((socket) => socket.closedByServer).length;
    return [
      { metric: 'server.hostileSockets.rssMB', value: round(peak - idle), unit: `MB above idle (${round(idle)} MB)` },
      { metric: 'server.hostileSockets.health.p99.ms', value: round(percentile(latencies, 99), 2), unit: 'ms' },
      { metric: 'server.hostileSockets.dropped', value: dropped, unit: `of ${sockets.length} by the end of the load` },
    ];
  } finally {
    for (const socket of sockets) socket.terminate();
    child.kill('SIGTERM');
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Run directly: `node bench/server-hostile.bench.mjs`.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await run()) console.log(JSON.stringify(line));
}

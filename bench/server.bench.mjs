// Server figures (issues 3 and 19): how many concurrent visitor sockets one server process holds on
// loopback across BENCH_WORKSPACES workspaces (default 100, each with its site and one agent
// socket) and the memory each costs, how fast a visitor's message reaches its team's agent socket
// under that load (p99), and email ingest throughput over HTTP into the default workspace with no
// visitor socket open and then with all of them open (their ratio: other teams' busy widgets must
// not slow a channel). The server runs as a child process (its own event loop, as in production).
// Another child process holds most visitor sockets (`hold-visitors` below): this one, which takes
// the times, plays only the agents, PROBES visitors who send the messages, and the email clients,
// so that its own garbage collection and 10,000 sockets' pongs are not counted as the server's
// latency. Bounded in sockets, messages and time; stops by itself.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const requireFromServer = createRequire(join(root, 'packages/server/package.json'));
const WebSocket = requireFromServer('ws');

const VISITORS = Number(process.env.BENCH_VISITORS ?? 10_000);
const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? 100);
const OPEN_BATCH = 100;
const OPEN_BUDGET_MS = 120_000;
const FANOUT_MESSAGES = 500;
/** Visitors opened by this process (the ones whose messages are timed); the holder opens the rest. */
const PROBES = Math.min(VISITORS, 500);
const FANOUT_RATE_PER_S = 50;
const INGEST_EMAILS = 2000;
const INGEST_CONCURRENCY = 16;
const INGEST_BUDGET_MS = 20_000;
const AGENT = {
  id: 'bench-agent',
  name: 'Bench Agent',
  email: 'bench@team.example',
  availability: 'available',
  disabled: false,
};

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The upper bound (ms) of the bucket a Prometheus histogram's quantile `q` falls in. */
function histogramQuantileMs(metrics, name, q) {
  const buckets = [...metrics.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm'))].map(
    ([, le, count]) => ({ le: Number(le), count: Number(count) }),
  );
  const total = buckets.at(-1)?.count ?? 0;
  if (!total) return NaN;
  const bucket = buckets.find((entry) => entry.count >= q * total);
  return bucket.le * 1000;
}

/** Microseconds that some task of the machine waited for a CPU so far (Linux PSI), or null. */
function cpuWaitMicros() {
  try {
    return Number(/^some .* total=(\d+)$/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'))[1]);
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process used so far, in ms (Linux: /proc), or null. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

function startServer(dataDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...(process.env.BENCH_SERVER_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SERVER_PROFILE] : []),
        join(root, 'packages/server/dist/bin/confab-server.js'),
      ],
      {
        env: {
          ...process.env,
          PORT: '0',
          HOST: '127.0.0.1',
          CONFAB_DATA_DIR: dataDir,
          CONFAB_DEMO: '0',
          CONFAB_RATE_LIMITS: 'off',
          CONFAB_INGEST_TOKEN: 'bench-ingest',
          CONFAB_ADMIN_TOKEN: 'bench-admin',
          CONFAB_METRICS_TOKEN: 'bench-metrics',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
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
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
}

/**
 * Runs a phase; with BENCH_SERVER_PROFILE set, prints its window on the monotonic clock (µs, as the
 * server's .cpuprofile timestamps) so that `node bench/profile-window.mjs` can split the profile by phase.
 */
async function profiledPhase(name, run) {
  const start = process.hrtime.bigint() / 1000n;
  const result = await run();
  if (process.env.BENCH_SERVER_PROFILE)
    console.error(`profile window ${name}: ${start} ${process.hrtime.bigint() / 1000n}`);
  return result;
}

/** A socket with a frame listener list; resolves once open. */
function openSocket(wsUrl) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, { perMessageDeflate: false });
    socket.listeners = new Set();
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data));
      for (const listener of socket.listeners) listener(frame);
    });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function waitFor(socket, predicate, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.listeners.delete(listener);
      reject(new Error('timed out'));
    }, timeoutMs);
    const listener = (frame) => {
      if (!predicate(frame)) return;
      clearTimeout(timer);
      socket.listeners.delete(listener);
      resolve(frame);
    };
    socket.listeners.add(listener);
  });
}

/** The child's resident memory in bytes (Linux: /proc), or null where there is no /proc. */
function residentBytes(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Emails over HTTP, each a new conversation committed (fsynced) before the 200: emails per second. */
async function ingestEmails(url, from) {
  let next = 0;
  let ingested = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: INGEST_CONCURRENCY }, async () => {
      while (next < INGEST_EMAILS && performance.now() - started < INGEST_BUDGET_MS) {
        const index = from + next++;
        const response = await fetch(`${url}/api/channels/email/inbound`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer bench-ingest' },
          body: JSON.stringify({
            from: `customer${index}@customer.example`,
            to: 'support@team.example',
            subject: `Question ${index}`,
            text: `Hello, this is question number ${index}.`,
            messageId: `<bench-${index}@customer.example>`,
          }),
        });
        await response.arrayBuffer();
        if (response.ok) ingested++;
      }
    }),
  );
  return { ingested, perSecond: ingested / ((performance.now() - started) / 1000) };
}

/** The server's garbage collection so far by kind (minor, major, incremental, weakcb), ms. */
async function gcMs(url) {
  const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer bench-metrics' } })).text();
  const byKind = {};
  for (const [, kind, seconds] of metrics.matchAll(/^confab_nodejs_gc_duration_seconds_sum\{kind="(\w+)"\} (\S+)$/gm))
    byKind[kind] = Number(seconds) * 1000;
  return byKind;
}

/**
 * One timed round of email ingest, with what it cost the server: CPU and garbage collection per
 * email ingested (what the loaded ratio's wall-clock figures mean on a shared machine).
 */
async function ingestPhase(name, url, pid, from) {
  const cpuBefore = cpuMs(pid);
  const gcBefore = await gcMs(url);
  const { ingested, perSecond } = await profiledPhase(name, () => ingestEmails(url, from));
  const cpuAfter = cpuMs(pid);
  const gcAfter = await gcMs(url);
  const gcPerEmail = (kind) => ((gcAfter[kind] ?? 0) - (gcBefore[kind] ?? 0)) / ingested;
  return {
    perSecond,
    cpuMsPerEmail: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / ingested,
    gcMsPerEmail: Object.keys(gcAfter).reduce((sum, kind) => sum + gcPerEmail(kind), 0),
    majorGcMsPerEmail: gcPerEmail('major') + gcPerEmail('incremental'),
  };
}

/** The figures of one ingest phase, named `server.ingest.<phase>.…`. */
function ingestFigures(phase, figures, what) {
  return [
    ...(figures.cpuMsPerEmail === null
      ? []
      : [
          {
            metric: `server.ingest.${phase}.cpuMsPerEmail`,
            value: round(figures.cpuMsPerEmail, 3),
            unit: `ms of server CPU per email, ${what}`,
          },
        ]),
    {
      metric: `server.ingest.${phase}.gcMsPerEmail`,
      value: round(figures.gcMsPerEmail, 3),
      unit: `ms of server garbage collection per email, ${what}`,
    },
    {
      metric: `server.ingest.${phase}.majorGcMsPerEmail`,
      value: round(figures.majorGcMsPerEmail, 3),
      unit: `ms of it in major (mark-compact) collection, ${what}`,
    },
  ];
}

/** A visitor of a site: hello without token (a new session), then a chat. */
async function openVisitor(wsUrl, index, site) {
  const socket = await openSocket(wsUrl);
  const welcome = waitFor(socket, (frame) => frame.type === 'welcome');
  const snapshot = waitFor(socket, (frame) => frame.type === 'snapshot');
  socket.send(JSON.stringify({ v: 1, type: 'hello', token: '', site }));
  await welcome;
  await snapshot;
  const id = `start-${index}`;
  const ack = waitFor(socket, (frame) => frame.type === 'ack' && frame.id === id);
  socket.send(
    JSON.stringify({
      v: 1,
      type: 'command',
      id,
      command: { type: 'visitor.startChat', text: `hello from visitor ${index}` },
    }),
  );
  const { result } = await ack;
  return { socket, conversationId: result.conversationId };
}

/** Sends the holder process a request and resolves with its answer. */
function askHolder(holder, request) {
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`the visitor holder exited (${code})`));
    holder.once('exit', onExit);
    holder.once('message', (answer) => {
      holder.off('exit', onExit);
      resolve(answer);
    });
    holder.send(request);
  });
}

/**
 * The holder process: opens `count` visitors (each a new session and a chat) in batches when asked,
 * keeps their sockets open and answers `{ opened, failures, open }`; a request for 0 only counts
 * the sockets still open.
 */
function holdVisitors() {
  const visitors = [];
  process.on('message', async ({ wsUrl, count, sites, budgetMs }) => {
    let failures = 0;
    const started = performance.now();
    while (visitors.length < count && performance.now() - started < budgetMs && failures <= 50) {
      const batch = Math.min(OPEN_BATCH, count - visitors.length);
      const opened = await Promise.allSettled(
        Array.from({ length: batch }, (_, offset) => {
          const index = visitors.length + offset;
          return openVisitor(wsUrl, index, sites[index % sites.length]);
        }),
      );
      for (const outcome of opened) {
        if (outcome.status === 'fulfilled') visitors.push(outcome.value);
        else failures++;
      }
    }
    const open = visitors.filter((visitor) => visitor.socket.readyState === WebSocket.OPEN).length;
    process.send({ opened: visitors.length, failures, open });
  });
  process.on('SIGTERM', () => {
    for (const visitor of visitors) visitor.socket.terminate();
    process.exit(0);
  });
  // The parent is gone (it failed, or ended without a word): so is the holder.
  process.on('disconnect', () => process.exit(0));
}

export async function run() {
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-bench-'));
  const { createSqliteStorage, createServerAuthenticator } = await import(
    pathToFileURL(join(root, 'packages/server/dist/index.js')).href
  );
  // Seed the workspaces, each with a site, one agent and its token, straight into the store
  // before the server opens it. Email goes to the default workspace.
  const storage = createSqliteStorage(dataDir);
  const teams = [];
  for (let index = 0; index < WORKSPACES; index++) {
    const id = `team-${index}`;
    await storage.createWorkspace({ id, name: id, createdAt: Date.now() });
    const store = storage.forWorkspace(id);
    await store.commit({
      principalKey: 'system',
      commandId: 'bench-seed',
      events: [{ seq: 1, cause: null, event: { type: 'agent.upserted', agent: AGENT } }],
      outcome: { ok: true, seq: 1 },
      at: Date.now(),
    });
    teams.push({
      site: (await storage.createSite(id, ['*'], Date.now())).siteKey,
      agentToken: (await createServerAuthenticator({ store }).issueAgentToken(AGENT.id, 'bench')).token,
    });
  }
  await storage.close();

  const { child, url } = await startServer(dataDir);
  const wsUrl = url.replace(/^http/, 'ws') + '/ws';
  const visitors = [];
  const results = [];
  let holder = null;
  try {
    // One agent per team, each listening to its own workspace.
    const agents = [];
    for (const team of teams) {
      const agent = await openSocket(wsUrl);
      const agentReady = waitFor(agent, (frame) => frame.type === 'snapshot');
      agent.send(JSON.stringify({ v: 1, type: 'hello', token: team.agentToken }));
      await agentReady;
      agents.push(agent);
    }

    // 1. Email ingest with no visitor socket open: the baseline of the loaded ratio (after a
    //    warm-up round, so that neither side of the ratio pays for the JIT's first compiles).
    await ingestEmails(url, 0);
    const idle = await ingestPhase('ingest.idle', url, child.pid, INGEST_EMAILS);
    results.push({ metric: 'server.ingest.idle.msgPerSec', value: round(idle.perSecond, 1), unit: 'emails/s' });
    results.push(...ingestFigures('idle', idle, 'no visitor socket open'));

    // 2. Concurrent visitor sockets, opened in batches, within a time budget: most by the holder
    //    process, then the probes here.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const rssBefore = residentBytes(child.pid);
    const openStarted = performance.now();
    holder = fork(fileURLToPath(import.meta.url), ['hold-visitors'], { stdio: 'inherit' });
    const held0 = await askHolder(holder, {
      wsUrl,
      count: VISITORS - PROBES,
      sites: teams.map((team) => team.site),
      budgetMs: OPEN_BUDGET_MS,
    });
    let failures = held0.failures;
    while (visitors.length < PROBES && performance.now() - openStarted < OPEN_BUDGET_MS) {
      const batch = Math.min(OPEN_BATCH, PROBES - visitors.length);
      const opened = await Promise.allSettled(
        Array.from({ length: batch }, (_, offset) => {
          const index = held0.opened + visitors.length + offset;
          return openVisitor(wsUrl, index, teams[index % teams.length].site);
        }),
      );
      for (const outcome of opened) {
        if (outcome.status === 'fulfilled') visitors.push(outcome.value);
        else failures++;
      }
      if (failures > 50) break;
    }
    // The holder may have spent the whole budget (a machine far too busy): say so, not a TypeError later.
    if (!visitors.length)
      throw new Error(`no probe visitor opened within ${OPEN_BUDGET_MS} ms (the holder opened ${held0.opened})`);
    const openSeconds = (performance.now() - openStarted) / 1000;
    // Connection counts are health details, for the admin only.
    const health = await (
      await fetch(`${url}/health?details`, { headers: { authorization: 'Bearer bench-admin' } })
    ).json();
    const { open: heldByHolder } = await askHolder(holder, { count: 0 });
    const held = Math.min(
      heldByHolder + visitors.filter((visitor) => visitor.socket.readyState === WebSocket.OPEN).length,
      health.connections - agents.length,
    );
    results.push({ metric: 'server.fanout.visitors', value: held, unit: `sockets across ${WORKSPACES} workspaces` });
    const rssAfter = residentBytes(child.pid);
    if (rssBefore !== null && rssAfter !== null && held > 0)
      results.push({
        metric: 'server.memory.perVisitorSocket.KB',
        value: round((rssAfter - rssBefore) / held / 1024, 1),
        unit: 'KB RSS per visitor (socket, session, contact and chat)',
      });
    results.push({
      metric: 'server.visitors.openPerSec',
      value: round((held0.opened + visitors.length) / openSeconds, 1),
      unit: 'visitors/s',
    });

    // 3. Visitor message → agent socket, at a steady rate while every visitor stays connected.
    const sentAt = new Map();
    const latencies = [];
    const onAgentFrame = (frame) => {
      if (frame.type !== 'events') return;
      const arrived = performance.now();
      for (const { event } of frame.events) {
        if (event.type !== 'message.upserted') continue;
        const started = sentAt.get(event.message.text);
        if (started !== undefined) {
          latencies.push(arrived - started);
          sentAt.delete(event.message.text);
        }
      }
    };
    for (const agent of agents) agent.listeners.add(onAgentFrame);
    // A scrape now starts the server's event-loop figures afresh (each scrape reports the delays
    // since the one before), so the next one covers the fan-out phase alone.
    const scrape = async () =>
      (await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer bench-metrics' } })).text();
    await scrape();
    const ownLoop = monitorEventLoopDelay({ resolution: 10 });
    ownLoop.enable();
    const cpuBefore = { server: cpuMs(child.pid), bench: process.cpuUsage(), wait: cpuWaitMicros() };
    const interval = 1000 / FANOUT_RATE_PER_S;
    const fanoutStarted = performance.now();
    for (let index = 0; index < FANOUT_MESSAGES; index++) {
      const due = fanoutStarted + index * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const visitor = visitors[(index * 7919) % visitors.length];
      const text = `fanout-${index}`;
      sentAt.set(text, performance.now());
      visitor.socket.send(
        JSON.stringify({
          v: 1,
          type: 'command',
          id: `m-${index}`,
          command: { type: 'visitor.message', conversationId: visitor.conversationId, text },
        }),
      );
    }
    const drainUntil = performance.now() + 10_000;
    while (sentAt.size && performance.now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 20));
    latencies.sort((a, b) => a - b);
    results.push({ metric: 'server.fanout.p99.ms', value: round(percentile(latencies, 99)), unit: 'ms' });
    results.push({ metric: 'server.fanout.p50.ms', value: round(percentile(latencies, 50)), unit: 'ms' });
    results.push({ metric: 'server.fanout.delivered', value: latencies.length, unit: `of ${FANOUT_MESSAGES}` });
    const fanoutSeconds = (performance.now() - fanoutStarted) / 1000;
    ownLoop.disable();
    // What held messages up: the server's event loop, its commits (fsync) and fan-outs, its CPU,
    // or this process (which plays every client) falling behind in reading them.
    const metrics = await scrape();
    for (const [name, metric] of [
      ['p99', 'server.eventLoopLag.p99.ms'],
      ['max', 'server.eventLoopLag.max.ms'],
    ]) {
      const match = new RegExp(`^confab_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(metrics);
      if (match)
        results.push({ metric, value: round(Number(match[1]) * 1000), unit: 'ms (server event loop, fan-out phase)' });
    }
    results.push({
      metric: 'server.fanout.commit.p99.ms',
      value: histogramQuantileMs(metrics, 'confab_commit_seconds', 0.99),
      unit: 'ms, bucket bound (commits of the whole run)',
    });
    results.push({
      metric: 'server.fanout.publish.p99.ms',
      value: histogramQuantileMs(metrics, 'confab_fanout_seconds', 0.99),
      unit: 'ms, bucket bound (projection and sends per publish, whole run)',
    });
    const serverCpu = cpuMs(child.pid);
    if (serverCpu !== null && cpuBefore.server !== null)
      results.push({
        metric: 'server.fanout.serverCpu.percent',
        value: round(((serverCpu - cpuBefore.server) / 1000 / fanoutSeconds) * 100, 1),
        unit: '% of one core (server process, fan-out phase)',
      });
    const wait = cpuWaitMicros();
    // Other work on the machine: the share of the phase in which some task waited for a CPU.
    if (wait !== null && cpuBefore.wait !== null)
      results.push({
        metric: 'server.fanout.machineCpuPressure.percent',
        value: round(((wait - cpuBefore.wait) / 1e6 / fanoutSeconds) * 100, 1),
        unit: '% of the phase some task waited for a CPU (/proc/pressure/cpu)',
      });
    const benchCpu = process.cpuUsage(cpuBefore.bench);
    results.push({
      metric: 'server.fanout.clientCpu.percent',
      value: round(((benchCpu.user + benchCpu.system) / 1e6 / fanoutSeconds) * 100, 1),
      unit: '% of one core (the process playing the clients, fan-out phase)',
    });
    results.push({
      metric: 'server.fanout.clientLoopLag.p99.ms',
      value: round(ownLoop.percentile(99) / 1e6),
      unit: 'ms (event loop of the process playing the clients)',
    });

    // 4. Email ingest again, every visitor socket still open.
    const loaded = await ingestPhase('ingest.loaded', url, child.pid, 2 * INGEST_EMAILS);
    results.push({ metric: 'server.ingest.msgPerSec', value: round(loaded.perSecond, 1), unit: 'emails/s' });
    results.push(...ingestFigures('loaded', loaded, 'every visitor socket open'));
    results.push({
      metric: 'server.ingest.loadedRatio',
      value: round(loaded.perSecond / idle.perSecond, 2),
      unit: `emails/s with ${held} visitor sockets ÷ with none`,
    });
    for (const agent of agents) agent.close();
  } finally {
    for (const visitor of visitors) visitor.socket.terminate();
    holder?.kill('SIGTERM');
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
  return results;
}

// Run directly: `node bench/server.bench.mjs`.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2] === 'hold-visitors')
  holdVisitors();
else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await run()) console.log(JSON.stringify(line));
}

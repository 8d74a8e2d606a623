// Cluster figures with many sockets (issue 15): three real confab-server processes on one
// throwaway PostgreSQL (durable settings) and one throwaway Redis, BENCH_FANOUT_VISITORS visitor
// sockets (10,000 by default) spread evenly over them, and one agent on the first process.
// - cluster.fanout.p99.ms: the agent changes its availability (an event every visitor sees, so
//   one command fans out to every socket on every process); from sending the command to each
//   visitor receiving it, five rounds, 99th percentile over every visitor of every round.
// - cluster.failover.resume.p99.ms: the third process is SIGKILLed; each of its visitors reconnects
//   at once to one of the other two (alternately) and says hello with its session, its last
//   number and its epoch; from the kill to its welcome (the events it missed, or a snapshot when it
//   had to resync, follow in the same turn), 99th percentile. Real clients wait a random backoff
//   first: this is the server's side only. A hello closed unserved (1012) is said again, counted;
// - cluster.memory.perVisitorSocket: the processes' resident memory grown by connecting the
//   visitors, per socket.
// Where the time goes (cluster-figures.mjs), each with the load average it was measured under:
// cluster.fanout.server.msPerRound: what confab_fanout_seconds times, summed over the processes per
// round (the agents' projection and sends only: the visitors' deliveries are outside it), and
// cluster.fanout.server.cpuMsPerRound: the processes' whole CPU per round, visitors included;
// cluster.fanout.bench.cpuMsPerRound: this process's own CPU per round (it holds every visitor);
// cluster.failover.*PerHello: the survivors' CPU, PostgreSQL's CPU and statements per resumed hello.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const serverRequire = createRequire(join(root, 'packages/server/package.json'));
const WebSocket = serverRequire('ws');
const fromServer = (path) => import(pathToFileURL(join(root, 'packages/server/dist', path)).href);
const fromCore = (path) => import(pathToFileURL(join(root, 'packages/core/dist', path)).href);
const figures = await import('./cluster-figures.mjs');
const pg = serverRequire('pg');

const PROCESSES = 3;
const VISITORS = Number(process.env.BENCH_FANOUT_VISITORS ?? 10_000);
const ROUNDS = 5;
/** Visitors created, and saying hello, at once while setting up. */
const CONNECTING = 200;
const TIMEOUT_MS = 120_000;

const p99 = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
};

/** One socket's life: resolves once it had its welcome and its first snapshot or events. */
function openSocket(wsUrl, hello, onFrame) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl);
    let welcome = null;
    socket.on('error', (error) => {
      if (!welcome) reject(error);
    });
    socket.on('open', () => socket.send(JSON.stringify({ v: 1, type: 'hello', ...hello })));
    // Each frame parsed once: this process parses every visitor's frames on the cores the servers use.
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'welcome') welcome = frame;
      onFrame(frame, socket);
      if (frame.type === 'error' && !welcome) reject(new Error(`${frame.error.code}: ${frame.error.message}`));
      if (frame.type === 'welcome' && hello.resumeFrom !== undefined) resolve({ socket, welcome: frame });
      if (frame.type === 'snapshot' && welcome) resolve({ socket, welcome });
    });
    // Closed before it was served (1012 when the process could not get a database connection in
    // time): a real client reconnects, and so does the failover below.
    socket.on('close', (code) => reject(Object.assign(new Error(`closed with ${code} before the welcome`), { code })));
  });
}

/** A visitor: its session, its last number and epoch, and who is waiting for which availability. */
function visitor(index) {
  return {
    index,
    token: '',
    seq: 0,
    epoch: undefined,
    socket: null,
    waitingFor: null,
    onFrame(frame) {
      if (frame.type === 'welcome') {
        this.token = frame.sessionToken ?? this.token;
        this.seq = frame.seq;
        this.epoch = frame.epoch;
      }
      if (frame.type === 'snapshot') this.seq = frame.snapshot.seq;
      if (frame.type !== 'events') return;
      this.seq = frame.events[frame.events.length - 1].seq;
      const waiting = this.waitingFor;
      if (!waiting) return;
      const seen = frame.events.some(
        ({ event }) => event.type === 'agent.upserted' && event.agent.availability === waiting.availability,
      );
      if (seen) {
        this.waitingFor = null;
        waiting.done(performance.now());
      }
    },
  };
}

/** The visitors' contacts and sessions, made in this process (a hub and its authenticator) before any server starts. */
async function seedVisitors(url, dataDir, visitors) {
  const { openServerStore } = await fromServer('storage/open-storage.js');
  const { createServerAuthenticator } = await fromServer('auth/authenticator.js');
  const { createBackend } = await fromCore('backend/index.js');
  const store = await openServerStore({ dataDir, databaseUrl: url, poolSize: 8 });
  try {
    const storage = await store.forWorkspace('default');
    const auth = createServerAuthenticator({ store: storage });
    const backend = createBackend({ storage, auth });
    await backend.ready;
    await inChunks(visitors, CONNECTING, async (v) => {
      const created = await backend.execute({ kind: 'system' }, { type: 'visitor.create' });
      v.token = await auth.issueVisitorSession(created.result.contactId);
    });
    await backend.close();
  } finally {
    await store.close();
  }
}

/** A process's resident memory in bytes (Linux). */
const rss = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

async function inChunks(items, size, work) {
  for (let start = 0; start < items.length; start += size)
    await Promise.all(items.slice(start, start + size).map(work));
}

export async function run() {
  const { startThrowawayPostgres } = await fromServer('testing/postgres.test-util.js');
  const { spawnServer } = await fromServer('testing/child-server.test-util.js');
  const { startThrowawayRedis } = await fromServer('testing/redis.test-util.js');
  const { seedDatabase } = await fromServer('testing/cluster.test-util.js');
  const postgres = await startThrowawayPostgres({
    durable: true,
    settings: ['shared_preload_libraries=pg_stat_statements'],
  });
  const redis = await startThrowawayRedis();
  const dirs = Array.from({ length: PROCESSES + 1 }, () => mkdtempSync(join(tmpdir(), 'confab-bench-sockets-')));
  const servers = [];
  const visitors = Array.from({ length: VISITORS }, (_, index) => visitor(index));
  let agentSocket = null;
  let db = null;
  try {
    const { url, tokens } = await seedDatabase(postgres);
    db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query('CREATE EXTENSION pg_stat_statements');
    const seedStarted = performance.now();
    await seedVisitors(url, dirs[PROCESSES], visitors);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    for (let index = 0; index < PROCESSES; index++)
      servers.push(
        await spawnServer(dirs[index], {
          CONFAB_DATABASE_URL: url,
          CONFAB_REDIS_URL: redis.url,
          CONFAB_DATABASE_POOL_SIZE: '8',
          CONFAB_WORKSPACE_IDLE_MINUTES: '60',
          CONFAB_METRICS_TOKEN: figures.METRICS_TOKEN,
          ...figures.profileEnv(),
        }),
      );
    const rssBefore = servers.map((server) => rss(server.child.pid));
    const connectStarted = performance.now();
    await inChunks(visitors, CONNECTING, async (v) => {
      const hello = { token: v.token };
      const { socket } = await openSocket(servers[v.index % PROCESSES].wsUrl, hello, (frame) => v.onFrame(frame));
      v.socket = socket;
    });
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    const rssGrowth = servers.reduce((sum, server, index) => sum + rss(server.child.pid) - rssBefore[index], 0);

    // The agent, on the first process: its availability is what every visitor sees change.
    const acks = new Map();
    agentSocket = (
      await openSocket(servers[0].wsUrl, { token: tokens[0] }, (frame) => {
        if ((frame.type === 'ack' || frame.type === 'error') && acks.has(frame.id)) acks.get(frame.id)(frame);
      })
    ).socket;
    const fanOut = [];
    const fanOutLoad = figures.load();
    const fanOutBefore = await Promise.all(servers.map((server) => figures.metricsOf(server)));
    // The bench's own process receives and parses every visitor's message on the same cores.
    const benchCpuBefore = process.cpuUsage();
    for (let round = 0; round < ROUNDS; round++) {
      const availability = round % 2 === 0 ? 'away' : 'available';
      const started = performance.now();
      const delivered = visitors.map(
        (v) =>
          new Promise((done) => {
            v.waitingFor = { availability, done: (at) => done(at - started) };
          }),
      );
      const id = `availability-${round}`;
      const acked = new Promise((done) => acks.set(id, done));
      agentSocket.send(
        JSON.stringify({ v: 1, type: 'command', id, command: { type: 'agent.setAvailability', availability } }),
      );
      const ack = await acked;
      if (ack.type !== 'ack') throw new Error(`the availability change was refused: ${ack.error.message}`);
      const timeout = new Promise((_, fail) =>
        setTimeout(() => fail(new Error(`round ${round}: not every visitor heard it in ${TIMEOUT_MS} ms`)), TIMEOUT_MS),
      );
      fanOut.push(...(await Promise.race([Promise.all(delivered), timeout])));
    }
    console.error(`cluster-sockets: fan-out p99 ${p99(fanOut).toFixed(1)} ms over ${VISITORS} visitors`);
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const fanOutAfter = await Promise.all(servers.map((server) => figures.metricsOf(server)));
    const serverFanOut = figures.histogramDelta(fanOutAfter, fanOutBefore)('confab_fanout_seconds');
    const fanOutCpu = figures.serversCpuSeconds(fanOutAfter) - figures.serversCpuSeconds(fanOutBefore);

    const survivors = servers.slice(0, PROCESSES - 1);
    const failoverLoad = figures.load();
    const failoverBefore = {
      texts: await Promise.all(survivors.map((server) => figures.metricsOf(server))),
      postgresCpu: figures.postgresCpuSeconds(postgres),
      counts: await figures.postgresCounts(db),
    };

    // SIGKILL the third process: its visitors resume on the other two.
    const orphans = visitors.filter((v) => v.index % PROCESSES === PROCESSES - 1);
    let resyncs = 0;
    let retries = 0;
    const killed = performance.now();
    /** Says hello again on one of the survivors, alternately; once more, after a short random wait, when closed unserved. */
    const resume = async (v, attempt) => {
      const target = servers[(v.index + attempt) % 2].wsUrl;
      const hello = { token: v.token, resumeFrom: v.seq, ...(v.epoch ? { epoch: v.epoch } : {}) };
      try {
        return await openSocket(target, hello, (frame) => {
          if (frame.type === 'snapshot' && frame.resync) resyncs++;
          v.onFrame(frame);
        });
      } catch (error) {
        if (error.code === undefined || attempt >= 20) throw error;
        retries++;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 250 * (attempt + 1)));
        return resume(v, attempt + 1);
      }
    };
    const resumed = orphans.map(
      (v) =>
        new Promise((done, fail) => {
          v.socket.once('close', () =>
            resume(v, 0).then(({ socket }) => {
              v.socket = socket;
              done(performance.now() - killed);
            }, fail),
          );
        }),
    );
    await servers[PROCESSES - 1].kill();
    const timeout = new Promise((_, fail) =>
      setTimeout(() => fail(new Error(`not every visitor resumed in ${TIMEOUT_MS} ms`)), TIMEOUT_MS),
    );
    const resumeMs = await Promise.race([Promise.all(resumed), timeout]);
    const failoverAfter = {
      texts: await Promise.all(survivors.map((server) => figures.metricsOf(server))),
      postgresCpu: figures.postgresCpuSeconds(postgres),
      counts: await figures.postgresCounts(db),
    };
    const perHello = (value) => Math.round((value / orphans.length) * 100) / 100;

    return [
      { metric: 'cluster.fanout.p99.ms', value: Math.round(p99(fanOut) * 10) / 10, unit: 'ms' },
      { metric: 'cluster.fanout.visitors', value: VISITORS, unit: 'sockets' },
      { metric: 'cluster.visitors.created.perSec', value: Math.round(VISITORS / seedSeconds), unit: 'visitors/s' },
      { metric: 'cluster.visitors.hello.perSec', value: Math.round(VISITORS / connectSeconds), unit: 'hellos/s' },
      { metric: 'cluster.memory.perVisitorSocket', value: Math.round(rssGrowth / VISITORS), unit: 'bytes' },
      { metric: 'cluster.failover.resume.p99.ms', value: Math.round(p99(resumeMs)), unit: 'ms' },
      { metric: 'cluster.failover.clients', value: orphans.length, unit: 'sockets' },
      { metric: 'cluster.failover.resyncs', value: resyncs, unit: 'sockets' },
      { metric: 'cluster.failover.retries', value: retries, unit: 'hellos' },
      {
        metric: 'cluster.fanout.server.msPerRound',
        value: Math.round((serverFanOut.sum / ROUNDS) * 10_000) / 10,
        unit: 'ms',
        load: fanOutLoad,
      },
      {
        metric: 'cluster.fanout.server.cpuMsPerRound',
        value: Math.round((fanOutCpu / ROUNDS) * 10_000) / 10,
        unit: 'ms',
        load: fanOutLoad,
      },
      {
        metric: 'cluster.fanout.bench.cpuMsPerRound',
        value: Math.round(((benchCpu.user + benchCpu.system) / ROUNDS / 1000) * 10) / 10,
        unit: 'ms',
        load: fanOutLoad,
      },
      {
        metric: 'cluster.failover.cpu.server.usPerHello',
        value: Math.round(
          ((figures.serversCpuSeconds(failoverAfter.texts) - figures.serversCpuSeconds(failoverBefore.texts)) /
            orphans.length) *
            1e6,
        ),
        unit: 'µs',
        load: failoverLoad,
      },
      {
        metric: 'cluster.failover.cpu.postgres.usPerHello',
        value: Math.round(((failoverAfter.postgresCpu - failoverBefore.postgresCpu) / orphans.length) * 1e6),
        unit: 'µs',
        load: failoverLoad,
      },
      {
        metric: 'cluster.failover.pg.statementsPerHello',
        value: perHello(failoverAfter.counts.statements - failoverBefore.counts.statements),
        unit: 'statements',
        load: failoverLoad,
      },
      {
        metric: 'cluster.failover.pg.writesPerHello',
        value: perHello(failoverAfter.counts.writes - failoverBefore.counts.writes),
        unit: 'statements',
        load: failoverLoad,
      },
    ];
  } finally {
    await db?.end().catch(() => undefined);
    agentSocket?.close();
    for (const v of visitors) v.socket?.terminate();
    await Promise.all(servers.map((server) => figures.stop(server)));
    await postgres.stop();
    await redis.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

// `node bench/cluster-sockets.bench.mjs` runs it alone.
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await run()) console.log(JSON.stringify(line));
}

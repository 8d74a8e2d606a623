// Cluster figures (issue 15): three real confab-server processes on one throwaway PostgreSQL with
// durable settings (fsync, synchronous commit) and one throwaway Redis as their bus. 100 workspaces, each with one agent whose WebSocket
// goes to one of the three processes; an agent's command is a comment on its workspace's chat.
// - cluster.commandsPerSec: acknowledged (so committed) commands per second, every agent keeping a
//   few commands in flight;
// - cluster.ack.p99.ms: from send to ack, with the agents sending at half that rate, paced;
// - pg.rawCommitsPerSec: single-row commits on the same PostgreSQL in the same run, for the ratio;
// - cluster.eventBytesPerCommand: the JSON of the events one command stored (what the bus carries).
// Where the time goes, each with the load average it was measured under (cluster-figures.mjs):
// - cluster.cpu.server.usPerCommand, cluster.cpu.postgres.usPerCommand: the three processes' CPU
//   (their /metrics) and PostgreSQL's (/proc) while measuring the rate, per acknowledged command;
//   cluster.cpu.server.systemUsPerCommand: the part of the processes' CPU spent in the kernel;
//   cluster.server.writesPerCommand, …readsPerCommand: the processes' write and read system calls
//   per command (each socket write to an agent, PostgreSQL or Redis is one): counts, steady under load;
//   cluster.ack.server.writesPerCommand: the same at half the rate (smaller batches);
//   cluster.ack.pg.roundTripsPerCommand, cluster.ack.cpu.server.usPerCommand, …postgres.usPerCommand:
//   PostgreSQL round trips and CPU per command at half the rate, where commands come more alone;
// - cluster.pg.statementsPerCommand, cluster.pg.commandsPerTransaction: round trips to PostgreSQL
//   (pg_stat_statements counts BEGIN and COMMIT too; the head polls and these reads are in it,
//   a few dozen statements a run) and commands per transaction that locked a workspace head;
// - at half the rate, an ack's time split: cluster.ack.commit.*: the transaction (service time),
//   cluster.ack.server.*: from the command frame's arrival to its ack leaving the process (service
//   plus queueing in the process), cluster.ack.lockWait.*: the commit's part before it held the
//   head lock (waiting for a pooled connection, BEGIN, the lock), cluster.ack.mean.ms: as the bench's agents saw it. Means are
//   exact; a server-side p99 is the histogram bucket it falls in ("at most").
// - cluster.pg.roundTripsPerCommand, …PerTransaction: the servers' queries to PostgreSQL
//   (confab_database_queries_total, each one round trip), per command and per head-locking transaction;
// - cluster.cpu.bench.usPerCommand: this process's own CPU (the agents) per command;
// - at the ack rate: cluster.ack.poolWait.mean.ms (a transaction's wait for a pooled connection,
//   part of the lock wait), cluster.ack.cpuBusy (the servers', PostgreSQL's and this process's CPU
//   as a share of the machine's cores) and the servers' event-loop lag.
// BENCH_CLUSTER_PACED_RATE fixes the ack rate (commands/s; default half the measured rate), to
// compare runs at one rate; BENCH_CLUSTER_POOL_SIZE sets each process's pool (default 8).
// BENCH_CLUSTER_WATCHERS=same|other: each workspace gets a second socket (its agent in another
// tab) on the same process as the first (what a front with workspace affinity gives) or on the
// next one (what a front without it gives); cluster.redis.bytesOutPerCommand (what Redis sent to
// its subscribers) and cluster.pg.catchUpReadsPerCommand (reads of the log to fill gaps) then say
// what affinity saves.
// BENCH_CLUSTER_REDIS=0 runs the processes without the bus (they follow each other by polling).
// Under two minutes on this machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const serverRequire = createRequire(join(root, 'packages/server/package.json'));
const pg = serverRequire('pg');
const WebSocket = serverRequire('ws');
const fromServer = (path) => import(pathToFileURL(join(root, 'packages/server/dist', path)).href);
const fromCore = (path) => import(pathToFileURL(join(root, 'packages/core/dist', path)).href);
const figures = await import('./cluster-figures.mjs');

const PROCESSES = 3;
const WATCHERS = process.env.BENCH_CLUSTER_WATCHERS;
if (WATCHERS !== undefined && WATCHERS !== 'same' && WATCHERS !== 'other')
  throw new Error('BENCH_CLUSTER_WATCHERS is same or other');
const Redis = serverRequire('ioredis').Redis;
const WITH_REDIS = process.env.BENCH_CLUSTER_REDIS !== '0';
const WORKSPACES = Number(process.env.BENCH_CLUSTER_WORKSPACES ?? 100);
const SECONDS = Number(process.env.BENCH_CLUSTER_SECONDS ?? 10);
/** BENCH_CLUSTER_PACED_RATE: the ack latency's rate in commands/s, to compare runs at one rate (default: half the measured rate). */
const PACED_RATE = process.env.BENCH_CLUSTER_PACED_RATE ? Number(process.env.BENCH_CLUSTER_PACED_RATE) : undefined;
/** Commands each agent keeps in flight while measuring the rate. */
const WINDOW = 4;
/** Connections of each process's pool (BENCH_CLUSTER_POOL_SIZE): 3 × 8 stay well inside the throwaway server's 60. */
const POOL_SIZE = Number(process.env.BENCH_CLUSTER_POOL_SIZE ?? 8);

const AGENT = {
  id: 'agent-bench',
  name: 'Bench Agent',
  email: 'bench@team.example',
  availability: 'available',
  role: 'admin',
  invitePending: false,
  lastSeenAt: null,
  disabled: false,
};

/** Each workspace: its agent, a token for it and a visitor's chat to comment on. */
async function seed(url, dataDir) {
  const { openServerStore } = await fromServer('storage/open-storage.js');
  const { createServerAuthenticator } = await fromServer('auth/authenticator.js');
  const { createBackend } = await fromCore('backend/index.js');
  const store = await openServerStore({ dataDir, databaseUrl: url, poolSize: 4 });
  const teams = [];
  try {
    for (let index = 0; index < WORKSPACES; index++) {
      const id = `team-${index}`;
      await store.directory.createWorkspace({ id, name: id, createdAt: Date.now() });
      const storage = await store.forWorkspace(id);
      const auth = createServerAuthenticator({ store: storage });
      const backend = createBackend({ storage, auth });
      await backend.ready;
      await backend.append([{ type: 'agent.upserted', agent: AGENT }]);
      const visitor = await backend.execute({ kind: 'system' }, { type: 'visitor.create' });
      const contactId = visitor.result.contactId;
      const chat = await backend.execute({ kind: 'visitor', contactId }, { type: 'visitor.startChat', text: 'Hello' });
      teams.push({
        id,
        token: (await auth.issueAgentToken(AGENT.id, 'bench')).token,
        conversationId: chat.result.conversationId,
      });
      await backend.close();
    }
  } finally {
    await store.close();
  }
  return teams;
}

/** An agent's socket: resolves once its snapshot arrived; `send` resolves with the ack's latency. */
function agentSocket(wsUrl, team) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl);
    const waiting = new Map();
    let counter = 0;
    socket.on('error', reject);
    socket.on('open', () => socket.send(JSON.stringify({ v: 1, type: 'hello', token: team.token })));
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'snapshot') resolve(connection);
      if ((frame.type === 'ack' || frame.type === 'error') && waiting.has(frame.id)) {
        const { started, done, fail } = waiting.get(frame.id);
        waiting.delete(frame.id);
        if (frame.type === 'ack') done(performance.now() - started);
        else fail(new Error(`${frame.error.code}: ${frame.error.message}`));
      }
    });
    const connection = {
      send() {
        const id = `${team.id}-${counter++}`;
        return new Promise((done, fail) => {
          waiting.set(id, { started: performance.now(), done, fail });
          socket.send(
            JSON.stringify({
              v: 1,
              type: 'command',
              id,
              command: {
                type: 'message.comment',
                conversationId: team.conversationId,
                text: `note ${id}`,
                mentions: [],
              },
            }),
          );
        });
      },
      close: () => socket.close(),
    };
  });
}

/** Single-row commits per second on 8 connections: the database's own ceiling on this machine. */
async function rawCommitsPerSec(url) {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  await pool.query('CREATE TABLE raw_commits (id bigserial PRIMARY KEY, body text NOT NULL)');
  const end = performance.now() + 5_000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() < end) {
        await pool.query('INSERT INTO raw_commits (body) VALUES ($1)', ['x']);
        done++;
      }
    }),
  );
  await pool.end();
  return done / ((performance.now() - started) / 1000);
}

/** Every agent keeps WINDOW commands in flight for SECONDS: acknowledged commands per second, and how many. */
async function throughput(agents) {
  const end = performance.now() + SECONDS * 1000;
  let acked = 0;
  const started = performance.now();
  await Promise.all(
    agents.flatMap((agent) =>
      Array.from({ length: WINDOW }, async () => {
        while (performance.now() < end) {
          await agent.send();
          acked++;
        }
      }),
    ),
  );
  return { rate: acked / ((performance.now() - started) / 1000), acked };
}

/** The agents send `rate` commands per second in all, evenly paced, for SECONDS: ack latencies. */
async function paced(agents, rate) {
  const latencies = [];
  const sends = [];
  const intervalMs = 1000 / rate;
  const started = performance.now();
  for (let n = 0; performance.now() - started < SECONDS * 1000; n++) {
    const due = started + n * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    sends.push(agents[n % agents.length].send().then((ms) => latencies.push(ms)));
  }
  await Promise.all(sends);
  latencies.sort((a, b) => a - b);
  return {
    p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))],
    mean: latencies.reduce((sum, ms) => sum + ms, 0) / latencies.length,
    count: latencies.length,
  };
}

/** What the phase figures are computed from, read at one moment. */
async function sample(servers, postgres, db) {
  return {
    load: figures.load(),
    texts: await Promise.all(servers.map((server) => figures.metricsOf(server))),
    syscalls: figures.serversSyscalls(servers),
    postgresCpu: figures.postgresCpuSeconds(postgres),
    counts: await figures.postgresCounts(db),
  };
}

export async function run() {
  const { startThrowawayPostgres } = await fromServer('testing/postgres.test-util.js');
  const { spawnServer } = await fromServer('testing/child-server.test-util.js');
  const { startThrowawayRedis } = await fromServer('testing/redis.test-util.js');
  const postgres = await startThrowawayPostgres({
    durable: true,
    settings: ['shared_preload_libraries=pg_stat_statements'],
  });
  const redis = WITH_REDIS ? await startThrowawayRedis() : null;
  const dirs = Array.from({ length: PROCESSES + 1 }, () => mkdtempSync(join(tmpdir(), 'confab-bench-cluster-')));
  const servers = [];
  const agents = [];
  const watchers = [];
  let db = null;
  try {
    const url = await postgres.createDatabase();
    const teams = await seed(url, dirs[PROCESSES]);
    db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query('CREATE EXTENSION pg_stat_statements');
    const raw = await rawCommitsPerSec(await postgres.createDatabase());
    for (let index = 0; index < PROCESSES; index++)
      servers.push(
        await spawnServer(dirs[index], {
          CONFAB_DATABASE_URL: url,
          ...(redis ? { CONFAB_REDIS_URL: redis.url } : {}),
          CONFAB_DATABASE_POOL_SIZE: String(POOL_SIZE),
          CONFAB_WORKSPACE_IDLE_MINUTES: '60',
          ...figures.profileEnv(),
          CONFAB_METRICS_TOKEN: figures.METRICS_TOKEN,
        }),
      );
    for (const [index, team] of teams.entries()) agents.push(await agentSocket(servers[index % PROCESSES].wsUrl, team));
    if (WATCHERS)
      for (const [index, team] of teams.entries())
        watchers.push(await agentSocket(servers[(index + (WATCHERS === 'same' ? 0 : 1)) % PROCESSES].wsUrl, team));
    const redisOut = async () => {
      if (!redis) return 0;
      const client = new Redis(redis.url);
      const stats = await client.info('stats');
      client.disconnect();
      return Number(/total_net_output_bytes:(\d+)/.exec(stats)[1]);
    };
    // A short warm-up: hubs loaded, statements prepared, pools filled.
    await Promise.all(agents.map((agent) => agent.send()));
    const before = await sample(servers, postgres, db);
    const redisBefore = await redisOut();
    const benchBefore = process.cpuUsage();
    const { rate, acked } = await throughput(agents);
    const benchDuring = process.cpuUsage(benchBefore);
    const redisAfter = await redisOut();
    const during = await sample(servers, postgres, db);
    const pacedStarted = performance.now();
    const benchPacedBefore = process.cpuUsage();
    const ack = await paced(agents, PACED_RATE ?? rate / 2);
    const benchPaced = process.cpuUsage(benchPacedBefore);
    const after = await sample(servers, postgres, db);
    const pacedSeconds = (performance.now() - pacedStarted) / 1000;
    const cpuSeconds = (usage) => (usage.user + usage.system) / 1e6;
    // At half the rate: the share of the two cores the servers, PostgreSQL and this process used (queueing grows with it).
    const pacedBusy =
      (figures.serversCpuSeconds(after.texts) -
        figures.serversCpuSeconds(during.texts) +
        after.postgresCpu -
        during.postgresCpu +
        cpuSeconds(benchPaced)) /
      pacedSeconds /
      cpus().length;
    const sum = (texts, series) => texts.reduce((total, text) => total + figures.value(text, series), 0);
    const waited = (series) => sum(after.texts, series) - sum(during.texts, series);
    // At half the rate, a transaction's mean wait for a pooled connection (part of the lock wait).
    const poolWaitMs =
      Math.round(
        (waited('confab_database_connect_wait_seconds_total') / waited('confab_database_connect_waits_total')) * 10_000,
      ) / 10;
    const roundTrips = figures.serversDatabaseQueries(during.texts) - figures.serversDatabaseQueries(before.texts);
    const perCommand = (value) => Math.round((value / acked) * 100) / 100;
    const perPacedCommand = (value) => Math.round((value / ack.count) * 100) / 100;
    const statements = during.counts.statements - before.counts.statements;
    const transactions = during.counts.headlocks - before.counts.headlocks;
    const paced_ = figures.histogramDelta(after.texts, during.texts);
    const commit = figures.summary(paced_('confab_commit_seconds'));
    const lockWait = figures.summary(paced_('confab_commit_lock_wait_seconds'));
    const server = figures.summary(paced_('confab_command_seconds'));
    // The statements behind the round trips, for the reader of the figures (standard error).
    const top = await db.query(
      `SELECT calls, round(mean_exec_time::numeric, 2) AS ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) AS query
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       ORDER BY calls DESC LIMIT 8`,
    );
    for (const row of top.rows) console.error(`cluster: ${row.calls} × ${row.ms} ms  ${row.query}`);
    // What a command puts in the log (and on the bus, where the events travel as they are).
    const stored = await db.query(
      "SELECT sum(length(event))::float / count(DISTINCT cause) AS bytes FROM events WHERE cause LIKE 'team-%'",
    );
    const loadNote = { rate: during.load, paced: after.load };
    return [
      { metric: 'cluster.commandsPerSec', value: Math.round(rate), unit: 'commands/s', load: during.load },
      { metric: 'cluster.ack.rate', value: Math.round(PACED_RATE ?? rate / 2), unit: 'commands/s' },
      { metric: 'cluster.ack.p99.ms', value: Math.round(ack.p99 * 10) / 10, unit: 'ms', load: after.load },
      { metric: 'cluster.ack.mean.ms', value: Math.round(ack.mean * 10) / 10, unit: 'ms', load: after.load },
      { metric: 'cluster.ack.server.mean.ms', value: server.meanMs, unit: 'ms', load: after.load },
      {
        metric: 'cluster.ack.server.p99.atMost.ms',
        value: server.p99AtMostMs,
        unit: 'ms',
        load: after.load,
        over: server.over,
      },
      { metric: 'cluster.ack.commit.mean.ms', value: commit.meanMs, unit: 'ms', load: after.load },
      {
        metric: 'cluster.ack.commit.p99.atMost.ms',
        value: commit.p99AtMostMs,
        unit: 'ms',
        load: after.load,
        over: commit.over,
      },
      { metric: 'cluster.ack.lockWait.mean.ms', value: lockWait.meanMs, unit: 'ms', load: after.load },
      { metric: 'cluster.ack.poolWait.mean.ms', value: poolWaitMs, unit: 'ms', load: after.load },
      {
        metric: 'cluster.ack.lockWait.p99.atMost.ms',
        value: lockWait.p99AtMostMs,
        unit: 'ms',
        load: after.load,
        over: lockWait.over,
      },
      {
        metric: 'cluster.cpu.server.usPerCommand',
        value: Math.round(
          ((figures.serversCpuSeconds(during.texts) - figures.serversCpuSeconds(before.texts)) / acked) * 1e6,
        ),
        unit: 'µs',
        load: loadNote.rate,
      },
      {
        metric: 'cluster.server.writesPerCommand',
        value: perCommand(during.syscalls.writes - before.syscalls.writes),
        unit: 'system calls',
        load: loadNote.rate,
      },
      {
        metric: 'cluster.ack.server.writesPerCommand',
        value: perPacedCommand(after.syscalls.writes - during.syscalls.writes),
        unit: 'system calls',
        load: loadNote.paced,
      },
      {
        metric: 'cluster.server.readsPerCommand',
        value: perCommand(during.syscalls.reads - before.syscalls.reads),
        unit: 'system calls',
        load: loadNote.rate,
      },
      {
        metric: 'cluster.cpu.server.systemUsPerCommand',
        value: Math.round(
          ((figures.serversSystemCpuSeconds(during.texts) - figures.serversSystemCpuSeconds(before.texts)) / acked) *
            1e6,
        ),
        unit: 'µs',
        load: loadNote.rate,
      },
      {
        metric: 'cluster.cpu.postgres.usPerCommand',
        value: Math.round(((during.postgresCpu - before.postgresCpu) / acked) * 1e6),
        unit: 'µs',
        load: loadNote.rate,
      },
      {
        metric: 'cluster.cpu.bench.usPerCommand',
        value: Math.round((cpuSeconds(benchDuring) / acked) * 1e6),
        unit: 'µs',
        load: loadNote.rate,
      },
      {
        metric: 'cluster.pg.roundTripsPerCommand',
        value: perCommand(roundTrips),
        unit: 'round trips',
        load: during.load,
      },
      {
        metric: 'cluster.ack.pg.roundTripsPerCommand',
        value: perPacedCommand(
          figures.serversDatabaseQueries(after.texts) - figures.serversDatabaseQueries(during.texts),
        ),
        unit: 'round trips',
        load: after.load,
      },
      {
        metric: 'cluster.ack.cpu.server.usPerCommand',
        value: Math.round(
          ((figures.serversCpuSeconds(after.texts) - figures.serversCpuSeconds(during.texts)) / ack.count) * 1e6,
        ),
        unit: 'µs',
        load: after.load,
      },
      {
        metric: 'cluster.ack.cpu.postgres.usPerCommand',
        value: Math.round(((after.postgresCpu - during.postgresCpu) / ack.count) * 1e6),
        unit: 'µs',
        load: after.load,
      },
      {
        metric: 'cluster.pg.roundTripsPerTransaction',
        value: Math.round((roundTrips / transactions) * 100) / 100,
        unit: 'round trips',
        load: during.load,
      },
      {
        metric: 'cluster.ack.cpuBusy',
        value: Math.round(pacedBusy * 100) / 100,
        unit: `share of ${cpus().length} cores`,
        load: after.load,
      },
      {
        metric: 'cluster.ack.eventLoopLag.mean.ms',
        value: figures.eventLoopLag(after.texts).meanMs,
        unit: 'ms',
        load: after.load,
      },
      {
        metric: 'cluster.ack.eventLoopLag.p99.ms',
        value: figures.eventLoopLag(after.texts).p99Ms,
        unit: 'ms',
        load: after.load,
      },
      {
        metric: 'cluster.pg.statementsPerCommand',
        value: perCommand(statements),
        unit: 'statements',
        load: during.load,
      },
      {
        metric: 'cluster.pg.commandsPerTransaction',
        value: Math.round((acked / transactions) * 100) / 100,
        unit: 'commands',
        load: during.load,
      },
      ...(WATCHERS
        ? [
            { metric: 'cluster.watchers', value: WATCHERS, unit: 'process of the second socket' },
            {
              metric: 'cluster.redis.bytesOutPerCommand',
              value: Math.round((redisAfter - redisBefore) / acked),
              unit: 'bytes',
              load: during.load,
            },
            {
              metric: 'cluster.pg.catchUpReadsPerCommand',
              value: Math.round(((during.counts.catchups - before.counts.catchups) / acked) * 1000) / 1000,
              unit: 'reads',
              load: during.load,
            },
          ]
        : []),
      { metric: 'pg.rawCommitsPerSec', value: Math.round(raw), unit: 'commits/s' },
      { metric: 'cluster.eventBytesPerCommand', value: Math.round(stored.rows[0].bytes), unit: 'bytes' },
    ];
  } finally {
    await db?.end().catch(() => undefined);
    for (const agent of agents) agent.close();
    for (const watcher of watchers) watcher.close();
    await Promise.all(servers.map((server) => figures.stop(server)));
    await postgres.stop();
    await redis?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

// `node bench/cluster.bench.mjs` runs it alone.
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await run()) console.log(JSON.stringify(line));
}

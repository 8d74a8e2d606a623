// Where a cluster bench's time goes (issue 15): the processes' CPU, PostgreSQL's CPU and round
// trips, and the servers' own histograms, each read before and after a phase so that a figure is
// that phase's alone. Shared by cluster.bench.mjs and cluster-sockets.bench.mjs.
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

/** The token the benches give their servers for GET /metrics. */
export const METRICS_TOKEN = 'bench-metrics';

/** Linux counts CPU time in clock ticks of 1/100 s (USER_HZ; sysconf(_SC_CLK_TCK) is 100 on every Linux port Node runs on). */
const TICKS_PER_SECOND = 100;

/** The one-minute load average, to one decimal: every figure is reported with the load it was measured under. */
export const load = () => Math.round(loadavg()[0] * 10) / 10;

/** A process's CPU seconds from /proc/<pid>/stat; `children` adds those of its children that ended. */
function cpuOf(pid, children = false) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return { seconds: 0, ppid: -1 }; // gone meanwhile
  }
  // The command name may hold spaces and parentheses: the fields after its last ')' are fixed.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
  const ticks = utime + stime + (children ? cutime + cstime : 0);
  return { seconds: ticks / TICKS_PER_SECOND, ppid: Number(fields[1]) };
}

/**
 * PostgreSQL's CPU seconds so far: the postmaster with its ended children (connections closed,
 * checkpoints) and every live backend and helper it started.
 */
export function postgresCpuSeconds(postgres) {
  const postmaster = Number(readFileSync(join(postgres.process.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  let seconds = cpuOf(postmaster, true).seconds;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cpu = cpuOf(entry);
    if (cpu.ppid === postmaster) seconds += cpu.seconds;
  }
  return seconds;
}

/**
 * The statements PostgreSQL ran for one database (a simple query holding several, as `BEGIN;
 * SELECT …`, counts each), its COMMITs, its commands' transactions (each locks a workspace head
 * once, in a statement or through confab_lock_and_read), its reads of a log's events to catch a process up, and its statements that write, from pg_stat_statements (kept
 * current at each statement's end, where pg_stat_database's counts may lag by seconds).
 */
export async function postgresCounts(db) {
  const { rows } = await db.query(
    `SELECT coalesce(sum(calls), 0)::float AS statements,
            coalesce(sum(calls) FILTER (WHERE upper(query) = 'COMMIT'), 0)::float AS commits,
            coalesce(sum(calls) FILTER (WHERE query LIKE '%FROM workspace_heads WHERE workspace_id = $1 FOR UPDATE%'
                                          OR query LIKE '%confab_lock_and_read(%'), 0)::float
              AS headlocks,
            coalesce(sum(calls) FILTER (WHERE query LIKE 'SELECT seq, cause, event, principal_key FROM events WHERE workspace_id = $1 AND seq > $2%'), 0)::float
              AS catchups,
            coalesce(sum(calls) FILTER (WHERE query ~* '(INSERT\\s+INTO|UPDATE\\s+\\w+\\s+SET|DELETE\\s+FROM)'), 0)::float AS writes
     FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return rows[0];
}

/** A server's metrics text (Prometheus format). */
export async function metricsOf(server) {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return response.text();
}

/** One series' value (the first whose name and labels start so), or 0. */
export function value(text, series) {
  for (const line of text.split('\n'))
    if (line.startsWith(series + ' ') || line.startsWith(series + '{')) {
      if (line.startsWith(series + '{') && !series.includes('{')) continue;
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  return 0;
}

/** A histogram's cumulative buckets ({le, count}), sum and count, from one server's text. */
export function histogram(text, name) {
  const buckets = [];
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`).exec(line);
    if (match) buckets.push({ le: match[1] === '+Inf' ? Infinity : Number(match[1]), count: Number(match[2]) });
  }
  return { buckets, sum: value(text, `${name}_sum`), count: value(text, `${name}_count`) };
}

/** The histograms of several servers added up, less the same read earlier: a phase's own observations. */
export function histogramDelta(after, before) {
  const add = (texts, name) =>
    texts
      .map((text) => histogram(text, name))
      .reduce((total, one) => ({
        sum: total.sum + one.sum,
        count: total.count + one.count,
        buckets: total.buckets.map((bucket, index) => ({
          le: bucket.le,
          count: bucket.count + one.buckets[index].count,
        })),
      }));
  return (name) => {
    const a = add(after, name);
    const b = add(before, name);
    return {
      sum: a.sum - b.sum,
      count: a.count - b.count,
      buckets: a.buckets.map((bucket, index) => ({ le: bucket.le, count: bucket.count - b.buckets[index].count })),
    };
  };
}

/** The mean in ms, and the bucket bound (ms) at or under which 99% of the observations fell (`over`: above every bound). */
export function summary(h) {
  const needed = Math.ceil(h.count * 0.99);
  const bound = h.buckets.find((bucket) => bucket.count >= needed)?.le ?? Infinity;
  // Past the largest bucket: reported as that bound with `over` (JSON has no Infinity).
  const largest = Math.max(...h.buckets.filter((bucket) => bucket.le !== Infinity).map((bucket) => bucket.le));
  return {
    meanMs: h.count ? Math.round((h.sum / h.count) * 10_000) / 10 : 0,
    p99AtMostMs: (bound === Infinity ? largest : bound) * 1000,
    over: bound === Infinity,
  };
}

/** The servers' CPU seconds so far, from their /metrics. */
export const serversCpuSeconds = (texts) =>
  texts.reduce((sum, text) => sum + value(text, 'confab_process_cpu_seconds_total'), 0);

/**
 * BENCH_CLUSTER_PROFILE=<dir>: each server process writes a V8 CPU profile there (read it with
 * bench/profile-window.mjs); the processes are then stopped with SIGTERM, which lets them write it.
 */
export const profileEnv = () =>
  process.env.BENCH_CLUSTER_PROFILE
    ? { NODE_OPTIONS: `--import ${new URL('./cluster-profiler.mjs', import.meta.url).href}` }
    : {};

/** Ends a server: SIGKILL, or SIGTERM when it is writing a profile. */
export const stop = (server) => (process.env.BENCH_CLUSTER_PROFILE ? server.terminate() : server.kill());

/**
 * The servers' read and write system calls so far (/proc/<pid>/io syscr, syscw: sockets to the
 * clients, PostgreSQL and Redis, and their log). Counts, so they compare across machine loads
 * where CPU time per command does not.
 */
export function serversSyscalls(servers) {
  let reads = 0;
  let writes = 0;
  for (const server of servers) {
    const io = readFileSync(`/proc/${server.child.pid}/io`, 'utf8');
    reads += Number(/syscr: (\d+)/.exec(io)[1]);
    writes += Number(/syscw: (\d+)/.exec(io)[1]);
  }
  return { reads, writes };
}

/** The servers' system-mode CPU seconds so far (system calls: socket writes and reads), from their /metrics. */
export const serversSystemCpuSeconds = (texts) =>
  texts.reduce((sum, text) => sum + value(text, 'confab_process_cpu_system_seconds_total'), 0);

/** The servers' queries sent to PostgreSQL so far (each one round trip), from their /metrics. */
export const serversDatabaseQueries = (texts) =>
  texts.reduce((sum, text) => sum + value(text, 'confab_database_queries_total'), 0);

/** The servers' event-loop lag (mean of their means, largest p99), in ms, from their /metrics. */
export function eventLoopLag(texts) {
  const means = texts.map((text) => value(text, 'confab_nodejs_eventloop_lag_mean_seconds') * 1000);
  const p99s = texts.map((text) => value(text, 'confab_nodejs_eventloop_lag_p99_seconds') * 1000);
  const round = (ms) => Math.round(ms * 10) / 10;
  return { meanMs: round(means.reduce((a, b) => a + b, 0) / means.length), p99Ms: round(Math.max(...p99s)) };
}

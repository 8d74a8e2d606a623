import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PoolCounts } from './storage/postgres-pool.js';

/** Refusals whose command type came from an unchecked frame: labelled `unchecked`, never by what a client wrote. */
const UNCHECKED_OUTCOMES = new Set(['invalid', 'unknown-command', 'too-large', 'rate-limited', 'unsupported-version']);

/** The shape of a command type (`conversation.assign`); anything else is not used as a label. */
const COMMAND_TYPE = /^[a-z][a-zA-Z]{0,30}(\.[a-zA-Z]{1,40}){0,2}$/;

/** Node figures whose collection is proportional to the open sockets (see processMetrics). */
const HANDLE_WALKING_METRICS = [
  'process_open_fds',
  'nodejs_active_handles',
  'nodejs_active_handles_total',
  'nodejs_active_resources',
  'nodejs_active_resources_total',
];

let processRegistry: Registry | null = null;
/** Node's own figures (event loop lag, memory, CPU), once per process however many servers run in it. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'confab_' });
    // These walk every open handle or file descriptor at each scrape: at 10,000 sockets that held
    // the event loop ~30-50 ms a scrape. confab_connections counts the sockets instead.
    for (const name of HANDLE_WALKING_METRICS) processRegistry.removeSingleMetric(`confab_${name}`);
  }
  return processRegistry;
}

export interface ServerMetrics {
  /** Prometheus text format. */
  render(): Promise<string>;
  readonly contentType: string;
  /** A command's outcome (an ack, or a refusal's error code) on a socket. */
  command(type: string, outcome: string): void;
  /** Seconds a commit took to be durable. */
  commitSeconds: Histogram;
  /** Seconds a shared log's commit waited for its head row's lock (a pooled connection, BEGIN, the lock itself). */
  lockWaitSeconds: Histogram;
  /** A one-command commit tried in one step (SharedLog.commitAt): `committed`, or `moved` (another process wrote first). */
  oneStepCommit(result: 'committed' | 'moved'): void;
  /** Seconds from a command frame's arrival to its answer: the commit plus the wait for it. */
  commandSeconds: Histogram;
  /** Seconds one fan-out (projection and sends to every subscribed socket) took. */
  fanOutSeconds: Histogram;
  /** An outbound email's delivery state (sent, failed, retry). */
  email(state: string): void;
  /** A request or socket refused: origin, auth, host, rate limit. */
  refusal(reason: string): void;
  /** A Messenger message filed nowhere (its page is no workspace's). */
  messengerDropped(reason: 'unknown-page'): void;
  /** A rate-limit count that did not reach Redis: that request was limited by this process alone. */
  rateLimitUnshared(limiter: string): void;
  /** Where PostgreSQL's round trips and pool waits are read from when scraped (the store's pool; null: SQLite). */
  countDatabaseWith(count: () => PoolCounts | null): void;
  /** Where the open connections are counted from when scraped (the gateway, once it exists). */
  countConnectionsWith(connectionsByKind: () => Record<string, number>): void;
}

/**
 * The server's metrics for `GET /metrics`. Counters and histograms are updated on the hot path
 * (a map lookup and an add); connection counts are read only when scraped.
 *
 * @example
 * const metrics = createMetrics();
 * metrics.countConnectionsWith(() => gateway.connectionsByKind());
 */
export function createMetrics(): ServerMetrics {
  // Event loop delays are sampled from the moment the registry exists: made on first scrape, the
  // first scrape's lag figures were zero whatever the loop went through before.
  const nodeFigures = processMetrics();
  const registry = new Registry();
  let connectionsByKind = (): Record<string, number> => ({});
  new Gauge({
    name: 'confab_connections',
    help: 'Open WebSocket connections by kind (agent, visitor, or none before a hello is accepted).',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [kind, count] of Object.entries(connectionsByKind())) this.set({ kind }, count);
    },
  });
  let databaseCounts = (): PoolCounts | null => null;
  /** A counter read from the store's pool when scraped (absent with SQLite). */
  const databaseCounter = (name: string, help: string, read: (counts: PoolCounts) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        const counts = databaseCounts();
        if (counts) this.inc(read(counts));
      },
    });
  databaseCounter(
    'confab_database_queries_total',
    'Queries sent to PostgreSQL, each one round trip (the driver waits for an answer before the next).',
    (counts) => counts.queries,
  );
  databaseCounter(
    'confab_database_connect_waits_total',
    "Transactions that took a connection from this process's PostgreSQL pool.",
    (counts) => counts.connectWaits,
  );
  databaseCounter(
    'confab_database_connect_wait_seconds_total',
    "Time transactions waited for a connection from this process's PostgreSQL pool, in all.",
    (counts) => counts.connectWaitSeconds,
  );
  const commands = new Counter({
    name: 'confab_commands_total',
    help: 'Commands received over WebSocket, by command type and outcome (ack or the error code).',
    labelNames: ['type', 'outcome'],
    registers: [registry],
  });
  const commitSeconds = new Histogram({
    name: 'confab_commit_seconds',
    help: 'Time for a commit to be durable (SQLite transaction and fsync).',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const lockWaitSeconds = new Histogram({
    name: 'confab_commit_lock_wait_seconds',
    help: 'Time a PostgreSQL commit waited before holding its workspace head lock: a pooled connection, BEGIN and the lock (part of confab_commit_seconds).',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const oneStepCommits = new Counter({
    name: 'confab_commit_one_step_total',
    help: 'One-command PostgreSQL commits tried in one round trip: committed, or moved (another process had written to the workspace first; the locked path ran). Many moved: the front does not keep a workspace on one process.',
    labelNames: ['result'],
    registers: [registry],
  });
  const commandSeconds = new Histogram({
    name: 'confab_command_seconds',
    help: 'Time from a command frame arriving on a socket to its ack or error being sent (waiting, deciding, committing).',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const fanOutSeconds = new Histogram({
    name: 'confab_fanout_seconds',
    help: 'Time to project committed events and hand them to every subscribed socket.',
    buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [registry],
  });
  const emails = new Counter({
    name: 'confab_outbound_email_total',
    help: 'Outbound email delivery attempts by resulting state.',
    labelNames: ['state'],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'confab_refusals_total',
    help: 'Requests and sockets refused, by reason.',
    labelNames: ['reason'],
    registers: [registry],
  });
  const messengerDropped = new Counter({
    name: 'confab_messenger_dropped_total',
    help: 'Messenger messages filed into no workspace, by reason (unknown-page: no workspace registered the page).',
    labelNames: ['reason'],
    registers: [registry],
  });
  const rateLimitUnshared = new Counter({
    name: 'confab_rate_limit_unshared_total',
    help: 'Requests limited by this process alone because Redis did not answer (fail open to the in-process limit), by limiter.',
    labelNames: ['limiter'],
    registers: [registry],
  });
  return {
    contentType: registry.contentType,
    async render() {
      return Registry.merge([nodeFigures, registry]).metrics();
    },
    command(type, outcome) {
      const checked = !UNCHECKED_OUTCOMES.has(outcome) && COMMAND_TYPE.test(type);
      commands.inc({ type: checked ? type : 'unchecked', outcome });
    },
    commitSeconds,
    lockWaitSeconds,
    oneStepCommit(result) {
      oneStepCommits.inc({ result });
    },
    commandSeconds,
    fanOutSeconds,
    email(state) {
      emails.inc({ state });
    },
    refusal(reason) {
      refusals.inc({ reason });
    },
    messengerDropped(reason) {
      messengerDropped.inc({ reason });
    },
    rateLimitUnshared(limiter) {
      rateLimitUnshared.inc({ limiter });
    },
    countDatabaseWith(count) {
      databaseCounts = count;
    },
    countConnectionsWith(count) {
      connectionsByKind = count;
    },
  };
}

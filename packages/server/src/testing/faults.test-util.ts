// Test helpers for the fault tests: three confab-server processes, each reaching PostgreSQL and
// Redis through its own TCP proxy (so one can be cut off), clients that move to a healthy process
// whenever theirs closes their socket, and the invariants checked after each fault.
import assert from 'node:assert/strict';
import type { Message } from '@confab/core';
import { CHILD_ADMIN_TOKEN, type ChildServer } from './child-server.test-util.js';
import { SEED, readLog, seedDatabase, startProcesses, startTraffic } from './cluster.test-util.js';
import { hello } from './harness.test-util.js';
import { type LoadClient, seededRandom } from './load-client.test-util.js';
import type { ThrowawayPostgres } from './postgres.test-util.js';
import type { ThrowawayRedis } from './redis.test-util.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.test-util.js';

export interface Trio {
  url: string;
  tokens: [string, string];
  /** The processes by index; a killed one is replaced by `respawn`. */
  servers: ChildServer[];
  /** Process i's way to PostgreSQL and to Redis. */
  databaseProxies: TcpProxy[];
  redisProxies: TcpProxy[];
  /** Indexes of the processes clients may move to (not killed, not cut off). */
  healthy: Set<number>;
  respawn(index: number): Promise<ChildServer>;
}

/** Three processes on a fresh database of `postgres` and on `redis`, each through its own proxies. */
export async function startTrio(
  postgres: ThrowawayPostgres,
  redis: ThrowawayRedis,
  t: { after(fn: () => Promise<void> | void): void },
  extraEnv: Record<string, string> = {},
): Promise<Trio> {
  const { url, tokens } = await seedDatabase(postgres);
  const databaseProxies = await Promise.all([0, 1, 2].map(() => startTcpProxy(postgres.port)));
  const redisProxies = await Promise.all([0, 1, 2].map(() => startTcpProxy(redis.port)));
  t.after(async () => {
    await Promise.all([...databaseProxies, ...redisProxies].map((proxy) => proxy.close()));
  });
  const { servers, spawn } = await startProcesses(3, t, (index) => ({
    CONFAB_DATABASE_URL: url.replace(`:${postgres.port}/`, `:${databaseProxies[index]!.port}/`),
    CONFAB_REDIS_URL: `redis://127.0.0.1:${redisProxies[index]!.port}`,
    // Seconds are what the partition test waits for; production keeps the default 5 s.
    CONFAB_DATABASE_TIMEOUT_MS: '1500',
    // The bus carries the events; the poll is the slow path that must still deliver them all.
    CONFAB_CLUSTER_POLL_MS: '500',
    ...extraEnv,
  }));
  const trio: Trio = {
    url,
    tokens,
    servers,
    databaseProxies,
    redisProxies,
    healthy: new Set([0, 1, 2]),
    async respawn(index) {
      servers[index] = await spawn(index);
      return servers[index];
    },
  };
  return trio;
}

/**
 * Traffic over the trio, and a mover: a client whose socket closed (its process was killed or
 * closed it) connects again, to a healthy process picked by the seeded schedule, and re-sends what
 * was never acknowledged. `stop()` ends the mover.
 */
export async function startMovingTraffic(trio: Trio) {
  const traffic = await startTraffic(trio);
  const pick = seededRandom(SEED + 7);
  const connecting = new Set<LoadClient>();
  const moves: string[] = [];
  const timer = setInterval(() => {
    for (const { client } of traffic.clients) {
      if (client.connected || connecting.has(client)) continue;
      const healthy = [...trio.healthy];
      if (!healthy.length) continue;
      const index = healthy[Math.floor(pick() * healthy.length)]!;
      connecting.add(client);
      moves.push(`${client.name} → ${index}`);
      client
        .connect(trio.servers[index]!.wsUrl)
        .catch(() => undefined) // tried again at the next tick
        .finally(() => connecting.delete(client));
    }
  }, 20);
  return {
    ...traffic,
    moves,
    generate(on: boolean) {
      for (const client of traffic.all) client.generate(on);
    },
    stop() {
      clearInterval(timer);
      for (const client of traffic.all) client.close();
    },
  };
}

/** A message list in a comparable form: by id. */
const byId = (messages: Iterable<Message>) => [...messages].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/**
 * What must hold after every fault, once traffic stopped and every command was acknowledged:
 * each live process's replica is at the log's head, and an agent's fresh snapshot from each is
 * the same; each client's view equals a fresh snapshot of its own projection.
 */
export async function verifyConverged(trio: Trio, all: LoadClient[]): Promise<void> {
  const log = await readLog(trio.url);
  const live = [...trio.healthy].map((index) => trio.servers[index]!);
  for (const server of live) {
    let seq = -1;
    const deadline = Date.now() + 10_000;
    while (seq !== log.head && Date.now() < deadline) {
      const response = await fetch(`${server.url}/health?details`, {
        headers: { authorization: `Bearer ${CHILD_ADMIN_TOKEN}` },
      });
      seq = ((await response.json()) as { seq: number }).seq;
      if (seq !== log.head) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(seq, log.head, `${server.url}'s replica is at the head (seed ${SEED})`);
  }
  const views = [];
  for (const server of live) {
    const { peer, welcome } = await hello(server.wsUrl, trio.tokens[0]);
    const snapshot = (await peer.next('snapshot')).snapshot;
    peer.close();
    assert.equal(welcome.seq, log.head);
    views.push({ conversations: snapshot.conversations, messages: byId(snapshot.messages) });
  }
  for (const view of views.slice(1)) assert.deepEqual(view, views[0], `every process has one state (seed ${SEED})`);
  for (const client of all) {
    const { peer } = await hello(live[0]!.wsUrl, client.token);
    const snapshot = (await peer.next('snapshot')).snapshot;
    peer.close();
    assert.deepEqual(byId(client.messages.values()), byId(snapshot.messages), `${client.name}'s view (seed ${SEED})`);
  }
}

// Redis as the cluster's wake-up bus (CONFAB_REDIS_URL): two real processes on one throwaway
// PostgreSQL and one throwaway redis-server. What one process commits, typing and a revoked token
// reach the other at once; a Redis restart under traffic loses nothing, the log fills the gaps.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { silentLogger } from '../logging.js';
import { openRedisBus, type WorkspaceMessage } from './redis-bus.js';
import { CHILD_ADMIN_TOKEN } from '../testing/child-server.test-util.js';
import {
  SEED,
  agentOn,
  command,
  startPair,
  startTraffic,
  untilAcked,
  verifyEverythingStored,
} from '../testing/cluster.test-util.js';
import { AGENTS, hello, visitorWithChat } from '../testing/harness.test-util.js';
import { seededRandom, waitFor } from '../testing/load-client.test-util.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../testing/postgres.test-util.js';
import { startThrowawayRedis, type ThrowawayRedis } from '../testing/redis.test-util.js';

let postgres: ThrowawayPostgres;
before(async () => {
  postgres = await startThrowawayPostgres();
});
after(() => postgres.stop());

/** Resolves once the process's /ready says its bus is connected. */
async function busBack(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const answer = (await (await fetch(`${url}/ready`)).json()) as { bus?: boolean };
    if (answer.bus) return;
    if (Date.now() > deadline) assert.fail(`the bus of ${url} did not come back`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A Redis of the test's own, stopped after it (the restart test stops and starts it itself). */
async function redisFor(t: { after(fn: () => Promise<void>): void }) {
  const holder: { redis: ThrowawayRedis } = { redis: await startThrowawayRedis() };
  t.after(() => holder.redis.stop());
  return holder;
}

test('with Redis, a reply, typing, viewing and a revoked token reach the other process at once, long before its poll', async (t) => {
  const { redis } = await redisFor(t);
  // A poll of a minute: whatever arrives within seconds came over the bus.
  const { a, b, tokens } = await startPair(postgres, t, {
    CONFAB_REDIS_URL: redis.url,
    CONFAB_CLUSTER_POLL_MS: '60000',
  });
  const ready = (await (await fetch(`${a.url}/ready`)).json()) as { ready: boolean; bus?: boolean };
  assert.deepEqual({ ready: ready.ready, bus: ready.bus }, { ready: true, bus: true });

  const visitor = await visitorWithChat(b.wsUrl, 'Hallo from B');
  const agent = await agentOn(a, tokens[0]);
  assert.ok(agent.conversations.some((conversation) => conversation.id === visitor.conversationId));
  const reply = await command(agent.peer, 'reply-1', {
    type: 'message.reply',
    conversationId: visitor.conversationId,
    text: 'Hello from A, over the bus',
  });
  assert.equal(reply.type, 'ack');
  await visitor.peer.next(
    'events',
    (frame) =>
      frame.events.some(
        ({ event }) => event.type === 'message.upserted' && event.message.text === 'Hello from A, over the bus',
      ),
    5_000,
  );

  // Typing on A shows on B's visitor.
  agent.peer.send({
    v: 1,
    type: 'command',
    id: 'typing-1',
    command: { type: 'typing', conversationId: visitor.conversationId, typing: true },
  });
  const typing = await visitor.peer.next('typing', () => true, 5_000);
  assert.equal(typing.signal.typing, true);

  // Viewing on A reaches the teammate on B (collision), and ends there when A's socket closes.
  const teammate = await agentOn(b, tokens[1]);
  agent.peer.send({
    v: 1,
    type: 'command',
    id: 'viewing-1',
    command: { type: 'viewing', conversationId: visitor.conversationId, viewing: true },
  });
  const viewing = await teammate.peer.next('viewing', () => true, 5_000);
  assert.deepEqual(
    { agentId: viewing.signal.agentId, viewing: viewing.signal.viewing },
    { agentId: AGENTS[0]!.id, viewing: true },
  );
  agent.peer.close();
  const ended = await teammate.peer.next('viewing', (frame) => !frame.signal.viewing, 5_000);
  assert.equal(ended.signal.conversationId, visitor.conversationId);
  teammate.peer.close();

  // A token revoked through B closes the agent's socket on A.
  const issued = (await (
    await fetch(`${b.url}/api/admin/agents/${AGENTS[1]!.id}/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CHILD_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'to revoke' }),
    })
  ).json()) as { id: string; token: string };
  const doomed = await hello(a.wsUrl, issued.token);
  await doomed.peer.next('snapshot');
  const revoked = await fetch(`${b.url}/api/admin/agent-tokens/${issued.id}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${CHILD_ADMIN_TOKEN}` },
  });
  assert.equal(revoked.status, 200);
  const closed = await Promise.race([
    doomed.peer.closed,
    new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000)),
  ]);
  assert.equal(closed?.code, 4403, 'the socket on the other process closed as revoked');
  visitor.peer.close();
});

/** PUBLISH commands Redis has run so far. */
async function publishesOf(redis: ThrowawayRedis): Promise<number> {
  const client = new Redis(redis.url);
  try {
    const stats = await client.info('commandstats');
    return Number(/cmdstat_publish:calls=(\d+)/.exec(stats)?.[1] ?? 0);
  } finally {
    client.disconnect();
  }
}

test('a workspace only one process follows is not published about; a process that starts following it hears the next message at once', async (t) => {
  const { redis } = await redisFor(t);
  const a = openRedisBus({ url: redis.url, logger: silentLogger() });
  const b = openRedisBus({ url: redis.url, logger: silentLogger() });
  t.after(async () => {
    await a.close();
    await b.close();
  });
  const message = (text: string): WorkspaceMessage => ({
    kind: 'disconnect',
    principal: { kind: 'visitor', contactId: text },
    code: 4403,
    reason: text,
  });
  a.follow('shop', () => undefined);
  // Past a check of who follows what (every 2 s): Redis counts A alone on the workspace.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  const before = await publishesOf(redis);
  for (let n = 0; n < 5; n++) a.publish('shop', message(`alone ${n}`));
  a.publish('clinic', message('a workspace A does not follow'));
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(await publishesOf(redis), before + 1, 'only the message about a workspace A does not follow went out');

  // B follows the workspace and says so: A's next message reaches it at once.
  const heard: WorkspaceMessage[] = [];
  b.follow('shop', (received) => heard.push(received));
  for (const deadline = Date.now() + 5_000; (await publishesOf(redis)) === before + 1;) {
    if (Date.now() > deadline) assert.fail('B did not say it follows the workspace');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  a.publish('shop', message('together'));
  for (const deadline = Date.now() + 2_000; !heard.length;) {
    if (Date.now() > deadline) assert.fail('B did not hear A');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.deepEqual(heard, [message('together')], 'B heard the message, not the other process’s "following"');
});

test(
  'Redis restarted under traffic: nothing acknowledged is lost, every client ends complete',
  { timeout: 120_000 },
  async (t) => {
    const holder = await redisFor(t);
    const pair = await startPair(postgres, t, { CONFAB_REDIS_URL: holder.redis.url, CONFAB_CLUSTER_POLL_MS: '500' });
    const random = seededRandom(SEED);
    console.log(`redis restart: seed ${SEED} (replay: CONFAB_CLUSTER_SEED=${SEED})`);
    const { all } = await startTraffic(pair);
    for (const client of all) client.generate(true);
    await untilAcked(all, 30 + Math.floor(random() * 60), 'traffic before the restart');
    const port = holder.redis.port;
    await holder.redis.stop();
    // Commands go on without the bus: the processes learn of each other's through the poll.
    await untilAcked(all, 30, 'traffic while Redis is down');
    holder.redis = await startThrowawayRedis({ port });
    // The processes reconnect on their own; /ready says when the bus is back.
    for (const server of [pair.a, pair.b]) await busBack(server.url);
    await untilAcked(all, 30 + Math.floor(random() * 60), 'traffic after the restart');
    for (const client of all) client.generate(false);
    await waitFor(() => all.every((client) => client.pending.size === 0), 20_000, 'every command acknowledged');
    const checked = await verifyEverythingStored(pair.url, all);
    t.diagnostic(`seed ${SEED}: ${checked} acknowledged commands checked across a Redis restart`);
    for (const client of all) client.close();
  },
);

// Rate limits shared through Redis (CONFAB_REDIS_URL): a key that hits several processes gets the
// limit it would get on one; without Redis each process limits alone, and traffic never waits on it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openRedisBus } from './redis-bus.js';
import { SharedRateLimiter, type WindowCounter } from '../rate-limit.js';
import { startPair } from '../testing/cluster.test-util.js';
import { Peer } from '../testing/harness.test-util.js';
import { silentLogger } from '../logging.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../testing/postgres.test-util.js';
import { startThrowawayRedis } from '../testing/redis.test-util.js';

let postgres: ThrowawayPostgres;
before(async () => {
  postgres = await startThrowawayPostgres();
});
after(() => postgres.stop());

/** A counter whose answers the test can wait for: each take's count reaches Redis before the next take. */
function awaitable(counter: WindowCounter) {
  const answers: Promise<unknown>[] = [];
  const wrapped: WindowCounter = {
    add(...args) {
      const answer = counter.add(...args);
      answers.push(answer.catch(() => undefined));
      return answer;
    },
  };
  return { counter: wrapped, settled: () => Promise.all(answers) };
}

test('two limiters on two Redis connections share one burst; with Redis gone each limits alone', async (t) => {
  const redis = await startThrowawayRedis();
  t.after(() => redis.stop());
  const buses = [
    openRedisBus({ url: redis.url, logger: silentLogger() }),
    openRedisBus({ url: redis.url, logger: silentLogger() }),
  ];
  t.after(() => Promise.all(buses.map((bus) => bus.close())));
  const deadline = Date.now() + 10_000;
  while (!buses.every((bus) => bus.connected())) {
    if (Date.now() > deadline) assert.fail('the buses did not connect');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const unreachable: unknown[] = [];
  const counted = buses.map((bus) => awaitable(bus.counter));
  // A burst of 10 refilled at 0.1/s (a window of 100 s), at one moment: no refill in the test.
  const limiters = counted.map(
    ({ counter }) => new SharedRateLimiter('test-ip', 10, 0.1, counter, (error) => unreachable.push(error)),
  );
  const now = 100_000 * 17_000_000;
  let allowed = 0;
  for (let index = 0; index < 40; index++) {
    if (limiters[index % 2]!.take('203.0.113.9', 1, now)) allowed++;
    await Promise.all(counted.map(({ settled }) => settled()));
  }
  // The burst, and one more on each process: the take whose count passed the burst is answered
  // before its count comes back (the limit never waits on Redis).
  assert.equal(allowed, 10 + 2);
  assert.equal(unreachable.length, 0);
  // Another key has its own count.
  assert.equal(limiters[0]!.take('198.51.100.7', 1, now), true);

  await redis.stop();
  const alone = new SharedRateLimiter('test-down', 10, 0.1, buses[0]!.counter, (error) => unreachable.push(error));
  let allowedAlone = 0;
  for (let index = 0; index < 20; index++) if (alone.take('203.0.113.9', 1, now)) allowedAlone++;
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(allowedAlone, 10, 'the in-process bucket still limits');
  assert.equal(unreachable.length, 10, 'each count that did not reach Redis was reported');
});

/** Opens a new visitor session: 'welcome', or the error code it was refused with. */
async function newVisitor(wsUrl: string): Promise<string> {
  const peer = await Peer.open(wsUrl);
  try {
    peer.send({ v: 1, type: 'hello', token: '' });
    const frame = await Promise.race([peer.next('welcome'), peer.next('error')]);
    return frame.type === 'welcome' ? 'welcome' : frame.error.code;
  } finally {
    peer.close();
  }
}

test('with Redis, new visitor sessions from one address over two processes get one burst, not two', async (t) => {
  const redis = await startThrowawayRedis();
  t.after(() => redis.stop());
  const { a, b } = await startPair(postgres, t, { CONFAB_REDIS_URL: redis.url, CONFAB_RATE_LIMITS: 'on' });
  for (const server of [a, b]) {
    const deadline = Date.now() + 15_000;
    while (!((await (await fetch(`${server.url}/ready`)).json()) as { bus?: boolean }).bus) {
      if (Date.now() > deadline) assert.fail('the bus did not connect');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  // New visitors: a burst of 60 per address, 2/s after it, so the shared window is 30 s. Start
  // early in one, so that the test's sessions fall in a single window.
  const windowMs = 30_000;
  if (Date.now() % windowMs > 10_000)
    await new Promise((resolve) => setTimeout(resolve, windowMs - (Date.now() % windowMs)));
  const answers = { a: [] as string[], b: [] as string[] };
  for (let index = 0; index < 80; index++) {
    const [name, server] = index % 2 === 0 ? (['a', a] as const) : (['b', b] as const);
    answers[name].push(await newVisitor(server.wsUrl));
  }
  const welcomed = [...answers.a, ...answers.b].filter((answer) => answer === 'welcome').length;
  // One process alone welcomes its burst of 60 and a few more by refill; two unshared processes 80 of 80 here.
  assert.ok(welcomed >= 60, `the burst was welcomed (${welcomed})`);
  assert.ok(welcomed <= 60 + 2 + 4, `one burst over both processes, not two (${welcomed} welcomed)`);
  assert.equal(answers.a.at(-1), 'rate-limited');
  assert.equal(answers.b.at(-1), 'rate-limited');
});

// Fault tests on three real confab-server processes on PostgreSQL and Redis, each reaching both
// through its own TCP proxy. Clients keep commands in flight throughout and move to a healthy
// process whenever theirs closes their socket. After each fault: every acknowledged command is
// stored exactly once, the log has no gaps, every process's replica is at the head with one state,
// and every client's view equals a fresh snapshot. Seeded: CONFAB_CLUSTER_SEED replays a run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { AGENTS, visitorWithChat } from '../testing/harness.test-util.js';
import { SEED, agentOn, command, shownUpTo, untilAcked, verifyEverythingStored } from '../testing/cluster.test-util.js';
import { startMovingTraffic, startTrio, verifyConverged, type Trio } from '../testing/faults.test-util.js';
import { seededRandom, waitFor } from '../testing/load-client.test-util.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../testing/postgres.test-util.js';
import { redisCommand, startThrowawayRedis, type ThrowawayRedis } from '../testing/redis.test-util.js';
import { smtpSink } from '../testing/smtp-sink.test-util.js';

let postgres: ThrowawayPostgres;
let redis: ThrowawayRedis;
before(async () => {
  [postgres, redis] = await Promise.all([
    // Durable as in production: without fsync and synchronous commits, a crash (the restart below)
    // loses acknowledged commits, as PostgreSQL documents.
    startThrowawayPostgres({ durable: true }),
    startThrowawayRedis(),
  ]);
});
after(() => Promise.all([postgres.stop(), redis.stop()]));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readiness(url: string): Promise<number> {
  return (await fetch(`${url}/ready`)).status;
}

test(
  'faults: three processes under traffic lose nothing through kills, partitions and restarts',
  { timeout: 180_000 },
  async (t) => {
    console.log(`cluster faults: seed ${SEED} (replay: CONFAB_CLUSTER_SEED=${SEED})`);
    const random = seededRandom(SEED);
    const sink = await smtpSink();
    t.after(() => sink.close());
    const trio: Trio = await startTrio(postgres, redis, t, {
      CONFAB_SMTP_URL: `smtp://127.0.0.1:${sink.port}?ignoreTLS=true`,
    });
    const traffic = await startMovingTraffic(trio);
    t.after(() => traffic.stop());
    const { all } = traffic;
    const someProcess = () => Math.floor(random() * 3);

    /** Traffic before, during and after `fault`; then every command acknowledged and the invariants. */
    async function phase(name: string, fault: () => Promise<void>) {
      try {
        await runPhase(name, fault);
      } catch (error) {
        // What each process logged last tells why: printed with the failure.
        for (const [index, server] of trio.servers.entries())
          console.log(`--- process ${index}, last lines:\n${server.output().split('\n').slice(-15).join('\n')}`);
        throw error;
      }
    }

    async function runPhase(name: string, fault: () => Promise<void>) {
      traffic.generate(true);
      await untilAcked(all, 20 + Math.floor(random() * 40), `${name}: traffic before the fault`);
      await fault();
      await untilAcked(all, 20, `${name}: traffic after the fault`);
      traffic.generate(false);
      await untilAcked(all, 0, `${name}: every command acknowledged`);
      await waitFor(() => all.every((client) => client.pending.size === 0), 30_000, `${name}: nothing pending`);
      const checked = await verifyEverythingStored(trio.url, all);
      await verifyConverged(trio, all);
      t.diagnostic(`${name}: ${checked} acknowledged commands checked (seed ${SEED})`);
    }

    await t.test('conflicting assignments from three processes at once end in one serial order', async () => {
      const agents = await Promise.all(
        [0, 1, 2].map((index) => agentOn(trio.servers[index]!, trio.tokens[index % 2]!)),
      );
      for (let round = 0; round < 6; round++) {
        const visitor = await visitorWithChat(trio.servers[someProcess()]!.wsUrl, `conflict ${round}`);
        visitor.peer.close();
        const { conversationId } = visitor;
        await Promise.all(agents.map((agent) => shownUpTo(agent.peer, visitor.ack.seq, 'the chat shown')));
        const order = [0, 1, 2].sort(() => random() - 0.5);
        const answers = await Promise.all(
          order.map((index) =>
            command(agents[index]!.peer, `assign-${round}-${index}`, {
              type: 'conversation.assign',
              conversationId,
              assigneeId: AGENTS[index % 2]!.id,
            }),
          ),
        );
        const acks = answers.map((answer) => (answer.type === 'ack' ? answer : assert.fail(JSON.stringify(answer))));
        // Two assignments of the same agent in a row: the second changes nothing and shares the first's seq.
        const last = order[acks.findIndex((ack) => ack.seq === Math.max(...acks.map((a) => a.seq)))]!;
        const head = Math.max(...acks.map((ack) => ack.seq));
        await Promise.all(agents.map((agent) => shownUpTo(agent.peer, head, 'the assignments shown')));
        for (const agent of agents) {
          const shown = agent.peer
            .events()
            .filter(({ event }) => event.type === 'conversation.upserted' && event.conversation.id === conversationId)
            .at(-1)!.event;
          assert.equal(
            shown.type === 'conversation.upserted' && shown.conversation.assigneeId,
            AGENTS[last % 2]!.id,
            `round ${round}: the last committed assignment holds on every process (seed ${SEED})`,
          );
        }
      }
      for (const agent of agents) agent.peer.close();
    });

    await t.test('an email composed on one of three processes is sent once', async () => {
      const from = someProcess();
      const agent = await agentOn(trio.servers[from]!, trio.tokens[0]);
      const ack = await command(agent.peer, 'compose-once', {
        type: 'email.compose',
        to: 'gina@customer.example',
        subject: 'Quote for three',
        text: 'Sent once, whoever follows the workspace.',
      });
      assert.equal(ack.type, 'ack', JSON.stringify(ack));
      await waitFor(() => sink.messages.length > 0, 10_000, 'the email sent');
      // Every process applied the email and its delivery by now; none may send it again.
      await pause(1_000);
      assert.equal(sink.messages.filter((message) => message.data.includes('Subject: Quote for three')).length, 1);
      const client = new pg.Client({ connectionString: trio.url });
      await client.connect();
      const { rows } = await client.query<{ state: string; attempts: number }>(
        'SELECT state, attempts FROM deliveries',
      );
      await client.end();
      assert.deepEqual(rows, [{ state: 'sent', attempts: 1 }]);
      agent.peer.close();
    });

    await t.test('SIGKILL of one process mid-traffic: its clients resume on the others', async () => {
      const victim = someProcess();
      await phase(`kill ${victim}`, async () => {
        trio.healthy.delete(victim);
        await trio.servers[victim]!.kill();
        await untilAcked(all, 20, 'traffic on the other two');
        await trio.respawn(victim);
        trio.healthy.add(victim);
      });
    });

    await t.test('Redis restarted, and pub/sub connections killed: the poll delivers every event', async () => {
      await phase('redis restart', async () => {
        await redis.stop();
        await untilAcked(all, 20, 'traffic without Redis');
        redis = await startThrowawayRedis({ port: redis.port });
        await untilAcked(all, 10, 'traffic after Redis came back');
        assert.match(await redisCommand(redis.port, 'CLIENT KILL TYPE pubsub'), /^:\d+/);
      });
    });

    await t.test('one process partitioned from Redis: the head poll still delivers every event', async () => {
      const cut = someProcess();
      await phase(`redis partition of ${cut}`, async () => {
        trio.redisProxies[cut]!.cut();
        await untilAcked(all, 30, 'traffic across the partition');
        trio.redisProxies[cut]!.heal();
      });
    });

    await t.test(
      'one process partitioned from PostgreSQL: 503, its sockets close, its clients finish elsewhere',
      async () => {
        const cut = someProcess();
        const server = trio.servers[cut]!;
        await phase(`database partition of ${cut}`, async () => {
          trio.healthy.delete(cut);
          trio.databaseProxies[cut]!.cut();
          await waitFor(
            () => server.output().includes('closing sockets so clients move'),
            15_000,
            'the sockets closed',
          );
          assert.equal(await readiness(server.url), 503);
          // Before healing: every command, also those sent to the cut-off process, is acknowledged elsewhere.
          await untilAcked(all, 20, 'traffic on the other two');
          traffic.generate(false);
          await waitFor(() => all.every((client) => client.pending.size === 0), 30_000, 'every command acknowledged');
          trio.databaseProxies[cut]!.heal();
          await waitFor(() => server.output().includes('the database answers again'), 15_000, 'the database back');
          trio.healthy.add(cut);
          traffic.generate(true);
        });
      },
    );

    await t.test('PostgreSQL stopped with -m immediate and started again', async () => {
      await phase('postgres restart', async () => {
        await postgres.restartImmediately(300 + Math.floor(random() * 700));
      });
    });

    traffic.stop();
    t.diagnostic(`moves: ${traffic.moves.length}; re-sent: ${all.reduce((sum, client) => sum + client.resends, 0)}`);
  },
);

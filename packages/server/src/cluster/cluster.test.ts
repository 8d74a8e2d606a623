// Two real confab-server processes on one throwaway PostgreSQL, no bus: they are one service.
// Conversations cross processes, conflicting commands end in one serial order, a command id sent to
// both runs once, and a SIGKILLed process loses nothing acknowledged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { Peer } from '../testing/harness.test-util.js';
import { AGENTS, visitorWithChat } from '../testing/harness.test-util.js';
import {
  SEED,
  agentOn,
  command,
  lastConversation,
  readLog,
  shownSince,
  shownUpTo,
  startPair,
  startTraffic,
  storedMessages,
  untilAcked,
  verifyEverythingStored,
} from '../testing/cluster.test-util.js';
import { seededRandom, waitFor } from '../testing/load-client.test-util.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../testing/postgres.test-util.js';
import { smtpSink } from '../testing/smtp-sink.test-util.js';

let postgres: ThrowawayPostgres;
before(async () => {
  postgres = await startThrowawayPostgres();
});
after(() => postgres.stop());

test('cluster: an agent on one process and a visitor on the other have a conversation', async (t) => {
  const { a, b, tokens } = await startPair(postgres, t);
  const visitor = await visitorWithChat(b.wsUrl, 'Hallo from process B');
  const agent = await agentOn(a, tokens[0]);
  // Committed on B: process A shows it in the snapshot or, at its next poll, as an event.
  await waitFor(
    () =>
      agent.conversations.some((conversation) => conversation.id === visitor.conversationId) ||
      agent.peer
        .events()
        .some(
          ({ event }) => event.type === 'conversation.upserted' && event.conversation.id === visitor.conversationId,
        ),
    10_000,
    'process A to show the chat B committed',
  );
  const reply = await command(agent.peer, 'reply-1', {
    type: 'message.reply',
    conversationId: visitor.conversationId,
    text: 'Hello from process A',
  });
  assert.equal(reply.type, 'ack');
  await visitor.peer.next(
    'events',
    (frame) =>
      frame.events.some(
        ({ event }) => event.type === 'message.upserted' && event.message.text === 'Hello from process A',
      ),
    10_000,
  );
  const answer = await command(visitor.peer, 'visitor-2', {
    type: 'visitor.message',
    conversationId: visitor.conversationId,
    text: 'Thanks, B here again',
  });
  assert.equal(answer.type, 'ack');
  await agent.peer.next(
    'events',
    (frame) =>
      frame.events.some(
        ({ event }) => event.type === 'message.upserted' && event.message.text === 'Thanks, B here again',
      ),
    10_000,
  );
  shownSince(agent.peer, agent.from);
  visitor.peer.close();
  agent.peer.close();
});

test('cluster: conflicting commands on both processes at once end in one serial order', async (t) => {
  const { url, a, b, tokens } = await startPair(postgres, t);
  const random = seededRandom(SEED);
  const ann = await agentOn(a, tokens[0]);
  const bob = await agentOn(b, tokens[1]);
  const rounds = 12;
  for (let round = 0; round < rounds; round++) {
    const visitor = await visitorWithChat(a.wsUrl, `round ${round}`);
    visitor.peer.close();
    const conversationId = visitor.conversationId;
    await Promise.all([
      shownUpTo(ann.peer, visitor.ack.seq, 'ann to see the chat'),
      shownUpTo(bob.peer, visitor.ack.seq, 'bob to see the chat'),
    ]);
    // Seeded: which conflict, and which process is asked first (both within the same moment).
    const assignBoth = random() < 0.5;
    const annFirst = random() < 0.5;
    const annCommand = assignBoth
      ? { type: 'conversation.assign', conversationId, assigneeId: AGENTS[0]!.id }
      : { type: 'conversation.setStatus', conversationIds: [conversationId], status: 'closed' };
    const bobCommand = assignBoth
      ? { type: 'conversation.assign', conversationId, assigneeId: AGENTS[1]!.id }
      : { type: 'message.reply', conversationId, text: `bob replies in round ${round}` };
    const sends = [
      () => command(ann.peer, `ann-${round}`, annCommand),
      () => command(bob.peer, `bob-${round}`, bobCommand),
    ];
    if (!annFirst) sends.reverse();
    const answers = await Promise.all(sends.map((send) => send()));
    const acks = answers.filter((answer) => answer.type === 'ack');
    assert.ok(acks.length >= 1, `round ${round}: at least one of two conflicting commands runs`);
    const last = Math.max(...acks.map((ack) => ack.seq));
    await Promise.all([shownUpTo(ann.peer, last, 'ann caught up'), shownUpTo(bob.peer, last, 'bob caught up')]);
    const seenByAnn = lastConversation(shownSince(ann.peer, ann.from), conversationId);
    const seenByBob = lastConversation(shownSince(bob.peer, bob.from), conversationId);
    assert.deepEqual(seenByAnn, seenByBob, `round ${round}: both processes end with the same conversation`);
    if (assignBoth) {
      // The later of the two commits wins: it was decided after the earlier one, on its state.
      const annAck = answers[annFirst ? 0 : 1]!;
      const bobAck = answers[annFirst ? 1 : 0]!;
      assert.ok(annAck.type === 'ack' && bobAck.type === 'ack', `round ${round}: both assignments run`);
      assert.notEqual(annAck.seq, bobAck.seq);
      const winner = annAck.seq > bobAck.seq ? AGENTS[0]!.id : AGENTS[1]!.id;
      assert.equal(seenByAnn?.assigneeId, winner, `round ${round}: the later assignment holds`);
    }
  }
  // Both agents were shown one and the same sequence, and it is the log's.
  const log = await readLog(url);
  const annEvents = shownSince(ann.peer, ann.from);
  const bobEvents = shownSince(bob.peer, bob.from);
  await Promise.all([
    shownUpTo(ann.peer, log.head, 'ann at the head'),
    shownUpTo(bob.peer, log.head, 'bob at the head'),
  ]);
  const common = Math.min(annEvents.length, bobEvents.length);
  assert.deepEqual(annEvents.slice(0, common), bobEvents.slice(0, common));
  log.events.forEach((event, index) => assert.equal(event.seq, index + 1, 'the log has no gaps'));
  ann.peer.close();
  bob.peer.close();
});

test('cluster: the same command id sent to both processes at once runs once, and both acks are equal', async (t) => {
  const { url, a, b, tokens } = await startPair(postgres, t);
  const visitor = await visitorWithChat(a.wsUrl, 'one reply please');
  visitor.peer.close();
  const onA = await agentOn(a, tokens[0]);
  const onB = await agentOn(b, tokens[0]);
  // B's hello caught up with what A committed: its snapshot holds the chat.
  assert.ok(onB.conversations.some((conversation) => conversation.id === visitor.conversationId));
  for (let round = 0; round < 10; round++) {
    const id = `same-${round}`;
    const body = { type: 'message.reply', conversationId: visitor.conversationId, text: `exactly once ${round}` };
    const [fromA, fromB] = await Promise.all([command(onA.peer, id, body), command(onB.peer, id, body)]);
    assert.equal(fromA.type, 'ack', JSON.stringify(fromA));
    assert.deepEqual(fromA, fromB, `round ${round}: both processes answer with the one stored outcome`);
  }
  const log = await readLog(url);
  const texts = [...storedMessages(log.events).values()].map((message) => message.text);
  for (let round = 0; round < 10; round++)
    assert.equal(texts.filter((text) => text === `exactly once ${round}`).length, 1, `round ${round} stored once`);
  onA.peer.close();
  onB.peer.close();
});

test('cluster: an email composed on one process is sent once, though both processes follow its workspace', async (t) => {
  const sink = await smtpSink();
  t.after(() => sink.close());
  const { url, a, b, tokens } = await startPair(postgres, t, {
    CONFAB_SMTP_URL: `smtp://127.0.0.1:${sink.port}?ignoreTLS=true`,
  });
  const onA = await agentOn(a, tokens[0]);
  const onB = await agentOn(b, tokens[1]);
  const sentOnce: string[] = [];
  for (let round = 0; round < 5; round++) {
    const subject = `Quote ${round}`;
    const ack = await command(onA.peer, `compose-${round}`, {
      type: 'email.compose',
      to: 'gina@customer.example',
      subject,
      text: `Body of ${subject}`,
    });
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    const messageId = ack.type === 'ack' ? ack.result!.messageId! : '';
    // Both processes apply the email and then its delivery: each mailer saw it and had its chance.
    const sent = (peer: Peer) =>
      peer
        .events()
        .some(
          ({ event }) =>
            event.type === 'message.upserted' && event.message.id === messageId && event.message.delivery === 'sent',
        );
    await waitFor(() => sent(onA.peer) && sent(onB.peer), 10_000, `${subject} marked sent on both processes`);
    sentOnce.push(subject);
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const deliveries = await client.query<{ state: string; attempts: number }>('SELECT state, attempts FROM deliveries');
  await client.end();
  assert.deepEqual(
    deliveries.rows,
    sentOnce.map(() => ({ state: 'sent', attempts: 1 })),
    'each email claimed once and sent',
  );
  for (const subject of sentOnce)
    assert.equal(
      sink.messages.filter((message) => message.data.includes(`Subject: ${subject}`)).length,
      1,
      `${subject} reached the SMTP server once`,
    );
  onA.peer.close();
  onB.peer.close();
});

test(
  'cluster: SIGKILL of one process mid-traffic loses nothing acknowledged; its clients resume on the other',
  { timeout: 120_000 },
  async (t) => {
    const pair = await startPair(postgres, t);
    const { url, a, b } = pair;
    const random = seededRandom(SEED);
    console.log(`cluster kill: seed ${SEED} (replay: CONFAB_CLUSTER_SEED=${SEED})`);
    const { clients, all } = await startTraffic(pair);

    for (const client of all) client.generate(true);
    await untilAcked(all, 60 + Math.floor(random() * 120), 'traffic before the kill');
    await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 10)));
    const killed = b.kill();
    const onB = clients.filter(({ on }) => on === 1).map(({ client }) => client);
    for (const client of onB) client.generate(false);
    await killed;
    await waitFor(() => onB.every((client) => !client.connected), 5_000, "B's sockets to close");
    // B's clients reconnect to A and resume from their numbers; A's clients went on throughout.
    const resumeStarted = performance.now();
    await Promise.all(onB.map((client) => client.connect(a.wsUrl)));
    const resumeMs = performance.now() - resumeStarted;
    for (const client of all) client.generate(false);
    await waitFor(() => all.every((client) => client.pending.size === 0), 20_000, 'every command acknowledged');

    const checked = await verifyEverythingStored(url, all);
    const resends = all.reduce((sum, client) => sum + client.resends, 0);
    t.diagnostic(
      `seed ${SEED}: ${checked} acknowledged commands checked, ${resends} re-sent after the kill, B's clients resumed on A in ${Math.round(resumeMs)} ms`,
    );
    for (const client of all) client.close();
  },
);

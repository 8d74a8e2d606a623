// Two real confab-server processes on one throwaway PostgreSQL, no bus: they are one service.
// Conversations cross processes, conflicting commands end in one serial order, a command id sent to
// both runs once, and a SIGKILLed process loses nothing acknowledged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import pg from 'pg';
import type { ConfabEvent, Conversation, Message, SequencedEvent, ServerFrame } from '@confab/core';
import { spawnServer, type ChildServer } from '../testing/child-server.test-util.js';
import { smtpSink } from '../testing/smtp-sink.test-util.js';
import { AGENTS, Peer, hello, startTestServer, tempDataDir, visitorWithChat } from '../testing/harness.test-util.js';
import { LoadClient, seededRandom, waitFor } from '../testing/load-client.test-util.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../testing/postgres.test-util.js';

const SEED = Number(process.env.CONFAB_CLUSTER_SEED ?? Date.now() % 100_000);
/** Each process asks for the heads this often: the only way here it learns what the other committed. */
const POLL_MS = '100';

let postgres: ThrowawayPostgres;
before(async () => {
  postgres = await startThrowawayPostgres();
});
after(() => postgres.stop());

interface Pair {
  url: string;
  a: ChildServer;
  b: ChildServer;
  /** Tokens of AGENTS[0] and AGENTS[1]. */
  tokens: [string, string];
}

/** Two processes on a fresh database with the two agents; both are stopped after the test. */
async function startPair(
  t: { after(fn: () => Promise<void> | void): void },
  extraEnv: Record<string, string> = {},
): Promise<Pair> {
  const url = await postgres.createDatabase();
  // The agents and their tokens go into the database first, through a server in this process.
  const seedDir = tempDataDir('confab-cluster-seed-');
  const seeding = await startTestServer({ dataDir: seedDir, databaseUrl: url });
  const second = (await seeding.server.auth.issueAgentToken(AGENTS[1]!.id, 'cluster')).token;
  const tokens: [string, string] = [seeding.agentToken, second];
  await seeding.close();
  rmSync(seedDir, { recursive: true, force: true });
  const dirs = [tempDataDir('confab-cluster-a-'), tempDataDir('confab-cluster-b-')];
  const env = {
    CONFAB_DATABASE_URL: url,
    CONFAB_CLUSTER_POLL_MS: POLL_MS,
    CONFAB_DATABASE_POOL_SIZE: '4',
    ...extraEnv,
  };
  const [a, b] = await Promise.all(dirs.map((dir) => spawnServer(dir, env)));
  t.after(async () => {
    await Promise.all([a!.kill(), b!.kill()]);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return { url, a: a!, b: b!, tokens };
}

/** What the database holds for the default workspace: events in order, and outcomes by principal and id. */
async function readLog(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const events = await client.query<{ seq: string; cause: string | null; event: string }>(
      "SELECT seq, cause, event FROM events WHERE workspace_id = 'default' ORDER BY seq",
    );
    const outcomes = await client.query<{ principal_key: string; command_id: string; outcome: string }>(
      "SELECT principal_key, command_id, outcome FROM outcomes WHERE workspace_id = 'default'",
    );
    const head = await client.query<{ seq: string }>("SELECT seq FROM workspace_heads WHERE workspace_id = 'default'");
    return {
      head: Number(head.rows[0]!.seq),
      events: events.rows.map((row) => ({
        seq: Number(row.seq),
        cause: row.cause,
        event: JSON.parse(row.event) as ConfabEvent,
      })),
      outcomes: new Map(
        outcomes.rows.map((row) => [
          `${row.principal_key}\u0000${row.command_id}`,
          JSON.parse(row.outcome) as { ok: boolean; seq: number; result?: Record<string, string> },
        ]),
      ),
    };
  } finally {
    await client.end();
  }
}

/** The latest version of each message in the log. */
function storedMessages(events: { event: ConfabEvent }[]): Map<string, Message> {
  const messages = new Map<string, Message>();
  for (const { event } of events) if (event.type === 'message.upserted') messages.set(event.message.id, event.message);
  return messages;
}

/** An agent's socket with every event it was shown, checked to run without gaps or repeats. */
async function agentOn(server: ChildServer, token: string) {
  const { peer, welcome } = await hello(server.wsUrl, token);
  const snapshot = await peer.next('snapshot');
  return { peer, from: welcome.seq, conversations: snapshot.snapshot.conversations };
}

/** The events an agent was shown after `from`, asserting each number once and in order. */
function shownSince(peer: Peer, from: number): SequencedEvent[] {
  const events = peer.events().filter((event) => event.seq > from);
  events.forEach((event, index) => assert.equal(event.seq, from + index + 1, 'agents see every number once, in order'));
  return events;
}

/** Resolves once the agent was shown the log up to `seq`. */
function shownUpTo(peer: Peer, seq: number, what: string) {
  return waitFor(() => peer.events().some((event) => event.seq >= seq), 10_000, what);
}

/** The conversation as the last event about it left it. */
function lastConversation(events: SequencedEvent[], conversationId: string): Conversation | undefined {
  let found: Conversation | undefined;
  for (const { event } of events)
    if (event.type === 'conversation.upserted' && event.conversation.id === conversationId) found = event.conversation;
  return found;
}

function command(peer: Peer, id: string, body: Record<string, unknown>) {
  peer.send({ v: 1, type: 'command', id, command: body });
  return peer
    .next('ack', (frame) => frame.id === id, 10_000)
    .catch(async () => {
      const refused = peer.frames.find(
        (frame): frame is Extract<ServerFrame, { type: 'error' }> => frame.type === 'error' && frame.id === id,
      );
      if (refused) return refused;
      throw new Error(`no answer to ${id}`);
    });
}

test('cluster: an agent on one process and a visitor on the other have a conversation', async (t) => {
  const { a, b, tokens } = await startPair(t);
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
  const { url, a, b, tokens } = await startPair(t);
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
  const { url, a, b, tokens } = await startPair(t);
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
  const { url, a, b, tokens } = await startPair(t, { CONFAB_SMTP_URL: `smtp://127.0.0.1:${sink.port}?ignoreTLS=true` });
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
    const { url, a, b, tokens } = await startPair(t);
    const random = seededRandom(SEED);
    console.log(`cluster kill: seed ${SEED} (replay: CONFAB_CLUSTER_SEED=${SEED})`);
    const clients: { client: LoadClient; on: 'a' | 'b' }[] = [];
    const visitors = await Promise.all(
      [0, 1, 2, 3].map((index) => visitorWithChat((index % 2 ? b : a).wsUrl, `v${index}-start`)),
    );
    visitors.forEach((visitor, index) => {
      const client = new LoadClient(
        `v${index}`,
        visitor.sessionToken,
        `visitor:${visitor.contactId}`,
        (text) => ({ type: 'visitor.message', conversationId: visitor.conversationId, text }),
        { resume: true, window: 3, seesEverything: false },
      );
      client.recordAcked(
        visitor.ack.id,
        `v${index}-start`,
        { type: 'visitor.startChat', text: `v${index}-start` },
        {
          seq: visitor.ack.seq,
          messageId: visitor.ack.result!.messageId!,
        },
      );
      visitor.peer.close();
      clients.push({ client, on: index % 2 ? 'b' : 'a' });
    });
    const conversationIds = visitors.map((visitor) => visitor.conversationId);
    AGENTS.forEach((agent, index) => {
      const pick = seededRandom(SEED + index + 1);
      clients.push({
        client: new LoadClient(
          `agent${index}`,
          tokens[index]!,
          `agent:${agent.id}`,
          (text) => ({
            type: 'message.reply',
            conversationId: conversationIds[Math.floor(pick() * conversationIds.length)]!,
            text,
          }),
          { resume: true, window: 3, seesEverything: true },
        ),
        on: index ? 'b' : 'a',
      });
    });
    const all = clients.map(({ client }) => client);
    const totalAcked = () => all.reduce((sum, client) => sum + client.acked.size, 0);
    await Promise.all(clients.map(({ client, on }) => client.connect((on === 'a' ? a : b).wsUrl)));
    for (const client of all) client.generate(true);

    const target = totalAcked() + 60 + Math.floor(random() * 120);
    await waitFor(() => totalAcked() >= target, 30_000, `${target} acknowledgements`);
    await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 10)));
    const killed = b.kill();
    const onB = clients.filter(({ on }) => on === 'b').map(({ client }) => client);
    for (const client of onB) client.generate(false);
    await killed;
    await waitFor(() => onB.every((client) => !client.connected), 5_000, "B's sockets to close");
    // B's clients reconnect to A and resume from their numbers; A's clients went on throughout.
    const resumeStarted = performance.now();
    await Promise.all(onB.map((client) => client.connect(a.wsUrl)));
    const resumeMs = performance.now() - resumeStarted;
    for (const client of all) client.generate(false);
    await waitFor(() => all.every((client) => client.pending.size === 0), 20_000, 'every command acknowledged');

    const log = await readLog(url);
    log.events.forEach((event, index) => assert.equal(event.seq, index + 1, 'the log has no gaps'));
    const messages = storedMessages(log.events);
    const counts = new Map<string, number>();
    for (const message of messages.values()) counts.set(message.text, (counts.get(message.text) ?? 0) + 1);
    let checked = 0;
    for (const client of all) {
      for (const sent of client.acked.values()) {
        const outcome = log.outcomes.get(`${client.principalKey}\u0000${sent.id}`);
        assert.ok(outcome?.ok, `${sent.id}: its outcome is stored`);
        assert.equal(counts.get(sent.text), 1, `"${sent.text}" is stored exactly once`);
        assert.equal(messages.get(sent.ack!.messageId!)?.text, sent.text, `${sent.id}: the ack names its message`);
        checked++;
      }
    }
    for (const [text, count] of counts) assert.equal(count, 1, `"${text}" stored ${count} times`);
    // Every agent ends with every message, each visitor with its own; nobody saw a gap, a repeat or a resync.
    await waitFor(
      () => all.every((client) => !client.options.seesEverything || client.lastSeq >= log.head),
      10_000,
      'agents at the head',
    );
    for (const client of all) {
      const shown = new Set([...client.messages.values()].map((message) => message.text));
      const wanted = client.options.seesEverything
        ? [...counts.keys()]
        : [...client.acked.values()].map((sent) => sent.text);
      for (const text of wanted) assert.ok(shown.has(text), `${client.name} shows "${text}"`);
      assert.deepEqual(client.problems, [], `${client.name} (seed ${SEED})`);
    }
    const resends = all.reduce((sum, client) => sum + client.resends, 0);
    t.diagnostic(
      `seed ${SEED}: ${checked} acknowledged commands checked, ${resends} re-sent after the kill, B's clients resumed on A in ${Math.round(resumeMs)} ms`,
    );
    for (const client of all) client.close();
  },
);

// Test helpers for the cluster tests: two real confab-server processes on one throwaway PostgreSQL,
// what the database holds, and agents' sockets that check the order they were shown.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import pg from 'pg';
import type { ConfabEvent, Conversation, Message, SequencedEvent, ServerFrame } from '@confab/core';
import { spawnServer, type ChildServer } from './child-server.test-util.js';
import { AGENTS, Peer, hello, startTestServer, tempDataDir, visitorWithChat } from './harness.test-util.js';
import { LoadClient, seededRandom, waitFor } from './load-client.test-util.js';
import type { ThrowawayPostgres } from './postgres.test-util.js';

/** A seed for the schedules of a run: CONFAB_CLUSTER_SEED replays one. */
export const SEED = Number(process.env.CONFAB_CLUSTER_SEED ?? Date.now() % 100_000);

export interface Pair {
  url: string;
  a: ChildServer;
  b: ChildServer;
  /** Both processes, A first. */
  servers: ChildServer[];
  /** Tokens of AGENTS[0] and AGENTS[1]. */
  tokens: [string, string];
}

/** A fresh database of `postgres` with the two agents; resolves with its URL and their tokens. */
export async function seedDatabase(postgres: ThrowawayPostgres): Promise<{ url: string; tokens: [string, string] }> {
  const url = await postgres.createDatabase();
  // The agents and their tokens go into the database first, through a server in this process.
  const seedDir = tempDataDir('confab-cluster-seed-');
  const seeding = await startTestServer({ dataDir: seedDir, databaseUrl: url });
  const second = (await seeding.server.auth.issueAgentToken(AGENTS[1]!.id, 'cluster')).token;
  const tokens: [string, string] = [seeding.agentToken, second];
  await seeding.close();
  rmSync(seedDir, { recursive: true, force: true });
  return { url, tokens };
}

/**
 * Starts confab-server processes one after the other, process `index` with `envOf(index)`
 * (CONFAB_CLUSTER_POLL_MS is 100 and the pool 4 unless given); each is stopped after the test,
 * also when a later one failed to start (a process left running would keep the test process alive).
 * `spawn(index)` starts process `index` again (after a kill), on the same settings.
 */
export async function startProcesses(
  count: number,
  t: { after(fn: () => Promise<void> | void): void },
  envOf: (index: number) => Record<string, string>,
) {
  const running = new Set<ChildServer>();
  const dirs: string[] = [];
  t.after(async () => {
    await Promise.all([...running].map((server) => server.kill()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  async function spawn(index: number): Promise<ChildServer> {
    const dir = tempDataDir(`confab-cluster-${index}-`);
    dirs.push(dir);
    const server = await spawnServer(dir, {
      CONFAB_CLUSTER_POLL_MS: '100',
      CONFAB_DATABASE_POOL_SIZE: '4',
      ...envOf(index),
    });
    running.add(server);
    void server.child.once('exit', () => running.delete(server));
    return server;
  }
  const servers: ChildServer[] = [];
  for (let index = 0; index < count; index++) servers.push(await spawn(index));
  return { servers, spawn };
}

/**
 * Two confab-server processes on a fresh database of `postgres` with the two agents; both are
 * stopped after the test. `env` adds to theirs (CONFAB_CLUSTER_POLL_MS is 100 unless given).
 */
export async function startPair(
  postgres: ThrowawayPostgres,
  t: { after(fn: () => Promise<void> | void): void },
  extraEnv: Record<string, string> = {},
): Promise<Pair> {
  const { url, tokens } = await seedDatabase(postgres);
  const { servers } = await startProcesses(2, t, () => ({ CONFAB_DATABASE_URL: url, ...extraEnv }));
  return { url, a: servers[0]!, b: servers[1]!, servers, tokens };
}

/** What the database holds for the default workspace: events in order, and outcomes by principal and id. */
export async function readLog(url: string) {
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
export function storedMessages(events: { event: ConfabEvent }[]): Map<string, Message> {
  const messages = new Map<string, Message>();
  for (const { event } of events) if (event.type === 'message.upserted') messages.set(event.message.id, event.message);
  return messages;
}

/** An agent's socket with every event it was shown, checked to run without gaps or repeats. */
export async function agentOn(server: ChildServer, token: string) {
  const { peer, welcome } = await hello(server.wsUrl, token);
  const snapshot = await peer.next('snapshot');
  return { peer, from: welcome.seq, conversations: snapshot.snapshot.conversations };
}

/** The events an agent was shown after `from`, asserting each number once and in order. */
export function shownSince(peer: Peer, from: number): SequencedEvent[] {
  const events = peer.events().filter((event) => event.seq > from);
  events.forEach((event, index) => assert.equal(event.seq, from + index + 1, 'agents see every number once, in order'));
  return events;
}

/** Resolves once the agent was shown the log up to `seq`. */
export function shownUpTo(peer: Peer, seq: number, what: string) {
  return waitFor(() => peer.events().some((event) => event.seq >= seq), 10_000, what);
}

/** The conversation as the last event about it left it. */
export function lastConversation(events: SequencedEvent[], conversationId: string): Conversation | undefined {
  let found: Conversation | undefined;
  for (const { event } of events)
    if (event.type === 'conversation.upserted' && event.conversation.id === conversationId) found = event.conversation;
  return found;
}

export function command(peer: Peer, id: string, body: Record<string, unknown>) {
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

/**
 * Four visitors and the two agents spread over the processes (visitor i and agent i on process
 * i mod n) that keep commands in flight with LoadClient: `generate(true)` to start. Agents reply to
 * the visitors' chats. `on` is the index of the process each client was connected to.
 */
export async function startTraffic(cluster: { servers: ChildServer[]; tokens: [string, string] }) {
  const { servers, tokens } = cluster;
  const serverOf = (index: number) => index % servers.length;
  const clients: { client: LoadClient; on: number }[] = [];
  const visitors = await Promise.all(
    [0, 1, 2, 3].map((index) => visitorWithChat(servers[serverOf(index)]!.wsUrl, `v${index}-start`)),
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
      { seq: visitor.ack.seq, messageId: visitor.ack.result!.messageId! },
    );
    visitor.peer.close();
    clients.push({ client, on: serverOf(index) });
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
      on: serverOf(index),
    });
  });
  const all = clients.map(({ client }) => client);
  const totalAcked = () => all.reduce((sum, client) => sum + client.acked.size, 0);
  await Promise.all(clients.map(({ client, on }) => client.connect(servers[on]!.wsUrl)));
  return { clients, all, totalAcked, conversationIds };
}

/**
 * Asserts what nothing lost means: the log has no gaps; every acknowledged command has its outcome
 * and exactly one message, the one its ack named; no text is stored twice; every agent was shown
 * every message and each visitor its own, with no gap, repeat or resync. Resolves with how many
 * acknowledged commands were checked.
 */
export async function verifyEverythingStored(url: string, all: LoadClient[]): Promise<number> {
  const log = await readLog(url);
  log.events.forEach((event, index) => assert.equal(event.seq, index + 1, 'the log has no gaps'));
  const messages = storedMessages(log.events);
  const counts = new Map<string, number>();
  for (const message of messages.values()) {
    // Activity notes (an assignment, a close) are the team's record of commands, not messages anyone wrote.
    if (message.activity) continue;
    counts.set(message.text, (counts.get(message.text) ?? 0) + 1);
  }
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
  return checked;
}

/** Resolves once `more` further commands were acknowledged; a failure tells what each client had. */
export async function untilAcked(all: LoadClient[], more: number, what: string, timeoutMs = 30_000): Promise<void> {
  const total = () => all.reduce((sum, client) => sum + client.acked.size, 0);
  const target = total() + more;
  try {
    await waitFor(() => total() >= target, timeoutMs, what);
  } catch (error) {
    const clients = all.map(
      (client) =>
        `${client.name}: ${client.acked.size} acked, ${client.pending.size} pending (${[...client.pending.keys()].join(' ')}), ` +
        `${client.connected ? 'connected' : 'not connected'}, problems ${JSON.stringify(client.problems)}`,
    );
    throw new Error(`${(error as Error).message}\n${clients.join('\n')}`);
  }
}

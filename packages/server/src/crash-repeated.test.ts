// Issue 7 item 4 (DESIGN §5 "nothing acknowledged is lost"): the real server binary, SIGKILLed by
// this process a bounded number of times under load from real WebSocket clients, restarted on the
// same data directory and checked after each restart through the data file and the protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Message } from '@confab/core';
import { AGENTS, hello, startTestServer, tempDataDir, visitorWithChat } from './testing/harness.test-util.js';
import { CHILD_ADMIN_TOKEN, spawnServer, type ChildServer } from './testing/child-server.test-util.js';
import { LoadClient, seededRandom, waitFor } from './testing/load-client.test-util.js';

// Replay a failure with CONFAB_CRASH_SEED=<seed> (printed at the start); CONFAB_CRASH_KILLS sets the count (1–12).
const SEED = process.env.CONFAB_CRASH_SEED ? Number(process.env.CONFAB_CRASH_SEED) : Date.now() % 2 ** 31;
const KILLS = Math.min(12, Math.max(1, Number(process.env.CONFAB_CRASH_KILLS ?? 6)));
const VISITORS = 6;
const WINDOW = 4;

interface StoredOutcome {
  ok: boolean;
  seq: number;
  result?: Record<string, string>;
}

/** The durable state as the data file holds it, read beside the running server (WAL allows a reader). */
function readStore(dataDir: string) {
  const db = new Database(join(dataDir, 'confab.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const seqs = db.prepare('SELECT seq FROM events ORDER BY seq').pluck().all() as number[];
    const messagesByCause = new Map<string, Message[]>();
    const messages = new Map<string, Message>();
    for (const row of db
      .prepare(`SELECT cause, event FROM events WHERE type = 'message.upserted' ORDER BY seq`)
      .all() as {
      cause: string | null;
      event: string;
    }[]) {
      const { message } = JSON.parse(row.event) as { message: Message };
      messages.set(message.id, message);
      if (row.cause === null) continue;
      const list = messagesByCause.get(row.cause) ?? [];
      list.push(message);
      messagesByCause.set(row.cause, list);
    }
    const outcomes = new Map<string, StoredOutcome>();
    for (const row of db.prepare('SELECT principal_key, command_id, outcome FROM outcomes').all() as {
      principal_key: string;
      command_id: string;
      outcome: string;
    }[]) {
      outcomes.set(`${row.principal_key}\u0000${row.command_id}`, JSON.parse(row.outcome) as StoredOutcome);
    }
    return { seqs, messages, messagesByCause, outcomes };
  } finally {
    db.close();
  }
}

/** How often each text occurs among distinct messages. */
function countTexts(messages: Iterable<Message>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of messages) counts.set(message.text, (counts.get(message.text) ?? 0) + 1);
  return counts;
}

test(
  '§5 crash: SIGKILLed repeatedly under load, the server keeps every acknowledged message exactly once and applies re-sent commands at most once',
  // Seven server starts and six kills: 30 s here when the machine is calm, 58 s measured under a
  // load of 8–35 on 2 cores (a bare `node -e 0` took 1.5 s then), which ran past 60 s in 3 of 10
  // loops. The budget is for that work, not a wait for a condition.
  { timeout: 180_000 },
  async (t) => {
    console.log(`crash-repeated: seed ${SEED}, ${KILLS} kills (replay: CONFAB_CRASH_SEED=${SEED})`);
    const started = Date.now();
    const random = seededRandom(SEED);
    const dataDir = tempDataDir('confab-crash-repeated-');
    let server: ChildServer | null = null;
    const clients: LoadClient[] = [];
    const figures = { kills: 0, ackedChecked: 0, unackedAtKill: 0, landed: 0, notLanded: 0, restartMs: [] as number[] };
    try {
      // Agents and their tokens go into the data directory first; the child server then only reads them.
      const seeding = await startTestServer({ dataDir });
      const tokens = [seeding.agentToken, (await seeding.server.auth.issueAgentToken(AGENTS[1]!.id, 'crash')).token];
      await seeding.close();

      server = await spawnServer(dataDir);
      const visitors = await Promise.all(
        Array.from({ length: VISITORS }, (_, index) => visitorWithChat(server!.wsUrl, `visitor${index}-start`)),
      );
      const conversationIds = visitors.map((visitor) => visitor.conversationId);
      visitors.forEach((visitor, index) => {
        const client = new LoadClient(
          `visitor${index}`,
          visitor.sessionToken,
          `visitor:${visitor.contactId}`,
          (text) => ({ type: 'visitor.message', conversationId: visitor.conversationId, text }),
          // Half resume from their last sequence number after a restart, half ask for a snapshot.
          { resume: index % 2 === 1, window: WINDOW, seesEverything: false },
        );
        client.recordAcked(
          visitor.ack.id,
          `visitor${index}-start`,
          { type: 'visitor.startChat', text: `visitor${index}-start` },
          {
            seq: visitor.ack.seq,
            messageId: visitor.ack.result!.messageId!,
          },
        );
        visitor.peer.close();
        clients.push(client);
      });
      AGENTS.forEach((agent, index) => {
        const pick = seededRandom(SEED + index + 1);
        clients.push(
          new LoadClient(
            `agent${index}`,
            tokens[index]!,
            `agent:${agent.id}`,
            (text) => {
              const conversationId = conversationIds[Math.floor(pick() * conversationIds.length)]!;
              return pick() < 0.5
                ? { type: 'message.reply', conversationId, text }
                : { type: 'message.comment', conversationId, text, mentions: [] };
            },
            // One agent resumes across restarts: its catch-up must continue with no gap.
            { resume: index === 1, window: WINDOW, seesEverything: true },
          ),
        );
      });
      /**
       * New visitors keep arriving during the load (one per ten acks), so some hellos and first
       * chats meet the kill. A session the server handed out must survive; the first chat is re-sent
       * like any other command.
       */
      let newcomerCount = 0;
      async function keepArriving(wsUrl: string, isArriving: () => boolean) {
        let nextArrival = totalAcked();
        while (isArriving()) {
          await waitFor(() => !isArriving() || totalAcked() >= nextArrival, 20_000, 'traffic between arrivals');
          if (!isArriving()) return;
          nextArrival = totalAcked() + 10;
          const name = `newcomer${newcomerCount++}`;
          const client = new LoadClient(
            name,
            '',
            '',
            () => {
              throw new Error('a newcomer sends only its first chat');
            },
            { resume: false, window: 0, seesEverything: false },
          );
          client.queue(`${name}-start`, { type: 'visitor.startChat', text: `${name}-start` });
          try {
            await client.connect(wsUrl);
          } catch {
            return; // the server died during the hello
          } finally {
            if (client.token) clients.push(client);
          }
        }
      }

      const totalAcked = () => clients.reduce((sum, client) => sum + client.acked.size, 0);
      const allAcked = () => clients.flatMap((client) => [...client.acked.values()]);

      /** After a restart, before any client reconnects: health, the data file, and an agent's snapshot. */
      async function verifyRestarted(round: number, pendingAtKill: Map<LoadClient, string[]>) {
        const context = `round ${round}, seed ${SEED}`;
        for (const client of clients) assert.deepEqual(client.problems, [], `${context}: ${client.name}`);
        const health = (await (
          await fetch(`${server!.url}/health?details`, { headers: { authorization: `Bearer ${CHILD_ADMIN_TOKEN}` } })
        ).json()) as { status: string; seq: number };
        assert.equal(health.status, 'ok', context);

        const store = readStore(dataDir);
        // Sequence numbers have no gaps and end where the server says it is.
        store.seqs.forEach((seq, index) => assert.equal(seq, index + 1, `${context}: seq ${index + 1} is stored`));
        assert.equal(store.seqs.length, health.seq, `${context}: health reports the last stored seq`);
        const storedTexts = countTexts(store.messages.values());

        for (const client of clients) {
          for (const command of client.acked.values()) {
            // By command id: its outcome and exactly one message it caused, the one the ack named.
            const outcome = store.outcomes.get(`${client.principalKey}\u0000${command.id}`);
            assert.ok(outcome?.ok, `${context}: outcome of acknowledged ${command.id} is stored`);
            // An agent's ack names the workspace's number; a visitor's its own stream's (issue 20 item 4).
            if (client.principalKey.startsWith('agent:'))
              assert.equal(outcome.seq, command.ack!.seq, `${context}: stored seq of ${command.id}`);
            const caused = store.messagesByCause.get(command.id) ?? [];
            assert.equal(caused.length, 1, `${context}: ${command.id} caused exactly one message`);
            assert.equal(caused[0]!.id, command.ack!.messageId, `${context}: ${command.id} message id`);
            // By text: exactly once in the whole store.
            assert.equal(storedTexts.get(command.text), 1, `${context}: "${command.text}" stored exactly once`);
            figures.ackedChecked++;
          }
          for (const id of pendingAtKill.get(client) ?? []) {
            figures.unackedAtKill++;
            const outcome = store.outcomes.get(`${client.principalKey}\u0000${id}`);
            const caused = store.messagesByCause.get(id) ?? [];
            if (outcome) {
              // Committed, but the ack died with the server: the re-send must be answered with this.
              // Counted once per command: a re-send whose ack a later kill cut off again is the same one.
              if (!client.expectedOutcomes.has(id)) figures.landed++;
              assert.equal(caused.length, 1, `${context}: landed ${id} caused exactly one message`);
              client.expectedOutcomes.set(id, {
                // A visitor's ack names its own stream's number, not the stored one (issue 20 item 4).
                ...(client.principalKey.startsWith('agent:') ? { seq: outcome.seq } : {}),
                ...(outcome.result?.messageId ? { messageId: outcome.result.messageId } : {}),
              });
            } else {
              figures.notLanded++;
              assert.equal(caused.length, 0, `${context}: no events of ${id} without its outcome`);
            }
          }
        }
        for (const [text, count] of storedTexts)
          assert.equal(count, 1, `${context}: "${text}" stored ${count} times (a command applied twice?)`);

        // The same through the protocol: a fresh agent's snapshot shows each acknowledged message once.
        const { peer, welcome } = await hello(server!.wsUrl, tokens[0]!);
        const snapshot = await peer.next('snapshot');
        peer.close();
        assert.equal(welcome.seq, health.seq, `${context}: welcome seq`);
        const shownTexts = countTexts(snapshot.snapshot.messages);
        const shownIds = new Set(snapshot.snapshot.messages.map((message) => message.id));
        assert.equal(shownIds.size, snapshot.snapshot.messages.length, `${context}: no message id shown twice`);
        for (const command of allAcked()) {
          assert.equal(shownTexts.get(command.text), 1, `${context}: agent sees "${command.text}" exactly once`);
          assert.ok(shownIds.has(command.ack!.messageId!), `${context}: agent sees message of ${command.id}`);
        }
        for (const [text, count] of shownTexts) assert.equal(count, 1, `${context}: "${text}" shown ${count} times`);
      }

      for (let round = 1; round <= KILLS; round++) {
        await Promise.all(clients.map((client) => client.connect(server!.wsUrl)));
        for (const client of clients) client.generate(true);
        let arriving = true;
        const arrivals = keepArriving(server.wsUrl, () => arriving);
        // A seeded number of acknowledgements, then a seeded few milliseconds: the kill lands mid-traffic.
        const target = totalAcked() + 20 + Math.floor(random() * 200);
        await waitFor(() => totalAcked() >= target, 20_000, `${target} acks in round ${round}`);
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 10)));
        const killed = server.kill(); // the signal goes out now; nothing new is sent after it
        for (const client of clients) client.generate(false);
        arriving = false;
        await killed;
        await arrivals;
        figures.kills++;
        // Acks already on the wire may still arrive until each socket reports its close.
        await waitFor(() => clients.every((client) => !client.connected), 5000, 'every socket to close');
        const pendingAtKill = new Map(clients.map((client) => [client, [...client.pending.keys()]]));

        const restartStarted = Date.now();
        server = await spawnServer(dataDir);
        figures.restartMs.push(Date.now() - restartStarted);
        await verifyRestarted(round, pendingAtKill);
      }

      // Last restart: clients reconnect, re-send what is left, and stop; then everything sent is stored once.
      await Promise.all(clients.map((client) => client.connect(server!.wsUrl)));
      await waitFor(() => clients.every((client) => client.pending.size === 0), 10_000, 'every re-send acknowledged');
      await verifyRestarted(KILLS + 1, new Map());
      const store = readStore(dataDir);
      const expectedTexts = new Set(allAcked().map((command) => command.text));
      const storedTexts = new Set([...store.messages.values()].map((message) => message.text));
      assert.deepEqual(storedTexts, expectedTexts, 'the store holds exactly the acknowledged messages');
      // Every agent's replica ends with every message; each visitor's with all of its own.
      const finalSeq = store.seqs.length;
      await waitFor(
        () => clients.every((client) => client.lastSeq >= finalSeq || !client.options.seesEverything),
        5000,
        'agents caught up',
      );
      for (const client of clients) {
        const texts = new Set([...client.messages.values()].map((message) => message.text));
        const wanted = client.options.seesEverything ? expectedTexts : [...client.acked.values()].map((c) => c.text);
        for (const text of wanted) assert.ok(texts.has(text), `${client.name} shows "${text}"`);
      }
      for (const client of clients) assert.deepEqual(client.problems, [], `${client.name} (seed ${SEED})`);

      const resends = clients.reduce((sum, client) => sum + client.resends, 0);
      const fromStored = clients.reduce((sum, client) => sum + client.resendsFromStoredOutcome, 0);
      assert.equal(fromStored, figures.landed, 'every landed-but-unacknowledged command was re-sent and answered');
      const summary =
        `seed ${SEED}: ${figures.kills} kills, ${expectedTexts.size} acknowledged messages, ` +
        `${figures.ackedChecked} acknowledged-message checks, ${newcomerCount} visitors arriving under load, ${resends} re-sends ` +
        `(${figures.unackedAtKill} unacknowledged at a kill: ${figures.landed} had landed and were answered from ` +
        `the stored outcome, ${figures.notLanded} had not and were applied once), ` +
        `restart ${Math.min(...figures.restartMs)}–${Math.max(...figures.restartMs)} ms, ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s`;
      console.log(`crash-repeated: ${summary}`);
      t.diagnostic(summary);
    } finally {
      for (const client of clients) client.close();
      await server?.kill();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);

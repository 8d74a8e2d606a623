// Issue 19, bounded idempotency: outcomes are kept for a window and deleted by age; a command
// queued longer ago than the window is refused with `expired`, never run (again).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { createVisitorClient, createWebSocketTransport } from '@confab/core';
import { rmSync } from 'node:fs';
import { AGENTS, hello, startTestServer, tempDataDir } from './testing/harness.test-util.js';

const DAY = 24 * 60 * 60 * 1000;

/** Outcomes are deleted in the background of a start: waits for it. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    assert.ok(Date.now() - start < 10_000, 'timed out waiting for the old outcomes to be deleted');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('a command the widget queued 31 days ago (window 30) is refused `expired`, shown failed in the outbox, and nothing ran', async () => {
  const t = await startTestServer();
  const realNow = Date.now;
  try {
    // The visitor typed while offline a month ago: the client stamps the command's id with that time.
    Date.now = () => realNow() - 31 * DAY;
    const client = createVisitorClient({
      transport: createWebSocketTransport({
        url: t.wsUrl,
        WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      }),
    });
    const sent = client.send({ type: 'visitor.startChat', text: 'written a month ago' });
    Date.now = realNow;
    const refusal = await sent.then(
      () => assert.fail('the command ran'),
      (error: { code: string }) => error,
    );
    assert.equal(refusal.code, 'expired');
    const [entry] = client.pending.get();
    assert.equal(entry?.state, 'failed');
    assert.equal(entry?.error?.code, 'expired');
    assert.equal(t.server.backend.state.conversations.size, 0, 'nothing ran');
    await client.close();
  } finally {
    Date.now = realNow;
    await t.close();
  }
});

test('a command whose outcome was deleted by age is refused `expired` when sent again, never run twice', async () => {
  let now = Date.now();
  const dataDir = tempDataDir('confab-window-');
  const options = { dataDir, now: () => now, idempotencyWindowMs: 30 * DAY };
  // An id as the reference client makes them: the time it was queued, base 36, then a dash.
  const id = `${now.toString(36)}-1-abc`;
  const command = { type: 'view.save', name: 'Mine', filter: { status: 'open' } };
  const realNow = Date.now;
  try {
    const first = await startTestServer(options);
    const { peer } = await hello(first.wsUrl, first.agentToken);
    peer.send({ v: 1, type: 'command', id, command });
    const ack = await peer.next('ack', (frame) => frame.id === id);
    // Within the window, the same id is answered from its stored outcome: the same ack, nothing new.
    peer.send({ v: 1, type: 'command', id, command });
    assert.deepEqual(await peer.next('ack', (frame) => frame.id === id), ack);
    assert.equal(first.server.backend.state.views.size, 1);
    peer.close();
    await first.close();

    // 31 days on, the server (re)starts and deletes outcomes older than the window; the retry of
    // a client that lost the ack and was offline since then arrives.
    now += 31 * DAY;
    // The client's clock (which stamped the id) and this machine's moved on too.
    Date.now = () => realNow() + 31 * DAY;
    const second = await startTestServer(options);
    const { peer: back } = await hello(second.wsUrl, second.agentToken);
    await until(async () => (await second.server.storage.outcomes(`agent:${AGENTS[0]!.id}`, [id])).size === 0);
    back.send({ v: 1, type: 'command', id, command });
    const refusal = await back.next('error', (frame) => frame.id === id);
    assert.equal(refusal.error.code, 'expired');
    assert.equal(second.server.backend.state.views.size, 1, 'not run twice');
    back.close();
    await second.close();
  } finally {
    Date.now = realNow;
    rmSync(dataDir, { recursive: true, force: true });
  }
});

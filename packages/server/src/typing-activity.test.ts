// T11 (issue 17): a visitor's typing in a bot chat counts as activity. Over a real WebSocket to a
// real server on SQLite, with the server's clock injected: the typing is recorded once per
// window, survives a restart, and keeps the agent from closing until 30 quiet minutes have passed.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TYPING_ACTIVITY_WINDOW_MS } from '@confab/core/engine';
import {
  AGENTS,
  hello,
  sleep,
  startTestServer,
  tempDataDir,
  visitorWithChat,
  type TestServer,
} from './testing/harness.test-util.js';

const MINUTE = 60_000;

describe('T11 counts visitor typing as activity (server)', () => {
  const dataDir = tempDataDir('confab-typing-');
  // A clock that starts at a typing window's start and moves only when the test says so.
  let clock = Date.now() - (Date.now() % TYPING_ACTIVITY_WINDOW_MS);
  const start = clock;
  let t: TestServer;
  after(async () => t?.close());

  async function until<T>(check: () => T | undefined | false, what: string): Promise<T> {
    for (let waited = 0; waited < 5000; waited += 10) {
      const value = check();
      if (value) return value;
      await sleep(10);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  test('typing at minute 29 keeps the bot chat open at minute 31 (also after a restart); closing works at minute 60', async () => {
    t = await startTestServer({ dataDir, now: () => clock });
    await t.server.backend.execute(
      { kind: 'agent', agentId: AGENTS[0]!.id },
      { type: 'settings.update', patch: { bot: { enabled: true } } },
    );
    const visitor = await visitorWithChat(t.wsUrl, 'Hi bot');
    const conversation = () => t.server.backend.state.conversations.get(visitor.conversationId)!;
    assert.equal(conversation().bot, 'active');

    clock += 29 * MINUTE;
    const seq = t.server.backend.seq;
    // The widget repeats "typing" every few seconds while the visitor types.
    for (let signal = 0; signal < 5; signal++)
      visitor.peer.send({
        v: 1,
        type: 'command',
        id: `typing-${signal}`,
        command: { type: 'typing', conversationId: visitor.conversationId, typing: true },
      });
    await until(() => conversation().lastVisitorActivityAt === start + 30 * MINUTE, 'the typing recorded');
    // Commands run in order: once a later one (that changes nothing) is answered, every typing was decided.
    visitor.peer.send({ v: 1, type: 'command', id: 'drain', command: { type: 'visitor.setProfile' } });
    await visitor.peer.next('ack', (frame) => frame.id === 'drain');
    assert.equal(t.server.backend.seq - seq, 1, 'one durable event for the window, not one per signal');
    visitor.peer.close();

    // Durable: a restart keeps it.
    await t.server.close();
    t = await startTestServer({ dataDir, now: () => clock });
    assert.equal(conversation().lastVisitorActivityAt, start + 30 * MINUTE);

    const { peer: agent } = await hello(t.wsUrl, t.agentToken);
    await agent.next('snapshot');
    const close = (id: string) =>
      agent.send({
        v: 1,
        type: 'command',
        id,
        command: { type: 'conversation.setStatus', conversationIds: [visitor.conversationId], status: 'closed' },
      });
    clock += 2 * MINUTE;
    close('close-at-31');
    const refused = await agent.next('error', (frame) => frame.id === 'close-at-31');
    assert.equal(refused.error.rule, 'T11');
    assert.equal(conversation().status, 'open');

    clock += 29 * MINUTE;
    close('close-at-60');
    await agent.next('ack', (frame) => frame.id === 'close-at-60');
    assert.equal(conversation().status, 'closed');
    agent.close();
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { CLOSE_CODES } from '@confab/core';
import { hello, tempDataDir, visitorWithChat } from './testing/harness.test-util.js';
import { spawnServer, type ChildServer } from './testing/child-server.test-util.js';

test(
  'SIGTERM mid-traffic: sockets are told to reconnect (1012), the process exits 0 within 10 s, and every acknowledged message is there after a restart',
  { timeout: 60_000 },
  async () => {
    const dataDir = tempDataDir('confab-sigterm-');
    let running: ChildServer | null = null;
    try {
      const first = await spawnServer(dataDir, { CONFAB_LOG_LEVEL: 'info' });
      running = first;
      const visitors = await Promise.all([0, 1, 2, 3].map((index) => visitorWithChat(first.wsUrl, `start ${index}`)));
      // A client that stopped reading: it never answers the close, and must not hold the exit up.
      const stalled = await hello(first.wsUrl, visitors[0]!.sessionToken);
      stalled.peer.socket.pause();

      const acknowledged = new Map(visitors.map((visitor) => [visitor.sessionToken, new Set<string>()]));
      let ackCount = 0;
      const traffic = visitors.map(async (visitor, visitorIndex) => {
        let counter = 0;
        const inFlight = new Set<Promise<void>>();
        while (visitor.peer.socket.readyState === visitor.peer.socket.OPEN) {
          const text = `v${visitorIndex}-m${counter++}`;
          const id = `cmd-${text}`;
          visitor.peer.send({
            v: 1,
            type: 'command',
            id,
            command: { type: 'visitor.message', conversationId: visitor.conversationId, text },
          });
          const pending = visitor.peer
            .next('ack', (frame) => frame.id === id, 10_000)
            .then(() => {
              acknowledged.get(visitor.sessionToken)!.add(text);
              ackCount++;
            })
            .catch(() => undefined)
            .finally(() => inFlight.delete(pending));
          inFlight.add(pending);
          if (inFlight.size >= 4) await Promise.race(inFlight);
        }
        await Promise.allSettled(inFlight);
      });

      while (ackCount < 100) await new Promise((resolve) => setTimeout(resolve, 5));
      const signalled = performance.now();
      const exitCode = await first.terminate();
      const exitMs = performance.now() - signalled;
      running = null;
      await Promise.all(traffic);

      assert.equal(exitCode, 0, first.output());
      assert.ok(exitMs < 10_000, `exited ${Math.round(exitMs)} ms after SIGTERM`);
      for (const visitor of visitors) assert.equal((await visitor.peer.closed).code, CLOSE_CODES.serviceRestart);
      const logged = first.logLines().map((line) => line.msg);
      assert.ok(logged.includes('shutting down: sockets told to reconnect'), JSON.stringify(logged));
      assert.ok(logged.includes('server closed'), JSON.stringify(logged));

      const second = await spawnServer(dataDir);
      running = second;
      for (const visitor of visitors) {
        const { peer } = await hello(second.wsUrl, visitor.sessionToken);
        const snapshot = await peer.next('snapshot');
        const texts = snapshot.snapshot.messages.map((message) => message.text);
        for (const text of acknowledged.get(visitor.sessionToken)!)
          assert.equal(texts.filter((candidate) => candidate === text).length, 1, `acknowledged ${text} present once`);
        peer.close();
      }
    } finally {
      await running?.kill();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);

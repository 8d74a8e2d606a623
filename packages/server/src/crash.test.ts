import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { Peer, hello, tempDataDir, visitorWithChat } from './testing/harness.test-util.js';
import { spawnServer } from './testing/child-server.test-util.js';

test(
  'a server killed with SIGKILL mid-traffic keeps every acknowledged message, exactly once, after a restart',
  { timeout: 60_000 },
  async () => {
    const dataDir = tempDataDir('confab-crash-');
    let running: ChildProcess | null = null;
    try {
      const first = await spawnServer(dataDir);
      running = first.child;
      const wsUrl = first.url.replace(/^http/, 'ws') + '/ws';

      const visitors = await Promise.all([0, 1, 2, 3, 4].map((index) => visitorWithChat(wsUrl, `start ${index}`)));
      const acknowledged = new Map<string, Set<string>>(
        visitors.map((visitor) => [visitor.sessionToken, new Set<string>()]),
      );
      const sent = new Map<string, Set<string>>(visitors.map((visitor) => [visitor.sessionToken, new Set<string>()]));
      let ackCount = 0;
      let stop = false;

      // Each visitor keeps four messages in flight, so the kill lands between commit and ack for some.
      const traffic = visitors.map(async (visitor, visitorIndex) => {
        let counter = 0;
        const inFlight = new Set<Promise<void>>();
        while (!stop && visitor.peer.socket.readyState === visitor.peer.socket.OPEN) {
          const text = `v${visitorIndex}-m${counter++}`;
          const id = `cmd-${text}`;
          sent.get(visitor.sessionToken)!.add(text);
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

      while (ackCount < 200) await new Promise((resolve) => setTimeout(resolve, 5));
      first.child.kill('SIGKILL');
      stop = true;
      await new Promise((resolve) => first.child.once('exit', resolve));
      for (const visitor of visitors) visitor.peer.close();
      await Promise.all(traffic);
      running = null;

      const totalSent = [...sent.values()].reduce((sum, texts) => sum + texts.size, 0);
      const totalAcked = [...acknowledged.values()].reduce((sum, texts) => sum + texts.size, 0);
      assert.ok(
        totalAcked >= 200 && totalSent > totalAcked,
        `killed mid-traffic (sent ${totalSent}, acked ${totalAcked})`,
      );

      const second = await spawnServer(dataDir);
      running = second.child;
      const secondWs = second.url.replace(/^http/, 'ws') + '/ws';
      for (const visitor of visitors) {
        const { peer } = await hello(secondWs, visitor.sessionToken);
        const snapshot = await peer.next('snapshot');
        const texts = snapshot.snapshot.messages.map((message) => message.text);
        for (const text of acknowledged.get(visitor.sessionToken)!) {
          assert.equal(
            texts.filter((candidate) => candidate === text).length,
            1,
            `acknowledged ${text} present exactly once`,
          );
        }
        // Nothing appears twice, acknowledged or not.
        assert.equal(new Set(texts).size, texts.length);
        peer.close();
      }
      // The restarted server keeps taking commands with the next sequence numbers.
      const probe = await Peer.open(secondWs);
      probe.send({ v: 1, type: 'hello', token: visitors[0]!.sessionToken });
      const welcome = await probe.next('welcome');
      assert.ok(welcome.seq > 0);
      probe.close();
    } finally {
      running?.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);

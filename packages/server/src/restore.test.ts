import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerFrame } from '@confab/core';
import { Peer, hello, tempDataDir, visitorWithChat } from './testing/harness.test-util.js';
import { spawnServer, type ChildServer } from './testing/child-server.test-util.js';
import { backupDatabase } from './storage/backup.js';
import { databaseFile } from './storage/sqlite-storage.js';

/** Sends a visitor message and resolves with its ack. */
async function say(peer: Peer, conversationId: string, text: string) {
  const id = `say-${text}`;
  peer.send({ v: 1, type: 'command', id, command: { type: 'visitor.message', conversationId, text } });
  return peer.next('ack', (frame) => frame.id === id);
}

/** The highest number a peer has seen: what its replica would resume from. */
function lastSeen(peer: Peer): number {
  let seq = 0;
  for (const frame of peer.frames as ServerFrame[]) {
    if (frame.type === 'welcome' || frame.type === 'ack') seq = Math.max(seq, frame.seq);
    if (frame.type === 'events') for (const event of frame.events) seq = Math.max(seq, event.seq);
  }
  return seq;
}

test(
  'restored from an older backup under a connected visitor, the server has a new epoch and the visitor gets a full snapshot (resync), never deltas of the other history',
  { timeout: 60_000 },
  async () => {
    const dataDir = tempDataDir('confab-restore-');
    const backupFile = join(tempDataDir('confab-restore-backup-'), 'copy.sqlite');
    let server: ChildServer | null = null;
    try {
      server = await spawnServer(dataDir);
      const visitor = await visitorWithChat(server.wsUrl, 'before the backup');
      const firstEpoch = visitor.peer.frames.find((frame) => frame.type === 'welcome')!.epoch;
      assert.match(firstEpoch, /^[0-9a-f]{16}$/);
      await say(visitor.peer, visitor.conversationId, 'kept');
      await backupDatabase(dataDir, backupFile);
      // Acknowledged after the backup: the restore loses these (that is what restoring an older copy means).
      for (const text of ['lost-1', 'lost-2', 'lost-3']) await say(visitor.peer, visitor.conversationId, text);
      const resumeFrom = lastSeen(visitor.peer);

      // The operator's restore (README: stop, put the copy in place, start); the visitor stays on its page.
      const stopped = visitor.peer.closed;
      assert.equal(await server.terminate(), 0);
      assert.equal((await stopped).code, 1012, 'told to reconnect and resume');
      server = null;
      for (const suffix of ['-wal', '-shm']) rmSync(`${databaseFile(dataDir)}${suffix}`, { force: true });
      copyFileSync(backupFile, databaseFile(dataDir));
      server = await spawnServer(dataDir);

      // The restored history goes on past the number the visitor holds (another tab of theirs),
      // so that its numbers alone cannot tell the histories apart.
      const { peer: otherTab, welcome: otherWelcome } = await hello(server.wsUrl, visitor.sessionToken);
      await otherTab.next('snapshot');
      assert.notEqual(otherWelcome.epoch, firstEpoch, 'a restored log is another history');
      for (let index = 0; lastSeen(otherTab) <= resumeFrom + 1; index++)
        await say(otherTab, visitor.conversationId, `after-restore-${index}`);

      const { peer: resumed, welcome } = await hello(server.wsUrl, visitor.sessionToken, {
        resumeFrom,
        epoch: firstEpoch,
      });
      assert.equal(welcome.epoch, otherWelcome.epoch);
      const snapshot = await resumed.next('snapshot');
      assert.equal(snapshot.resync, true);
      assert.equal(resumed.frames.filter((frame) => frame.type === 'events').length, 0, 'no deltas');
      const texts = snapshot.snapshot.messages.map((message) => message.text);
      assert.ok(texts.includes('kept') && texts.includes('after-restore-0'), texts.join());
      assert.ok(!texts.some((text) => text.startsWith('lost-')), texts.join());

      // With the epoch it was welcomed with, the same visitor resumes by deltas as before.
      const caughtUp = lastSeen(otherTab) - 1;
      const { peer: again } = await hello(server.wsUrl, visitor.sessionToken, {
        resumeFrom: caughtUp,
        epoch: welcome.epoch,
      });
      const missed = await again.next('events');
      assert.deepEqual(
        missed.events.map((event) => event.seq),
        [caughtUp + 1],
      );
      assert.equal(again.frames.filter((frame) => frame.type === 'snapshot').length, 0);
      for (const peer of [otherTab, resumed, again]) peer.close();
    } finally {
      if (server) await server.kill();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(join(backupFile, '..'), { recursive: true, force: true });
    }
  },
);

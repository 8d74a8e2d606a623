// Issues 15 and 19: PostgreSQL restored from an older backup under connected clients. The backup is
// a real `pg_dump` restored with `psql` into a new database; the server started on it gives every
// workspace a new epoch, so a client that saw the other history resyncs in full, never resumes.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import type { ServerFrame } from '@confab/core';
import { hello, startTestServer, tempDataDir, visitorWithChat } from '../testing/harness.test-util.js';
import { postgresBinDir, startThrowawayPostgres } from '../testing/postgres.test-util.js';
import { openServerStore } from './open-storage.js';

const cluster = await startThrowawayPostgres();
after(() => cluster.stop());

async function epochOf(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ epoch: string }>("SELECT epoch FROM workspace_heads WHERE workspace_id = 'default'"))
      .rows[0]!.epoch;
  } finally {
    await client.end();
  }
}

/** `pg_dump` of one database into another, as an operator restores a backup. */
function dumpInto(from: string, to: string) {
  const dump = spawnSync(join(postgresBinDir(), 'pg_dump'), ['--no-owner', from], { encoding: 'utf8' });
  assert.equal(dump.status, 0, dump.stderr);
  const restore = spawnSync(join(postgresBinDir(), 'psql'), ['-q', '-v', 'ON_ERROR_STOP=1', to], {
    input: dump.stdout,
    encoding: 'utf8',
  });
  assert.equal(restore.status, 0, restore.stderr);
}

test('a restart keeps the epochs; a database restored from a dump gets new ones; renew-epochs renews them', async () => {
  const original = await cluster.createDatabase();
  const dataDir = tempDataDir();
  let store = await openServerStore({ dataDir, databaseUrl: original });
  assert.equal(store.epochsRenewed, false, 'a first start records the origin');
  await (await store.forWorkspace('default')).close(); // its head row, with its first epoch
  await store.close();
  const first = await epochOf(original);
  store = await openServerStore({ dataDir, databaseUrl: original });
  assert.equal(store.epochsRenewed, false, 'a restart is the same history');
  await store.close();
  assert.equal(await epochOf(original), first);

  const restored = await cluster.createDatabase();
  dumpInto(original, restored);
  assert.equal(await epochOf(restored), first, 'the dump carries the old epoch');
  store = await openServerStore({ dataDir, databaseUrl: restored });
  assert.equal(store.epochsRenewed, true);
  const renewed = await epochOf(restored);
  assert.notEqual(renewed, first);
  assert.equal(await store.renewEpochs(), 1);
  assert.notEqual(await epochOf(restored), renewed, 'renew-epochs gives another one again');
  await store.close();
});

test('restored from an older dump under a connected visitor, the server has a new epoch and the visitor gets a full snapshot (resync)', async () => {
  const live = await cluster.createDatabase();
  let server = await startTestServer({ databaseUrl: live });
  const visitor = await visitorWithChat(server.wsUrl, 'before the backup');
  const oldEpoch = visitor.peer.frames.find((frame) => frame.type === 'welcome')!.epoch;
  const backup = await cluster.createDatabase();
  dumpInto(live, backup);
  // After the backup: more history the backup does not hold.
  const id = 'after-backup';
  visitor.peer.send({
    v: 1,
    type: 'command',
    id,
    command: { type: 'visitor.message', conversationId: visitor.conversationId, text: 'after the backup' },
  });
  const ack = await visitor.peer.next('ack', (frame) => frame.id === id);
  visitor.peer.close();
  await server.close();

  // The operator restores the backup (into a new database) and starts the server on it.
  const restored = await cluster.createDatabase();
  dumpInto(backup, restored);
  server = await startTestServer({ databaseUrl: restored });
  try {
    const again = await hello(server.wsUrl, visitor.sessionToken, { resumeFrom: ack.seq, epoch: oldEpoch });
    assert.notEqual(again.welcome.epoch, oldEpoch);
    const snapshot = (await again.peer.next('snapshot')) as Extract<ServerFrame, { type: 'snapshot' }>;
    assert.equal(snapshot.resync, true, 'a full snapshot, never deltas of the other history');
    const texts = snapshot.snapshot.messages.map((message) => message.text);
    assert.ok(texts.includes('before the backup'));
    assert.ok(!texts.includes('after the backup'), 'what the restore lost is gone from the visitor too');
    again.peer.close();
  } finally {
    await server.close();
  }
});

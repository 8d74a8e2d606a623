import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDatabase } from './backup.js';
import { createSqliteStorage } from './sqlite-storage.js';
import type { ConfabEvent } from '@confab/core';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'confab-storage-'));
}

const viewRemoved = (viewId: string): ConfabEvent => ({ type: 'view.removed', viewId });

test('storage: a commit stores its events and outcome together and load returns them in seq order after reopening', async () => {
  const dir = tempDir();
  try {
    const storage = createSqliteStorage(dir);
    await storage.commit({
      principalKey: 'agent:a1',
      commandId: 'c1',
      events: [
        { seq: 1, cause: 'c1', event: viewRemoved('v1') },
        { seq: 2, cause: 'c1', event: viewRemoved('v2') },
      ],
      outcome: { ok: true, seq: 2, result: { viewId: 'v2' } },
      at: 1,
    });
    await storage.commit({
      principalKey: 'agent:a1',
      commandId: 'c2',
      events: [],
      outcome: { ok: false, error: { code: 'not-found', message: 'No such view' } },
      at: 1,
    });
    await storage.commit({
      principalKey: 'system',
      commandId: 'c3',
      events: [{ seq: 3, cause: null, event: viewRemoved('v3') }],
      outcome: { ok: true, seq: 3 },
      at: 1,
    });
    assert.equal(storage.eventCount(), 3);
    await storage.close();

    const reopened = createSqliteStorage(dir);
    const log = await reopened.load({ recent: 10 });
    assert.deepEqual(
      log.events.map((e) => e.seq),
      [1, 2, 3],
    );
    assert.deepEqual(log.events[0], { seq: 1, cause: 'c1', event: viewRemoved('v1'), by: 'agent:a1' });
    assert.equal(log.events[2]!.cause, null);
    assert.equal(log.events[2]!.by, 'system');
    const outcomes = await reopened.outcomes('agent:a1', ['c1', 'c2', 'c3']);
    assert.deepEqual(outcomes.get('c1'), { ok: true, seq: 2, result: { viewId: 'v2' } });
    assert.equal(outcomes.get('c2')?.ok, false);
    assert.equal(outcomes.size, 2, "c3 is the system's, not this agent's");
    await reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('storage: a commit whose seq is already stored fails as a whole and leaves nothing half-written', async () => {
  const dir = tempDir();
  try {
    const storage = createSqliteStorage(dir);
    await storage.commit({
      principalKey: 's',
      commandId: 'a',
      events: [{ seq: 1, cause: 'a', event: viewRemoved('x') }],
      outcome: { ok: true, seq: 1 },
      at: 1,
    });
    await assert.rejects(
      storage.commit({
        principalKey: 's',
        commandId: 'b',
        events: [
          { seq: 2, cause: 'b', event: viewRemoved('y') },
          { seq: 1, cause: 'b', event: viewRemoved('z') },
        ],
        outcome: { ok: true, seq: 2 },
        at: 1,
      }),
    );
    const log = await storage.load({ recent: 10 });
    assert.equal(log.events.length, 1);
    assert.equal((await storage.outcomes('s', ['b'])).size, 0);
    await storage.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('storage: WAL journal with synchronous=FULL, so a commit is on disk when it returns', async () => {
  const dir = tempDir();
  try {
    const storage = createSqliteStorage(dir);
    const Database = (await import('better-sqlite3')).default;
    await storage.close();
    const db = new Database(storage.file);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('storage: pending emails are queued ones without a final delivery', async () => {
  const dir = tempDir();
  try {
    const storage = createSqliteStorage(dir);
    const queued = (messageId: string): ConfabEvent => ({
      type: 'email.queued',
      messageId,
      conversationId: 'k1',
      to: ['a@example.com'],
      subject: 'Hi',
      text: 'Hello',
      purpose: 'compose',
    });
    await storage.commit({
      principalKey: 'agent:a1',
      commandId: 'c1',
      events: [
        { seq: 1, cause: 'c1', event: queued('m1') },
        { seq: 2, cause: 'c1', event: queued('m2') },
        { seq: 3, cause: 'c1', event: queued('m3') },
      ],
      outcome: { ok: true, seq: 3 },
      at: 1,
    });
    await storage.recordDelivery({ messageId: 'm1', state: 'sent', attempts: 1, lastError: null, updatedAt: 1 });
    await storage.recordDelivery({
      messageId: 'm2',
      state: 'queued',
      attempts: 1,
      lastError: 'connection refused',
      updatedAt: 1,
    });
    assert.deepEqual(
      (await storage.pendingEmails()).map((e) => e.messageId),
      ['m2', 'm3'],
    );
    assert.equal((await storage.delivery('m2'))?.lastError, 'connection refused');
    assert.equal(await storage.delivery('nope'), null);
    await storage.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('storage: commits handed over in the same turn share one transaction; a bad record fails its whole batch', async () => {
  const dir = tempDir();
  try {
    const storage = createSqliteStorage(dir);
    const record = (seq: number, commandId: string) => ({
      principalKey: 'system',
      commandId,
      events: [{ seq, cause: commandId, event: viewRemoved(commandId) }],
      outcome: { ok: true as const, seq },
      at: 1,
    });
    await Promise.all([1, 2, 3, 4].map((seq) => storage.commit(record(seq, `c${seq}`))));
    assert.equal(storage.eventCount(), 4);
    // seq 5 is fine, the second seq 5 collides: both are refused together, nothing is stored.
    const results = await Promise.allSettled([storage.commit(record(5, 'c5')), storage.commit(record(5, 'c5b'))]);
    assert.deepEqual(
      results.map((result) => result.status),
      ['rejected', 'rejected'],
    );
    assert.equal(storage.eventCount(), 4);
    await storage.commit(record(5, 'c5'));
    assert.equal(storage.eventCount(), 5);
    await storage.close();
    await assert.rejects(storage.commit(record(6, 'c6')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('storage: closing with a commit pending writes it first', async () => {
  const dir = tempDir();
  try {
    const storage = createSqliteStorage(dir);
    const pending = storage.commit({
      principalKey: 'system',
      commandId: 'last',
      events: [{ seq: 1, cause: 'last', event: viewRemoved('v') }],
      outcome: { ok: true, seq: 1 },
      at: 1,
    });
    await storage.close();
    await pending;
    await new Promise((resolve) => setImmediate(resolve));
    const reopened = createSqliteStorage(dir);
    assert.equal(reopened.eventCount(), 1);
    await reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const commitAt = (seq: number, commandId: string, at: number) => ({
  principalKey: 'visitor:c1',
  commandId,
  events: [{ seq, cause: commandId, event: viewRemoved(commandId) }],
  outcome: { ok: true as const, seq },
  at,
});

test('storage: outcomes are deleted by age, and only those older than the given time', async () => {
  const dir = tempDir();
  try {
    const storage = createSqliteStorage(dir);
    for (const [seq, at] of [
      [1, 1_000],
      [2, 2_000],
      [3, 3_000],
    ] as const)
      await storage.commit(commitAt(seq, `c${seq}`, at));
    assert.equal(await storage.forgetOutcomes(2_500), 2);
    assert.deepEqual([...(await storage.outcomes('visitor:c1', ['c1', 'c2', 'c3'])).keys()], ['c3']);
    // The events stay: only the answers to repeated command ids are gone.
    assert.equal(storage.eventCount(), 3);
    await storage.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('storage: load returns the latest snapshot and the events after it, and at least the last `recent` events', async () => {
  const dir = tempDir();
  try {
    const storage = createSqliteStorage(dir);
    for (let seq = 1; seq <= 10; seq++) await storage.commit(commitAt(seq, `c${seq}`, seq));
    await storage.saveSnapshot({ seq: 4, at: 5, engine: ['old'], streams: [] });
    await storage.saveSnapshot({ seq: 8, at: 9, engine: ['e1', 'e2'], streams: ['s1'] });
    await storage.close();

    const reopened = createSqliteStorage(dir);
    const log = await reopened.load({ recent: 0 });
    assert.deepEqual(log.snapshot, { seq: 8, at: 9, engine: ['e1', 'e2'], streams: ['s1'] });
    assert.deepEqual(
      log.events.map((event) => event.seq),
      [9, 10],
    );
    const withRecent = await reopened.load({ recent: 5 });
    assert.deepEqual(
      withRecent.events.map((event) => event.seq),
      [6, 7, 8, 9, 10],
    );
    await reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('storage: the epoch stays across restarts and is new once a backup copy is put in place', async () => {
  const dir = tempDir();
  const copies = tempDir();
  try {
    const storage = createSqliteStorage(dir);
    await storage.commit(commitAt(1, 'c1', 1));
    const { epoch } = await storage.load({ recent: 1 });
    assert.match(epoch, /^[0-9a-f]{16}$/);
    await storage.close();
    const backup = join(copies, 'copy.sqlite');
    await backupDatabase(dir, backup);

    const again = createSqliteStorage(dir);
    assert.equal((await again.load({ recent: 1 })).epoch, epoch, 'a restart keeps the epoch');
    await again.close();

    const epochs = new Set([epoch]);
    for (const round of [1, 2]) {
      // A restore: the server stopped, the copy in place of the database (as the README says).
      const restoredDir = join(copies, `restored-${round}`);
      mkdirSync(restoredDir);
      copyFileSync(backup, join(restoredDir, 'confab.sqlite'));
      const restored = createSqliteStorage(restoredDir);
      const restoredEpoch = (await restored.load({ recent: 1 })).epoch;
      assert.ok(!epochs.has(restoredEpoch), `restore ${round} has a new epoch`);
      epochs.add(restoredEpoch);
      await restored.close();
      const reopened = createSqliteStorage(restoredDir);
      assert.equal((await reopened.load({ recent: 1 })).epoch, restoredEpoch, 'and keeps it from then on');
      await reopened.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(copies, { recursive: true, force: true });
  }
});

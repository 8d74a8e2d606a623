import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    });
    await storage.commit({
      principalKey: 'agent:a1',
      commandId: 'c2',
      events: [],
      outcome: { ok: false, error: { code: 'not-found', message: 'No such view' } },
    });
    await storage.commit({
      principalKey: 'system',
      commandId: 'c3',
      events: [{ seq: 3, cause: null, event: viewRemoved('v3') }],
      outcome: { ok: true, seq: 3 },
    });
    assert.equal(storage.eventCount(), 3);
    await storage.close();

    const reopened = createSqliteStorage(dir);
    const log = await reopened.load();
    assert.deepEqual(
      log.events.map((e) => e.seq),
      [1, 2, 3],
    );
    assert.deepEqual(log.events[0], { seq: 1, cause: 'c1', event: viewRemoved('v1') });
    assert.equal(log.events[2]!.cause, null);
    assert.deepEqual(log.outcomes.get('agent:a1\u0000c1'), { ok: true, seq: 2, result: { viewId: 'v2' } });
    assert.equal(log.outcomes.get('agent:a1\u0000c2')?.ok, false);
    assert.equal(log.outcomes.size, 3);
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
      }),
    );
    const log = await storage.load();
    assert.equal(log.events.length, 1);
    assert.equal(log.outcomes.has('s\u0000b'), false);
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
    });
    storage.recordDelivery({ messageId: 'm1', state: 'sent', attempts: 1, lastError: null, updatedAt: 1 });
    storage.recordDelivery({
      messageId: 'm2',
      state: 'queued',
      attempts: 1,
      lastError: 'connection refused',
      updatedAt: 1,
    });
    assert.deepEqual(
      storage.pendingEmails().map((e) => e.messageId),
      ['m2', 'm3'],
    );
    assert.equal(storage.delivery('m2')?.lastError, 'connection refused');
    assert.equal(storage.delivery('nope'), null);
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

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  createBackend,
  serializeEngineState,
  type Backend,
  type BackendStorage,
  type HubSnapshot,
} from '@confab/core/backend';
import { createServerAuthenticator } from './auth/authenticator.js';
import { createSqliteStorage } from './storage/sqlite-storage.js';
import { tempDataDir } from './testing/harness.test-util.js';

/**
 * Issue 19: a snapshot keeps each conversation's messages in a row of their own (SQLite), so a
 * start reads none of them and a snapshot writes only the ones that changed.
 */

/** A hub on SQLite that writes a snapshot after every command, and what it did with its storage. */
interface WatchedHub {
  backend: Backend;
  /** The snapshots it wrote (or tried to). */
  saved: HubSnapshot[];
  /** The conversations whose messages it read from storage. */
  read: string[];
  /** Whether it started from a snapshot. */
  fromSnapshot: boolean;
  /** Resolves once a snapshot of the state after `seq` was stored. */
  stored(seq: number): Promise<void>;
}

/** `failSaves`: that many snapshot writes fail first (a full disk). */
async function hub(dir: string, failSaves = 0): Promise<WatchedHub> {
  const sqlite = createSqliteStorage(dir);
  const waiting = new Set<{ seq: number; resolve: () => void }>();
  let storedSeq = 0;
  const watch = { saved: [] as HubSnapshot[], read: [] as string[], fromSnapshot: false };
  const storage: BackendStorage = {
    keepsMessagesApart: true,
    async load(options) {
      const log = await sqlite.load(options);
      watch.fromSnapshot = log.snapshot !== null;
      const messages = log.snapshot?.messages;
      if (!messages) return log;
      const text = (id: string) => {
        watch.read.push(id);
        return messages.text(id);
      };
      return { ...log, snapshot: { ...log.snapshot!, messages: { seq: messages.seq, text } } };
    },
    commit: (record) => sqlite.commit(record),
    outcomes: (key, ids) => sqlite.outcomes(key, ids),
    forgetOutcomes: (before) => sqlite.forgetOutcomes(before),
    async saveSnapshot(snapshot) {
      watch.saved.push(snapshot);
      if (failSaves > 0) {
        failSaves -= 1;
        throw new Error('disk full');
      }
      await sqlite.saveSnapshot(snapshot);
      storedSeq = snapshot.seq;
      for (const waiter of waiting) if (waiter.seq <= storedSeq) waiter.resolve();
    },
    close: () => sqlite.close(),
  };
  const backend = createBackend({
    storage,
    auth: createServerAuthenticator({ store: sqlite }),
    snapshotEveryEvents: 1,
  });
  await backend.ready;
  return {
    backend,
    ...watch,
    get fromSnapshot() {
      return watch.fromSnapshot;
    },
    stored: (seq) =>
      seq <= storedSeq ? Promise.resolve() : new Promise((resolve) => waiting.add({ seq, resolve: () => resolve() })),
  };
}

/** The state a replay of the whole log builds, with no snapshot. */
async function replayed(dir: string): Promise<string[]> {
  const storage = createSqliteStorage(dir);
  const backend = createBackend({
    storage: {
      load: async () => ({ ...(await storage.load({ recent: Number.MAX_SAFE_INTEGER })), snapshot: null }),
      commit: (record) => storage.commit(record),
      outcomes: (key, ids) => storage.outcomes(key, ids),
      forgetOutcomes: async () => 0,
      saveSnapshot: async () => undefined,
      close: () => storage.close(),
    },
    auth: createServerAuthenticator({ store: storage }),
  });
  await backend.ready;
  const state = serializeEngineState(backend.state);
  await backend.close();
  return state;
}

/** Two visitors, each with a chat of two messages. */
async function chats(backend: Backend): Promise<string[]> {
  const ids: string[] = [];
  for (const name of ['ann', 'bo']) {
    const { result } = await backend.execute({ kind: 'system' }, { type: 'visitor.create' });
    const visitor = { kind: 'visitor' as const, contactId: result!.contactId! };
    const chat = await backend.execute(visitor, { type: 'visitor.startChat', text: `hello from ${name}` });
    const conversationId = chat.result!.conversationId!;
    await backend.execute(visitor, { type: 'visitor.message', conversationId, text: `${name} again` });
    ids.push(conversationId);
  }
  return ids;
}

test('a restart reads no conversation’s messages until one is used, and builds the state a replay builds', async () => {
  const dir = tempDataDir('confab-snapshot-messages-');
  try {
    const first = await hub(dir);
    const [ann] = await chats(first.backend);
    await first.stored(first.backend.seq);
    await first.backend.close();

    const second = await hub(dir);
    assert.ok(second.fromSnapshot);
    assert.deepEqual(second.read, [], 'no messages read at start');
    await second.backend.execute({ kind: 'system' }, { type: 'visitor.create' });
    await second.stored(second.backend.seq);
    assert.deepEqual(second.read, [], 'a command that needs no messages, and its snapshot, read none');
    const conversation = second.backend.state.messages.get(ann!)!;
    assert.deepEqual(
      conversation.map((message) => message.text),
      ['hello from ann', 'ann again'],
    );
    assert.deepEqual(second.read, [ann]);
    assert.deepEqual(serializeEngineState(second.backend.state), await replayed(dir));
    await second.backend.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a snapshot after a restart stores only the conversations whose messages changed', async () => {
  const dir = tempDataDir('confab-snapshot-messages-');
  try {
    const first = await hub(dir);
    const [ann, bo] = await chats(first.backend);
    await first.stored(first.backend.seq);
    await first.backend.close();

    const second = await hub(dir);
    const before = second.backend.seq;
    const contactId = second.backend.state.conversations.get(bo!)!.contactId!;
    await second.backend.execute(
      { kind: 'visitor', contactId },
      { type: 'visitor.message', conversationId: bo!, text: 'bo, third time' },
    );
    await second.stored(second.backend.seq);
    await second.backend.close();
    const changes = second.saved.at(-1)!.messageChanges!;
    assert.equal(changes.base, before);
    assert.deepEqual(
      changes.changed.map(([id]) => id),
      [bo],
    );
    assert.ok(!second.read.includes(ann!), 'an unchanged conversation is neither read nor written');

    const third = await hub(dir);
    assert.deepEqual(serializeEngineState(third.backend.state), await replayed(dir));
    await third.backend.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('changes on top of another snapshot than the stored one are refused, and change nothing', async () => {
  const dir = tempDataDir('confab-snapshot-messages-');
  try {
    const first = await hub(dir);
    const [ann] = await chats(first.backend);
    await first.stored(first.backend.seq);
    await first.backend.close();

    const storage = createSqliteStorage(dir);
    const { snapshot } = await storage.load({ recent: 0 });
    await assert.rejects(
      storage.saveSnapshot({
        seq: snapshot!.seq + 1,
        at: Date.now(),
        engine: ['{}'],
        streams: [],
        messageChanges: { base: snapshot!.seq - 1, changed: [[ann!, '[]']], removed: [] },
      }),
      /not \d+/,
    );
    const after = await storage.load({ recent: 0 });
    assert.equal(after.snapshot!.seq, snapshot!.seq);
    assert.deepEqual(after.snapshot!.engine, snapshot!.engine);
    assert.match(after.snapshot!.messages!.text(ann!)!, /hello from ann/);
    await storage.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('after a snapshot that was not stored, a later one stores every conversation’s messages again', async () => {
  const dir = tempDataDir('confab-snapshot-messages-');
  try {
    const first = await hub(dir);
    const earlier = await chats(first.backend);
    await first.stored(first.backend.seq);
    await first.backend.close();

    const second = await hub(dir, 1);
    await chats(second.backend);
    await second.stored(second.backend.seq);
    await second.backend.close();
    assert.notEqual(second.saved[0]!.messageChanges!.base, null, 'the write that failed had changes only');
    const full = second.saved.find((snapshot) => snapshot.messageChanges!.base === null);
    assert.ok(full, 'a later write stores them all');
    const ids = full.messageChanges!.changed.map(([id]) => id);
    for (const id of earlier) assert.ok(ids.includes(id), 'with those of before the restart');

    const third = await hub(dir);
    assert.deepEqual(serializeEngineState(third.backend.state), await replayed(dir));
    await third.backend.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

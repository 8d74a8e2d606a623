import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HANDOFF_MS, SessionHandoff } from './session-handoff.js';

const session = { workspaceId: 'w', contactId: 'c', createdAt: 1, lastUsedAt: 2, revoked: false };

test('session handoff: a row is taken once, and only while fresh', () => {
  let clock = 0;
  const handoff = new SessionHandoff(() => clock);
  handoff.put('h', session);
  assert.deepEqual(handoff.take('h'), session);
  assert.equal(handoff.take('h'), undefined, 'taken once');
  handoff.put('h', session);
  clock += HANDOFF_MS + 1;
  assert.equal(handoff.take('h'), undefined, 'too old: read again');
  assert.equal(handoff.take('unknown'), undefined);
});

test('session handoff: rows never taken are dropped, the oldest first', () => {
  const handoff = new SessionHandoff(() => 0);
  for (let n = 0; n <= 10_000; n++) handoff.put(`h${n}`, session);
  assert.equal(handoff.take('h0'), undefined);
  assert.deepEqual(handoff.take('h10000'), session);
  assert.deepEqual(handoff.take('h1'), session);
});

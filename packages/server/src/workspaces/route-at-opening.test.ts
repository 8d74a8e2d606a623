import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryBackend, type Principal } from '@confab/core';
import { routeAtOpening } from './route-at-opening.js';

const ANNA: Principal = { kind: 'agent', agentId: 'anna' };
const anna = {
  type: 'agent.upserted' as const,
  agent: {
    id: 'anna',
    name: 'Anna',
    email: 'anna@team.example',
    availability: 'available' as const,
    role: 'admin' as const,
    invitePending: false,
    lastSeenAt: null,
    disabled: false,
  },
};
const nineToFive = [{ open: '09:00', close: '17:00' }];

describe('routing at the opening of business hours (issue 17, G1)', () => {
  it('a chat from Sunday waits unassigned; the sweeps after Monday’s opening route it once, and never again', async () => {
    // Sunday 11 January 2026, 12:00 in Amsterdam.
    const memory = createMemoryBackend({ seed: [anna], startTime: Date.UTC(2026, 0, 11, 11, 0) });
    const { backend } = memory;
    await backend.ready;
    await backend.execute(ANNA, {
      type: 'settings.update',
      patch: { hours: { enabled: true, timeZone: 'Europe/Amsterdam', week: [nineToFive, [], [], [], [], [], []] } },
    });
    const { result } = await backend.execute({ kind: 'system' }, { type: 'visitor.create', name: 'Emma' });
    const emma: Principal = { kind: 'visitor', contactId: result!['contactId']! };
    const started = await backend.execute(emma, { type: 'visitor.startChat', text: 'Open on Sunday?' });
    const chat = () => backend.state.conversations.get(started.result!['conversationId']!)!;
    assert.equal(chat().assigneeId, null, 'closed: it waits');
    assert.equal(await routeAtOpening(backend, memory.now()), false, 'still closed: nothing to do');
    // Monday 09:00 in Amsterdam (08:00 UTC).
    memory.advanceClock(Date.UTC(2026, 0, 12, 8, 0) - memory.now());
    assert.equal(await routeAtOpening(backend, memory.now()), true);
    assert.equal(chat().assigneeId, 'anna');
    const seq = backend.seq;
    assert.equal(await routeAtOpening(backend, memory.now()), false, 'nothing waits any more');
    assert.equal(backend.seq, seq, 'and nothing was written');
    // Anna hands it back to the queue at 09:03: the next sweeps leave her choice alone.
    memory.advanceClock(3 * 60_000);
    await backend.execute(ANNA, { type: 'conversation.assign', conversationId: chat().id, assigneeId: null });
    memory.advanceClock(60_000);
    await routeAtOpening(backend, memory.now());
    assert.equal(chat().assigneeId, null, 'the opening was routed already: the same command id changes nothing');
    memory.advanceClock(10 * 60_000);
    assert.equal(await routeAtOpening(backend, memory.now()), false, 'past the opening');
    assert.equal(chat().assigneeId, null);
  });
});

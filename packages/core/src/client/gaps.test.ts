import { expect } from '@open-wc/testing';
import { createInboxClient } from './client.js';
import { createMemoryBackend } from '../transport/memory.js';
import { createMemoryPersistence } from '../persistence/persistence.js';
import { snapshotFor } from '../engine/engine.js';
import type { ConfabEvent } from '../protocol/events.js';

const RETENTION = 300;

async function until(check: () => boolean, what: string, timeoutMs = 10_000) {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** `count` events the agent sees: teammates changing name and availability. */
function agentUpdates(count: number, from: number): ConfabEvent[] {
  const events: ConfabEvent[] = [];
  for (let i = from; i < from + count; i += 1) {
    events.push({
      type: 'agent.upserted',
      agent: {
        id: `agent-${i % 7}`,
        name: `Agent ${i}`,
        email: `agent${i % 7}@team.example`,
        availability: i % 2 ? 'away' : 'available',
        role: 'admin',
        invitePending: false,
        lastSeenAt: null,
        disabled: false,
      },
    });
  }
  return events;
}

describe('gaps: a client that missed events catches up to the server', () => {
  for (const missed of [0, 1, 299, 300, 10_000]) {
    it(`after missing ${missed} events it holds the server's state${missed > RETENTION ? ', through a full resync it reports' : ', by resuming'}`, async function () {
      this.timeout(60_000);
      const memory = createMemoryBackend({ retention: RETENTION, seed: agentUpdates(5, 0) });
      await memory.backend.ready;
      const transport = memory.transport();
      const client = createInboxClient({
        transport,
        token: memory.agentToken('agent-1'),
        persistence: createMemoryPersistence(),
      });
      try {
        await until(() => client.status.get().ready, 'ready');
        transport.goOffline();
        await until(() => client.connection.get() === 'offline', 'offline');
        if (missed) await memory.backend.append(agentUpdates(missed, 100));
        transport.goOnline();
        const server = () =>
          JSON.stringify(snapshotFor(memory.backend.state, { kind: 'agent', agentId: 'agent-1' }, 0).agents);
        const replica = () => JSON.stringify([...client.store.state.agents.values()]);
        await until(
          () => client.connection.get() === 'online' && replica() === server(),
          'the replica equals the server',
        );
        expect(client.status.get().resyncs, 'resyncs reported').to.equal(missed > RETENTION ? 1 : 0);
      } finally {
        client.close();
      }
    });
  }
});

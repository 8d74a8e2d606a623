import { expect } from '@open-wc/testing';
import { createInboxClient, createVisitorClient } from './client.js';
import { createMemoryBackend, type MemoryBackend } from '../transport/memory.js';
import { demoSeed } from '../testing/demo-data.js';
import type { Client } from './types.js';
import type { Command } from '../protocol/commands.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

async function until(check: () => boolean, what: string, timeoutMs = 5000) {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Two clients of one namespace on IndexedDB are two tabs of one browser (BroadcastChannel reaches both). */
describe('other tabs follow an identity switch (issue 14 item 6)', () => {
  let memory: MemoryBackend;
  const clients: Array<Client<Command>> = [];
  const track = <T extends Client<never>>(client: T) => {
    clients.push(client as unknown as Client<Command>);
    return client;
  };
  const namespace = () => `tabs-${Math.random().toString(36).slice(2)}`;

  beforeEach(async () => {
    memory = createMemoryBackend({ startTime: T0, seed: demoSeed(T0) });
    await memory.backend.ready;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  it('an agent signs out in one tab: the other tab empties its inbox, rejects its unsent commands and stops with session-expired', async () => {
    const ns = namespace();
    const token = memory.agentToken('agent-anna');
    const one = track(createInboxClient({ transport: memory.transport(), token, namespace: ns }));
    const two = track(createInboxClient({ transport: memory.transport(), token, namespace: ns }));
    await until(() => one.status.get().ready && two.status.get().ready, 'both tabs ready');
    expect(two.store.state.conversations.size).to.be.greaterThan(0);
    const offline = memory.transport();
    offline.goOffline();
    const three = track(createInboxClient({ transport: offline, token, namespace: `${ns}-elsewhere` }));

    await one.forget();
    await until(() => two.stopped.get() === 'session-expired', 'tab two stopped');
    expect(two.status.get().principal).to.equal(null);
    expect(two.store.state.conversations.size).to.equal(0);
    expect(two.connection.get()).to.equal('offline');
    expect(
      await two.send({ type: 'agent.setAvailability', availability: 'away' }).catch((error) => error.code),
    ).to.equal('offline');
    expect(three.stopped.get(), 'another namespace is not another tab of this client').to.equal(null);
  });

  it('a visitor tab identifies as someone else: the tab still showing the person before drops them', async () => {
    const identities = { 'token-ann': { email: 'ann@example.com' }, 'token-bob': { email: 'bob@example.com' } };
    memory = createMemoryBackend({ startTime: T0, identities });
    await memory.backend.ready;
    const ns = namespace();
    const ann = track(createVisitorClient({ transport: memory.transport(), namespace: ns, identity: 'token-ann' }));
    await ann.send({ type: 'visitor.startChat', text: 'Ann here' });
    const annsOtherTab = track(createVisitorClient({ transport: memory.transport(), namespace: ns }));
    await until(() => annsOtherTab.store.state.conversations.size === 1, 'the other tab shows Ann’s chat');
    await ann.close();

    track(createVisitorClient({ transport: memory.transport(), namespace: ns, identity: 'token-bob' }));
    await until(() => annsOtherTab.stopped.get() === 'session-expired', 'the other tab stopped');
    expect(annsOtherTab.store.state.conversations.size).to.equal(0);
    expect(annsOtherTab.status.get().principal).to.equal(null);
  });
});

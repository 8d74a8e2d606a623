// Issue 21: a token refreshed without a new client (setToken), over the memory transport. The same
// over real sockets is in packages/server/src/token-refresh.test.ts.
import { expect } from '@open-wc/testing';
import { createInboxClient, createVisitorClient } from './client.js';
import { createMemoryBackend, type MemoryBackend } from '../transport/memory.js';
import { createMemoryPersistence, type Persistence } from '../persistence/persistence.js';
import type { InboxClient } from './types.js';
import type { ServerFrame } from '../protocol/frames.js';
import type { Transport } from '../transport/transport.js';
import { ConfabError } from '../protocol/errors.js';
import { agentUpserted, until } from '../store/store-fixtures.test-util.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

/** The frames a transport hands its client, by type. */
function counting(transport: Transport) {
  const received: ServerFrame[] = [];
  const counted: Transport = {
    connect: (listener) =>
      transport.connect({
        state: listener.state,
        frame(frame) {
          received.push(frame);
          listener.frame(frame);
        },
      }),
    send: (frame) => transport.send(frame),
    disconnect: () => transport.disconnect(),
  };
  return {
    transport: counted,
    received,
    count: (type: ServerFrame['type']) => received.filter((f) => f.type === type).length,
  };
}

describe('refreshing a token without a new client', () => {
  let memory: MemoryBackend;
  const clients: InboxClient[] = [];
  let conversationId: string;

  beforeEach(async () => {
    memory = createMemoryBackend({
      startTime: T0,
      seed: [agentUpserted('agent-1', 'Ann'), agentUpserted('agent-2', 'Bo')],
    });
    await memory.backend.ready;
    const visitor = createVisitorClient({ transport: memory.transport(), persistence: createMemoryPersistence() });
    ({ conversationId } = await visitor.send({ type: 'visitor.startChat', text: 'Where is my order?' }));
    await visitor.close();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
  });

  async function signedIn(agentId: string, transport: Transport, persistence: Persistence = createMemoryPersistence()) {
    const client = createInboxClient({ transport, token: memory.agentToken(agentId), persistence });
    clients.push(client);
    await until(() => client.status.get().ready && client.connection.get() === 'online', 'signed in');
    return client;
  }

  const repliesOf = (text: string) =>
    (memory.backend.state.messages.get(conversationId) ?? []).filter((message) => message.text === text).length;

  it("keeps the same agent's replica, outbox and draft, sends what was queued once, and fetches nothing in full", async () => {
    const link = memory.transport();
    const { transport, count } = counting(link);
    const client = await signedIn('agent-1', transport);
    client.drafts.set(conversationId, 'half a sentence');
    link.goOffline();
    const sent = client.send({ type: 'message.reply', conversationId, text: 'Queued before the refresh' });
    expect(client.pending.get().map((entry) => entry.state)).to.deep.equal(['queued']);

    client.setToken(memory.agentToken('agent-1'));
    link.goOnline();
    await sent;

    expect(repliesOf('Queued before the refresh')).to.equal(1);
    expect(client.status.get().principal).to.deep.equal({ kind: 'agent', agentId: 'agent-1' });
    expect(client.drafts.get(conversationId)).to.equal('half a sentence');
    expect(client.store.conversation(conversationId)).to.not.equal(undefined);
    expect(count('welcome')).to.equal(2);
    expect(count('snapshot'), 'the refresh resumed instead of fetching everything').to.equal(1);
    expect(client.status.get().resyncs).to.equal(0);
  });

  it('renews the link at once: the next hello carries the new token', async () => {
    const { transport, count } = counting(memory.transport());
    const client = await signedIn('agent-1', transport);
    const fresh = memory.agentToken('agent-1');
    client.setToken(fresh);
    await until(() => count('welcome') === 2, 'a second welcome');
    const replied = await client.send({ type: 'message.reply', conversationId, text: 'After the refresh' });
    expect(replied).to.be.an('object');
    expect(repliesOf('After the refresh')).to.equal(1);
    expect(count('snapshot')).to.equal(1);
  });

  it("drops the outbox, drafts and replica when the new token is another agent's, and starts from their snapshot", async () => {
    const link = memory.transport();
    const { transport, count } = counting(link);
    const client = await signedIn('agent-1', transport);
    client.drafts.set(conversationId, "Ann's draft");
    link.goOffline();
    const sent = client.send({ type: 'message.reply', conversationId, text: "Ann's queued reply" });
    const refused = sent.then(
      () => null,
      (error: unknown) => error,
    );

    client.setToken(memory.agentToken('agent-2'));
    link.goOnline();
    const error = await refused;

    expect(error).to.be.instanceOf(ConfabError);
    expect((error as ConfabError).code).to.equal('forbidden');
    await until(() => client.status.get().ready, 'ready as the other agent');
    expect(client.status.get().principal).to.deep.equal({ kind: 'agent', agentId: 'agent-2' });
    expect(client.pending.get()).to.deep.equal([]);
    expect(client.drafts.get(conversationId)).to.equal('');
    expect(count('snapshot'), "a snapshot of the other agent's inbox").to.equal(2);
    // Never sent, not even later.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(repliesOf("Ann's queued reply")).to.equal(0);
  });

  it('a reload with a fresh token of the same agent still sends the stored outbox; one of another agent does not', async () => {
    const persistence = createMemoryPersistence();
    const link = memory.transport();
    const before = await signedIn('agent-1', link, persistence);
    link.goOffline();
    void before
      .send({ type: 'message.reply', conversationId, text: 'Stored across the reload' })
      .catch(() => undefined);
    await before.close();

    const other = await signedIn('agent-2', memory.transport(), persistence);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(other.pending.get()).to.deep.equal([]);
    expect(repliesOf('Stored across the reload')).to.equal(0);
    await other.close();

    const after = await signedIn('agent-1', memory.transport(), persistence);
    await until(() => after.pending.get().length === 0, 'the outbox sent');
    expect(repliesOf('Stored across the reload')).to.equal(1);
  });

  it('a token set before the client started is the only one it signs in with', async () => {
    const { transport, received } = counting(memory.transport());
    const client = createInboxClient({
      transport,
      token: memory.agentToken('agent-1'),
      persistence: createMemoryPersistence(),
    });
    clients.push(client);
    client.setToken(memory.agentToken('agent-2'));
    await until(() => client.status.get().ready && client.connection.get() === 'online', 'signed in');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const welcomed = received.flatMap((frame) => (frame.type === 'welcome' ? [frame.principal] : []));
    expect(welcomed.length).to.be.greaterThan(0);
    expect(welcomed.every((principal) => principal.kind === 'agent' && principal.agentId === 'agent-2')).to.equal(true);
    expect(client.status.get().principal).to.deep.equal({ kind: 'agent', agentId: 'agent-2' });
  });

  it('brings a stopped client back: a refused token, then a good one', async () => {
    const client = createInboxClient({
      transport: memory.transport(),
      token: 'no-such-token',
      persistence: createMemoryPersistence(),
    });
    clients.push(client);
    await until(() => client.stopped.get() !== null, 'stopped');
    expect(client.stopped.get()).to.equal('unauthenticated');

    client.setToken(memory.agentToken('agent-1'));
    await until(() => client.status.get().ready, 'ready with the good token');
    expect(client.stopped.get()).to.equal(null);
    expect(client.store.conversation(conversationId)).to.not.equal(undefined);
  });
});

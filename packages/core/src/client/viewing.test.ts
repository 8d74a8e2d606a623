import { expect } from '@open-wc/testing';
import { createInboxClient, createVisitorClient } from './client.js';
import { createViewingNotice } from './viewing.js';
import { createMemoryBackend, type MemoryBackend } from '../transport/memory.js';
import { createMemoryPersistence } from '../persistence/persistence.js';
import type { InboxClient, VisitorClient } from './types.js';
import { agentUpserted, until } from '../store/store-fixtures.test-util.js';

describe('collision: who else has a conversation open (issue 16)', () => {
  let memory: MemoryBackend;
  const clients: Array<InboxClient | VisitorClient> = [];
  const agentClient = (agentId: string) => {
    const client = createInboxClient({
      transport: memory.transport(),
      token: memory.agentToken(agentId),
      persistence: createMemoryPersistence(),
    });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    memory = createMemoryBackend({ seed: [agentUpserted('ann', 'Ann'), agentUpserted('bo', 'Bo')] });
    await memory.backend.ready;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  it('a teammate hears "viewing" until the viewer leaves or closes; the viewer and the visitor hear nothing of it', async () => {
    const visitor = createVisitorClient({ transport: memory.transport(), persistence: createMemoryPersistence() });
    clients.push(visitor);
    await until(() => visitor.status.get().ready, 'visitor ready');
    const { conversationId } = await visitor.send({ type: 'visitor.startChat', text: 'Hello' });
    const ann = agentClient('ann');
    const bo = agentClient('bo');
    await until(() => ann.status.get().ready && bo.status.get().ready, 'agents ready');

    await ann.send({ type: 'viewing', conversationId, viewing: true });
    await until(() => bo.viewing.get().length === 1, 'Bo hears Ann viewing');
    expect(bo.viewing.get()).to.deep.equal([{ conversationId, agentId: 'ann', name: 'Ann', viewing: true }]);
    await ann.send({ type: 'viewing', conversationId, viewing: false });
    await until(() => bo.viewing.get().length === 0, 'Ann left the conversation');

    await ann.send({ type: 'viewing', conversationId, viewing: true });
    await until(() => bo.viewing.get().length === 1, 'Ann views again');
    await ann.close();
    await until(() => bo.viewing.get().length === 0, "closing Ann's link ends her viewing for Bo at once");
    expect(ann.viewing.get(), 'one does not hear oneself').to.deep.equal([]);
    expect(visitor.typing.get(), 'the visitor heard no signal').to.deep.equal([]);
  });

  it('a visitor cannot say they view, and nobody can view a conversation that does not exist', async () => {
    const visitor = createVisitorClient({ transport: memory.transport(), persistence: createMemoryPersistence() });
    clients.push(visitor);
    await until(() => visitor.status.get().ready, 'visitor ready');
    const principal = visitor.status.get().principal!;
    await memory.backend
      .execute(principal, { type: 'viewing', conversationId: 'c-any', viewing: true })
      .then(() => expect.fail('a visitor viewing was accepted'))
      .catch((error: { code?: string }) => expect(error.code).to.equal('forbidden'));
    await memory.backend
      .execute({ kind: 'agent', agentId: 'ann' }, { type: 'viewing', conversationId: 'c-none', viewing: true })
      .then(() => expect.fail('viewing a missing conversation was accepted'))
      .catch((error: { code?: string }) => expect(error.code).to.equal('not-found'));
  });

  it('the notice says "viewing" on open, repeats it while open, and ends it on switching or stopping', async () => {
    const said: Array<[string, boolean]> = [];
    const notice = createViewingNotice((conversationId, viewing) => said.push([conversationId, viewing]), 30);
    notice.view('c1');
    notice.view('c1');
    expect(said).to.deep.equal([['c1', true]]);
    await until(() => said.length >= 3, 'repeated while open');
    notice.view('c2');
    expect(said.slice(-2)).to.deep.equal([
      ['c1', false],
      ['c2', true],
    ]);
    notice.stop();
    const count = said.length;
    expect(said[count - 1]).to.deep.equal(['c2', false]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(said.length, 'no repeat after stop').to.equal(count);
  });
});

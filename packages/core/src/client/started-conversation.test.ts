import { expect } from '@open-wc/testing';
import { createVisitorClient, startedConversation } from './client.js';
import { createMemoryBackend, type MemoryBackend, type MemoryTransport } from '../transport/memory.js';
import { openPersistence } from '../persistence/persistence.js';
import { CHAT_START_WINDOW_MS, MAX_CHAT_STARTS_PER_WINDOW } from '../engine/visitor-commands.js';
import type { ClientFrame } from '../protocol/frames.js';
import type { VisitorClient } from './types.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000) {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Records every frame the client sends over this link. */
function recorded(link: MemoryTransport): ClientFrame[] {
  const frames: ClientFrame[] = [];
  const send = link.send.bind(link);
  link.send = (frame) => {
    frames.push(frame);
    send(frame);
  };
  return frames;
}

async function storedTexts(ns: string): Promise<string[]> {
  const storage = await openPersistence(ns);
  try {
    const records = await storage.entries<{ command: { text?: string } }>(`${ns}:visitor:outbox:`);
    return records.map(([, record]) => record.command.text ?? '');
  } finally {
    storage.close?.();
  }
}

describe('messages in a chat not started yet (issue 14, DESIGN §5)', () => {
  let memory: MemoryBackend;
  const clients: VisitorClient[] = [];
  const track = (client: VisitorClient) => {
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    memory = createMemoryBackend({ startTime: T0 });
    await memory.backend.ready;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  const serverTexts = (conversationId: string) =>
    (memory.backend.state.messages.get(conversationId) ?? []).map((message) => message.text);

  it('W2 a first-time visitor offline from the start writes three messages, reloads, comes online: each arrives once, in order, and no placeholder reaches the server', async () => {
    const ns = `started-${Math.random().toString(36).slice(2)}`;
    const offline = memory.transport();
    offline.goOffline();
    const first = track(createVisitorClient({ transport: offline, namespace: ns }));
    void first.send({ type: 'visitor.startChat', text: 'one' }).catch(() => undefined);
    const startId = first.pending.get()[0].id;
    for (const text of ['two', 'three'])
      void first
        .send({ type: 'visitor.message', conversationId: startedConversation(startId), text })
        .catch(() => undefined);
    expect(first.status.get().principal, 'no session yet').to.equal(null);
    expect(first.pending.get().map((entry) => entry.state)).to.deep.equal(['queued', 'queued', 'queued']);
    await first.close();
    expect((await storedTexts(ns)).sort(), 'all three stored before any session').to.deep.equal([
      'one',
      'three',
      'two',
    ]);

    // The reload: a new page, online.
    const link = memory.transport();
    const frames = recorded(link);
    const again = track(createVisitorClient({ transport: link, namespace: ns }));
    await until(() => again.pending.get().length === 0 && again.status.get().ready, 'the outbox delivered');
    const conversations = [...memory.backend.state.conversations.values()];
    expect(conversations).to.have.length(1);
    expect(serverTexts(conversations[0].id)).to.deep.equal(['one', 'two', 'three']);
    const commands = frames.filter((frame) => frame.type === 'command');
    expect(commands).to.have.length(3);
    expect(JSON.stringify(commands)).not.to.include('pending:');
    expect(await storedTexts(ns), 'the stored outbox is empty').to.deep.equal([]);
  });

  it('W2 messages written while the start is on its way are drawn in its conversation at once and sent with its real id', async () => {
    const client = track(createVisitorClient({ transport: memory.transport(), namespace: `started-${Math.random()}` }));
    await until(() => client.status.get().ready, 'ready');
    const started = client.send({ type: 'visitor.startChat', text: 'Hello' });
    const startId = client.pending.get()[0].id;
    const next = client.send({
      type: 'visitor.message',
      conversationId: startedConversation(startId),
      text: 'Anyone?',
    });
    await until(() => client.store.state.conversations.size === 1, 'the chat drawn early');
    const { conversationId } = await started;
    await next;
    expect(serverTexts(conversationId)).to.deep.equal(['Hello', 'Anyone?']);
    expect((client.store.state.messages.get(conversationId) ?? []).map((message) => message.text)).to.deep.equal([
      'Hello',
      'Anyone?',
    ]);
  });

  it('a refused start fails the messages that wait for it (never sent), and Try again on one of them sends them all, in order', async () => {
    const client = track(createVisitorClient({ transport: memory.transport(), namespace: `started-${Math.random()}` }));
    await until(() => client.status.get().ready, 'ready');
    for (let index = 0; index < MAX_CHAT_STARTS_PER_WINDOW; index += 1)
      await client.send({ type: 'visitor.startChat', text: `chat ${index}` });
    const start = client.send({ type: 'visitor.startChat', text: 'one too many' });
    const startId = client.pending.get()[0].id;
    const waiting = ['still there?', 'hello?'].map((text) =>
      client.send({ type: 'visitor.message', conversationId: startedConversation(startId), text }),
    );
    const refusals = await Promise.all(
      [start, ...waiting].map((sent) =>
        sent.then(
          () => null,
          (error) => error,
        ),
      ),
    );
    expect(refusals.map((error) => error?.rule)).to.deep.equal(['chat-limit', 'chat-limit', 'chat-limit']);
    expect(client.pending.get().map((entry) => [entry.state, entry.error?.rule])).to.deep.equal([
      ['failed', 'chat-limit'],
      ['failed', 'chat-limit'],
      ['failed', 'chat-limit'],
    ]);
    expect(memory.backend.state.conversations.size, 'nothing reached the server').to.equal(MAX_CHAT_STARTS_PER_WINDOW);

    memory.advanceClock(CHAT_START_WINDOW_MS);
    await client.retry(client.pending.get()[2].id);
    await until(() => client.pending.get().length === 0, 'all three delivered');
    const conversation = [...memory.backend.state.conversations.values()].find(
      (candidate) => serverTexts(candidate.id)[0] === 'one too many',
    );
    expect(serverTexts(conversation!.id)).to.deep.equal(['one too many', 'still there?', 'hello?']);
  });

  it('discarding a start discards what waits for it', async () => {
    const offline = memory.transport();
    offline.goOffline();
    const client = track(createVisitorClient({ transport: offline, namespace: `started-${Math.random()}` }));
    const start = client.send({ type: 'visitor.startChat', text: 'one' });
    const startId = client.pending.get()[0].id;
    const next = client.send({ type: 'visitor.message', conversationId: startedConversation(startId), text: 'two' });
    client.discard(startId);
    const outcomes = await Promise.all(
      [start, next].map((sent) =>
        sent.then(
          () => 'sent',
          (error) => error.code,
        ),
      ),
    );
    expect(outcomes).to.deep.equal(['offline', 'offline']);
    expect(client.pending.get()).to.deep.equal([]);
  });
});

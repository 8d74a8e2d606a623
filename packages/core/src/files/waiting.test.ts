import { expect } from '@open-wc/testing';
import { createInboxClient, createVisitorClient } from '../client/client.js';
import type { InboxClient, VisitorClient } from '../client/types.js';
import { ConfabError } from '../protocol/errors.js';
import { createMemoryPersistence } from '../persistence/persistence.js';
import { createWebSocketTransport } from '../transport/websocket.js';

interface ServerInfo {
  url: string;
  wsUrl: string;
  agentToken: string;
}

/** The reference server web-test-runner.config.js starts on loopback. */
async function server(): Promise<ServerInfo> {
  return (await (await fetch('/__confab/server.json')).json()) as ServerInfo;
}

async function waitFor<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 8000): Promise<T> {
  const start = performance.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function png(name: string): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = 40;
  canvas.height = 30;
  canvas.getContext('2d')!.fillRect(0, 0, 40, 30);
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((made) => resolve(made!), 'image/png'));
  return new File([blob], name, { type: 'image/png' });
}

/** Counts the uploads this page starts (POST /api/files), whoever starts them. */
function countUploads() {
  const open = XMLHttpRequest.prototype.open;
  let count = 0;
  XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL) {
    if (method === 'POST' && String(url).endsWith('/api/files')) count += 1;
    open.call(this, method, url, true);
  } as typeof open;
  return { count: () => count, restore: () => (XMLHttpRequest.prototype.open = open) };
}

/** Nobody answers here: the client stays offline. */
const OFFLINE_URL = 'ws://127.0.0.1:9/ws';

describe('files that wait in the outbox (issue 16)', () => {
  const clients: Array<VisitorClient | InboxClient> = [];
  let uploads: ReturnType<typeof countUploads> | null = null;

  afterEach(async () => {
    uploads?.restore();
    uploads = null;
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  it('a chat started offline with an image waits in IndexedDB with its file, survives a reload, uploads the file once and is sent once under the same command id', async () => {
    const info = await server();
    const namespace = `waiting-${Math.random().toString(36).slice(2, 10)}`;
    const text = `Offline with a photo ${namespace}`;
    const before = createVisitorClient({
      transport: createWebSocketTransport({ url: OFFLINE_URL }),
      namespace,
      filesUrl: `${info.url}/api/files`,
    });
    void before.send({ type: 'visitor.startChat', text }, [await png('offline.png')]).catch(() => undefined);
    const [queued] = before.pending.get();
    expect(queued!.files!.map((file) => file.name)).to.deep.equal(['offline.png']);
    // The page goes away: what was written is in IndexedDB (a Blob survives there).
    await before.close();

    uploads = countUploads();
    const agent = createInboxClient({
      transport: createWebSocketTransport({ url: info.wsUrl }),
      token: info.agentToken,
      persistence: createMemoryPersistence(),
    });
    clients.push(agent);
    const after = createVisitorClient({
      transport: createWebSocketTransport({ url: info.wsUrl }),
      namespace,
      filesUrl: `${info.url}/api/files`,
    });
    clients.push(after);
    const restored = await waitFor(() => after.pending.get()[0], 'the restored command');
    expect(restored.id, 'the same command id').to.equal(queued!.id);
    expect(restored.files?.[0]).to.be.instanceOf(Blob);
    await waitFor(() => after.status.get().ready && after.pending.get().length === 0, 'sent');

    const conversation = await waitFor(
      () => [...agent.store.state.conversations.values()].find((candidate) => candidate.preview === text),
      'the chat in the inbox',
    );
    const messages = await waitFor(() => agent.store.state.messages.get(conversation.id), 'its messages');
    const sent = messages.filter((message) => message.text === text);
    expect(sent, 'the message once').to.have.length(1);
    expect(sent[0]!.attachments.map((file) => [file.name, file.type])).to.deep.equal([['offline.png', 'image/png']]);
    expect(uploads.count(), 'the file uploaded once').to.equal(1);
    // The visitor may fetch what they sent, with their session as a bearer token.
    const file = await fetch(`${info.url}/api/files/${sent[0]!.attachments[0]!.id}`, {
      headers: { authorization: `Bearer ${after.sessionToken()}` },
    });
    expect(file.status).to.equal(200);
    expect((await file.blob()).size).to.equal(restored.files![0]!.size);
  });

  it('a waiting file the server refuses (not what its type says) fails its message with a typed error, and nothing is sent', async () => {
    const info = await server();
    const namespace = `waiting-${Math.random().toString(36).slice(2, 10)}`;
    const client = createVisitorClient({
      transport: createWebSocketTransport({ url: info.wsUrl }),
      namespace,
      filesUrl: `${info.url}/api/files`,
      persistence: createMemoryPersistence(),
    });
    clients.push(client);
    const fake = new File(['plain words, no picture'], 'fake.png', { type: 'image/png' });
    const error = await client.send({ type: 'visitor.startChat', text: 'With a fake' }, [fake]).then(
      () => null,
      (refused: unknown) => refused,
    );
    expect(error).to.be.instanceOf(ConfabError);
    expect((error as ConfabError).code).to.equal('invalid');
    expect((error as ConfabError).path).to.equal('attachments');
    const [failed] = client.pending.get();
    expect(failed!.state, 'kept for Try again or discard').to.equal('failed');
    expect(client.store.state.conversations.size, 'nothing reached the server').to.equal(0);
  });
});

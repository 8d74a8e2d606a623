import { expect } from '@open-wc/testing';
import { runTransportConformance } from '../testing/conformance.js';
import { createWebSocketTransport } from './websocket.js';
import { createInboxClient, createVisitorClient } from '../client/client.js';
import { createMemoryPersistence } from '../persistence/persistence.js';

/** Where the reference server that web-test-runner started for this run listens. */
interface ServerInfo {
  url: string | null;
  wsUrl: string;
  agentToken: string;
}

async function server(): Promise<ServerInfo> {
  const info = (await (await fetch('/__confab/server.json')).json()) as ServerInfo;
  if (!info.url) throw new Error('The reference server did not start for this test run.');
  return info;
}

describe('the WebSocket transport against the reference server', () => {
  runTransportConformance(async () => {
    const info = await server();
    return {
      transport: () => createWebSocketTransport({ url: info.wsUrl, initialDelayMs: 50 }),
      agentToken: info.agentToken,
      // The test run's server ends its links, or counts them, when asked (web-test-runner.config.js).
      breakLinks: async () => void (await fetch('/__confab/break-links', { method: 'POST' })),
      openLinks: async () => ((await (await fetch('/__confab/open-links')).json()) as { openLinks: number }).openLinks,
    };
  });

  it('reports connecting, then online, and offline after disconnect', async () => {
    const info = await server();
    const states: string[] = [];
    const transport = createWebSocketTransport({ url: info.wsUrl });
    transport.connect({ frame: () => undefined, state: (state) => states.push(state) });
    while (!states.includes('online')) await new Promise((resolve) => setTimeout(resolve, 10));
    transport.disconnect();
    expect(states).to.deep.equal(['connecting', 'online', 'offline']);
  });

  it('a refused token fires one `error` event (the error frame and the 4401 close that follows are one cause)', async () => {
    const info = await server();
    const client = createInboxClient({
      transport: createWebSocketTransport({ url: info.wsUrl }),
      token: 'cfa_not-a-token',
      persistence: createMemoryPersistence(),
    });
    const codes: string[] = [];
    client.on('error', (error) => codes.push(error.code));
    while (client.connection.get() !== 'offline' || codes.length === 0)
      await new Promise((resolve) => setTimeout(resolve, 10));
    // The close that ends the link is handled in the same task that reports it offline.
    expect(codes).to.deep.equal(['unauthenticated']);
    await client.close();
  });

  it('W1 carries a visitor chat to an agent and the reply back, over real sockets', async () => {
    const info = await server();
    const inbox = createInboxClient({
      transport: createWebSocketTransport({ url: info.wsUrl }),
      token: info.agentToken,
      persistence: createMemoryPersistence(),
    });
    const visitor = createVisitorClient({
      transport: createWebSocketTransport({ url: info.wsUrl }),
      persistence: createMemoryPersistence(),
    });
    try {
      const text = `Hello over WebSocket ${Math.random()}`;
      const { conversationId } = await visitor.send({ type: 'visitor.startChat', text });
      while (!inbox.store.conversation(conversationId)) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(inbox.store.conversation(conversationId)!.preview).to.equal(text);
      await inbox.send({ type: 'message.reply', conversationId, text: 'Hi, how can I help?' });
      while (!(visitor.store.state.messages.get(conversationId) ?? []).some((m) => m.text === 'Hi, how can I help?')) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      inbox.close();
      visitor.close();
    }
  });
});

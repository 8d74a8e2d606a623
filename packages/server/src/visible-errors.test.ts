// Issue 21, item 2, over real sockets: each cause that stops a client for good reaches it as one
// typed error (one code per cause), and the transport does not retry.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { createInboxClient, createVisitorClient, createWebSocketTransport, type FatalErrorCode } from '@confab/core';
import { startTestServer, type TestServer } from './testing/harness.test-util.js';

/** `ws` with the Origin header a browser page at `origin` would send. */
function socketFrom(origin: string): typeof globalThis.WebSocket {
  return class extends WebSocket {
    constructor(url: string) {
      super(url, { origin });
    }
  } as unknown as typeof globalThis.WebSocket;
}

async function stoppedWith(client: { stopped: { get(): FatalErrorCode | null } }): Promise<FatalErrorCode> {
  const start = Date.now();
  while (!client.stopped.get()) {
    assert.ok(Date.now() - start < 5000, 'the client stops');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return client.stopped.get()!;
}

describe('causes that stop a client, one code each', () => {
  let t: TestServer;
  const consoleError = console.error;
  before(async () => {
    t = await startTestServer({ allowedOrigins: ['https://shop.example'] });
    console.error = () => undefined; // the client tells developers once; not this test's output
  });
  after(async () => {
    console.error = consoleError;
    await t.close();
  });

  test('a widget on a page of an origin the server does not serve: origin-not-allowed, once, and no retry', async () => {
    let opened = 0;
    const Socket = socketFrom('https://evil.example');
    const Counting = class extends (Socket as unknown as typeof WebSocket) {
      constructor(url: string) {
        super(url);
        opened += 1;
      }
    } as unknown as typeof globalThis.WebSocket;
    const client = createVisitorClient({
      transport: createWebSocketTransport({ url: t.wsUrl, WebSocket: Counting, initialDelayMs: 20 }),
    });
    const errors: string[] = [];
    client.on('error', (error) => errors.push(error.code));
    assert.equal(await stoppedWith(client), 'origin-not-allowed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(errors, ['origin-not-allowed']);
    assert.equal(opened, 1, 'no reconnect after a fatal close');
    await client.close();
  });

  test('a refused agent token: unauthenticated', async () => {
    const client = createInboxClient({
      transport: createWebSocketTransport({
        url: t.wsUrl,
        WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      }),
      token: 'cfa_not-a-token',
    });
    assert.equal(await stoppedWith(client), 'unauthenticated');
    await client.close();
  });

  test('an agent disabled while connected: forbidden', async () => {
    const client = createInboxClient({
      transport: createWebSocketTransport({
        url: t.wsUrl,
        WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      }),
      token: t.agentToken,
    });
    const start = Date.now();
    while (!client.status.get().ready) {
      assert.ok(Date.now() - start < 5000, 'signed in');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const me = client.status.get().principal;
    assert.ok(me?.kind === 'agent');
    const disable = await fetch(`${t.url}/api/admin/agents/${me.agentId}/disable`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin' },
    });
    // The other admin remains, so the engine lets the signed-in one be disabled.
    assert.equal(disable.status, 200, await disable.text());
    assert.equal(await stoppedWith(client), 'forbidden');
    await client.close();
  });
});

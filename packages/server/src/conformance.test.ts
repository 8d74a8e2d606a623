// The core's transport conformance suite, run against this server through the core's WebSocket
// transport (Node's `ws` as the WebSocket): ordering, idempotency, resume, projection, typed errors.
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { CLOSE_CODES, createWebSocketTransport } from '@confab/core';
import { runTransportConformance } from '@confab/core/testing';
import { startTestServer, type TestServer } from './testing/harness.test-util.js';

describe('conformance against the reference server', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  runTransportConformance(
    async () => ({
      transport: () =>
        createWebSocketTransport({
          url: t.wsUrl,
          WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
          initialDelayMs: 50,
        }),
      agentToken: t.agentToken,
      breakLinks: () => t.server.backend.endLinks(CLOSE_CODES.serviceRestart, 'conformance: links broken'),
      openLinks: () => t.server.backend.openLinks,
    }),
    { describe, it },
  );
});

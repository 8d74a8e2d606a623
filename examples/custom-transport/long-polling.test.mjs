// The custom transport passes the same conformance suite as Confab's own transports.
import { describe, it } from 'node:test';
import { CLOSE_CODES } from '@confab/core';
import { runTransportConformance } from '@confab/core/testing';
import { startLongPollingBackend } from './long-polling-backend.mjs';
import { createLongPollingTransport } from './long-polling-transport.mjs';

describe('the long-polling example transport', () => {
  runTransportConformance(
    async () => {
      const backend = await startLongPollingBackend();
      return {
        transport: () => createLongPollingTransport({ baseUrl: backend.url, initialDelayMs: 50 }),
        agentToken: backend.agentToken('agent-1'),
        breakLinks: () => backend.backend.endLinks(CLOSE_CODES.serviceRestart, 'conformance: links broken'),
        openLinks: () => backend.backend.openLinks,
        dispose: () => backend.close(),
      };
    },
    { describe, it },
  );
});

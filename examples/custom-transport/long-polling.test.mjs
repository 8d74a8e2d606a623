// The custom transport passes the same conformance suite as Confab's own transports.
import { describe, it } from 'node:test';
import { runTransportConformance } from '@confab/core/testing';
import { startLongPollingBackend } from './long-polling-backend.mjs';
import { createLongPollingTransport } from './long-polling-transport.mjs';

describe('the long-polling example transport', () => {
  runTransportConformance(
    async () => {
      const backend = await startLongPollingBackend();
      return {
        transport: () => createLongPollingTransport({ baseUrl: backend.url }),
        agentToken: backend.agentToken('agent-1'),
        dispose: () => backend.close(),
      };
    },
    { describe, it },
  );
});

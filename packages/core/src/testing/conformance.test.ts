import { runTransportConformance } from './conformance.js';
import { createMemoryBackend } from '../transport/memory.js';
import { CLOSE_CODES } from '../protocol/close-codes.js';

describe('the memory transport', () => {
  runTransportConformance(async () => {
    const memory = createMemoryBackend({
      seed: [
        {
          type: 'agent.upserted',
          agent: {
            id: 'agent-1',
            name: 'Ann',
            email: 'ann@team.example',
            availability: 'available',
            role: 'admin',
            invitePending: false,
            lastSeenAt: null,
            disabled: false,
          },
        },
      ],
    });
    await memory.backend.ready;
    return {
      transport: () => memory.transport(),
      agentToken: memory.agentToken('agent-1'),
      breakLinks: () => memory.backend.endLinks(CLOSE_CODES.serviceRestart, 'conformance: links broken'),
      openLinks: () => memory.backend.openLinks,
    };
  });
});

import type { ConformanceTarget } from './conformance.js';
import { createMemoryBackend } from '../transport/memory.js';
import { CLOSE_CODES } from '../protocol/close-codes.js';
import type { Transport } from '../transport/transport.js';

/**
 * The conformance target of the memory transport: a backend with one agent, its links ended and
 * counted by the hub. `wrap` changes each transport (the broken transports of mutants.test.ts).
 */
export async function memoryTarget(
  wrap: (transport: Transport) => Transport = (transport) => transport,
): Promise<ConformanceTarget> {
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
    transport: () => wrap(memory.transport()),
    agentToken: memory.agentToken('agent-1'),
    breakLinks: () => memory.backend.endLinks(CLOSE_CODES.serviceRestart, 'conformance: links broken'),
    openLinks: () => memory.backend.openLinks,
  };
}

import type { Principal } from '../protocol/frames.js';

/** Who gave a command, as the key of its idempotency record and of the links it may reach. */
export function principalKey(principal: Principal): string {
  switch (principal.kind) {
    case 'agent':
      return `agent:${principal.agentId}`;
    case 'visitor':
      return `visitor:${principal.contactId}`;
    case 'system':
      return 'system';
  }
}

import type { Persistence } from '../persistence/persistence.js';
import type { Principal } from '../protocol/frames.js';

/** Names under which a client stores its things: `<namespace>:<kind>:<name>`. */
const STORED = ['session', 'snapshot', 'drafts', 'identity'] as const;

/**
 * Who this client signs in as: the token (and its hash, computed once per token), whose outbox
 * records it writes, the person an identity token names, and the keys of everything it stores
 * for them (so that it can all be forgotten at once).
 */
export interface Session {
  /** A stored thing's key: `<namespace>:<kind>:<name>`. */
  key(name: (typeof STORED)[number]): string;
  /** Outbox records are `<outboxPrefix><command id>`. */
  readonly outboxPrefix: string;
  readonly token: string;
  setToken(token: string): void;
  /** SHA-256 of the current token, hex: names a snapshot's token without storing the token. */
  tokenHash(): Promise<string>;
  /**
   * Whose outbox records this client writes: their principal key (`agent:<id>`), or before a
   * welcome named them the hash of the token. No one else ever sends them.
   */
  owner: string;
  /** Deletes everything stored for this principal: session, snapshot, outbox, drafts, identity. */
  forgetStored(persistence: Persistence): Promise<void>;
}

export function createSession(namespace: string, kind: 'agent' | 'visitor', initialToken: string): Session {
  const key = (name: string) => `${namespace}:${kind}:${name}`;
  const outboxPrefix = key('outbox:');
  let token = initialToken;
  let hash: Promise<string> | null = null;
  return {
    key,
    outboxPrefix,
    get token() {
      return token;
    },
    setToken(next) {
      if (next === token) return;
      token = next;
      hash = null;
    },
    tokenHash: () => (hash ??= hashToken(token)),
    owner: '',
    async forgetStored(persistence) {
      const records = await persistence.entries(outboxPrefix);
      await Promise.all([
        ...STORED.map((name) => persistence.del(key(name))),
        ...records.map(([recordKey]) => persistence.del(recordKey)),
      ]);
    },
  };
}

export function principalKeyOf(principal: Principal): string {
  return principal.kind === 'agent'
    ? `agent:${principal.agentId}`
    : principal.kind === 'visitor'
      ? `visitor:${principal.contactId}`
      : 'system';
}

/** SHA-256 of a token, hex. */
export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

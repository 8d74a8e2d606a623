import { createHash, randomBytes } from 'node:crypto';
import type { Principal } from '@confab/core';
import type { Authenticator } from '@confab/core/backend';
import type { RevokedAgentToken, TokenStore } from '../storage/sqlite-storage.js';
import { IdentityTokenError, verifyVisitorIdentity, type IdentitySettings, type VerifiedIdentity } from './identity.js';

/** Agent tokens start with this, visitor session tokens with VISITOR_PREFIX: the kind is visible without a lookup. */
export const AGENT_TOKEN_PREFIX = 'cfa_';
export const VISITOR_TOKEN_PREFIX = 'cfv_';
/** Agent session tokens (the inbox's sign-in cookie); see accounts/accounts.ts. */
export const AGENT_SESSION_PREFIX = 'cfs_';

const MAX_TOKEN_LENGTH = 256;

/** A random 256-bit token. */
export function randomToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** What is stored instead of a token. SHA-256 suffices: tokens are 256 random bits, not passwords. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface ServerAuthenticatorOptions {
  store: TokenStore;
  /**
   * Identity verification (createIdentityToken): the accepted keys and the audience, fixed or read
   * at each check (a workspace's keys, which its admins rotate). Off when absent or null.
   */
  identity?: IdentitySettings | (() => Promise<IdentitySettings | null>);
  /** False for agents the engine disabled or does not know. Default: every agent is active. */
  isAgentActive?: (agentId: string) => boolean;
  now?: () => number;
  /** How long a visitor session lives; see DEFAULT_VISITOR_SESSION_LIFETIME. */
  visitorSessionLifetime?: VisitorSessionLifetime;
  /** The agent of a live agent session token (`cfs_…`, the inbox's cookie), or null. Default: none. */
  agentOfSession?: (sessionToken: string) => Promise<string | null>;
}

/** A visitor session ends `idleMs` after its last use, and `absoluteMs` after it began whatever its use. */
export interface VisitorSessionLifetime {
  idleMs: number;
  absoluteMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * 30 days idle: a visitor who comes back within a month finds their chat; a token copied from an
 * abandoned browser stops working. 400 days at most: the longest a browser keeps a cookie (Chrome's
 * cap), so no session outlives what the visitor could expect a site to remember.
 */
export const DEFAULT_VISITOR_SESSION_LIFETIME: VisitorSessionLifetime = {
  idleMs: 30 * DAY_MS,
  absoluteMs: 400 * DAY_MS,
};

/** How old a visitor session's stored last use may get before a hello stores it again. */
export const TOUCH_AFTER_MS = 60 * 60 * 1000;

/** At most an hour, and a small part of a short idle lifetime. */
function touchAfterMs(lifetime: VisitorSessionLifetime): number {
  return Math.min(TOUCH_AFTER_MS, lifetime.idleMs / 24);
}

export interface ServerAuthenticator extends Authenticator {
  /** Issues a new agent token. The token is returned once; only its hash is stored. */
  issueAgentToken(agentId: string, label?: string): Promise<{ id: string; token: string }>;
  /** Revokes a token by id; returns its agent, or null when there was no such live token. */
  revokeAgentToken(id: string): Promise<RevokedAgentToken | null>;
  /** Revokes every session of a visitor. */
  revokeVisitorSessions(contactId: string): Promise<number>;
  /** Whether a token (even an invalid one) claims to be an agent's or a visitor's; empty means a new visitor. */
  claimedKind(token: string): 'agent' | 'visitor' | 'unknown';
}

/**
 * The server's Authenticator: agent tokens issued by the server, random visitor session tokens,
 * and identity tokens signed by the site (DESIGN §5). Tokens are stored hashed.
 */
export function createServerAuthenticator(options: ServerAuthenticatorOptions): ServerAuthenticator {
  const { store } = options;
  const now = options.now ?? Date.now;
  const isAgentActive = options.isAgentActive ?? (() => true);
  const lifetime = options.visitorSessionLifetime ?? DEFAULT_VISITOR_SESSION_LIFETIME;

  return {
    async verify(token: string): Promise<Principal | null> {
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
      const tokenHash = hashToken(token);
      if (token.startsWith(AGENT_TOKEN_PREFIX)) {
        const found = await store.findAgentToken(tokenHash);
        if (!found || !isAgentActive(found.agentId)) return null;
        return { kind: 'agent', agentId: found.agentId };
      }
      if (token.startsWith(AGENT_SESSION_PREFIX)) {
        const agentId = (await options.agentOfSession?.(token)) ?? null;
        return agentId ? { kind: 'agent', agentId } : null;
      }
      if (token.startsWith(VISITOR_TOKEN_PREFIX)) {
        const session = await store.findVisitorSession(tokenHash);
        if (!session) return null;
        const at = now();
        if (at - session.lastUsedAt > lifetime.idleMs || at - session.createdAt > lifetime.absoluteMs) return null;
        // A durable write per hello would make every reconnect (a failover's thousands) a commit:
        // the last use is stored again only once it is old, at the cost of a session ending up to
        // that much before its idle lifetime is up.
        if (at - session.lastUsedAt >= touchAfterMs(lifetime)) await store.touchVisitorSession(tokenHash, at);
        return { kind: 'visitor', contactId: session.contactId };
      }
      return null;
    },

    async issueVisitorSession(contactId: string): Promise<string> {
      const token = randomToken(VISITOR_TOKEN_PREFIX);
      await store.saveVisitorSession(hashToken(token), contactId, now());
      return token;
    },

    async verifyIdentity(identityToken: string): Promise<VerifiedIdentity | null> {
      const settings = typeof options.identity === 'function' ? await options.identity() : options.identity;
      if (!settings) return null;
      try {
        return await verifyVisitorIdentity(identityToken, settings, now());
      } catch (error) {
        // A refused token is the visitor's (or the site's) mistake: the hello goes on unverified.
        if (error instanceof IdentityTokenError) return null;
        throw error;
      }
    },

    async issueAgentToken(agentId: string, label = ''): Promise<{ id: string; token: string }> {
      const token = randomToken(AGENT_TOKEN_PREFIX);
      const id = 'tok_' + randomBytes(9).toString('base64url');
      await store.saveAgentToken({ id, tokenHash: hashToken(token), agentId, label, createdAt: now() });
      return { id, token };
    },

    revokeAgentToken(id: string): Promise<RevokedAgentToken | null> {
      return store.revokeAgentToken(id, now());
    },

    revokeVisitorSessions(contactId: string): Promise<number> {
      return store.revokeVisitorSessions(contactId, now());
    },

    claimedKind(token: string) {
      if (token === '' || (typeof token === 'string' && token.startsWith(VISITOR_TOKEN_PREFIX))) return 'visitor';
      if (typeof token === 'string' && (token.startsWith(AGENT_TOKEN_PREFIX) || token.startsWith(AGENT_SESSION_PREFIX)))
        return 'agent';
      return 'unknown';
    },
  };
}

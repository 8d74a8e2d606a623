import type { Agent, Command, Principal } from '@confab/core';
import { emailKey, isAssignable } from '@confab/core';
import type { Backend } from '@confab/core/backend';
import { AGENT_SESSION_PREFIX, hashToken, randomToken } from '../auth/authenticator.js';
import { HttpError } from '../http/http-util.js';
import type { AccountStore, AuthLinkPurpose } from '../storage/account-store.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, decoyHash, hashPassword, verifyPassword } from './password.js';
import { SignInThrottles } from './throttle.js';
import { DEFAULT_WORKSPACE } from '../storage/workspace-directory.js';

/** Agent session tokens (the `confab_session` cookie) start with this. */
export const SESSION_TOKEN_PREFIX = AGENT_SESSION_PREFIX;
/** One-time invite and reset links carry a token with this prefix (in the URL's fragment). */
export const LINK_TOKEN_PREFIX = 'cfl_';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** An agent session ends `idleMs` after its last use and `absoluteMs` after sign-in, whatever its use. */
export interface AgentSessionLifetime {
  idleMs: number;
  absoluteMs: number;
}

/**
 * 7 days idle: an agent who works the inbox every week stays signed in; a browser left behind
 * signs itself out within a week. 30 days at most: a stolen cookie stops working within a month,
 * and each agent types their password about once a month.
 */
export const DEFAULT_AGENT_SESSION_LIFETIME: AgentSessionLifetime = { idleMs: 7 * DAY_MS, absoluteMs: 30 * DAY_MS };
/** Invite and reset links work once, for 72 hours (a long weekend between sending and opening). */
export const DEFAULT_LINK_LIFETIME_MS = 72 * HOUR_MS;

const SYSTEM: Principal = { kind: 'system' };
/** One reset mail per agent per minute, however often forgot-password is asked. */
export const RESET_MAIL_INTERVAL_MS = 60_000;

export interface AccountsOptions {
  backend: Backend;
  store: AccountStore;
  now?: () => number;
  sessionLifetime?: AgentSessionLifetime;
  linkLifetimeMs?: number;
  /** The workspace these accounts are in: sign-in failures are counted per workspace and email. */
  workspaceId?: string;
  /** The server's throttles, shared by all its workspaces. Default: throttles of these accounts alone. */
  throttles?: SignInThrottles;
}

export interface SignedIn {
  /** The session token: goes into the HttpOnly cookie, never to the page. */
  token: string;
  agent: Agent;
}

/** The one answer to a wrong email or a wrong password, so neither tells whether an account exists. */
function badCredentials(): HttpError {
  return new HttpError(401, 'invalid-credentials', 'The email or password is not right.');
}

/** An agent that may sign in: known to the engine, enabled, past its invitation (the engine's own rule). */
export function isActiveAgent(agent: Agent | undefined): agent is Agent {
  return agent !== undefined && isAssignable(agent);
}

/**
 * Agent accounts over the engine and the account store: sign-in with throttling, sessions,
 * one-time links, passwords. The engine's Agent is the truth about who exists, their role and
 * whether they are enabled; this module keeps passwords and sessions and asks the engine the rest.
 */
export function createAccounts(options: AccountsOptions) {
  const { backend, store } = options;
  const now = options.now ?? Date.now;
  const lifetime = options.sessionLifetime ?? DEFAULT_AGENT_SESSION_LIFETIME;
  const linkLifetimeMs = options.linkLifetimeMs ?? DEFAULT_LINK_LIFETIME_MS;
  const throttles = options.throttles ?? new SignInThrottles();
  const ownWorkspace = options.workspaceId ?? DEFAULT_WORKSPACE;
  /** When each agent was last mailed a reset link: forgot-password must not flood a mailbox. */
  const resetMailedAt = new Map<string, number>();

  function agentByEmail(email: string): Agent | undefined {
    const key = emailKey(email);
    for (const agent of backend.state.agents.values()) if (emailKey(agent.email) === key) return agent;
    return undefined;
  }

  function requirePassword(password: unknown): string {
    if (typeof password !== 'string' || password.length < PASSWORD_MIN_LENGTH)
      throw new HttpError(
        400,
        'weak-password',
        `A password has at least ${PASSWORD_MIN_LENGTH} characters.`,
        'password',
      );
    if (password.length > PASSWORD_MAX_LENGTH)
      throw new HttpError(400, 'invalid', `A password has at most ${PASSWORD_MAX_LENGTH} characters.`, 'password');
    return password;
  }

  async function startSession(agent: Agent): Promise<SignedIn> {
    const token = randomToken(SESSION_TOKEN_PREFIX);
    await store.saveAgentSession({ tokenHash: hashToken(token), agentId: agent.id, createdAt: now() });
    return { token, agent };
  }

  async function setPassword(agentId: string, password: string): Promise<void> {
    await store.setPasswordHash(agentId, await hashPassword(requirePassword(password)), now());
  }

  return {
    sessionLifetime: lifetime,
    agentByEmail,

    /** Whether any agent can sign in with a password (else `/inbox/` explains `create-agent`). */
    async hasAccounts(): Promise<boolean> {
      return (await store.countPasswords()) > 0;
    },

    /**
     * Signs in with email and password. Every refusal of credentials is the same 401 after one
     * scrypt check; a throttled attempt is a 429 (`sign-in-backoff` or `sign-in-locked`) before any
     * check, keyed by the email as typed, so unknown and known emails are throttled alike.
     *
     * @param countAs the workspace the attempt is counted against: these accounts' own, or the
     * name of a workspace that does not exist (whose attempts then lock nothing of a real one)
     */
    async signIn(email: string, password: string, ip: string, countAs = ownWorkspace): Promise<SignedIn> {
      const at = now();
      const accountKey = SignInThrottles.accountKey(countAs, emailKey(email));
      const refusal = throttles.ip.check(ip, at) ?? throttles.account.check(accountKey, at);
      if (refusal) {
        const seconds = Math.ceil(refusal.retryAfterMs / 1000);
        const error = new HttpError(
          429,
          refusal.code,
          refusal.code === 'sign-in-locked'
            ? `Too many failed sign-ins: signing in is locked for ${seconds} s.`
            : `Too many failed sign-ins: wait ${seconds} s before the next try.`,
        );
        throw Object.assign(error, { retryAfterSeconds: seconds });
      }
      const agent = agentByEmail(email);
      const stored = agent ? await store.passwordHash(agent.id) : null;
      const matches = await verifyPassword(password.slice(0, PASSWORD_MAX_LENGTH), stored ?? (await decoyHash()));
      if (!matches || !stored || !isActiveAgent(agent)) {
        throttles.account.fail(accountKey, at);
        throttles.ip.fail(ip, at);
        throw badCredentials();
      }
      throttles.account.succeed(accountKey);
      await backend.execute(SYSTEM, { type: 'agent.signedIn', agentId: agent.id });
      return startSession(backend.state.agents.get(agent.id) ?? agent);
    },

    /** The agent of a live session (its idle time starts again), or null. */
    async sessionAgent(token: string): Promise<Agent | null> {
      if (!token.startsWith(SESSION_TOKEN_PREFIX) || token.length > 256) return null;
      const tokenHash = hashToken(token);
      const session = await store.findAgentSession(tokenHash);
      if (!session) return null;
      const at = now();
      if (at - session.lastUsedAt > lifetime.idleMs || at - session.createdAt > lifetime.absoluteMs) return null;
      const agent = backend.state.agents.get(session.agentId);
      if (!isActiveAgent(agent)) return null;
      await store.touchAgentSession(tokenHash, at);
      return agent;
    },

    /** Ends one session; returns its hash (to close its sockets), or null when it was not live. */
    async signOut(token: string): Promise<string | null> {
      const tokenHash = hashToken(token);
      return (await store.revokeAgentSession(tokenHash, now())) ? tokenHash : null;
    },

    /** Ends every session of an agent; returns their hashes. */
    signOutEverywhere(agentId: string): Promise<string[]> {
      return store.revokeAgentSessions(agentId, now());
    },

    /** A fresh one-time link token for an agent (earlier ones of that purpose stop working). */
    async createLink(agentId: string, purpose: AuthLinkPurpose): Promise<string> {
      const token = randomToken(LINK_TOKEN_PREFIX);
      const createdAt = now();
      await store.saveAuthLink({
        tokenHash: hashToken(token),
        agentId,
        purpose,
        createdAt,
        expiresAt: createdAt + linkLifetimeMs,
      });
      return token;
    },

    /**
     * Sets a password from an invite or reset link and signs in. The password is checked before the
     * link is used, so a too-short one leaves the link working. An invitee becomes active
     * (`agent.activate`); a reset ends every earlier session.
     */
    async setPasswordWithLink(linkToken: string, password: string): Promise<SignedIn> {
      requirePassword(password);
      const link =
        typeof linkToken === 'string' && linkToken.startsWith(LINK_TOKEN_PREFIX)
          ? await store.consumeAuthLink(hashToken(linkToken), now())
          : null;
      const agent = link ? backend.state.agents.get(link.agentId) : undefined;
      if (!link || !agent || agent.disabled)
        throw new HttpError(400, 'invalid-link', 'This link has expired or was already used. Ask for a new one.');
      await setPassword(agent.id, password);
      if (link.purpose === 'invite' && agent.invitePending)
        await backend.execute(SYSTEM, { type: 'agent.activate', agentId: agent.id });
      else await store.revokeAgentSessions(agent.id, now());
      await backend.execute(SYSTEM, { type: 'agent.signedIn', agentId: agent.id });
      return startSession(backend.state.agents.get(agent.id) ?? agent);
    },

    /** Creates an active agent through the engine (`agent.create`) with a password: the first admin. */
    async createAgent(input: { email: string; name: string; role: Agent['role']; password: string }): Promise<Agent> {
      requirePassword(input.password);
      const command: Command = { type: 'agent.create', email: input.email, name: input.name, role: input.role };
      const outcome = await backend.execute(SYSTEM, command);
      const agentId = outcome.result?.agentId;
      const agent = agentId ? backend.state.agents.get(agentId) : undefined;
      if (!agent) throw new HttpError(500, 'internal', 'The engine created no agent.');
      await setPassword(agent.id, input.password);
      return agent;
    },

    setPassword,

    /** Whether a reset link may be mailed to this agent now: at most one per RESET_MAIL_INTERVAL_MS. */
    takeResetMail(agentId: string): boolean {
      const at = now();
      const last = resetMailedAt.get(agentId);
      if (last !== undefined && at - last < RESET_MAIL_INTERVAL_MS) return false;
      resetMailedAt.set(agentId, at);
      return true;
    },

    sweep(): void {
      const at = now();
      for (const [agentId, mailedAt] of resetMailedAt)
        if (at - mailedAt >= RESET_MAIL_INTERVAL_MS) resetMailedAt.delete(agentId);
      // Shared throttles are swept by the server, once for all workspaces.
      if (!options.throttles) throttles.sweep(at);
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;

import type { IncomingMessage } from 'node:http';
import { canManageTeam, type Agent } from '@confab/core';
import { isActiveAgent } from '../accounts/accounts.js';
import { requireRecord, requiredText } from '../channels/validate.js';
import { CLOSE_UNAUTHENTICATED } from '../ws/gateway.js';
import { HttpError, clientIp, readJson, sendJson } from './http-util.js';
import { inWorkspace, type RouteContext, type RouteHandler } from './route-context.js';
import { DEFAULT_WORKSPACE, UnknownWorkspaceError, WORKSPACE_ID_PATTERN } from '../storage/workspace-directory.js';
import { hashToken } from '../auth/authenticator.js';
import { workspaceOfToken } from '../workspaces/routing.js';
import {
  cameOverHttps,
  clearedSessionCookie,
  readCookie,
  requireOwnOrigin,
  SESSION_COOKIE,
  sessionCookie,
} from './session-cookie.js';

const BODY_LIMIT = 16 * 1024;

/** What the inbox page learns about the signed-in agent. */
function publicAgent(agent: Agent) {
  return { id: agent.id, name: agent.name, email: agent.email, role: agent.role };
}

/** The invitation or reset link: the token sits in the fragment, which browsers never send to a server. */
export function accountLink(origin: string, purpose: 'invite' | 'reset', token: string): string {
  return `${origin}/inbox/#${purpose}=${token}`;
}

export function invitationMail(agent: Agent, inviter: string, link: string) {
  return {
    to: agent.email,
    subject: 'You are invited to the Confab inbox',
    text: `Hello ${agent.name},\n\n${inviter} invited you to answer conversations in Confab.\nSet your password here (the link works once, for 72 hours):\n\n${link}\n`,
  };
}

function resetMail(agent: Agent, link: string) {
  return {
    to: agent.email,
    subject: 'Reset your Confab password',
    text: `Hello ${agent.name},\n\nSomeone asked to reset the password of your Confab account.\nSet a new password here (the link works once, for 72 hours):\n\n${link}\n\nIf it was not you, ignore this email: your password stays as it is.\n`,
  };
}

/** Names the workspace in answers about a session, unless it is the default one (answers stay as they were). */
function workspaceField(workspaceId: string): { workspace?: string } {
  return workspaceId === DEFAULT_WORKSPACE ? {} : { workspace: workspaceId };
}

/** The signed-in agent of a request's session cookie, or null. */
export async function sessionAgentOf(context: RouteContext, req: IncomingMessage): Promise<Agent | null> {
  const token = readCookie(req, SESSION_COOKIE);
  return token ? context.accounts.sessionAgent(token) : null;
}

/** The context of the workspace a workspace id names; null when it names none (the caller answers as for a wrong password). */
async function namedWorkspace(context: RouteContext, value: unknown): Promise<RouteContext | null> {
  const workspaceId = value === undefined ? DEFAULT_WORKSPACE : value;
  if (typeof workspaceId !== 'string' || !WORKSPACE_ID_PATTERN.test(workspaceId))
    throw new HttpError(400, 'invalid', 'workspace must be a workspace id.', 'workspace');
  try {
    return inWorkspace(context, await context.workspaces.get(workspaceId));
  } catch (error) {
    if (error instanceof UnknownWorkspaceError) return null;
    throw error;
  }
}

/**
 * The workspace a request is about: its session cookie's (a session belongs to the workspace it
 * signed in to), else the `workspace` query parameter's, else the default one.
 */
async function requestWorkspace(context: RouteContext, req: IncomingMessage, url: URL): Promise<RouteContext> {
  const token = readCookie(req, SESSION_COOKIE);
  if (token)
    return inWorkspace(context, await context.workspaces.get(await workspaceOfToken(context.directory, token)));
  return (await namedWorkspace(context, url.searchParams.get('workspace') ?? undefined)) ?? context;
}

async function requireSignedIn(context: RouteContext, req: IncomingMessage): Promise<Agent> {
  const agent = await sessionAgentOf(context, req);
  if (!agent) throw new HttpError(401, 'unauthenticated', 'Sign in first.');
  return agent;
}

function setSession(context: RouteContext, req: IncomingMessage, token: string) {
  const { absoluteMs } = context.accounts.sessionLifetime;
  return {
    'set-cookie': sessionCookie(token, {
      secure: cameOverHttps(req, context.trustProxy),
      maxAgeSeconds: absoluteMs / 1000,
    }),
  };
}

/**
 * The inbox's sign-in (DESIGN §5): `/api/auth/…`. Every POST checks Origin (the cookie is
 * SameSite=Strict as well); answers are typed errors.
 */
export const handleAuthRoutes: RouteHandler = async (rootContext, req, res, url) => {
  const path = url.pathname;
  if (!path.startsWith('/api/auth/')) return false;
  const method = req.method ?? 'GET';
  const context = await requestWorkspace(rootContext, req, url);
  const { accounts } = context;

  if (path === '/api/auth/session' && method === 'GET') {
    const agent = await sessionAgentOf(context, req);
    sendJson(
      res,
      200,
      agent
        ? { signedIn: true, agent: publicAgent(agent), ...workspaceField(context.workspaceId) }
        : { signedIn: false, setupNeeded: !context.demo && !(await accounts.hasAccounts()), demo: context.demo },
    );
    return true;
  }
  if (method !== 'POST') throw new HttpError(405, 'method-not-allowed', 'Use POST.');
  requireOwnOrigin(req, context.ownOrigins(req));

  if (path === '/api/auth/sign-in') {
    const body = requireRecord((await readJson(req, BODY_LIMIT)).value, '');
    const email = requiredText(body.email, 'email');
    const password = typeof body.password === 'string' ? body.password : '';
    // An account belongs to one workspace: the same email may sign in to two, each with its password.
    const named = await namedWorkspace(rootContext, body.workspace);
    const workspace = named ?? rootContext;
    try {
      // A workspace that does not exist is answered as a wrong password, after the same check, and
      // counted against its own name: it never locks out the email in the default workspace.
      const signedIn = named
        ? await workspace.accounts.signIn(email, password, clientIp(req, context.trustProxy))
        : await workspace.accounts.signIn(email, '', clientIp(req, context.trustProxy), String(body.workspace));
      sendJson(
        res,
        200,
        { agent: publicAgent(signedIn.agent), ...workspaceField(workspace.workspaceId) },
        setSession(workspace, req, signedIn.token),
      );
    } catch (error) {
      const retry = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
      if (error instanceof HttpError && retry !== undefined) {
        sendJson(res, error.status, error.body, { 'retry-after': String(retry) });
        return true;
      }
      throw error;
    }
    return true;
  }
  if (path === '/api/auth/sign-out') {
    const token = readCookie(req, SESSION_COOKIE);
    const ended = token ? await accounts.signOut(token) : null;
    if (ended) context.closeSessionSockets([ended], CLOSE_UNAUTHENTICATED, 'signed out');
    sendJson(res, 200, { ok: true }, { 'set-cookie': clearedSessionCookie(cameOverHttps(req, context.trustProxy)) });
    return true;
  }
  if (path === '/api/auth/sign-out-everywhere') {
    const agent = await requireSignedIn(context, req);
    const ended = await accounts.signOutEverywhere(agent.id);
    context.closeSessionSockets(ended, CLOSE_UNAUTHENTICATED, 'signed out everywhere');
    sendJson(
      res,
      200,
      { ok: true, sessions: ended.length },
      { 'set-cookie': clearedSessionCookie(cameOverHttps(req, context.trustProxy)) },
    );
    return true;
  }
  if (path === '/api/auth/set-password') {
    const body = requireRecord((await readJson(req, BODY_LIMIT)).value, '');
    const token = requiredText(body.token, 'token');
    const password = typeof body.password === 'string' ? body.password : '';
    // The link was made in one workspace: the password is set, and the session opened, there.
    const linkWorkspace =
      (await rootContext.directory.workspaceOfCredential('auth-link', hashToken(token))) ?? DEFAULT_WORKSPACE;
    const workspace = inWorkspace(rootContext, await rootContext.workspaces.get(linkWorkspace));
    const signedIn = await workspace.accounts.setPasswordWithLink(token, password);
    sendJson(
      res,
      200,
      { agent: publicAgent(signedIn.agent), ...workspaceField(workspace.workspaceId) },
      setSession(workspace, req, signedIn.token),
    );
    return true;
  }
  if (path === '/api/auth/forgot-password') {
    const body = requireRecord((await readJson(req, BODY_LIMIT)).value, '');
    const email = requiredText(body.email, 'email');
    const workspace = await namedWorkspace(rootContext, body.workspace);
    // The same answer, at once, whether or not the address (or the workspace) has an account: the mail goes out after.
    sendJson(res, 200, { ok: true, mail: context.mailer.enabled });
    if (!workspace) return true;
    const agent = workspace.accounts.agentByEmail(email);
    if (workspace.mailer.enabled && isActiveAgent(agent) && workspace.accounts.takeResetMail(agent.id)) {
      const link = accountLink(
        workspace.linkOrigin(req),
        'reset',
        await workspace.accounts.createLink(agent.id, 'reset'),
      );
      workspace.mailer.sendServerMail(resetMail(agent, link)).catch(() => undefined);
    }
    return true;
  }
  if (path === '/api/auth/invites') {
    const admin = await requireSignedIn(context, req);
    if (!canManageTeam(context.backend.state, admin.id))
      throw new HttpError(403, 'forbidden', 'Only an admin invites teammates.');
    const body = requireRecord((await readJson(req, BODY_LIMIT)).value, '');
    const agentId = requiredText(body.agentId, 'agentId');
    sendJson(res, 200, await sendInvitation(context, agentId, admin.name, req));
    return true;
  }
  throw new HttpError(404, 'not-found', `No route ${method} ${path}.`);
};

/**
 * A fresh one-time invitation link for an invited agent (earlier ones stop working), mailed when
 * the server has SMTP, else handed back once for the admin to pass on.
 */
export async function sendInvitation(
  context: RouteContext,
  agentId: string,
  inviter: string,
  req?: IncomingMessage,
): Promise<{ sent: true } | { sent: false; reason: 'no-smtp'; link: string }> {
  const agent = context.backend.state.agents.get(agentId);
  if (!agent) throw new HttpError(404, 'not-found', `No agent ${agentId}.`, 'agentId');
  if (!agent.invitePending || agent.disabled)
    throw new HttpError(409, 'rule', 'This agent is not waiting for an invitation.', 'agentId');
  const link = accountLink(context.linkOrigin(req), 'invite', await context.accounts.createLink(agent.id, 'invite'));
  if (!context.mailer.enabled) return { sent: false, reason: 'no-smtp', link };
  try {
    await context.mailer.sendServerMail(invitationMail(agent, inviter, link));
  } catch (error) {
    throw new HttpError(502, 'mail-failed', `The invitation could not be sent: ${(error as Error).message}`);
  }
  return { sent: true };
}

import { emailKey, type Command, type Principal } from '@confab/core';
import { CLOSE_REVOKED } from '@confab/core/backend';
import { requireRecord, requiredText } from '../channels/validate.js';
import type { IncomingMessage } from 'node:http';
import { HttpError, decodeSegment, readJson, sendJson } from './http-util.js';
import { handleWebhookRoutes } from './webhook-routes.js';
import { handleApiKeyRoutes } from './api-key-routes.js';
import { normaliseOrigin } from './host-check.js';
import { inWorkspace, type RouteContext, type RouteHandler } from './route-context.js';
import {
  AddressTakenError,
  DEFAULT_WORKSPACE,
  PageTakenError,
  WORKSPACE_ID_PATTERN,
} from '../storage/workspace-directory.js';
import type { MessengerPages } from '../channels/messenger-pages.js';
import { newIdentityKey } from '../auth/workspace-identity.js';
import { bearerWorkspace, issueWorkspaceToken, type Bearer } from '../workspaces/workspace-tokens.js';

const BODY_LIMIT = 16 * 1024;
const SYSTEM: Principal = { kind: 'system' };

function requireRole(value: unknown): 'admin' | 'agent' {
  if (value !== 'admin' && value !== 'agent')
    throw new HttpError(400, 'invalid', 'role must be "admin" or "agent".', 'role');
  return value;
}

/** Runs an engine command as the server (system principal): the engine's rules and events apply. */
async function run(context: RouteContext, command: Command) {
  return context.backend.execute(SYSTEM, command);
}

/** The header with which the server's admin token names the workspace it acts on (default: `default`). */
export const WORKSPACE_HEADER = 'confab-workspace';

/**
 * The workspace an admin request acts on. A workspace's admin token acts on its own workspace and
 * is refused (403, naming nothing of the other) when the header names another; the server's token
 * acts on the workspace the header names.
 */
function adminWorkspace(req: IncomingMessage, bearer: Bearer): string {
  const named = req.headers[WORKSPACE_HEADER];
  if (named === undefined) return bearer.workspaceId;
  if (typeof named !== 'string' || !WORKSPACE_ID_PATTERN.test(named))
    throw new HttpError(400, 'invalid', `${WORKSPACE_HEADER} must be a workspace id.`);
  if (!bearer.server && named !== bearer.workspaceId)
    throw new HttpError(403, 'forbidden', 'This token acts on its own workspace only.');
  return named;
}

/** A Facebook page id (digits, as Facebook gives them; letters too, for tests' and proxies' own ids). */
function requirePageId(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(value))
    throw new HttpError(
      400,
      'invalid',
      'pageId must be the page id Facebook shows (up to 64 letters and digits).',
      'pageId',
    );
  return value;
}

function requirePageToken(value: unknown): string {
  if (typeof value !== 'string' || value.length < 8 || value.length > 1024 || /\s/.test(value))
    throw new HttpError(
      400,
      'invalid',
      'pageToken must be the page access token (8 to 1,024 characters, no spaces).',
      'pageToken',
    );
  return value;
}

/** What GET shows of a page token: enough to tell two apart, never the token. */
function tokenHint(token: string): string {
  return `…${token.slice(-4)}`;
}

/** One mailbox (`support@shop.example`), in the lower case that routing compares. */
function requireMailbox(value: unknown): string {
  const address = typeof value === 'string' ? emailKey(value) : '';
  if (address.length > 254 || !/^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/.test(address))
    throw new HttpError(400, 'invalid', 'address must be one email address, like support@shop.example.', 'address');
  return address;
}

/** Page origins of a site: whole origins (`https://shop.example`), or `*` for any page. */
function requireOrigins(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 50)
    throw new HttpError(400, 'invalid', 'origins must be a list of 1 to 50 origins.', 'origins');
  return value.map((origin, index) => {
    if (origin === '*') return origin;
    const normalised = typeof origin === 'string' ? normaliseOrigin(origin) : null;
    if (!normalised) throw new HttpError(400, 'invalid', 'An origin is scheme://host[:port].', `origins.${index}`);
    return normalised;
  });
}

/** The server operator's routes: workspaces themselves (the server's admin token only). */
async function workspaceRoutes(
  context: RouteContext,
  req: IncomingMessage,
  res: import('node:http').ServerResponse,
  bearer: Bearer,
): Promise<void> {
  if (!bearer.server) throw new HttpError(403, 'forbidden', "Only the server's admin token manages workspaces.");
  if (req.method === 'GET') {
    sendJson(res, 200, { workspaces: await context.directory.listWorkspaces() });
    return;
  }
  if (req.method !== 'POST') throw new HttpError(405, 'method-not-allowed', 'Use GET or POST.');
  const body = requireRecord((await readJson(req, BODY_LIMIT)).value, '');
  sendJson(
    res,
    201,
    await createWorkspace(
      context,
      requiredText(body.id, 'id'),
      body.name === undefined ? undefined : requiredText(body.name, 'name'),
    ),
  );
}

/**
 * Creates a workspace with an admin token and an ingest token (each shown once). The CLI's
 * `create-workspace` and `POST /api/admin/workspaces` both come here.
 */
export async function createWorkspace(
  context: Pick<RouteContext, 'directory' | 'now'>,
  id: string,
  name = id,
): Promise<{ workspace: { id: string; name: string; createdAt: number }; adminToken: string; ingestToken: string }> {
  if (!WORKSPACE_ID_PATTERN.test(id))
    throw new HttpError(400, 'invalid', 'A workspace id has 1 to 63 lower-case letters, digits and dashes.', 'id');
  if (await context.directory.workspace(id))
    throw new HttpError(409, 'conflict', `The workspace ${id} exists already.`, 'id');
  const at = context.now();
  const workspace = await context.directory.createWorkspace({ id, name, createdAt: at });
  return {
    workspace,
    adminToken: await issueWorkspaceToken(context.directory, id, 'admin', 'created with the workspace', at),
    ingestToken: await issueWorkspaceToken(context.directory, id, 'ingest', 'created with the workspace', at),
  };
}

/**
 * The admin API (`Authorization: Bearer CONFAB_ADMIN_TOKEN`, or a workspace's admin token `cfw_…`):
 * how a product with its own sign-in manages workspaces, sites, agents and tokens. Agent changes
 * are engine commands, so routing, menus and the inbox follow; the server closes a disabled agent's
 * sockets when the event commits. Every route but `/api/admin/workspaces` acts on one workspace.
 */
export function createAdminRoutes(options: {
  adminToken: string | undefined;
  /** Which workspace each Messenger page is: a page is refused when it is the env page or another's. */
  messengerPages: Pick<MessengerPages, 'envPageId'>;
}): RouteHandler {
  const { adminToken } = options;
  return async (rootContext, req, res, url) => {
    const path = url.pathname;
    if (!path.startsWith('/api/admin/')) return false;
    const bearer = await bearerWorkspace(req, {
      purpose: 'admin',
      serverToken: adminToken,
      directory: rootContext.directory,
      what: 'The admin API',
    });
    if (path === '/api/admin/workspaces') {
      await workspaceRoutes(rootContext, req, res, bearer);
      return true;
    }
    const workspaceId = adminWorkspace(req, bearer);
    if (!(await rootContext.directory.workspace(workspaceId)))
      throw new HttpError(404, 'not-found', 'No such workspace.');
    const method = req.method ?? 'GET';
    const { directory } = rootContext;

    // Sites and ingest tokens are the directory's: they need no hub loaded.
    if (path === '/api/admin/sites' && method === 'GET') {
      sendJson(res, 200, { sites: await directory.listSites(workspaceId) });
      return true;
    }
    if (path === '/api/admin/sites' && method === 'POST') {
      const body = requireRecord((await readJson(req, BODY_LIMIT)).value, '');
      sendJson(res, 201, await directory.createSite(workspaceId, requireOrigins(body.origins), rootContext.now()));
      return true;
    }
    if (path === '/api/admin/inbound-addresses' && method === 'GET') {
      sendJson(res, 200, { addresses: await directory.listInboundAddresses(workspaceId) });
      return true;
    }
    if (path === '/api/admin/inbound-addresses' && method === 'POST') {
      const body = requireRecord((await readJson(req, BODY_LIMIT)).value, '');
      const address = requireMailbox(body.address);
      try {
        sendJson(res, 201, await directory.addInboundAddress(workspaceId, address, rootContext.now()));
      } catch (error) {
        // Which workspace has it is not said: that is another workspace's business.
        if (error instanceof AddressTakenError) throw new HttpError(409, 'conflict', error.message, 'address');
        throw error;
      }
      return true;
    }
    if (path === '/api/admin/messenger-pages' && method === 'GET') {
      const pages = await directory.listMessengerPages(workspaceId);
      sendJson(res, 200, {
        pages: pages.map(({ pageId, pageToken, createdAt }) => ({ pageId, token: tokenHint(pageToken), createdAt })),
      });
      return true;
    }
    if (path === '/api/admin/messenger-pages' && method === 'POST') {
      const body = requireRecord((await readJson(req, BODY_LIMIT)).value, '');
      const pageId = requirePageId(body.pageId);
      const pageToken = requirePageToken(body.pageToken);
      // The page of CONFAB_MESSENGER_PAGE_TOKEN is the default workspace's by the operator's configuration.
      if (workspaceId !== DEFAULT_WORKSPACE && (await options.messengerPages.envPageId()) === pageId)
        throw new HttpError(409, 'conflict', new PageTakenError().message, 'pageId');
      try {
        const page = await directory.addMessengerPage({ pageId, workspaceId, pageToken, createdAt: rootContext.now() });
        // Replies that waited for a page token go out now (on this process; others at their restart).
        rootContext.workspaces.peek(workspaceId)?.messengerSender.resume();
        sendJson(res, 201, { pageId, token: tokenHint(page.pageToken), createdAt: page.createdAt });
      } catch (error) {
        // Which workspace has it is not said: that is another workspace's business.
        if (error instanceof PageTakenError) throw new HttpError(409, 'conflict', error.message, 'pageId');
        throw error;
      }
      return true;
    }
    const pageMatch = /^\/api\/admin\/messenger-pages\/([^/]+)$/.exec(path);
    if (pageMatch && method === 'DELETE') {
      const pageId = decodeSegment(pageMatch[1]!, 'page id');
      if (!(await directory.removeMessengerPage(workspaceId, pageId)))
        throw new HttpError(404, 'not-found', 'This workspace has no such Messenger page.');
      sendJson(res, 200, { ok: true, pageId });
      return true;
    }
    if (path === '/api/admin/identity-keys' && method === 'GET') {
      const keys = await directory.identityKeys(workspaceId);
      sendJson(res, 200, { keys: keys.map(({ id, createdAt }) => ({ id, createdAt })) });
      return true;
    }
    if (path === '/api/admin/identity-keys' && method === 'POST') {
      // A rotation: the new key signs from now on, the old ones verify until they are removed.
      const key = { ...newIdentityKey(), workspaceId, createdAt: rootContext.now() };
      await directory.addIdentityKey(key);
      sendJson(res, 201, { id: key.id, secret: key.secret, createdAt: key.createdAt });
      return true;
    }
    const keyMatch = /^\/api\/admin\/identity-keys\/([^/]+)$/.exec(path);
    if (keyMatch && method === 'DELETE') {
      const keyId = decodeSegment(keyMatch[1]!, 'key id');
      if (!(await directory.removeIdentityKey(workspaceId, keyId)))
        throw new HttpError(404, 'not-found', 'This workspace has no such identity key.');
      sendJson(res, 200, { ok: true, id: keyId });
      return true;
    }
    if (path === '/api/admin/ingest-tokens' && method === 'POST') {
      const body = requireRecord((await readJson(req, BODY_LIMIT)).value, '');
      const label = body.label === undefined ? '' : requiredText(body.label, 'label');
      sendJson(res, 201, {
        token: await issueWorkspaceToken(directory, workspaceId, 'ingest', label, rootContext.now()),
      });
      return true;
    }

    const context =
      workspaceId === DEFAULT_WORKSPACE
        ? rootContext
        : inWorkspace(rootContext, await rootContext.workspaces.get(workspaceId));
    const { backend, auth, storage } = context;
    if (await handleWebhookRoutes(context, req, res, path)) return true;
    if (await handleApiKeyRoutes(context, req, res, path)) return true;

    if (path === '/api/admin/agents' && method === 'GET') {
      sendJson(res, 200, { agents: [...backend.state.agents.values()] });
      return true;
    }
    if (path === '/api/admin/agents' && method === 'POST') {
      const body = requireRecord((await readJson(req, BODY_LIMIT)).value, '');
      const command: Command = {
        type: 'agent.create',
        email: requiredText(body.email, 'email'),
        name: requiredText(body.name, 'name'),
        role: body.role === undefined ? 'agent' : requireRole(body.role),
      };
      const outcome = await run(context, command);
      sendJson(res, 201, { agentId: outcome.result?.agentId });
      return true;
    }
    const agentMatch = /^\/api\/admin\/agents\/([^/]+)\/(tokens|disable|enable|role)$/.exec(path);
    if (agentMatch && method === 'POST') {
      const agentId = decodeSegment(agentMatch[1]!, 'agent id');
      const action = agentMatch[2]!;
      if (action === 'tokens') {
        const body = requireRecord((await readJson(req, BODY_LIMIT)).value, '');
        if (!backend.state.agents.has(agentId)) throw new HttpError(404, 'not-found', `No agent ${agentId}.`);
        const label = body.label === undefined ? '' : requiredText(body.label, 'label');
        const issued = await auth.issueAgentToken(agentId, label);
        sendJson(res, 201, { id: issued.id, agentId, token: issued.token });
        return true;
      }
      if (action === 'role') {
        const body = requireRecord((await readJson(req, BODY_LIMIT)).value, '');
        await run(context, { type: 'agent.setRole', agentId, role: requireRole(body.role) });
        sendJson(res, 200, { ok: true, agentId, role: backend.state.agents.get(agentId)?.role });
        return true;
      }
      await run(context, { type: action === 'disable' ? 'agent.disable' : 'agent.enable', agentId });
      sendJson(res, 200, { ok: true, agentId, disabled: action === 'disable' });
      return true;
    }

    // Agent tokens by id (issue, list, revoke).
    const tokenMatch = /^\/api\/admin\/agent-tokens(?:\/([A-Za-z0-9_-]+))?$/.exec(path);
    if (tokenMatch && !tokenMatch[1] && method === 'POST') {
      const body = requireRecord((await readJson(req, BODY_LIMIT)).value, '');
      const agentId = requiredText(body.agentId, 'agentId');
      if (!backend.state.agents.has(agentId)) throw new HttpError(404, 'not-found', `No agent ${agentId}.`, 'agentId');
      const label = body.label === undefined ? '' : requiredText(body.label, 'label');
      const issued = await auth.issueAgentToken(agentId, label);
      sendJson(res, 201, { id: issued.id, agentId, token: issued.token });
      return true;
    }
    if (tokenMatch && !tokenMatch[1] && method === 'GET') {
      sendJson(res, 200, { tokens: await storage.listAgentTokens(url.searchParams.get('agentId') ?? undefined) });
      return true;
    }
    if (tokenMatch?.[1] && method === 'DELETE') {
      const revoked = await auth.revokeAgentToken(tokenMatch[1]);
      if (!revoked) throw new HttpError(404, 'not-found', 'No such live token.');
      // Only the sockets that said hello with this token close (on every process); the agent's
      // other devices and sessions stay connected.
      context.closeSessionSockets([revoked.tokenHash], CLOSE_REVOKED, 'token revoked');
      sendJson(res, 200, { ok: true, revoked: tokenMatch[1], agentId: revoked.agentId });
      return true;
    }
    const visitorMatch = /^\/api\/admin\/visitors\/([^/]+)\/revoke-sessions$/.exec(path);
    if (visitorMatch && method === 'POST') {
      const contactId = decodeSegment(visitorMatch[1]!, 'contact id');
      const revoked = await auth.revokeVisitorSessions(contactId);
      context.disconnectPrincipal(
        context.workspaceId,
        { kind: 'visitor', contactId },
        CLOSE_REVOKED,
        'session revoked',
      );
      sendJson(res, 200, { ok: true, contactId, revoked });
      return true;
    }
    throw new HttpError(404, 'not-found', 'No such admin route.');
  };
}

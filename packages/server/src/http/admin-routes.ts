import type { Command, Principal } from '@confab/core';
import { CLOSE_REVOKED } from '@confab/core/backend';
import { requireRecord, requiredText } from '../channels/validate.js';
import { HttpError, readJson, requireBearer, sendJson } from './http-util.js';
import type { RouteContext, RouteHandler } from './route-context.js';

const BODY_LIMIT = 16 * 1024;
const SYSTEM: Principal = { kind: 'system' };

/**
 * One percent-encoded path segment, decoded. A malformed escape (`%E0%A4%A`, a lone `%`) is the
 * caller's mistake: a typed 400, not a URIError that would answer 500 and log a stack trace.
 */
export function decodeSegment(segment: string, what: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'invalid', `The ${what} in the path is not valid percent-encoding.`);
  }
}

function requireRole(value: unknown): 'admin' | 'agent' {
  if (value !== 'admin' && value !== 'agent')
    throw new HttpError(400, 'invalid', 'role must be "admin" or "agent".', 'role');
  return value;
}

/** Runs an engine command as the server (system principal): the engine's rules and events apply. */
async function run(context: RouteContext, command: Command) {
  return context.backend.execute(SYSTEM, command);
}

function closeAgentSockets(context: RouteContext, agentId: string, reason: string) {
  context.backend.disconnectPrincipal(
    (principal) => principal.kind === 'agent' && principal.agentId === agentId,
    CLOSE_REVOKED,
    reason,
  );
}

/**
 * The admin API (`Authorization: Bearer CONFAB_ADMIN_TOKEN`): how a product with its own sign-in
 * manages agents and hands out agent tokens. Agent changes are engine commands, so routing, menus
 * and the inbox follow; the server closes a disabled agent's sockets when the event commits.
 */
export function createAdminRoutes(adminToken: string | undefined): RouteHandler {
  return async (context, req, res, url) => {
    const path = url.pathname;
    if (!path.startsWith('/api/admin/')) return false;
    requireBearer(req, adminToken, 'The admin API');
    const method = req.method ?? 'GET';
    const { backend, auth, storage } = context;

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
        const issued = auth.issueAgentToken(agentId, label);
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
      const issued = auth.issueAgentToken(agentId, label);
      sendJson(res, 201, { id: issued.id, agentId, token: issued.token });
      return true;
    }
    if (tokenMatch && !tokenMatch[1] && method === 'GET') {
      sendJson(res, 200, { tokens: storage.listAgentTokens(url.searchParams.get('agentId') ?? undefined) });
      return true;
    }
    if (tokenMatch?.[1] && method === 'DELETE') {
      const agentId = auth.revokeAgentToken(tokenMatch[1]);
      if (!agentId) throw new HttpError(404, 'not-found', 'No such live token.');
      // The hub does not know which token a socket used: the agent's sockets close and those
      // holding another valid token reconnect.
      closeAgentSockets(context, agentId, 'token revoked');
      sendJson(res, 200, { ok: true, revoked: tokenMatch[1], agentId });
      return true;
    }
    const visitorMatch = /^\/api\/admin\/visitors\/([^/]+)\/revoke-sessions$/.exec(path);
    if (visitorMatch && method === 'POST') {
      const contactId = decodeSegment(visitorMatch[1]!, 'contact id');
      const revoked = auth.revokeVisitorSessions(contactId);
      context.backend.disconnectPrincipal(
        (principal) => principal.kind === 'visitor' && principal.contactId === contactId,
        CLOSE_REVOKED,
        'session revoked',
      );
      sendJson(res, 200, { ok: true, contactId, revoked });
      return true;
    }
    throw new HttpError(404, 'not-found', 'No such admin route.');
  };
}

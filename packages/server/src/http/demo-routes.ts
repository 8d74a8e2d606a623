import type { Agent } from '@confab/core';
import type { Backend } from '@confab/core/backend';
import { DEFAULT_WORKSPACE, WORKSPACE_ID_PATTERN } from '../storage/workspace-directory.js';
import { isEmailAddress } from '@confab/core';
import { createIdentityToken, type IdentitySettings } from '../auth/identity.js';
import { requireRecord, requiredText } from '../channels/validate.js';
import { BODY_LIMITS } from './body-limits.js';
import { HttpError, readJson, sendJson } from './http-util.js';
import type { RouteHandler } from './route-context.js';

/**
 * Demo mode only (`--demo`, never in production): `GET /api/demo/session` hands anyone an agent
 * token (the inbox's one-click demo sign-in), `POST /api/demo/identity` signs an identity token
 * with the demo secret (the demo site's "sign in").
 */
export function createDemoRoutes(options: {
  identity: IdentitySettings | undefined;
  firstAgent: (backend: Backend) => Agent | undefined;
}): RouteHandler {
  /** One token per workspace and agent (seeded agent ids repeat across the demo's workspaces). */
  const demoTokens = new Map<string, string>();
  return async (context, req, res, url) => {
    const method = req.method ?? 'GET';
    if (url.pathname === '/api/demo/session' && method === 'GET') {
      const wanted = url.searchParams.get('agent');
      const workspaceId = url.searchParams.get('workspace') ?? DEFAULT_WORKSPACE;
      if (!WORKSPACE_ID_PATTERN.test(workspaceId) || !(await context.directory.workspace(workspaceId)))
        throw new HttpError(404, 'not-found', 'No such workspace.', 'workspace');
      const hub = await context.workspaces.get(workspaceId);
      const agent = wanted ? hub.backend.state.agents.get(wanted) : options.firstAgent(hub.backend);
      if (!agent || agent.disabled)
        throw new HttpError(404, 'not-found', wanted ? `No agent ${wanted}.` : 'No agents are seeded.', 'agent');
      const key = `${workspaceId}/${agent.id}`;
      let token = demoTokens.get(key);
      if (!token) {
        token = (await hub.auth.issueAgentToken(agent.id, 'demo')).token;
        demoTokens.set(key, token);
      }
      sendJson(res, 200, { token, agentId: agent.id, name: agent.name, workspace: workspaceId, demo: true });
      return true;
    }
    const identity = options.identity;
    const signingKey = identity?.keys[0];
    if (url.pathname === '/api/demo/identity' && method === 'POST' && identity && signingKey) {
      const body = requireRecord((await readJson(req, BODY_LIMITS.json)).value, '');
      const email = requiredText(body.email, 'email');
      // createIdentityToken signs addresses only; anything else is this caller's mistake, not a 500.
      if (!isEmailAddress(email)) throw new HttpError(400, 'invalid', 'The email is not an email address.', 'email');
      const name = body.name === undefined ? undefined : requiredText(body.name, 'name');
      // The first key signs: in a rotation, list the new key first.
      sendJson(res, 200, {
        identity: await createIdentityToken({ email, ...(name ? { name } : {}) }, signingKey, {
          audience: identity.audience,
          now: context.now(),
        }),
      });
      return true;
    }
    return false;
  };
}

/** Tests only (`testClock`): `GET /api/test/clock` reads the server's clock, `POST` moves it. */
export function createTestClockRoutes(clock: {
  now: () => number;
  advance: (ms: number) => void;
  setNow: (at: number) => void;
}): RouteHandler {
  return async (_context, req, res, url) => {
    if (url.pathname !== '/api/test/clock') return false;
    if (req.method === 'POST') {
      const body = requireRecord((await readJson(req, BODY_LIMITS.json)).value, '');
      if (typeof body.advanceMs === 'number' && Number.isFinite(body.advanceMs)) clock.advance(body.advanceMs);
      else if (typeof body.now === 'number' && Number.isFinite(body.now)) clock.setNow(body.now);
      else throw new HttpError(400, 'invalid', 'Send { advanceMs } or { now }.');
    }
    sendJson(res, 200, { now: clock.now() });
    return true;
  };
}

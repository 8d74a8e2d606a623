import type { IncomingMessage } from 'node:http';
import { requireRecord, requiredText } from '../channels/validate.js';
import { accountLink } from './auth-routes.js';
import { HttpError, readJson, secretsEqual, sendJson } from './http-util.js';
import { inWorkspace, type RouteHandler } from './route-context.js';
import { DEFAULT_WORKSPACE } from '../storage/workspace-directory.js';

const BODY_LIMIT = 16 * 1024;

/** A request from this machine: a loopback peer, or a peer whose address is the one it reached. */
function fromThisMachine(req: IncomingMessage): boolean {
  const remote = req.socket.remoteAddress ?? '';
  return (
    remote === '127.0.0.1' || remote === '::1' || remote === '::ffff:127.0.0.1' || remote === req.socket.localAddress
  );
}

/**
 * The CLI's channel to the running server (see control/control-file.ts): the control token from
 * the data directory, from this machine only. The socket's address decides, never X-Forwarded-For.
 */
export function createControlRoutes(controlToken: string): RouteHandler {
  return async (rootContext, req, res, url) => {
    const path = url.pathname;
    if (!path.startsWith('/api/control/')) return false;
    const given = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    if (!fromThisMachine(req) || !secretsEqual(given, controlToken))
      throw new HttpError(403, 'forbidden', 'The control API answers the confab-server command on this machine only.');
    if (req.method !== 'POST') throw new HttpError(405, 'method-not-allowed', 'Use POST.');
    const body = requireRecord((await readJson(req, BODY_LIMIT)).value, '');
    const workspaceId = body.workspace === undefined ? DEFAULT_WORKSPACE : requiredText(body.workspace, 'workspace');
    if (!(await rootContext.directory.workspace(workspaceId)))
      throw new HttpError(404, 'not-found', `No workspace ${workspaceId}.`, 'workspace');
    const context = inWorkspace(rootContext, await rootContext.workspaces.get(workspaceId));

    if (path === '/api/control/agents') {
      const role = body.role === 'admin' || body.role === 'agent' ? body.role : null;
      if (!role) throw new HttpError(400, 'invalid', 'role must be "admin" or "agent".', 'role');
      const agent = await context.accounts.createAgent({
        email: requiredText(body.email, 'email'),
        name: requiredText(body.name, 'name'),
        role,
        password: typeof body.password === 'string' ? body.password : '',
      });
      sendJson(res, 201, { agentId: agent.id, email: agent.email, role: agent.role });
      return true;
    }
    if (path === '/api/control/reset-links') {
      const email = requiredText(body.email, 'email');
      const agent = context.accounts.agentByEmail(email);
      if (!agent || agent.disabled)
        throw new HttpError(404, 'not-found', `No enabled agent has the email ${email}.`, 'email');
      const purpose = agent.invitePending ? 'invite' : 'reset';
      const link = accountLink(context.linkOrigin(), purpose, await context.accounts.createLink(agent.id, purpose));
      sendJson(res, 200, { agentId: agent.id, link });
      return true;
    }
    throw new HttpError(404, 'not-found', `No control route ${path}.`);
  };
}

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isActiveAgent } from '../accounts/accounts.js';
import { hashToken, randomToken } from '../auth/authenticator.js';
import { requireRecord, requiredText } from '../channels/validate.js';
import type { ApiKeyRecord, ApiKeyScope } from '../api/api-keys.js';
import { HttpError, decodeSegment, readJson, sendJson } from './http-util.js';
import type { RouteContext } from './route-context.js';

const BODY_LIMIT = 16 * 1024;
/** REST API keys start with this: the kind is visible without a lookup. */
export const API_KEY_PREFIX = 'cfk_';

/** What the admin API shows of a key: never the key itself after it was issued. */
function shown(key: ApiKeyRecord) {
  const { workspaceId: _workspace, ...rest } = key;
  return rest;
}

function requireScope(value: unknown): ApiKeyScope {
  if (value !== 'read' && value !== 'write')
    throw new HttpError(400, 'invalid', 'scope must be "read" or "write".', 'scope');
  return value;
}

/**
 * The admin API of a workspace's REST API keys: issue one acting as an agent (the key is shown
 * once), list them, revoke one (it stops working at once, on every process: keys are looked up in
 * the database on each request).
 */
export async function handleApiKeyRoutes(
  context: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const { apiKeys, workspaceId, backend } = context;
  const method = req.method ?? 'GET';
  if (path === '/api/admin/api-keys' && method === 'GET') {
    sendJson(res, 200, { keys: (await apiKeys.listApiKeys(workspaceId)).map(shown) });
    return true;
  }
  if (path === '/api/admin/api-keys' && method === 'POST') {
    const body = requireRecord((await readJson(req, BODY_LIMIT)).value, '');
    const agentId = requiredText(body.agentId, 'agentId');
    if (!isActiveAgent(backend.state.agents.get(agentId)))
      throw new HttpError(404, 'not-found', 'This workspace has no such active agent.', 'agentId');
    const key = randomToken(API_KEY_PREFIX);
    const record: ApiKeyRecord = {
      id: `key_${randomBytes(9).toString('base64url')}`,
      workspaceId,
      agentId,
      label: body.label === undefined ? '' : requiredText(body.label, 'label'),
      scope: requireScope(body.scope ?? 'read'),
      createdAt: context.now(),
      revokedAt: null,
    };
    await apiKeys.saveApiKey(record, hashToken(key));
    sendJson(res, 201, { ...shown(record), key });
    return true;
  }
  const match = /^\/api\/admin\/api-keys\/([^/]+)$/.exec(path);
  if (match && method === 'DELETE') {
    const id = decodeSegment(match[1]!, 'key id');
    if (!(await apiKeys.revokeApiKey(workspaceId, id, context.now())))
      throw new HttpError(404, 'not-found', 'This workspace has no such live API key.');
    sendJson(res, 200, { ok: true, id });
    return true;
  }
  return false;
}

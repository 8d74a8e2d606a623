import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requireRecord } from '../channels/validate.js';
import { WEBHOOK_EVENT_TYPES, isWebhookEventType, type WebhookEventType } from '../webhooks/webhook-events.js';
import type { WebhookEndpointRecord } from '../webhooks/webhook-store.js';
import { HttpError, decodeSegment, readJson, sendJson } from './http-util.js';
import type { RouteContext } from './route-context.js';

const BODY_LIMIT = 16 * 1024;
/** Endpoints a workspace may register: enough for any integration, bounded for the dispatcher. */
export const MAX_WEBHOOK_ENDPOINTS = 20;
/** Deliveries the log shows per request. */
const LOG_LIMIT = 100;

/** What the admin API shows of an endpoint: never its secret after registration. */
function shown(endpoint: WebhookEndpointRecord) {
  return { id: endpoint.id, url: endpoint.url, events: endpoint.events, createdAt: endpoint.createdAt };
}

function requireUrl(value: unknown): string {
  if (typeof value !== 'string' || !URL.canParse(value))
    throw new HttpError(400, 'invalid', 'url must be an absolute http or https URL.', 'url');
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new HttpError(400, 'invalid', 'url must be an absolute http or https URL.', 'url');
  // Credentials in a URL end up in logs and in the admin's list: the signature authenticates instead.
  if (url.username || url.password)
    throw new HttpError(400, 'invalid', 'url must not carry a user name or password.', 'url');
  if (value.length > 2000) throw new HttpError(400, 'invalid', 'url is longer than 2,000 characters.', 'url');
  return url.href;
}

function requireEvents(value: unknown): WebhookEventType[] {
  if (!Array.isArray(value) || !value.length || !value.every(isWebhookEventType))
    throw new HttpError(
      400,
      'invalid',
      `events must be a non-empty list of: ${WEBHOOK_EVENT_TYPES.join(', ')}.`,
      'events',
    );
  return [...new Set(value)];
}

/**
 * The admin API of a workspace's webhooks: register (the secret is shown once), list, remove, and
 * the delivery log of an endpoint with the receiver's answers.
 */
export async function handleWebhookRoutes(
  context: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const { webhooks, workspaceId, backend } = context;
  const method = req.method ?? 'GET';
  if (path === '/api/admin/webhooks' && method === 'GET') {
    sendJson(res, 200, { endpoints: (await webhooks.listEndpoints(workspaceId)).map(shown) });
    return true;
  }
  if (path === '/api/admin/webhooks' && method === 'POST') {
    const body = requireRecord((await readJson(req, BODY_LIMIT)).value, '');
    const endpoint: WebhookEndpointRecord = {
      id: `wh_${randomBytes(9).toString('base64url')}`,
      workspaceId,
      url: requireUrl(body.url),
      secret: `whsec_${randomBytes(24).toString('base64url')}`,
      events: requireEvents(body.events),
      createdAt: context.now(),
    };
    if ((await webhooks.listEndpoints(workspaceId)).length >= MAX_WEBHOOK_ENDPOINTS)
      throw new HttpError(409, 'limit', `A workspace has at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints.`);
    await webhooks.addEndpoint(endpoint, {
      seq: backend.seq,
      conversations: [...backend.state.conversations.values()].map(({ id, status, assigneeId }) => ({
        id,
        status,
        assigneeId,
      })),
    });
    sendJson(res, 201, { ...shown(endpoint), secret: endpoint.secret });
    return true;
  }
  const match = /^\/api\/admin\/webhooks\/([^/]+)(\/deliveries)?$/.exec(path);
  if (!match) return false;
  const endpointId = decodeSegment(match[1]!, 'endpoint id');
  if (!match[2] && method === 'DELETE') {
    if (!(await webhooks.removeEndpoint(workspaceId, endpointId)))
      throw new HttpError(404, 'not-found', 'This workspace has no such webhook endpoint.');
    sendJson(res, 200, { ok: true, id: endpointId });
    return true;
  }
  if (match[2] && method === 'GET') {
    if (!(await webhooks.listEndpoints(workspaceId)).some((endpoint) => endpoint.id === endpointId))
      throw new HttpError(404, 'not-found', 'This workspace has no such webhook endpoint.');
    sendJson(res, 200, { deliveries: await webhooks.deliveries(workspaceId, endpointId, LOG_LIMIT) });
    return true;
  }
  return false;
}

import type { IncomingMessage } from 'node:http';
import {
  BUILT_IN_VIEWS,
  CHANNELS,
  compareConversations,
  emailKey,
  isEmailAddress,
  matchesFilter,
  narrowFilter,
  resolveFilter,
  type Channel,
  type Command,
  type Conversation,
  type ConversationFilter,
  type Label,
  type Principal,
} from '@confab/core';
import { isActiveAgent } from '../accounts/accounts.js';
import { hashToken } from '../auth/authenticator.js';
import { MAX_TEXT_LENGTH, requireRecord, requiredText } from '../channels/validate.js';
import { API_KEY_PREFIX } from '../http/api-key-routes.js';
import { HttpError, decodeSegment, readJson, sendJson } from '../http/http-util.js';
import { inWorkspace, type RouteContext, type RouteHandler } from '../http/route-context.js';
import type { ApiKeyScope } from './api-keys.js';
import { OPENAPI_DOCUMENT } from './openapi.js';

const BODY_LIMIT = 64 * 1024;
const DEFAULT_PAGE = 25;
const MAX_PAGE = 100;

/** One request to the REST API, once its key is known. */
interface ApiCall {
  context: RouteContext;
  agentId: string;
  params: string[];
  query: URLSearchParams;
  req: IncomingMessage;
}

interface ApiRoute {
  method: 'GET' | 'POST' | 'PATCH';
  /** The path as the OpenAPI document writes it (`{id}` for a parameter). */
  path: string;
  scope: ApiKeyScope;
  /** Resolves with the status and body of the answer. */
  handle(call: ApiCall): Promise<[number, unknown]>;
}

const principalOf = (call: ApiCall): Principal => ({ kind: 'agent', agentId: call.agentId });

/**
 * A write's command id: the `Idempotency-Key` header when the caller sends one (a retried request
 * then has one effect; the engine keeps outcomes per principal for the idempotency window), else a
 * new one.
 */
function commandIdOf(req: IncomingMessage): string | undefined {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key))
    throw new HttpError(400, 'invalid', 'Idempotency-Key must be 1–200 visible ASCII characters.');
  return `api:${key}`;
}

async function run(call: ApiCall, command: Command) {
  return call.context.backend.execute(principalOf(call), command, commandIdOf(call.req));
}

async function body(call: ApiCall): Promise<Record<string, unknown>> {
  return requireRecord((await readJson(call.req, BODY_LIMIT)).value, '');
}

/** Most addresses one Cc or Bcc list may hold (the engine's own limit on the wire). */
const MAX_COPIES = 50;

/**
 * `cc` or `bcc` of a reply: absent, or a list of email addresses. A bad one is a 400 naming it
 * (`cc[1]`) before the engine runs, which checks them again by the same rule (R1).
 */
function addressList(request: Record<string, unknown>, field: 'cc' | 'bcc'): { cc?: string[] } | { bcc?: string[] } {
  const value = request[field];
  if (value === undefined) return {};
  if (!Array.isArray(value) || value.length > MAX_COPIES)
    throw new HttpError(400, 'invalid', `${field} must be a list of at most ${MAX_COPIES} email addresses.`, field);
  value.forEach((address, index) => {
    if (typeof address !== 'string' || !isEmailAddress(emailKey(address)))
      throw new HttpError(400, 'invalid', `${field}[${index}] is not an email address.`, `${field}[${index}]`);
  });
  return value.length ? { [field]: value as string[] } : {};
}

function conversationOf(call: ApiCall): Conversation {
  const conversation = call.context.backend.state.conversations.get(call.params[0]!);
  if (!conversation) throw new HttpError(404, 'not-found', 'No such conversation in this workspace.');
  return conversation;
}

function booleanParam(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (value !== 'true' && value !== 'false')
    throw new HttpError(400, 'invalid', `${name} must be true or false.`, name);
  return value === 'true';
}

function timeParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const time = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(time))
    throw new HttpError(400, 'invalid', `${name} must be a time (ms since 1970, or ISO 8601).`, name);
  return time;
}

/** The query's filter: a view (built-in or saved) narrowed by the filter parameters, as the inbox does it (F2). */
function filterOf(call: ApiCall): ConversationFilter | null {
  const { query, context } = call;
  const viewId = query.get('view') ?? 'all';
  const view = BUILT_IN_VIEWS.find((each) => each.id === viewId) ?? context.backend.state.views.get(viewId);
  if (!view) throw new HttpError(404, 'not-found', 'No such view in this workspace.', 'view');
  const narrow: ConversationFilter = {};
  const status = query.get('status');
  if (status !== null) {
    if (status !== 'open' && status !== 'closed')
      throw new HttpError(400, 'invalid', 'status must be open or closed.', 'status');
    narrow.status = status;
  }
  const channels = query.getAll('channel');
  if (channels.length) {
    if (!channels.every((channel): channel is Channel => (CHANNELS as readonly string[]).includes(channel)))
      throw new HttpError(400, 'invalid', `channel must be one of ${CHANNELS.join(', ')}.`, 'channel');
    narrow.channels = channels;
  }
  const assignee = query.get('assignee');
  if (assignee !== null) narrow.assignee = assignee;
  const labels = query.getAll('label');
  if (labels.length)
    narrow.labels = labels.map((label) => labelIdOf(context.backend.state.settings.labels ?? [], label));
  const hasTicket = booleanParam(query, 'hasTicket');
  if (hasTicket !== undefined) narrow.hasTicket = hasTicket;
  const from = timeParam(query, 'activityFrom');
  if (from !== undefined) narrow.activityFrom = from;
  const to = timeParam(query, 'activityTo');
  if (to !== undefined) narrow.activityTo = to;
  const both = narrowFilter(view.filter, narrow, call.agentId);
  // A saved view over a period ("last 7 days") means the period up to now (issue 16).
  return both && resolveFilter(both, call.context.now());
}

/**
 * A `label` parameter: a label's id, or its name as the inbox shows it (names are unique in a
 * workspace, whatever their case), so a product's backend need not look ids up first.
 */
function labelIdOf(labels: readonly Label[], given: string): string {
  const byId = labels.find((label) => label.id === given);
  const key = given.trim().toLocaleLowerCase();
  const found = byId ?? labels.find((label) => label.name.toLocaleLowerCase() === key);
  if (!found) throw new HttpError(400, 'invalid', 'label must be the id or the name of one of the labels.', 'label');
  return found.id;
}

/** A page's position: after this conversation in list order (L1). Opaque to callers. */
const cursorOf = (conversation: Conversation) =>
  Buffer.from(JSON.stringify([conversation.lastReceivedAt, conversation.id])).toString('base64url');

function afterCursor(cursor: string): (conversation: Conversation) => boolean {
  let position: [number, string];
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [number, string];
    if (!Array.isArray(position) || typeof position[0] !== 'number' || typeof position[1] !== 'string')
      throw new Error();
  } catch {
    throw new HttpError(400, 'invalid', 'cursor is not one this API gave.', 'cursor');
  }
  const marker = { lastReceivedAt: position[0], id: position[1] } as Conversation;
  return (conversation) => compareConversations(marker, conversation) < 0;
}

export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: '/api/v1/conversations',
    scope: 'read',
    async handle(call) {
      const limitText = call.query.get('limit');
      const limit = limitText === null ? DEFAULT_PAGE : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
        throw new HttpError(400, 'invalid', `limit must be a whole number from 1 to ${MAX_PAGE}.`, 'limit');
      const filter = filterOf(call);
      const cursor = call.query.get('cursor');
      const after = cursor === null ? () => true : afterCursor(cursor);
      const matching = filter
        ? [...call.context.backend.state.conversations.values()]
            .filter((conversation) => matchesFilter(conversation, filter, call.agentId) && after(conversation))
            .sort(compareConversations)
        : [];
      const page = matching.slice(0, limit);
      return [
        200,
        { conversations: page, nextCursor: matching.length > limit ? cursorOf(page[page.length - 1]!) : null },
      ];
    },
  },
  {
    method: 'GET',
    path: '/api/v1/conversations/{id}',
    scope: 'read',
    async handle(call) {
      const conversation = conversationOf(call);
      return [200, { conversation, messages: call.context.backend.state.messages.get(conversation.id) ?? [] }];
    },
  },
  {
    method: 'POST',
    path: '/api/v1/conversations/{id}/messages',
    scope: 'write',
    async handle(call) {
      const { id } = conversationOf(call);
      const request = await body(call);
      const text = requiredText(request.text, 'text', MAX_TEXT_LENGTH);
      const copies = { ...addressList(request, 'cc'), ...addressList(request, 'bcc') };
      const outcome = await run(call, { type: 'message.reply', conversationId: id, text, ...copies });
      return [201, { seq: outcome.seq, ...outcome.result }];
    },
  },
  {
    method: 'POST',
    path: '/api/v1/conversations/{id}/comments',
    scope: 'write',
    async handle(call) {
      const { id } = conversationOf(call);
      const request = await body(call);
      const text = requiredText(request.text, 'text', MAX_TEXT_LENGTH);
      const mentions = request.mentions ?? [];
      if (!Array.isArray(mentions) || !mentions.every((each) => typeof each === 'string'))
        throw new HttpError(400, 'invalid', 'mentions must be a list of agent ids.', 'mentions');
      const outcome = await run(call, { type: 'message.comment', conversationId: id, text, mentions });
      return [201, { seq: outcome.seq, ...outcome.result }];
    },
  },
  {
    method: 'POST',
    path: '/api/v1/conversations/{id}/assign',
    scope: 'write',
    async handle(call) {
      const { id } = conversationOf(call);
      const { assigneeId } = await body(call);
      if (assigneeId !== null && typeof assigneeId !== 'string')
        throw new HttpError(400, 'invalid', 'assigneeId must be an agent id or null.', 'assigneeId');
      const outcome = await run(call, { type: 'conversation.assign', conversationId: id, assigneeId });
      return [200, { seq: outcome.seq, conversation: conversationOf(call) }];
    },
  },
  ...(['close', 'reopen'] as const).map((action): ApiRoute => ({
    method: 'POST',
    path: `/api/v1/conversations/{id}/${action}`,
    scope: 'write',
    async handle(call) {
      const { id } = conversationOf(call);
      const status = action === 'close' ? 'closed' : 'open';
      const outcome = await run(call, { type: 'conversation.setStatus', conversationIds: [id], status });
      return [200, { seq: outcome.seq, conversation: conversationOf(call) }];
    },
  })),
  {
    method: 'GET',
    path: '/api/v1/contacts/{id}',
    scope: 'read',
    async handle(call) {
      const contact = call.context.backend.state.contacts.get(call.params[0]!);
      if (!contact) throw new HttpError(404, 'not-found', 'No such contact in this workspace.');
      return [200, { contact }];
    },
  },
  {
    method: 'PATCH',
    path: '/api/v1/contacts/{id}',
    scope: 'write',
    async handle(call) {
      const contactId = call.params[0]!;
      if (!call.context.backend.state.contacts.has(contactId))
        throw new HttpError(404, 'not-found', 'No such contact in this workspace.');
      const request = await body(call);
      const command: Command = { type: 'contact.update', contactId };
      if (request.name !== undefined) command.name = requiredText(request.name, 'name');
      if (request.email !== undefined) command.email = requiredText(request.email, 'email');
      if (request.properties !== undefined) {
        const properties = requireRecord(request.properties, 'properties');
        if (!Object.values(properties).every((value) => typeof value === 'string'))
          throw new HttpError(400, 'invalid', 'properties must map names to strings.', 'properties');
        command.properties = properties as Record<string, string>;
      }
      const outcome = await run(call, command);
      return [200, { seq: outcome.seq, contact: call.context.backend.state.contacts.get(contactId) }];
    },
  },
];

/** `/api/v1/conversations/{id}` → a pattern capturing each parameter. */
function patternOf(path: string): RegExp {
  return new RegExp(`^${path.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
}
const MATCHERS = API_ROUTES.map((route) => ({ route, pattern: patternOf(route.path) }));

/**
 * The REST API for a product's backend (`/api/v1/…`, issue 17): `Authorization: Bearer cfk_…`, a
 * workspace's API key acting as one of its agents. Reads come from the workspace's hub; every write
 * is an engine command of that agent, with the rules, events and webhooks of any other.
 * `GET /api/v1/openapi.json` describes it.
 */
export function createRestRoutes(): RouteHandler {
  return async (rootContext, req, res, url) => {
    const path = url.pathname;
    if (!path.startsWith('/api/v1/')) return false;
    const method = req.method ?? 'GET';
    if (path === '/api/v1/openapi.json' && method === 'GET') {
      sendJson(res, 200, OPENAPI_DOCUMENT);
      return true;
    }
    const found = MATCHERS.filter(({ pattern }) => pattern.test(path));
    if (!found.length) throw new HttpError(404, 'not-found', 'No such API route; see /api/v1/openapi.json.');
    const entry = found.find(({ route }) => route.method === method);
    if (!entry)
      throw new HttpError(405, 'method-not-allowed', `Use ${found.map(({ route }) => route.method).join(' or ')}.`);

    const header = String(req.headers.authorization ?? '');
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) throw new HttpError(401, 'unauthenticated', 'Send Authorization: Bearer <API key>.');
    const key =
      token.startsWith(API_KEY_PREFIX) && token.length <= 256
        ? await rootContext.apiKeys.apiKeyByHash(hashToken(token))
        : null;
    if (!key) throw new HttpError(401, 'unauthenticated', 'The API key is not valid.');
    const hub = await rootContext.workspaces.get(key.workspaceId);
    // A key is worth nothing once its agent is disabled or removed.
    if (!isActiveAgent(hub.backend.state.agents.get(key.agentId)))
      throw new HttpError(401, 'unauthenticated', 'The API key is not valid.');
    if (entry.route.scope === 'write' && key.scope !== 'write')
      throw new HttpError(403, 'forbidden', 'This API key may only read.');
    const params = entry.pattern
      .exec(path)!
      .slice(1)
      .map((segment) => decodeSegment(segment, 'id'));
    const [status, answer] = await entry.route.handle({
      context: inWorkspace(rootContext, hub),
      agentId: key.agentId,
      params,
      query: url.searchParams,
      req,
    });
    sendJson(res, status, answer);
    return true;
  };
}

/**
 * The REST API described for its callers (OpenAPI 3.1), served at `GET /api/v1/openapi.json`.
 * Written by hand; `rest-api.test` checks that its operations are exactly the routes the server
 * answers, so the two cannot drift apart.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const idParam = (what: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: what,
});
const errors = {
  '400': { description: 'Bad input: `error.path` names the field', ...json(ref('Error')) },
  '401': {
    description: 'No API key, an unknown or revoked one, or one whose agent is disabled',
    ...json(ref('Error')),
  },
  '404': { description: 'No such record in the key’s workspace', ...json(ref('Error')) },
};
const writeErrors = {
  ...errors,
  '403': { description: 'A read key, or a command the key’s agent may not give', ...json(ref('Error')) },
  '409': { description: 'The engine refused the command (a rule; `error.message` says which)', ...json(ref('Error')) },
};
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', maxLength: 200 },
  description: 'The same key sent again within the idempotency window has one effect and the same answer.',
};
const written = (extra: object) => ({
  description: 'Done',
  ...json({
    type: 'object',
    properties: { seq: { type: 'integer', description: 'The event sequence number after the change' }, ...extra },
  }),
});

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Confab REST API',
    version: '1',
    description:
      'For a product’s backend. Authenticate with `Authorization: Bearer cfk_…`, an API key an admin issues with ' +
      '`POST /api/admin/api-keys` (`read` or `write`, acting as one agent of the workspace). Every write is an engine ' +
      'command of that agent: the same rules, events and webhooks as in the inbox.',
  },
  servers: [{ url: '/' }],
  security: [{ apiKey: [] }],
  paths: {
    '/api/v1/conversations': {
      get: {
        summary: 'Conversations of a view, narrowed by filters (as the inbox’s filter menu), in list order',
        parameters: [
          {
            name: 'view',
            in: 'query',
            schema: { type: 'string', default: 'all' },
            description: 'A built-in view id (all, mine, unassigned, email, chat, …) or a saved view id',
          },
          { name: 'status', in: 'query', schema: { enum: ['open', 'closed'] } },
          {
            name: 'channel',
            in: 'query',
            schema: { enum: ['email', 'chat', 'messenger', 'form'] },
            description: 'Repeat for several',
          },
          {
            name: 'assignee',
            in: 'query',
            schema: { type: 'string' },
            description: '`me` (the key’s agent), `nobody`, or an agent id',
          },
          {
            name: 'label',
            in: 'query',
            schema: { type: 'string' },
            description: 'A label’s id or name (any case); repeat for several: only conversations with every one',
          },
          { name: 'hasTicket', in: 'query', schema: { type: 'boolean' } },
          {
            name: 'activityFrom',
            in: 'query',
            schema: { type: 'string' },
            description: 'ms since 1970 or ISO 8601, inclusive',
          },
          {
            name: 'activityTo',
            in: 'query',
            schema: { type: 'string' },
            description: 'ms since 1970 or ISO 8601, inclusive',
          },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 25 } },
          { name: 'cursor', in: 'query', schema: { type: 'string' }, description: '`nextCursor` of the page before' },
        ],
        responses: {
          '200': {
            description: 'A page',
            ...json({
              type: 'object',
              properties: {
                conversations: { type: 'array', items: ref('Conversation') },
                nextCursor: { type: ['string', 'null'] },
              },
            }),
          },
          ...errors,
        },
      },
    },
    '/api/v1/conversations/{id}': {
      get: {
        summary: 'A conversation with its messages (comments included: the key is a team member’s)',
        parameters: [idParam('Conversation id')],
        responses: {
          '200': {
            description: 'The conversation',
            ...json({
              type: 'object',
              properties: { conversation: ref('Conversation'), messages: { type: 'array', items: ref('Message') } },
            }),
          },
          ...errors,
        },
      },
    },
    '/api/v1/conversations/{id}/messages': {
      post: {
        summary: 'Reply to the contact (chat live, email, Messenger), as the key’s agent',
        description:
          'An email reply may copy more people: `cc` and `bcc` are lists of addresses (a bad one is a 400 whose ' +
          '`error.path` names it, e.g. `cc[1]`); on any other channel the engine refuses them (409).',
        parameters: [idParam('Conversation id'), idempotencyKey],
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            required: ['text'],
            properties: {
              text: { type: 'string' },
              cc: { type: 'array', maxItems: 50, items: { type: 'string', format: 'email' } },
              bcc: { type: 'array', maxItems: 50, items: { type: 'string', format: 'email' } },
            },
          }),
        },
        responses: { '201': written({ messageId: { type: 'string' } }), ...writeErrors },
      },
    },
    '/api/v1/conversations/{id}/comments': {
      post: {
        summary: 'An internal comment (never reaches the contact); `mentions` notify those agents',
        parameters: [idParam('Conversation id'), idempotencyKey],
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            required: ['text'],
            properties: { text: { type: 'string' }, mentions: { type: 'array', items: { type: 'string' } } },
          }),
        },
        responses: { '201': written({ messageId: { type: 'string' } }), ...writeErrors },
      },
    },
    '/api/v1/conversations/{id}/assign': {
      post: {
        summary: 'Assign to an agent, or unassign with null',
        parameters: [idParam('Conversation id'), idempotencyKey],
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            required: ['assigneeId'],
            properties: { assigneeId: { type: ['string', 'null'] } },
          }),
        },
        responses: { '200': written({ conversation: ref('Conversation') }), ...writeErrors },
      },
    },
    '/api/v1/conversations/{id}/close': {
      post: {
        summary: 'Close',
        parameters: [idParam('Conversation id'), idempotencyKey],
        responses: { '200': written({ conversation: ref('Conversation') }), ...writeErrors },
      },
    },
    '/api/v1/conversations/{id}/reopen': {
      post: {
        summary: 'Reopen',
        parameters: [idParam('Conversation id'), idempotencyKey],
        responses: { '200': written({ conversation: ref('Conversation') }), ...writeErrors },
      },
    },
    '/api/v1/contacts/{id}': {
      get: {
        summary: 'A contact',
        parameters: [idParam('Contact id')],
        responses: {
          '200': { description: 'The contact', ...json({ type: 'object', properties: { contact: ref('Contact') } }) },
          ...errors,
        },
      },
      patch: {
        summary: 'Change a contact’s name, email or properties',
        parameters: [idParam('Contact id'), idempotencyKey],
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            properties: {
              name: { type: 'string' },
              email: { type: 'string' },
              properties: { type: 'object', additionalProperties: { type: 'string' } },
            },
          }),
        },
        responses: { '200': written({ contact: ref('Contact') }), ...writeErrors },
      },
    },
  },
  components: {
    securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A workspace API key, `cfk_…`' } },
    schemas: {
      Error: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: { code: { type: 'string' }, message: { type: 'string' }, path: { type: 'string' } },
          },
        },
      },
      Conversation: {
        type: 'object',
        description: 'As the inbox has it (see @confab/core `Conversation`)',
        properties: {
          id: { type: 'string' },
          channel: { enum: ['email', 'chat', 'messenger', 'form'] },
          status: { enum: ['open', 'closed'] },
          assigneeId: { type: ['string', 'null'] },
          contactId: { type: ['string', 'null'] },
          subject: { type: 'string' },
          startedAt: { type: 'integer' },
          lastReceivedAt: { type: 'integer' },
          lastActivityAt: { type: 'integer' },
          needsReply: { type: 'boolean' },
        },
      },
      Message: {
        type: 'object',
        description: 'As the inbox has it (see @confab/core `Message`)',
        properties: {
          id: { type: 'string' },
          conversationId: { type: 'string' },
          kind: { type: 'string' },
          direction: { type: 'string' },
          authorType: { type: 'string' },
          authorId: { type: 'string' },
          text: { type: 'string' },
          createdAt: { type: 'integer' },
        },
      },
      Contact: {
        type: 'object',
        description: 'As the inbox has it (see @confab/core `Contact`)',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          email: { type: 'string' },
          blocked: { type: 'boolean' },
          properties: { type: 'object', additionalProperties: { type: 'string' } },
          createdAt: { type: 'integer' },
        },
      },
    },
  },
} as const;

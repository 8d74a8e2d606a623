import type { IncomingMessage } from 'node:http';
import { ConfabError, type Command, type Principal } from '@confab/core';
import { parseInboundEmail } from '../channels/email.js';
import { parseRawEmail } from '../channels/mime.js';
import { parseFormSubmission } from '../channels/forms.js';
import { answerMessengerChallenge, checkMessengerSignature, parseMessengerWebhook } from '../channels/messenger.js';
import type { MessengerPages } from '../channels/messenger-pages.js';
import type { Logger } from '../logging.js';
import type { ServerMetrics } from '../metrics.js';
import { BODY_LIMITS } from './body-limits.js';
import { HttpError, readBody, readJson, sendJson } from './http-util.js';
import { inWorkspace, type RouteContext, type RouteHandler } from './route-context.js';
import { bearerWorkspace } from '../workspaces/workspace-tokens.js';
import { mayFileInto } from '../channels/inbound-routing.js';

const SYSTEM: Principal = { kind: 'system' };

function run(context: RouteContext, command: Command, commandId?: string) {
  return context.backend.execute(SYSTEM, command, commandId);
}

function isRawMessage(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'message/rfc822';
}

/**
 * The workspace an ingest request is for, from its token: CONFAB_INGEST_TOKEN is the default
 * workspace's, a workspace's own ingest token (`cfi_…`) is that workspace's.
 */
async function ingestContext(context: RouteContext, req: IncomingMessage, serverToken: string | undefined) {
  const { workspaceId } = await bearerWorkspace(req, {
    purpose: 'ingest',
    serverToken,
    directory: context.directory,
    what: 'Channel ingestion',
  });
  return inWorkspace(context, await context.workspaces.get(workspaceId));
}

/**
 * Channel ingestion (DESIGN §2): email and forms with the ingest token, the Messenger webhook
 * with its signature. Each names an idempotency key, so a sender that retries delivers once.
 */
export function createChannelRoutes(options: {
  ingestToken: string | undefined;
  messenger?: { appSecret?: string; verifyToken?: string };
  /** Which workspace each Messenger page is (the webhook files by `entry[].id`). */
  pages: MessengerPages;
  logger: Logger;
  metrics: Pick<ServerMetrics, 'messengerDropped'>;
}): RouteHandler {
  return async (context, req, res, url) => {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path === '/api/channels/email/inbound') {
      if (method !== 'POST') throw new HttpError(405, 'method-not-allowed', 'Use POST.');
      const workspace = await ingestContext(context, req, options.ingestToken);
      // JSON (fields parsed by the sender), or the raw message as a mail server has it.
      const command = isRawMessage(req)
        ? await parseRawEmail(await readBody(req, BODY_LIMITS.rawEmail))
        : parseInboundEmail((await readJson(req, BODY_LIMITS.email)).value);
      // Mail for addresses another workspace receives at is that workspace's, whoever's token posts it.
      if (!(await mayFileInto(context.directory, workspace.workspaceId, command.to)))
        throw new HttpError(403, 'forbidden', 'This mail is for addresses of another workspace.', 'to');
      // The Message-ID is the idempotency key: a mail gateway that retries delivers once.
      const outcome = await run(workspace, command, `email:${command.messageId}`);
      sendJson(res, 200, { ok: true, seq: outcome.seq, ...(outcome.result ? { result: outcome.result } : {}) });
      return true;
    }
    if (path === '/api/channels/messenger/webhook') {
      if (method === 'GET') {
        const challenge = answerMessengerChallenge(url.searchParams, options.messenger?.verifyToken);
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(challenge);
        return true;
      }
      if (method !== 'POST') throw new HttpError(405, 'method-not-allowed', 'Use GET (verification) or POST (events).');
      const { value, raw } = await readJson(req, BODY_LIMITS.json);
      checkMessengerSignature(raw, req.headers['x-hub-signature-256'], options.messenger?.appSecret);
      const messages = parseMessengerWebhook(value);
      // Every page's workspace first: a lookup that cannot be made now (503) files nothing.
      const owners = await Promise.all(messages.map(({ pageId }) => options.pages.workspaceOf(pageId)));
      const results: { mid: string; seq?: number; conversationId?: string; error?: string }[] = [];
      for (const [index, { pageId, command }] of messages.entries()) {
        const workspaceId = owners[index]!;
        if (workspaceId === null) {
          // Never filed into the default workspace: the page may be a team's that has not registered it yet.
          options.logger.warn(
            { pageId: pageId.slice(0, 64) },
            'messenger message for a page no workspace has: dropped',
          );
          options.metrics.messengerDropped('unknown-page');
          results.push({ mid: command.mid, error: 'unknown-page' });
          continue;
        }
        try {
          const workspace = inWorkspace(context, await context.workspaces.get(workspaceId));
          // Messenger retries a webhook until it gets a 200: the message id makes a retry count once.
          const outcome = await run(workspace, { ...command, pageId }, `messenger:${command.mid}`);
          results.push({
            mid: command.mid,
            seq: outcome.seq,
            ...(outcome.result?.conversationId ? { conversationId: outcome.result.conversationId } : {}),
          });
        } catch (error) {
          // A refused message will be refused again: answer 200 so Messenger does not retry it forever.
          if (!(error instanceof ConfabError) || error.code === 'internal') throw error;
          results.push({ mid: command.mid, error: error.code });
        }
      }
      sendJson(res, 200, { ok: true, received: results.length, results });
      return true;
    }
    if (path === '/api/channels/forms/submit') {
      if (method !== 'POST') throw new HttpError(405, 'method-not-allowed', 'Use POST.');
      const workspace = await ingestContext(context, req, options.ingestToken);
      const { value } = await readJson(req, BODY_LIMITS.json);
      const { command, submissionId } = parseFormSubmission(value);
      const outcome = await run(
        workspace,
        command,
        submissionId ? `form:${command.formId}:${submissionId}` : undefined,
      );
      sendJson(res, 200, { ok: true, seq: outcome.seq, ...(outcome.result ? { result: outcome.result } : {}) });
      return true;
    }

    return false;
  };
}

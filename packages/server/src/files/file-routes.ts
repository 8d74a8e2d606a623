import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ATTACHMENT_TYPES, FILE_ID_PATTERN, INLINE_IMAGE_TYPES, type Principal } from '@confab/core';
import { principalKey } from '@confab/core/backend';
import { attachmentCarrier, conversationsOfContact, mayDownloadAttachment } from '@confab/core/engine';
import { HttpError, readBody, sendJson } from '../http/http-util.js';
import type { RouteContext, RouteHandler } from '../http/route-context.js';
import { SESSION_COOKIE, readCookie, requireOwnOrigin } from '../http/session-cookie.js';
import { credentialKind, workspaceOfToken } from '../workspaces/routing.js';
import type { WorkspaceHub } from '../workspaces/hubs.js';
import { sanitiseFileName } from './file-names.js';
import type { FileStore, StoredFile } from './file-store.js';
import { contentMatches } from './sniff.js';

/** The header an upload names its file in, percent-encoded (UTF-8): never the URL. */
export const FILE_NAME_HEADER = 'x-confab-file-name';

export interface FileRoutesOptions {
  /** Largest upload in bytes (CONFAB_UPLOAD_MAX_BYTES). */
  maxBytes: number;
  /** A workspace's files. */
  filesOf(workspaceId: string): FileStore;
}

/** Who sent a request: a session cookie or a bearer token, as the WebSocket takes them. */
interface Requester {
  hub: WorkspaceHub;
  principal: Principal;
  /** Signed in by cookie: a browser sends it by itself, so a POST must come from our own pages. */
  byCookie: boolean;
}

function bearerOf(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
  return match ? match[1]! : null;
}

/** The request's principal in the workspace its credential was issued in; null without a valid one. */
async function requesterOf(context: RouteContext, req: IncomingMessage): Promise<Requester | null> {
  const bearer = bearerOf(req);
  const token = bearer ?? readCookie(req, SESSION_COOKIE);
  if (!token || !credentialKind(token)) return null;
  const hub = await context.workspaces.get(await workspaceOfToken(context.directory, token));
  const principal = await hub.auth.verify(token);
  return principal ? { hub, principal, byCookie: bearer === null } : null;
}

/**
 * Answers for pages of other origins (the widget on a customer's site): a token in the
 * Authorization header is what authorizes, never a cookie, so any origin may send one. A request
 * with no credential at all may read its refusal too (else a browser reports it as a failed
 * connection); one signed in by cookie is answered to our own pages only.
 */
function allowOrigin(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || (bearerOf(req) === null && readCookie(req, SESSION_COOKIE) !== null)) return;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
}

function preflight(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  res.writeHead(204, {
    ...(typeof origin === 'string' ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}),
    'access-control-allow-methods': 'GET, POST',
    'access-control-allow-headers': `authorization, content-type, ${FILE_NAME_HEADER}`,
    'access-control-max-age': '600',
  });
  res.end();
}

function declaredType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
}

function declaredName(req: IncomingMessage): string {
  const raw = String(req.headers[FILE_NAME_HEADER] ?? '');
  try {
    return sanitiseFileName(decodeURIComponent(raw));
  } catch {
    throw new HttpError(400, 'invalid', `${FILE_NAME_HEADER} must be the file name, percent-encoded.`, 'name');
  }
}

async function upload(options: FileRoutesOptions, requester: Requester, req: IncomingMessage, res: ServerResponse) {
  const type = declaredType(req);
  if (!ATTACHMENT_TYPES.includes(type)) {
    req.resume();
    throw new HttpError(415, 'type-not-allowed', `Files of type ${type.slice(0, 80) || '(none)'} cannot be attached.`);
  }
  const name = declaredName(req);
  let content: Buffer;
  try {
    content = await readBody(req, options.maxBytes);
  } catch (error) {
    if (error instanceof HttpError && error.status === 413)
      throw new HttpError(413, 'too-large', `A file may have at most ${options.maxBytes} bytes.`);
    throw error;
  }
  if (content.length === 0) throw new HttpError(400, 'invalid', 'The file is empty.');
  if (!contentMatches(type, content)) throw new HttpError(415, 'type-mismatch', `The file's content is not ${type}.`);
  const file: StoredFile = {
    id: `fil_${randomBytes(16).toString('base64url')}`,
    sha256: createHash('sha256').update(content).digest('hex'),
    name,
    type,
    size: content.length,
    uploader: principalKey(requester.principal),
    conversationId: null,
    createdAt: Date.now(),
  };
  await options.filesOf(requester.hub.id).save(file, content);
  sendJson(res, 201, { id: file.id, name: file.name, type: file.type, size: file.size });
}

/**
 * The message that carries a file, if this principal may see it: where the server noted it, or —
 * for a visitor's file whose chat was started with it and not noted yet — that visitor's chats.
 */
function visibleCarrier(hub: WorkspaceHub, principal: Principal, file: StoredFile) {
  const state = hub.backend.state;
  const uploaderContact = file.uploader.startsWith('visitor:') ? file.uploader.slice('visitor:'.length) : null;
  const where = file.conversationId
    ? [file.conversationId]
    : uploaderContact
      ? conversationsOfContact(state, uploaderContact)
      : [];
  const carrier = attachmentCarrier(state, file.id, where);
  return carrier && mayDownloadAttachment(principal, carrier) ? carrier : null;
}

/** visibleCarrier, after catching up once with what other processes committed (a cluster). */
async function visibleCarrierNow(hub: WorkspaceHub, principal: Principal, file: StoredFile) {
  const carrier = visibleCarrier(hub, principal, file);
  if (carrier) return carrier;
  return (await hub.backend.catchUp()) > 0 ? visibleCarrier(hub, principal, file) : null;
}

/** `attachment; filename*=…` (or inline), the name in RFC 8187 form with an ASCII fallback. */
function disposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

async function download(options: FileRoutesOptions, requester: Requester, id: string, res: ServerResponse) {
  // One answer for "no such file", "another workspace's" and "not yours": none tells anything.
  const notFound = new HttpError(404, 'not-found', 'No such file.');
  if (!FILE_ID_PATTERN.test(id)) throw notFound;
  const files = options.filesOf(requester.hub.id);
  const file = await files.find(id);
  if (!file) throw notFound;
  const carrier = await visibleCarrierNow(requester.hub, requester.principal, file);
  if (!carrier) throw notFound;
  const content = await files.read(id);
  if (!content) throw notFound;
  const inline = INLINE_IMAGE_TYPES.includes(file.type);
  res.writeHead(200, {
    'content-type': file.type.startsWith('text/') ? `${file.type}; charset=utf-8` : file.type,
    'content-length': content.length,
    'content-disposition': disposition(inline ? 'inline' : 'attachment', file.name),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "sandbox; default-src 'none'",
    'cross-origin-resource-policy': 'same-origin',
    // The answer depends on who asks: no shared cache keeps it.
    'cache-control': 'private, no-cache',
  });
  res.end(content);
}

/**
 * Attachments (issue 16): `POST /api/files` uploads one file (the body is the file, its type in
 * Content-Type, its name in X-Confab-File-Name) with the sender's session — the inbox's cookie or
 * a token in Authorization, as the WebSocket takes them; `GET /api/files/{id}` serves it to those
 * who may see a message that carries it.
 */
export function createFileRoutes(options: FileRoutesOptions): RouteHandler {
  return async (context, req, res, url) => {
    const path = url.pathname;
    if (path !== '/api/files' && !path.startsWith('/api/files/')) return false;
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      preflight(req, res);
      return true;
    }
    allowOrigin(req, res);
    const requester = await requesterOf(context, req);
    if (path === '/api/files') {
      if (method !== 'POST') throw new HttpError(405, 'method-not-allowed', 'Use POST.');
      if (!requester) {
        req.resume();
        throw new HttpError(401, 'unauthenticated', 'Sign in, or send the visitor session as a bearer token.');
      }
      if (requester.byCookie) requireOwnOrigin(req, context.ownOrigins(req));
      await upload(options, requester, req, res);
      return true;
    }
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'method-not-allowed', 'Use GET.');
    if (!requester) {
      if (bearerOf(req) === null && readCookie(req, SESSION_COOKIE) === null)
        throw new HttpError(401, 'unauthenticated', 'Sign in, or send the visitor session as a bearer token.');
      throw new HttpError(404, 'not-found', 'No such file.');
    }
    await download(options, requester, decodeURIComponent(path.slice('/api/files/'.length)), res);
    return true;
  };
}

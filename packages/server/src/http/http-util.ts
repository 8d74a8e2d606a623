import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A refusal over HTTP: a status and a typed body `{ error: { code, message, path? } }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  get body(): { error: { code: string; message: string; path?: string } } {
    return {
      error: { code: this.code, message: this.message, ...(this.path !== undefined ? { path: this.path } : {}) },
    };
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.status, error.body, error.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
}

/** Reads the whole body, refusing (413) past `limit` bytes without buffering the rest. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new HttpError(413, 'too-large', `The body may have at most ${limit} bytes.`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        reject(new HttpError(413, 'too-large', `The body may have at most ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      if (!refused) reject(error);
    });
  });
}

/** Parses a JSON body after checking its content type (415) and size (413). */
export async function readJson(req: IncomingMessage, limit: number): Promise<{ value: unknown; raw: Buffer }> {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    throw new HttpError(415, 'unsupported-media-type', 'Send the body as application/json.');
  }
  const raw = await readBody(req, limit);
  try {
    return { value: JSON.parse(raw.toString('utf8')) as unknown, raw };
  } catch {
    throw new HttpError(400, 'invalid', 'The body is not valid JSON.');
  }
}

/** Compares two secrets in constant time (hashing first makes the lengths equal). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** Requires `Authorization: Bearer <expected>`; 401 otherwise. An unset secret refuses everyone. */
export function requireBearer(req: IncomingMessage, expected: string | undefined, what: string): void {
  if (!expected)
    throw new HttpError(401, 'unauthenticated', `${what} is turned off: no token is configured on the server.`);
  const header = String(req.headers.authorization ?? '');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new HttpError(401, 'unauthenticated', 'Send Authorization: Bearer <token>.');
  if (!secretsEqual(match[1]!, expected)) throw new HttpError(401, 'unauthenticated', 'The token is not valid.');
}

/**
 * The client's address: the socket's, or — only when the server is told it sits behind one trusted
 * reverse proxy (CONFAB_TRUST_PROXY=1) — the last X-Forwarded-For entry, the one that proxy added.
 * Earlier entries are whatever the client claimed and are never used.
 */
export function clientIp(req: IncomingMessage, trustProxy = false): string {
  if (trustProxy) {
    const forwarded = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .at(-1);
    if (forwarded) return forwarded;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

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

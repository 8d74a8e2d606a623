import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { pageHeaders } from './page-policy.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};
/** Text worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt']);
/** Files up to this size are kept in memory with their compressed forms; larger ones stream as they are. */
const MAX_CACHED_BYTES = 4 * 1024 * 1024;
/** Files kept in memory at most (the bundles, pages and their maps are far fewer). */
const MAX_CACHED_FILES = 200;
/**
 * A name rollup gave a content hash (`confab-inbox-define-CzAojkqd.js`): eight base64url characters
 * with a capital or a digit, so a plain eight-letter word (`launcher`) is never taken for one.
 */
const HASHED_NAME = /-(?=[A-Za-z0-9_-]*[A-Z0-9])[A-Za-z0-9_-]{8}\.(js|mjs|css)(\.map)?$/;
/** A hashed file never changes under its name: a returning visitor does not even ask for it. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Any other file: the browser keeps it and asks each time; an unchanged one is a 304 with no body. */
const REVALIDATE = 'no-cache';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** A file as served: its bytes, its strong ETag and its compressed forms (made once, when first asked). */
interface CachedFile {
  mtimeMs: number;
  size: number;
  /** The content's hash, from which each encoding's ETag is made. */
  hash: string;
  body: Buffer;
  br?: Promise<Buffer>;
  gzip?: Promise<Buffer>;
}
const cache = new Map<string, CachedFile>();

async function cachedFile(file: string, mtimeMs: number, size: number): Promise<CachedFile> {
  const known = cache.get(file);
  if (known && known.mtimeMs === mtimeMs && known.size === size) {
    // Most recently used last, so the oldest is the first to go.
    cache.delete(file);
    cache.set(file, known);
    return known;
  }
  const body = await readFile(file);
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  const entry: CachedFile = { mtimeMs, size, hash, body };
  cache.set(file, entry);
  if (cache.size > MAX_CACHED_FILES) cache.delete(cache.keys().next().value!);
  return entry;
}

/** The encoding to send: brotli, else gzip, else none — only ones the client accepts (q > 0). */
function chooseEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | null {
  const accepted = new Set<string>();
  for (const part of (acceptEncoding ?? '').toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)).find(Boolean);
    if (name && (!q || Number(q[1]) > 0)) accepted.add(name.trim());
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return null;
}

function compressed(entry: CachedFile, encoding: 'br' | 'gzip'): Promise<Buffer> {
  if (encoding === 'br')
    return (entry.br ??= brotli(entry.body, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: entry.body.length },
    }));
  return (entry.gzip ??= gzipAsync(entry.body, { level: 9 }));
}

/** Each encoding is its own representation, so its own ETag: the file's hash and the encoding. */
function etagOf(hash: string, encoding: 'br' | 'gzip' | null): string {
  return `"${hash}${encoding ? `-${encoding}` : ''}"`;
}

/** The If-None-Match tag that names this file in any encoding, or null. */
function matchingTag(req: IncomingMessage, hash: string): string | null {
  const header = req.headers['if-none-match'];
  if (!header) return null;
  for (const raw of header.split(',')) {
    const tag = raw.trim().replace(/^W\//, '');
    if (tag === '*' || tag.replace(/^"|"$/g, '').replace(/-(br|gzip)$/, '') === hash) return tag;
  }
  return null;
}

/**
 * Serves `relativePath` from `root` (a directory index is `index.html`). Returns false when there is
 * no such file, so the caller answers 404. Paths that climb out of `root` are never served. HTML
 * pages get `pagePolicy` as their Content-Security-Policy, and may never be framed (pageHeaders).
 *
 * Text is sent brotli- or gzip-compressed when the client accepts it (compressed once, kept in
 * memory), every file has a strong ETag (a repeat request with If-None-Match gets 304 and no body),
 * and content-hashed bundle names are cached by browsers for a year without asking again.
 */
export async function serveStatic(
  res: ServerResponse,
  root: string,
  relativePath: string,
  req: IncomingMessage,
  pagePolicy?: string,
): Promise<boolean> {
  const method = req.method ?? 'GET';
  let decoded: string;
  try {
    decoded = decodeURIComponent(relativePath);
  } catch {
    return false;
  }
  if (decoded.includes('\0')) return false;
  const base = resolve(root);
  let file = resolve(join(base, decoded));
  if (file !== base && !file.startsWith(base + sep)) return false;
  try {
    let info = await stat(file);
    if (info.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file);
    }
    if (!info.isFile()) return false;
    const extension = extname(file).toLowerCase();
    const headers: Record<string, string | number> = {
      'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
      'cache-control': HASHED_NAME.test(basename(file)) ? IMMUTABLE : REVALIDATE,
      'x-content-type-options': 'nosniff',
      ...(extension === '.html' ? pageHeaders(pagePolicy) : {}),
      // The widget bundle is loaded by other sites' pages.
      ...(file.includes(`${sep}bundles${sep}`) ? { 'access-control-allow-origin': '*' } : {}),
    };
    if (info.size > MAX_CACHED_BYTES) {
      res.writeHead(200, { ...headers, 'content-length': info.size });
      if (method === 'HEAD') res.end();
      else
        createReadStream(file)
          .on('error', () => res.destroy())
          .pipe(res);
      return true;
    }
    const entry = await cachedFile(file, info.mtimeMs, info.size);
    if (COMPRESSIBLE.has(extension)) headers.vary = 'Accept-Encoding';
    const matched = matchingTag(req, entry.hash);
    if (matched) {
      res.writeHead(304, { ...headers, etag: matched === '*' ? etagOf(entry.hash, null) : matched });
      res.end();
      return true;
    }
    // A compressed form that is not smaller (a tiny file) is not worth the client's decoding.
    let body = entry.body;
    let sentEncoding: 'br' | 'gzip' | null = null;
    const encoding = COMPRESSIBLE.has(extension) ? chooseEncoding(req.headers['accept-encoding']) : null;
    if (encoding) {
      const smaller = await compressed(entry, encoding);
      if (smaller.length < body.length) {
        body = smaller;
        sentEncoding = encoding;
        headers['content-encoding'] = encoding;
      }
    }
    res.writeHead(200, { ...headers, etag: etagOf(entry.hash, sentEncoding), 'content-length': body.length });
    res.end(method === 'HEAD' ? undefined : body);
    return true;
  } catch {
    return false;
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logging.js';
import { newLogId } from '../logging.js';
import type { ServerMetrics } from '../metrics.js';
import { REFUSAL_OF_STATUS, toHttpError } from './errors.js';
import { HttpError, clientIp, sendError } from './http-util.js';
import { serveStatic } from './static-files.js';
import type { StaticMount } from './static-mounts.js';

/** Answers a request and returns true when the path is its own. */
export type PageHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export interface RouterOptions {
  /** Whether the request names a Host this server answers to (DNS rebinding). */
  hostAllowed(req: IncomingMessage): boolean;
  /** Everything under /api/. */
  api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  /** Pages tried in order before the static mounts (GET and HEAD only). */
  pages: PageHandler[];
  mounts: StaticMount[];
  trustProxy: boolean;
  logger: Logger;
  metrics: ServerMetrics;
}

/**
 * The HTTP front door: the Host check, /api/, pages, static files; one typed error body for every
 * refusal; one log line per request.
 */
export function createRouter(options: RouterOptions) {
  const { logger, metrics } = options;

  /** Refusals an operator looks for at warn, ingests at info, the rest at debug. */
  function logRequest(req: IncomingMessage, status: number, reqId: string, method: string, path: string) {
    const fields = { reqId, method, path, status, ip: clientIp(req, options.trustProxy) };
    // A Host this server does not know (DNS rebinding, or a name missing from CONFAB_PUBLIC_URL).
    const refusal = status === 400 && !options.hostAllowed(req) ? 'host' : REFUSAL_OF_STATUS[status];
    if (refusal) {
      metrics.refusal(refusal);
      logger.warn(fields, 'request refused');
    } else if (path.startsWith('/api/channels/') && method === 'POST') {
      logger.info(fields, status === 200 ? 'ingest committed' : 'ingest refused');
    } else logger.debug(fields, 'request');
  }

  async function serveMounted(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    for (const { prefix, dirs, pagePolicy } of options.mounts) {
      if (path === prefix) {
        res.writeHead(301, { location: `${prefix}/${url.search}` });
        res.end();
        return true;
      }
      if (path.startsWith(prefix + '/')) {
        for (const dir of dirs)
          if (await serveStatic(res, dir, path.slice(prefix.length), req, pagePolicy)) return true;
        return false;
      }
    }
    return false;
  }

  return async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const reqId = newLogId();
    res.setHeader('x-request-id', reqId);
    res.once('finish', () => logRequest(req, res.statusCode, reqId, method, path));
    try {
      // Liveness says nothing about anyone, and load balancers probe it by address or internal name.
      if (path !== '/health' && !options.hostAllowed(req))
        throw new HttpError(
          400,
          'host-not-allowed',
          'This server is not known by that Host name. Its operator lists its names in CONFAB_PUBLIC_URL.',
        );
      if (path.startsWith('/api/')) return await options.api(req, res, url);
      if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'method-not-allowed', 'Use GET.');
      for (const page of options.pages) if (await page(req, res, url)) return;
      if (await serveMounted(req, res, url)) return;
      throw new HttpError(404, 'not-found', `Nothing at ${path}.`);
    } catch (error) {
      const httpError = toHttpError(error);
      if (httpError.status === 500) logger.error({ reqId, method, path, err: error }, 'request failed');
      sendError(res, httpError);
    }
  };
}

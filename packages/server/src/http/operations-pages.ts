import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerMetrics } from '../metrics.js';
import { HttpError, requireBearer, sendJson } from './http-util.js';

export interface Readiness {
  ready: boolean;
  draining: boolean;
  storage: boolean;
  migrations: boolean;
  /** Whether the cluster's bus (Redis) is connected; absent without one. Reported only: not a condition of `ready`. */
  bus?: boolean;
}

export interface OperationsPagesOptions {
  adminToken: string | undefined;
  metricsToken: string | undefined;
  demo: boolean;
  metrics: ServerMetrics;
  /** Takes one request from the caller's per-address allowance; false when it is spent. */
  allow(req: IncomingMessage): boolean;
  /** What `/health?details` tells the admin token's holder. */
  details(): Promise<Record<string, unknown>>;
  ready(): Readiness;
}

/**
 * `/health`, `/ready` and `/metrics`, for load balancers, orchestrators and their operator.
 * Answers and returns true when the path is one of them.
 */
export function createOperationsPages(options: OperationsPagesOptions) {
  /** A guessable bearer outside /api/: the same per-address limit as the API. */
  function limit(req: IncomingMessage): void {
    if (!options.allow(req)) throw new HttpError(429, 'rate-limited', 'Too many requests; retry later.');
  }

  return async function operationsPage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const head = req.method === 'HEAD';
    switch (url.pathname) {
      case '/health':
        // Anyone may probe it, so it says "alive" and nothing more, in constant time; where the
        // data lives and how busy the server is are for its operator.
        if (!url.searchParams.has('details')) {
          sendJson(res, 200, { ok: true });
          return true;
        }
        limit(req);
        requireBearer(req, options.adminToken, 'Health details');
        sendJson(res, 200, { ok: true, status: 'ok', ...(await options.details()) });
        return true;
      case '/ready': {
        const readiness = options.ready();
        sendJson(res, readiness.ready ? 200 : 503, readiness);
        return true;
      }
      case '/metrics': {
        if (!options.metricsToken && !options.demo)
          throw new HttpError(404, 'not-found', 'Metrics are off: set CONFAB_METRICS_TOKEN.');
        // Demo mode serves them to anyone (it listens on localhost).
        if (options.metricsToken) {
          limit(req);
          requireBearer(req, options.metricsToken, 'Metrics');
        }
        const text = await options.metrics.render();
        res.writeHead(200, {
          'content-type': options.metrics.contentType,
          'content-length': Buffer.byteLength(text),
          'cache-control': 'no-store',
        });
        res.end(head ? undefined : text);
        return true;
      }
      default:
        return false;
    }
  };
}

/**
 * A returning visitor's client in a worker until the chat opens (DESIGN §4: what a host page pays
 * before any interaction). Their widget connects at once, for replies that come while they browse;
 * on the page, opening the database, hashing the token, the first WebSocket and the replica cost
 * the host's main thread about 15 ms. In a dedicated worker (confab-widget-worker.js, worker.ts)
 * they cost it nothing: the page receives the client's view (client-view.ts) and draws the badge
 * and says the events from it. When the visitor opens the chat, the page takes over with a client
 * of its own and the worker closes its.
 *
 * The worker comes from a `blob:` URL that imports the bundle beside the app (a worker script must
 * have the page's origin; the bundle is served with CORS like the app). A page whose
 * Content-Security-Policy does not allow `worker-src blob:` (and, with Trusted Types, the
 * `confab-widget` policy) refuses it; the client then runs on the page, as for a first-time visitor.
 */
import type { WidgetConfig } from './boot.js';
import type { ClientView, TeamMessageView } from './client-view.js';
import type { Kept } from './stored.js';

/** From the page to the worker. */
export type ToBackground = { kind: 'start'; server: string; site: string; namespace: string } | { kind: 'close' };

/** From the worker to the page. */
export type FromBackground =
  | ({ kind: 'kept' } & Kept)
  /** `fresh`: team messages that arrived since the last view (none in the first one with state). */
  | { kind: 'view'; view: ClientView; fresh: TeamMessageView[] }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'failed'; message: string }
  | { kind: 'closed' };

export interface BackgroundHandlers {
  /** The widget's records, read by the worker (a visitor who did not chat before gets no client). */
  kept(kept: Kept): void;
  view(view: ClientView, fresh: TeamMessageView[]): void;
  error(code: string, message: string): void;
  /** The worker could not start or failed: the page runs the client itself. */
  failed(): void;
}

export interface Background {
  /** Ends the worker; settles once its client closed and stored its writes (at most a second). */
  stop(): Promise<void>;
}

/** How long `stop()` waits for the worker's client to close before ending the worker anyway. */
const STOP_TIMEOUT_MS = 1000;

/** The worker bundle, beside the app's (`data-app` moves both). */
const workerUrl = (app: string): string => new URL('confab-widget-worker.js', app).href;

let policy: { createScriptURL(url: string): unknown } | null | undefined;

/** The worker's script URL, through a Trusted Types policy where the browser has them. */
function scriptUrl(url: string): string {
  const types = (window as { trustedTypes?: { createPolicy(name: string, rules: object): typeof policy } })
    .trustedTypes;
  policy ??= types ? types.createPolicy('confab-widget', { createScriptURL: (value: string) => value }) : null;
  return (policy ? policy.createScriptURL(url) : url) as string;
}

/**
 * Starts the worker for the site's widget. Returns null where the browser has no module workers or
 * the page's policy refuses this one at once; a refusal that comes later arrives as `failed`.
 */
export function startBackground(
  config: WidgetConfig,
  namespace: string,
  handlers: BackgroundHandlers,
): Background | null {
  let worker: Worker;
  let blobUrl = '';
  try {
    // `new URL` percent-encodes quotes and drops line breaks: the href is safe in a string literal.
    blobUrl = URL.createObjectURL(new Blob([`import "${workerUrl(config.app)}";`], { type: 'text/javascript' }));
    worker = new Worker(scriptUrl(blobUrl), { type: 'module' });
  } catch {
    if (blobUrl) URL.revokeObjectURL(blobUrl);
    return null;
  }
  let ended = false;
  let stopping = false;
  let stopped: Promise<void> | null = null;
  let onClosed: (() => void) | null = null;
  const end = () => {
    if (ended) return;
    ended = true;
    worker.terminate();
    URL.revokeObjectURL(blobUrl);
    onClosed?.();
  };
  const fail = () => {
    if (ended) return;
    end();
    if (!stopping) handlers.failed();
  };
  worker.onerror = fail;
  worker.onmessageerror = fail;
  worker.onmessage = ({ data }: MessageEvent<FromBackground>) => {
    // Once the page took over, only the worker's last word counts.
    if (ended || (stopping && data.kind !== 'closed' && data.kind !== 'failed')) return;
    if (data.kind === 'kept') {
      handlers.kept({ seen: data.seen, chattedBefore: data.chattedBefore });
      // A visitor who never chatted gets no client: the worker has ended itself.
      if (!data.chattedBefore) end();
    } else if (data.kind === 'view') handlers.view(data.view, data.fresh);
    else if (data.kind === 'error') handlers.error(data.code, data.message);
    else if (data.kind === 'failed') fail();
    else end();
  };
  const start: ToBackground = { kind: 'start', server: config.server, site: config.site, namespace };
  worker.postMessage(start);
  return {
    stop() {
      if (ended) return Promise.resolve();
      stopping = true;
      return (stopped ??= new Promise<void>((resolve) => {
        onClosed = resolve;
        const close: ToBackground = { kind: 'close' };
        worker.postMessage(close);
        setTimeout(end, STOP_TIMEOUT_MS);
      }));
    },
  };
}

/**
 * The background worker's entry (dist/bundles/confab-widget-worker.js): the client of a visitor
 * who chatted before, connected off the host page's main thread until the chat opens
 * (background.ts starts it and takes over from it). It reads the widget's records, and if the
 * visitor chatted before, connects and posts the client's view on every change. A worker's
 * globals are its own: a page that patches JSON or Array methods does not reach them.
 */
import {
  createVisitorClient,
  createWebSocketTransport,
  openPersistence,
  visitorSelectors,
  writable,
  type VisitorClient,
} from '@confab/core';
import type { FromBackground, ToBackground } from './background.js';
import { arrivedMessages, viewOf, watchView } from './client-view.js';
import { NewMessages } from './new-messages.js';
import { readKept, socketUrl } from './stored.js';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ToBackground>) => void) | null;
  postMessage(message: FromBackground): void;
  close(): void;
};

let client: VisitorClient | null = null;
let closing = false;

async function start({ server, site, namespace }: Extract<ToBackground, { kind: 'start' }>) {
  const storage = await openPersistence(namespace);
  const kept = await readKept(storage);
  if (closing) return;
  scope.postMessage({ kind: 'kept', ...kept });
  if (!kept.chattedBefore) return scope.close();
  const started = createVisitorClient({
    transport: createWebSocketTransport({ url: socketUrl(server), WebSocket }),
    namespace,
    persistence: storage,
    ...(site !== 'default' ? { site } : {}),
  });
  client = started;
  const unread = visitorSelectors(started).unread(writable(kept.seen));
  const news = new NewMessages();
  const post = () => {
    scope.postMessage({ kind: 'view', view: viewOf(started, unread), fresh: arrivedMessages(started, news) });
  };
  watchView(started, unread, post);
  started.on('refused', (_entry, error) =>
    scope.postMessage({ kind: 'error', code: error.code, message: error.message }),
  );
  started.on('error', (error) => scope.postMessage({ kind: 'error', code: error.code, message: error.message }));
  post();
}

/** The page took over: the socket closes and the client's writes are stored before the worker ends. */
async function close() {
  closing = true;
  await client?.close().catch(() => undefined);
  scope.postMessage({ kind: 'closed' });
  scope.close();
}

scope.onmessage = ({ data }) => {
  if (data.kind === 'start')
    start(data).catch((error: unknown) => {
      scope.postMessage({ kind: 'failed', message: String(error) });
      scope.close();
    });
  else void close();
};

import { createHmac, timingSafeEqual } from 'node:crypto';
import { lookup } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { silentLogger, type Logger } from '../logging.js';
import { attemptsWithin } from '../mail/mailer.js';
import type { ClaimedWebhookDelivery, WebhookStore } from './webhook-store.js';

export interface WebhookSenderOptions {
  store: WebhookStore;
  /** Receivers on loopback, private and link-local addresses are refused unless this is true (SSRF). */
  allowPrivateNetworks?: boolean;
  /** How long a delivery is retried before it is marked failed, ms. Default 24 hours. */
  retryWindowMs?: number;
  /** Delay after failed attempt n (1-based), ms. Default 2^n × 5 s, at most one hour. */
  retryDelay?: (attempt: number) => number;
  /** How long a receiver has to answer, ms. Default 10 s. */
  timeoutMs?: number;
  /** How often due deliveries are looked for besides wake-ups (another process's, a lapsed lease), ms. Default 5 s. */
  pollMs?: number;
  now?: () => number;
  logger?: Logger;
}

export interface WebhookSender {
  /** Derives the deliveries of a workspace's events up to `upTo` (serialised per workspace), then sends. */
  dispatch(workspaceId: string, epoch: string, upTo: number): void;
  /** Resolves when every dispatch asked for so far is done and nothing is due now. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Headers of every delivery; the signature covers `${timestamp}.${body}`. */
export const WEBHOOK_HEADERS = {
  id: 'confab-webhook-id',
  timestamp: 'confab-webhook-timestamp',
  signature: 'confab-webhook-signature',
} as const;

/** `v1=` + hex HMAC-SHA256 of `${timestamp}.${body}` with the endpoint's secret. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * For receivers: whether a delivery is authentic and fresh (its timestamp within `toleranceSeconds`
 * of now, so a captured delivery cannot be replayed later).
 */
export function verifyWebhookSignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp)) return false;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Loopback, private, shared, link-local, multicast and reserved ranges: never a webhook's target by default. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  return family === 4 ? PRIVATE.check(address, 'ipv4') : family === 6 ? PRIVATE.check(address, 'ipv6') : true;
}

/** Resolves as usual, then refuses private addresses: checked on the address actually connected to (no DNS rebinding). */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const allowed = addresses.filter((entry) => !isPrivateAddress(entry.address));
    if (!allowed.length)
      return callback(
        Object.assign(new Error(`${hostname} resolves to a private address`), { code: 'EPRIVATE' }),
        '',
        0,
      );
    if ((options as { all?: boolean }).all)
      return (callback as unknown as (e: null, a: typeof allowed) => void)(null, allowed);
    callback(null, allowed[0]!.address, allowed[0]!.family);
  });
};

/** What one attempt got: the status, or why there was none. */
interface Answer {
  status: number | null;
  error: string | null;
}

/** Concurrent deliveries of this process. */
const CLAIM_BATCH = 16;
/** How long a claimed delivery is this process's before another may take it (it died sending). */
const LEASE_MS = 60_000;

/**
 * Sends webhook deliveries: each workspace's committed events become deliveries in storage (one per
 * endpoint that wants the event, derived once whichever process runs it), and due deliveries are
 * claimed (one sender each, across processes), signed and POSTed. A 2xx answer delivers; anything
 * else is retried with backoff for the retry window, then marked failed. At least once: a receiver
 * drops repeated `confab-webhook-id`s.
 */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const { store } = options;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger();
  const retryDelay = options.retryDelay ?? ((attempt: number) => Math.min(60 * 60_000, 5000 * 2 ** attempt));
  const maxAttempts = attemptsWithin(options.retryWindowMs ?? 24 * 60 * 60_000, retryDelay);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pollMs = options.pollMs ?? 5000;
  /** Each workspace's dispatches, one after the other; `queued`: the one not started yet, if any. */
  const dispatches = new Map<string, Promise<void>>();
  const queued = new Map<string, { epoch: string; upTo: number }>();
  let pumping: Promise<void> | null = null;
  let again = false;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;

  function post(delivery: ClaimedWebhookDelivery): Promise<Answer> {
    const url = new URL(delivery.url);
    const timestamp = Math.floor(now() / 1000);
    const body = Buffer.from(delivery.payload);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // An address written in the URL is connected to without a lookup: checked here instead.
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (!options.allowPrivateNetworks && isIP(literal) && isPrivateAddress(literal))
      return Promise.resolve({ status: null, error: `${literal} is a private address` });
    return new Promise<Answer>((resolve) => {
      const request = send(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            'user-agent': 'Confab-Webhooks/1',
            [WEBHOOK_HEADERS.id]: delivery.eventId,
            [WEBHOOK_HEADERS.timestamp]: String(timestamp),
            [WEBHOOK_HEADERS.signature]: webhookSignature(delivery.secret, timestamp, delivery.payload),
          },
          timeout: timeoutMs,
          ...(options.allowPrivateNetworks ? {} : { lookup: publicOnlyLookup }),
        },
        (response) => {
          response.resume(); // the body is not read: a receiver's answer is its status
          response.on('end', () => resolve({ status: response.statusCode ?? null, error: null }));
          response.on('error', (error) => resolve({ status: response.statusCode ?? null, error: error.message }));
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on('error', (error) => resolve({ status: null, error: error.message }));
      request.end(body);
    });
  }

  async function deliver(delivery: ClaimedWebhookDelivery) {
    const answer = await post(delivery);
    const ok = answer.status !== null && answer.status >= 200 && answer.status < 300;
    const final = !ok && delivery.attempts >= maxAttempts;
    const error = ok ? null : (answer.error ?? `HTTP ${answer.status}`).slice(0, 300);
    await store.finish(
      delivery.workspaceId,
      delivery.endpointId,
      delivery.eventId,
      {
        state: ok ? 'delivered' : final ? 'failed' : 'pending',
        nextAttemptAt: ok || final ? now() : now() + retryDelay(delivery.attempts),
        lastStatus: answer.status,
        lastError: error,
      },
      now(),
    );
    const details = { endpointId: delivery.endpointId, eventId: delivery.eventId, attempts: delivery.attempts };
    if (ok) logger.debug({ ...details, status: answer.status }, 'webhook delivered');
    else
      logger.warn(
        { ...details, status: answer.status, reason: error },
        final ? 'webhook failed: giving up' : 'webhook failed: will retry',
      );
  }

  async function sendDue() {
    for (;;) {
      const claimed = await store.claimDue(now(), CLAIM_BATCH, LEASE_MS);
      await Promise.all(claimed.map((delivery) => deliver(delivery)));
      if (claimed.length < CLAIM_BATCH || closed) break;
    }
  }

  /** Sends what is due, once at a time; a wake-up during a round asks for another round. */
  function pump(): Promise<void> {
    if (closed) return Promise.resolve();
    if (pumping) {
      again = true;
      return pumping;
    }
    pumping = (async () => {
      do {
        again = false;
        await sendDue().catch((error: unknown) => logger.error({ err: error }, 'webhook sending failed'));
      } while (again && !closed);
      pumping = null;
      await schedule();
    })();
    return pumping;
  }

  /** Wakes at the next due delivery, or after pollMs at the latest. */
  async function schedule() {
    if (closed) return;
    const due = await store.nextDueAt().catch(() => null);
    const delay = Math.max(0, Math.min(pollMs, due === null ? pollMs : due - now()));
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void pump();
    }, delay);
    timer.unref();
  }

  void pump();

  return {
    dispatch(workspaceId, epoch, upTo) {
      if (closed) return;
      // A dispatch of this workspace that has not started yet takes this one's place: every commit
      // asks, and one read of the cursor answers for all the commits made meanwhile.
      const waiting = queued.get(workspaceId);
      if (waiting) {
        waiting.upTo = waiting.epoch === epoch ? Math.max(waiting.upTo, upTo) : upTo;
        waiting.epoch = epoch;
        return;
      }
      const ask = { epoch, upTo };
      queued.set(workspaceId, ask);
      const previous = dispatches.get(workspaceId) ?? Promise.resolve();
      const next = previous
        .then(() => {
          queued.delete(workspaceId);
          return store.dispatch(workspaceId, ask.epoch, ask.upTo, now());
        })
        .then((made) => {
          if (made) void pump();
        })
        .catch((error: unknown) => logger.error({ err: error, workspace: workspaceId }, 'webhook dispatch failed'))
        .finally(() => {
          if (dispatches.get(workspaceId) === next) dispatches.delete(workspaceId);
        });
      dispatches.set(workspaceId, next);
    },
    async idle() {
      while (dispatches.size || pumping) {
        await Promise.all([...dispatches.values()]);
        await pumping;
      }
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await Promise.all([...dispatches.values()]);
      await pumping;
    },
  };
}

import type { SequencedEvent } from '@confab/core';
import type { Backend, FanOut } from '@confab/core/backend';
import { markDelivery } from '../delivery/mark-delivery.js';
import { silentLogger, type Logger } from '../logging.js';
import { MESSENGER_PAGE_PROPERTY } from './messenger.js';
import { SENDING_LEASE_MS, type DeliveryStore } from '../storage/sqlite-storage.js';

/** Messenger's Graph API; a test or a proxy names another base. */
export const DEFAULT_MESSENGER_API_URL = 'https://graph.facebook.com/v21.0';

interface QueuedReply {
  messageId: string;
  conversationId: string;
  recipientId: string;
  text: string;
}

export interface MessengerSenderOptions {
  backend: Backend;
  fanOut: FanOut;
  store: DeliveryStore;
  /**
   * The page access token for a reply through a page (the contact's MESSENGER_PAGE_PROPERTY, if
   * recorded); null: the reply stays queued (never reported sent) until `resume()` finds a token.
   */
  pageTokenFor(pageId: string | undefined): Promise<string | null>;
  /** Base URL of the Graph API. Default DEFAULT_MESSENGER_API_URL. */
  apiUrl?: string;
  /** Attempts before a reply that keeps meeting a temporary failure is marked failed. Default 8 (~4 min). */
  maxAttempts?: number;
  /** Delay after failed attempt n (1-based), ms. Default 2^n seconds. */
  retryDelay?: (attempt: number) => number;
  now?: () => number;
  logger?: Logger;
}

export interface MessengerSender {
  /** Tries every reply still queued again: a page and its token were registered since. */
  resume(): void;
  /** Resolves when every reply known so far has had its current attempt. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** A refusal by Messenger (the person blocked the page, the window closed): trying again will not help. */
class PermanentFailure extends Error {}

/**
 * Sends agents' replies in Messenger threads through the Send API: it follows committed
 * `messenger.queued` events (and `delivery.retried` for Messenger), posts each reply, and records
 * `delivery: 'sent' | 'failed'` on the message with Messenger's answer. A temporary failure (rate
 * limit, 5xx, network) is retried with backoff; a refusal fails the reply at once. After a restart
 * it resumes every reply still queued. Delivery towards Messenger is at least once: the Send API
 * takes no idempotency key, so a crash between Messenger's answer and our record sends it again.
 */
export function createMessengerSender(options: MessengerSenderOptions): MessengerSender {
  const { backend, store } = options;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger();
  const maxAttempts = options.maxAttempts ?? 8;
  const retryDelay = options.retryDelay ?? ((attempt: number) => 1000 * 2 ** attempt);
  const endpoint = `${(options.apiUrl ?? DEFAULT_MESSENGER_API_URL).replace(/\/+$/, '')}/me/messages`;

  let closed = false;
  let chain: Promise<void> = Promise.resolve();
  const inFlight = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();

  function enqueue(reply: QueuedReply) {
    if (closed || inFlight.has(reply.messageId)) return;
    inFlight.add(reply.messageId);
    chain = chain
      .then(() => attempt(reply))
      .catch((error: unknown) => logger.error({ err: error }, 'messenger sender failed'));
  }

  /** The reply as the thread has it now (text, and the person's page-scoped id from the contact). */
  function queuedReply(conversationId: string, messageId: string): QueuedReply | null {
    const conversation = backend.state.conversations.get(conversationId);
    const message = backend.state.messages.get(conversationId)?.find((candidate) => candidate.id === messageId);
    if (!conversation || !message) return null;
    const contact = conversation.contactId === null ? undefined : backend.state.contacts.get(conversation.contactId);
    return { messageId, conversationId, recipientId: contact?.properties['messengerId'] ?? '', text: message.text };
  }

  /** The page the contact of a conversation writes to, when the webhook recorded it. */
  function pageOf(conversationId: string): string | undefined {
    const contactId = backend.state.conversations.get(conversationId)?.contactId;
    return contactId ? backend.state.contacts.get(contactId)?.properties[MESSENGER_PAGE_PROPERTY] : undefined;
  }

  async function post(reply: QueuedReply, pageToken: string): Promise<void> {
    if (!reply.recipientId) throw new PermanentFailure('This contact has no Messenger id');
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${pageToken}` },
        body: JSON.stringify({
          recipient: { id: reply.recipientId },
          messaging_type: 'RESPONSE',
          message: { text: reply.text },
        }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new Error(`Messenger could not be reached: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.ok) return;
    const body = (await response.json().catch(() => null)) as { error?: { message?: unknown } } | null;
    const said = typeof body?.error?.message === 'string' ? body.error.message : response.statusText;
    const reason = `${response.status} ${said}`.trim();
    // Rate limits and Messenger's own trouble pass; anything else it refused will be refused again.
    if (response.status === 429 || response.status >= 500) throw new Error(reason);
    throw new PermanentFailure(reason);
  }

  async function attempt(reply: QueuedReply) {
    if (closed) return;
    const previous = await store.delivery(reply.messageId);
    if (previous?.state === 'sent' || previous?.state === 'failed') {
      inFlight.delete(reply.messageId);
      return;
    }
    let pageToken: string | null;
    try {
      pageToken = await options.pageTokenFor(pageOf(reply.conversationId));
    } catch (error) {
      logger.warn({ err: error, messageId: reply.messageId }, 'messenger page token lookup failed: will retry');
      later(reply, retryDelay(1));
      return;
    }
    if (!pageToken) {
      // No page token for it (yet): it stays queued, without an attempt, until resume().
      inFlight.delete(reply.messageId);
      return;
    }
    const attempts = (previous?.attempts ?? 0) + 1;
    // Another sender (another process following this workspace) holds this attempt: it sends, not
    // this one. Looked at again once its lease is over, in case that sender died meanwhile.
    if (!(await store.claimAttempt(reply.messageId, previous?.attempts ?? 0, now()))) {
      later(reply, SENDING_LEASE_MS);
      return;
    }
    try {
      await post(reply, pageToken);
      await store.recordDelivery({
        messageId: reply.messageId,
        state: 'sent',
        attempts,
        lastError: null,
        updatedAt: now(),
      });
      logger.info({ messageId: reply.messageId, attempts }, 'messenger reply sent');
      inFlight.delete(reply.messageId);
      await markDelivery(backend, reply, 'sent');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const final = error instanceof PermanentFailure || attempts >= maxAttempts;
      await store.recordDelivery({
        messageId: reply.messageId,
        state: final ? 'failed' : 'queued',
        attempts,
        lastError: reason.slice(0, 500),
        updatedAt: now(),
      });
      logger.warn(
        { messageId: reply.messageId, attempts, reason: reason.slice(0, 500) },
        final ? 'messenger reply failed: giving up' : 'messenger reply failed: will retry',
      );
      await markDelivery(backend, reply, final ? 'failed' : 'queued', reason);
      if (final) {
        inFlight.delete(reply.messageId);
        return;
      }
      later(reply, retryDelay(attempts));
    }
  }

  /** Tries the reply again after `delayMs`. */
  function later(reply: QueuedReply, delayMs: number) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      inFlight.delete(reply.messageId);
      enqueue(reply);
    }, delayMs);
    timer.unref();
    timers.add(timer);
  }

  const unsubscribe = options.fanOut.subscribe((events: SequencedEvent[]) => {
    for (const { event } of events) {
      if (event.type === 'messenger.queued') enqueue(event);
      else if (event.type === 'delivery.retried' && event.via === 'messenger' && !inFlight.has(event.messageId)) {
        // Sent again by an agent: the attempts start over.
        const reply = queuedReply(event.conversationId, event.messageId);
        store
          .recordDelivery({
            messageId: event.messageId,
            state: 'queued',
            attempts: 0,
            lastError: null,
            updatedAt: now(),
          })
          .then(
            () => reply && enqueue(reply),
            (error: unknown) => logger.error({ err: error }, 'messenger retry could not be recorded'),
          );
      }
    }
  });
  /** Every reply still queued: after a restart, or once a page token is there. */
  function resume() {
    for (const conversation of backend.state.conversations.values()) {
      if (conversation.channel !== 'messenger') continue;
      for (const message of backend.state.messages.get(conversation.id) ?? []) {
        if (message.delivery !== 'queued' || message.direction !== 'outbound') continue;
        const reply = queuedReply(conversation.id, message.id);
        if (reply) enqueue(reply);
      }
    }
  }
  void backend.ready.then(resume);

  return {
    resume,
    async idle() {
      await backend.ready;
      let seen: Promise<void>;
      do {
        seen = chain;
        await seen;
      } while (seen !== chain);
    },
    async close() {
      closed = true;
      unsubscribe();
      for (const timer of timers) clearTimeout(timer);
      await chain.catch(() => undefined);
    },
  };
}

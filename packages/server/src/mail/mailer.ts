import nodemailer from 'nodemailer';
import type { ConfabEvent, Message, SequencedEvent } from '@confab/core';
import type { Backend, FanOut } from '@confab/core/backend';
import { silentLogger, type Logger } from '../logging.js';
import type { ServerMetrics } from '../metrics.js';
import { SENDING_LEASE_MS, type DeliveryStore } from '../storage/sqlite-storage.js';
import { markDelivery } from '../delivery/mark-delivery.js';
import type { FileStore } from '../files/file-store.js';

type QueuedEmail = Extract<ConfabEvent, { type: 'email.queued' }>;

/** What the mailer hands an SMTP library; a test double can stand in for nodemailer. */
export interface MailTransport {
  sendMail(mail: {
    from: string;
    to: string[];
    cc?: string[];
    /** Envelope only: nodemailer writes no Bcc header unless told to keep it. */
    bcc?: string[];
    subject: string;
    text: string;
    messageId?: string;
    inReplyTo?: string;
    references?: string[];
    attachments?: { filename: string; contentType: string; content: Buffer }[];
  }): Promise<unknown>;
  close?(): void;
}

export interface MailerOptions {
  backend: Backend;
  fanOut: FanOut;
  store: DeliveryStore;
  /** The workspace's files: a reply's attachments go out as MIME parts (issue 17). */
  files?: Pick<FileStore, 'read'>;
  /** SMTP URL (`smtp://user:pass@host:587`, `smtps://…`); without it mail stays queued. */
  smtpUrl?: string;
  /** A ready transport instead of smtpUrl (tests). */
  transport?: MailTransport;
  /** How long an email is retried before it is marked failed, ms. Default 24 hours. */
  retryWindowMs?: number;
  /** Delay after failed attempt n (1-based), ms. Default 2^n seconds, at most 15 minutes. */
  retryDelay?: (attempt: number) => number;
  now?: () => number;
  /** Deliveries and failures are logged here (the recipient's domain, never the text). */
  logger?: Logger;
  /** Counts deliveries by state. */
  metrics?: ServerMetrics;
}

export interface Mailer {
  /** Whether an SMTP transport is configured: without one, nothing is ever reported sent. */
  readonly enabled: boolean;
  /** Emails being sent or waiting for their next attempt (the hub is not evicted meanwhile). */
  readonly sending: number;
  /** Resolves when every email known so far has had its current attempt. */
  idle(): Promise<void>;
  /**
   * Sends a message of the server itself (an invitation, a password reset) from the workspace's
   * address, once, now: false without SMTP. Failures reject (the caller tells the person).
   */
  sendServerMail(mail: { to: string; subject: string; text: string }): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Sends outbound email (replies, compose C1, forward T7, transcripts T4): it follows committed
 * `email.queued` events, sends each through SMTP, records the delivery in storage and records
 * `delivery: 'sent' | 'failed'` on the message, so the inbox shows it. After a restart it resumes
 * every queued email without a final delivery. Without SMTP, email stays `queued`: never reported sent.
 */
export function createMailer(options: MailerOptions): Mailer {
  const { backend, store } = options;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger();
  const retryDelay = options.retryDelay ?? ((attempt: number) => Math.min(15 * 60_000, 1000 * 2 ** attempt));
  const maxAttempts = attemptsWithin(options.retryWindowMs ?? DEFAULT_RETRY_WINDOW_MS, retryDelay);
  const transport: MailTransport | null =
    options.transport ??
    (options.smtpUrl ? (nodemailer.createTransport(options.smtpUrl) as unknown as MailTransport) : null);

  if (!transport) {
    return {
      enabled: false,
      sending: 0,
      idle: async () => {},
      sendServerMail: async () => false,
      close: async () => {},
    };
  }

  let closed = false;
  let chain: Promise<void> = Promise.resolve();
  const inFlight = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();

  function enqueue(email: QueuedEmail) {
    if (closed || inFlight.has(email.messageId)) return;
    inFlight.add(email.messageId);
    chain = chain.then(() => attempt(email)).catch((error: unknown) => logger.error({ err: error }, 'mailer failed'));
  }

  function findMessage(email: QueuedEmail): Message | undefined {
    return backend.state.messages.get(email.conversationId)?.find((message) => message.id === email.messageId);
  }

  /** An agent retried a failed email (`delivery.retried`): its attempts start again from the first. */
  async function retry(messageId: string) {
    if (closed || inFlight.has(messageId)) return;
    await store.recordDelivery({ messageId, state: 'queued', attempts: 0, lastError: null, updatedAt: now() });
    const email = (await store.pendingEmails()).find((pending) => pending.messageId === messageId);
    if (email) enqueue(email);
  }

  async function attempt(email: QueuedEmail) {
    if (closed) return;
    const previous = await store.delivery(email.messageId);
    if (previous?.state === 'sent' || previous?.state === 'failed') {
      inFlight.delete(email.messageId);
      return;
    }
    const attempts = (previous?.attempts ?? 0) + 1;
    // Another sender (another process following this workspace) holds this attempt: it sends, not
    // this one. Looked at again once its lease is over, in case that sender died meanwhile.
    if (!(await store.claimAttempt(email.messageId, previous?.attempts ?? 0, now()))) {
      later(email, SENDING_LEASE_MS);
      return;
    }
    const message = findMessage(email);
    const headers = message?.email;
    const settingsFrom = backend.state.settings.email.address;
    try {
      const attachments = await attachmentsOf(message);
      await transport!.sendMail({
        from: headers?.from || settingsFrom,
        to: email.to,
        ...(headers?.cc.length ? { cc: headers.cc } : {}),
        ...(headers?.bcc?.length ? { bcc: headers.bcc } : {}),
        ...(attachments.length ? { attachments } : {}),
        subject: email.subject,
        text: email.text,
        ...(headers?.messageId ? { messageId: angleBracketed(headers.messageId) } : {}),
        ...(headers?.inReplyTo
          ? { inReplyTo: angleBracketed(headers.inReplyTo), references: [angleBracketed(headers.inReplyTo)] }
          : {}),
      });
      await store.recordDelivery({
        messageId: email.messageId,
        state: 'sent',
        attempts,
        lastError: null,
        updatedAt: now(),
      });
      options.metrics?.email('sent');
      logger.info({ messageId: email.messageId, attempts }, 'email sent');
      inFlight.delete(email.messageId);
      await markDelivery(backend, email, 'sent');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // nodemailer keeps the SMTP server's own reply apart: that is what the thread shows.
      const reply = (error as { response?: unknown }).response;
      const shown = typeof reply === 'string' && reply ? reply : reason;
      const final = attempts >= maxAttempts;
      await store.recordDelivery({
        messageId: email.messageId,
        state: final ? 'failed' : 'queued',
        attempts,
        lastError: reason.slice(0, 500),
        updatedAt: now(),
      });
      options.metrics?.email(final ? 'failed' : 'retrying');
      logger.warn(
        { messageId: email.messageId, attempts, maxAttempts, reason: reason.slice(0, 500) },
        final ? 'email failed: giving up' : 'email failed: will retry',
      );
      if (final) {
        inFlight.delete(email.messageId);
        await markDelivery(backend, email, 'failed', shown);
      } else {
        // The thread shows why it is still queued, once per distinct answer of the server.
        await markDelivery(backend, email, 'queued', shown);
        later(email, retryDelay(attempts));
      }
    }
  }

  /**
   * The files of an agent's message, read now: a file that is gone (its conversation deleted
   * forever meanwhile) fails the attempt, so the mail never goes out without what it said it carried.
   */
  async function attachmentsOf(message: Message | undefined) {
    if (!message?.attachments.length) return [];
    if (!options.files) throw new Error('no file store to read the attachments from');
    return Promise.all(
      message.attachments.map(async (file) => {
        const content = await options.files!.read(file.id);
        if (!content) throw new Error(`attachment ${file.id} is gone`);
        return { filename: file.name, contentType: file.type, content };
      }),
    );
  }

  /** Tries the email again after `delayMs`. */
  function later(email: QueuedEmail, delayMs: number) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      inFlight.delete(email.messageId);
      enqueue(email);
    }, delayMs);
    timer.unref();
    timers.add(timer);
  }

  const unsubscribe = options.fanOut.subscribe((events: SequencedEvent[]) => {
    for (const { event } of events) {
      if (event.type === 'email.queued') enqueue(event);
      else if (event.type === 'delivery.retried' && event.via === 'email')
        retry(event.messageId).catch((error: unknown) => logger.error({ err: error }, 'mailer failed'));
    }
  });
  // Email queued before a crash or restart and never finally delivered.
  void backend.ready
    .then(async () => {
      for (const email of await store.pendingEmails()) enqueue(email);
    })
    .catch((error: unknown) => logger.error({ err: error }, 'mailer could not read the pending emails'));

  return {
    enabled: true,
    get sending() {
      return inFlight.size;
    },
    async idle() {
      await backend.ready;
      let seen: Promise<void>;
      do {
        seen = chain;
        await seen;
      } while (seen !== chain);
    },
    async sendServerMail(mail) {
      await transport!.sendMail({
        from: backend.state.settings.email.address,
        to: [mail.to],
        subject: mail.subject,
        text: mail.text,
      });
      return true;
    },
    async close() {
      closed = true;
      unsubscribe();
      for (const timer of timers) clearTimeout(timer);
      await chain.catch(() => undefined);
      transport!.close?.();
    },
  };
}

const DEFAULT_RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * How many attempts fit in the retry window with this backoff. Counting attempts (stored with each
 * delivery) rather than a start time keeps the window across restarts without another column.
 */
export function attemptsWithin(windowMs: number, retryDelay: (attempt: number) => number): number {
  let attempts = 1;
  for (let waited = retryDelay(1); waited < windowMs && attempts < 10_000; waited += retryDelay(attempts)) attempts++;
  return attempts;
}

/** A Message-ID header value: the engine stores ids as `<id@host>` already; wrap bare ones once. */
function angleBracketed(id: string): string {
  const bare = id.trim().replace(/^<+/, '').replace(/>+$/, '');
  return `<${bare}>`;
}

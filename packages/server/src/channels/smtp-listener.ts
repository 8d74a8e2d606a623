import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { ConfabError, emailKey, type InboundEmailCommand } from '@confab/core';
import { HttpError } from '../http/http-util.js';
import type { Logger } from '../logging.js';
import { parseRawEmail } from './mime.js';

export interface SmtpListenerOptions {
  port: number;
  host?: string;
  /** Largest message accepted, bytes (advertised as SIZE; larger mail is refused with 552). */
  maxBytes: number;
  /** Whether some workspace receives mail at this address: anything else is refused at RCPT (never relayed). */
  accepts(address: string): Promise<boolean>;
  /**
   * Files the message (the same command as the HTTP endpoint) for its accepted recipients (each
   * workspace among them gets it once), resolving once it is stored.
   */
  ingest(command: InboundEmailCommand, recipients: string[]): Promise<void>;
  logger: Logger;
}

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

/** An SMTP reply the client reads: `responseCode` is what smtp-server answers with. */
function smtpError(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

/** The reason when the message itself was refused (bad fields): null for a failure of ours. */
function refusalOf(error: unknown): string | null {
  if (error instanceof HttpError) return error.status < 500 ? error.message : null;
  if (error instanceof ConfabError) return error.code === 'internal' ? null : error.message;
  return null;
}

/**
 * Reads the message, stopping at the size limit (smtp-server marks the stream and keeps draining it,
 * so the reply comes after the client's final dot, as SMTP requires).
 */
async function readMessage(stream: SMTPServerDataStream): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return stream.sizeExceeded ? null : Buffer.concat(chunks);
}

/**
 * Receives email over SMTP (as the team's MX, or behind one): the same parsing, filtering (V10),
 * threading, limits and idempotency (the Message-ID) as `POST /api/channels/email/inbound`. It
 * accepts mail only for an address a workspace receives at and never relays. A message that cannot be filed (no
 * From, bad fields) is refused with 550 so the sender gets a bounce; a failure of ours answers 451,
 * so the sending server retries later — mail is never acknowledged before it is stored.
 *
 * No AUTH (senders are the world's mail servers) and no STARTTLS yet: run it behind a relay that
 * terminates TLS, or on a private network.
 */
export async function startSmtpListener(options: SmtpListenerOptions): Promise<SmtpListener> {
  const { logger } = options;
  const server = new SMTPServer({
    name: 'confab',
    banner: 'Confab inbound mail',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: options.maxBytes,
    maxClients: 100,
    logger: false,
    onRcptTo(address, _session, callback) {
      options.accepts(emailKey(address.address)).then(
        (accepted) =>
          accepted ? callback() : callback(smtpError(550, `5.1.1 No mailbox here for ${address.address}`)),
        (error: unknown) => {
          logger.error({ err: error }, 'inbound SMTP: recipient lookup failed');
          callback(smtpError(451, '4.3.0 Temporary failure, try again later'));
        },
      );
    },
    onData(stream, session, callback) {
      void (async () => {
        const raw = await readMessage(stream);
        if (!raw) throw smtpError(552, `5.3.4 Message larger than ${options.maxBytes} bytes`);
        // What a delivering server records: the envelope recipient, for mail that reached us as Bcc.
        const recipient = session.envelope.rcptTo[0]?.address ?? '';
        const command = await parseRawEmail(Buffer.concat([Buffer.from(`Delivered-To: ${recipient}\r\n`), raw]));
        await options.ingest(
          command,
          session.envelope.rcptTo.map((address) => emailKey(address.address)),
        );
        logger.info({ channel: 'smtp', bytes: raw.length }, 'email received');
      })().then(
        () => callback(),
        (error: unknown) => {
          if (error instanceof Error && 'responseCode' in error) return callback(error);
          const refusal = refusalOf(error);
          // Our refusal of this message: the sender gets it back with the reason.
          if (refusal !== null) return callback(smtpError(550, `5.6.0 ${refusal}`));
          logger.error({ err: error, channel: 'smtp' }, 'email not stored: the sender will retry');
          callback(smtpError(451, '4.3.0 Temporary failure, try again later'));
        },
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.warn({ err: error, channel: 'smtp' }, 'smtp connection error'));
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

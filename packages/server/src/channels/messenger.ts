import { createHmac, timingSafeEqual } from 'node:crypto';
import type { InboundMessengerCommand } from '@confab/core';
import { HttpError } from '../http/http-util.js';
import { MAX_TEXT_LENGTH, invalid, isRecord, requireRecord } from './validate.js';

/**
 * The contact property that names the page a Messenger contact writes to (its replies go out
 * through it): the engine keeps `inbound.messenger`'s `pageId` there on a new contact.
 */
export const MESSENGER_PAGE_PROPERTY = 'messengerPageId';

/**
 * Checks `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw body with the Messenger
 * app secret, in constant time. Messenger cannot send a bearer token: the signature is the auth.
 */
export function checkMessengerSignature(
  rawBody: Buffer,
  header: string | string[] | undefined,
  appSecret: string | undefined,
): void {
  if (!appSecret)
    throw new HttpError(401, 'unauthenticated', 'The Messenger channel is turned off: no app secret is configured.');
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^sha256=([0-9a-f]{64})$/i.exec(value ?? '');
  if (!match) throw new HttpError(401, 'unauthenticated', 'X-Hub-Signature-256 is missing or malformed.');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  if (!timingSafeEqual(Buffer.from(match[1]!, 'hex'), expected)) {
    throw new HttpError(401, 'unauthenticated', 'X-Hub-Signature-256 does not match the body.');
  }
}

/** `X-Hub-Signature-256` for a body: what Messenger sends, and what tests and site tooling compute. */
export function messengerSignature(rawBody: string | Buffer, appSecret: string): string {
  return 'sha256=' + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}

/**
 * The subscription check Messenger makes when a webhook is set up: `GET ?hub.mode=subscribe&
 * hub.verify_token=…&hub.challenge=…` is answered with the challenge when the verify token matches.
 */
export function answerMessengerChallenge(query: URLSearchParams, verifyToken: string | undefined): string {
  if (query.get('hub.mode') !== 'subscribe')
    throw new HttpError(400, 'invalid', 'hub.mode must be subscribe.', 'hub.mode');
  const given = query.get('hub.verify_token') ?? '';
  if (
    !verifyToken ||
    given.length !== verifyToken.length ||
    !timingSafeEqual(Buffer.from(given), Buffer.from(verifyToken))
  ) {
    throw new HttpError(403, 'forbidden', 'hub.verify_token does not match.', 'hub.verify_token');
  }
  const challenge = query.get('hub.challenge');
  if (!challenge) throw new HttpError(400, 'invalid', 'hub.challenge is required.', 'hub.challenge');
  return challenge;
}

/** A message of a webhook, with the page it was written to (`entry[].id`; '' when the entry names none). */
export interface MessengerMessage {
  pageId: string;
  command: InboundMessengerCommand;
}

/**
 * The messages in a Messenger Platform webhook body (`object: 'page'`, `entry[].messaging[]`) as
 * `inbound.messenger` commands. Echoes of the page's own messages, delivery and read receipts are
 * skipped; attachments become a short text so the conversation shows that something arrived.
 */
export function parseMessengerWebhook(body: unknown): MessengerMessage[] {
  const input = requireRecord(body, '');
  if (input.object !== 'page') throw invalid('object', "object must be 'page'.");
  if (!Array.isArray(input.entry)) throw invalid('entry', 'entry must be a list.');
  const messages: MessengerMessage[] = [];
  input.entry.forEach((entry: unknown, entryIndex) => {
    const entryPath = `entry[${entryIndex}]`;
    const record = requireRecord(entry, entryPath);
    if (record.messaging === undefined) return;
    const pageId = typeof record.id === 'string' && record.id.length <= 256 ? record.id : '';
    if (!Array.isArray(record.messaging)) throw invalid(`${entryPath}.messaging`, 'messaging must be a list.');
    record.messaging.forEach((item: unknown, itemIndex) => {
      const path = `${entryPath}.messaging[${itemIndex}]`;
      const messaging = requireRecord(item, path);
      const message = messaging.message;
      if (!isRecord(message) || message.is_echo === true) return;
      const sender = requireRecord(messaging.sender, `${path}.sender`);
      if (typeof sender.id !== 'string' || !sender.id || sender.id.length > 256)
        throw invalid(`${path}.sender.id`, 'sender.id must be a string.');
      if (typeof message.mid !== 'string' || !message.mid || message.mid.length > 512)
        throw invalid(`${path}.message.mid`, 'message.mid must be a string.');
      let text = typeof message.text === 'string' ? message.text : '';
      if (!text && Array.isArray(message.attachments) && message.attachments.length) {
        const kinds = message.attachments.map((attachment: unknown) =>
          isRecord(attachment) && typeof attachment.type === 'string' ? attachment.type : 'file',
        );
        text = `[${kinds.join(', ')}]`;
      }
      if (!text) return;
      if (text.length > MAX_TEXT_LENGTH)
        throw new HttpError(
          413,
          'too-large',
          `message.text may have at most ${MAX_TEXT_LENGTH} characters.`,
          `${path}.message.text`,
        );
      const command: InboundMessengerCommand = {
        type: 'inbound.messenger',
        senderId: sender.id,
        text,
        mid: message.mid,
      };
      if (typeof messaging.timestamp === 'number' && Number.isFinite(messaging.timestamp))
        command.timestamp = messaging.timestamp;
      messages.push({ pageId, command });
    });
  });
  return messages;
}

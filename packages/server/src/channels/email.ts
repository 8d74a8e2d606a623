import { emailKey, type InboundEmailCommand } from '@confab/core';
import { MAX_SHORT_LENGTH, MAX_TEXT_LENGTH, invalid, requireRecord, requiredText, text } from './validate.js';

/** `Ann <ann@example.com>` → { address, name }; a bare address has no name. */
export function parseMailbox(value: string, path: string): { address: string; name?: string } {
  const angled = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+)>\s*$/.exec(value);
  const address = emailKey(angled ? angled[2]! : value);
  // Deliberately loose: one @, something either side, no spaces. Mail servers decide the rest.
  if (!/^[^\s@]+@[^\s@]+$/.test(address)) throw invalid(path, `${path} is not an email address.`);
  const name = angled?.[1]?.trim();
  return name ? { address, name } : { address };
}

function addressList(value: unknown, path: string, required: boolean): string[] {
  if (value === undefined || value === null) {
    if (required) throw invalid(path, `${path} is required.`);
    return [];
  }
  const items = Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value.split(',').filter((part) => part.trim())
      : null;
  if (!items) throw invalid(path, `${path} must be an address or a list of addresses.`);
  if (items.length > 100) throw invalid(path, `${path} may list at most 100 addresses.`);
  if (required && items.length === 0) throw invalid(path, `${path} must name at least one address.`);
  return items.map((item, index) => parseMailbox(requiredText(item, `${path}[${index}]`), `${path}[${index}]`).address);
}

function parseDate(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const time = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(time) || time < 0) throw invalid('date', 'date must be an ISO date or epoch milliseconds.');
  return time;
}

/** Strips the angle brackets some mailers keep around Message-IDs, so `<a@b>` and `a@b` thread together. */
function messageIdOf(value: string): string {
  return value.trim().replace(/^<(.*)>$/, '$1');
}

/**
 * The JSON body of `POST /api/channels/email/inbound` (DESIGN §2) as an `inbound.email` command.
 * Threading (messageId / inReplyTo) and filtering (role addresses, V10) are the engine's.
 */
export function parseInboundEmail(body: unknown): InboundEmailCommand {
  const input = requireRecord(body, '');
  const from = parseMailbox(requiredText(input.from, 'from'), 'from');
  const fromName = text(input.fromName, 'fromName') ?? from.name;
  const to = addressList(input.to, 'to', true);
  const cc = addressList(input.cc, 'cc', false);
  const subject = text(input.subject, 'subject', { max: MAX_SHORT_LENGTH }) ?? '';
  const bodyText = text(input.text, 'text', { max: MAX_TEXT_LENGTH });
  const html = text(input.html, 'html', { max: MAX_TEXT_LENGTH });
  if (bodyText === undefined && html === undefined) throw invalid('text', 'text is required (or html).');
  const messageId = text(input.messageId, 'messageId');
  if (messageId === undefined || messageId.trim() === '')
    throw invalid('messageId', 'messageId is required: replies thread by it.');
  const inReplyTo = text(input.inReplyTo, 'inReplyTo');
  const date = parseDate(input.date);
  if (input.promotional !== undefined && typeof input.promotional !== 'boolean')
    throw invalid('promotional', 'promotional must be true or false.');
  const headers = input.headers === undefined ? {} : requireRecord(input.headers, 'headers');
  const header = (name: string) => {
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
    const value = key === undefined ? undefined : headers[key];
    return typeof value === 'string' ? value.toLowerCase() : '';
  };
  // Bulk mail announces itself (RFC 2369 List-Unsubscribe, Precedence: bulk/list): V10 promotional.
  const promotional =
    input.promotional === true ||
    header('list-unsubscribe') !== '' ||
    /^(bulk|list|junk)$/.test(header('precedence').trim());

  const command: InboundEmailCommand = {
    type: 'inbound.email',
    from: from.address,
    to,
    subject,
    text: bodyText ?? htmlToText(html!),
    messageId: messageIdOf(messageId),
  };
  if (fromName) command.fromName = fromName;
  if (cc.length) command.cc = cc;
  if (html !== undefined) command.html = html;
  if (inReplyTo !== undefined && inReplyTo.trim() !== '') command.inReplyTo = messageIdOf(inReplyTo);
  if (date !== undefined) command.date = date;
  if (promotional) command.promotional = true;
  return command;
}

/** A plain-text rendering of an HTML-only email, for previews and search (never rendered as HTML). */
function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

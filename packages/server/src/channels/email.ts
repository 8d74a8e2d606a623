import { emailKey, MAX_HTML_LENGTH, type InboundEmailCommand } from '@confab/core';
import { convert } from 'html-to-text';
import { MAX_SHORT_LENGTH, MAX_TEXT_LENGTH, invalid, requireRecord, requiredText, text } from './validate.js';

/**
 * `Ann <ann@example.com>` → { address, name }; a bare address has no name. The name may be quoted
 * (`"Team, Support" <s@x.com>`, with `\"` inside) and MIME-encoded (`=?UTF-8?B?…?=`).
 */
export function parseMailbox(value: string, path: string): { address: string; name?: string } {
  const angled = /^\s*(.*?)\s*<([^<>\s]+)>\s*$/s.exec(value);
  const address = emailKey(angled ? angled[2]! : value);
  // Deliberately loose: one @, something either side, no spaces. Mail servers decide the rest.
  if (!/^[^\s@]+@[^\s@]+$/.test(address)) throw invalid(path, `${path} is not an email address.`);
  const name = displayName(angled?.[1] ?? '');
  return name ? { address, name } : { address };
}

/** A display name as written in a header: quotes and their escapes removed, encoded words decoded. */
export function displayName(raw: string): string {
  const quoted = /^"((?:[^"\\]|\\.)*)"$/s.exec(raw.trim());
  return decodeWords(quoted ? quoted[1]!.replace(/\\(.)/g, '$1') : raw).trim();
}

/** RFC 2047 encoded words (`=?ISO-8859-1?Q?J=F6rg?=`); a charset the runtime lacks stays as written. */
export function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(?==\?)/g, '$1') // whitespace between two encoded words is not part of the text
    .replace(/=\?([^?\s]+)\?([bq])\?([^?\s]*)\?=/gi, (word, charset: string, encoding: string, data: string) => {
      try {
        const bytes =
          encoding.toLowerCase() === 'b'
            ? Buffer.from(data, 'base64')
            : Buffer.from(
                data
                  .replace(/_/g, ' ')
                  .replace(/=([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
                'latin1',
              );
        return new TextDecoder(charset.split('*')[0]!).decode(bytes);
      } catch {
        return word;
      }
    });
}

/** Splits an address list at the commas between addresses, not those inside quotes or angle brackets. */
export function splitAddressList(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angled = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if (quoted && char === '\\') {
      current += char + (value[++i] ?? '');
      continue;
    }
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === '<') angled = true;
    else if (!quoted && char === '>') angled = false;
    else if (!quoted && !angled && char === ',') {
      if (current.trim()) parts.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

function addressList(value: unknown, path: string, required: boolean): string[] {
  if (value === undefined || value === null) {
    if (required) throw invalid(path, `${path} is required.`);
    return [];
  }
  const items = Array.isArray(value) ? value : typeof value === 'string' ? splitAddressList(value) : null;
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
  const givenName = text(input.fromName, 'fromName');
  const fromName = givenName === undefined ? from.name : displayName(givenName);
  const to = addressList(input.to, 'to', true);
  const cc = addressList(input.cc, 'cc', false);
  const subject = decodeWords(text(input.subject, 'subject', { max: MAX_SHORT_LENGTH }) ?? '');
  const bodyText = text(input.text, 'text', { max: MAX_TEXT_LENGTH });
  const html = text(input.html, 'html', { max: MAX_HTML_LENGTH });
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

/**
 * A plain-text rendering of an HTML-only email, for previews, search and the thread (the HTML is
 * never rendered as it came): entities decoded, no scripts or styles, at most the text limit.
 */
export function htmlToText(html: string): string {
  const plain = convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'table', format: 'block' },
      { selector: 'tr', format: 'block' },
      { selector: 'td', format: 'inline' },
    ],
  })
    .replace(/\u00a0/g, ' ') // &nbsp; is a space to search and previews
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return truncateText(plain);
}

/** Text cut to the protocol's limit, never inside a surrogate pair, marked as cut. */
export function truncateText(value: string): string {
  if (value.length <= MAX_TEXT_LENGTH) return value;
  const marker = '\n[…]';
  let end = MAX_TEXT_LENGTH - marker.length;
  if (/[\uD800-\uDBFF]/.test(value[end - 1]!)) end -= 1;
  return value.slice(0, end) + marker;
}

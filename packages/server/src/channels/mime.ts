import { createHash } from 'node:crypto';
import { MAX_HTML_LENGTH, MAX_SHORT_LENGTH, type InboundEmailCommand } from '@confab/core';
import { simpleParser, type AddressObject } from 'mailparser';
import { htmlToText, parseInboundEmail, truncateText } from './email.js';
import { invalid } from './validate.js';

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const addresses: string[] = [];
  // Groups (`Team: a@x, b@x;`) list their members.
  for (const object of objects)
    for (const entry of object.value)
      for (const member of entry.group ?? [entry]) if (member.address) addresses.push(member.address);
  return addresses;
}

function envelopeRecipients(headers: Map<string, unknown>): string[] {
  for (const name of ['delivered-to', 'x-original-to']) {
    const value = headerText(headers.get(name));
    if (value) return [value.replace(/^.*<([^>]+)>.*$/s, '$1').trim()];
  }
  return [];
}

function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'text' in value && typeof value.text === 'string') return value.text;
  if (value && typeof value === 'object' && 'value' in value && typeof value.value === 'string') return value.value;
  return '';
}

/**
 * A raw RFC 5322 message (`Content-Type: message/rfc822`, as a mail server or a forwarding rule
 * delivers it) as an `inbound.email` command, through the same checks as the JSON form. Encoded
 * words, charsets, quoted-printable and base64 bodies are decoded by mailparser. A text body longer
 * than the protocol's limit is cut (marked `[…]`) rather than the mail refused: a refused mail
 * bounces, a long one is still worth reading. An HTML body over its limit is dropped; its text stays.
 * Attachments are not kept yet (the attachments issue stores them); the text and HTML are.
 */
export async function parseRawEmail(raw: Buffer): Promise<InboundEmailCommand> {
  if (raw.length === 0) throw invalid('', 'The body is empty: send the message as message/rfc822.');
  const mail = await simpleParser(raw, { skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  const from = mail.from?.value.find((entry) => entry.address);
  if (!from?.address) throw invalid('from', 'The message has no From address.');
  const html = typeof mail.html === 'string' && mail.html.length <= MAX_HTML_LENGTH ? mail.html : undefined;
  // Trailing blank lines are transport (a single-part body ends with one), not text.
  const text = mail.text?.trim() ? truncateText(mail.text.trimEnd()) : html !== undefined ? htmlToText(html) : '';
  // Without a Message-ID (rare; some scripts), the content names it, so a retried delivery counts once.
  const messageId = mail.messageId ?? `${createHash('sha256').update(raw).digest('hex')}@confab.invalid`;
  const inReplyTo = mail.inReplyTo ?? (Array.isArray(mail.references) ? mail.references.at(-1) : mail.references);
  return parseInboundEmail({
    from: from.address,
    ...(from.name ? { fromName: from.name.slice(0, MAX_SHORT_LENGTH) } : {}),
    // Mail that reached us as Bcc names us only in the envelope, which the receiving server records.
    to: addressesOf(mail.to).length ? addressesOf(mail.to) : envelopeRecipients(mail.headers),
    cc: addressesOf(mail.cc),
    subject: (mail.subject ?? '').slice(0, MAX_SHORT_LENGTH),
    // An empty body is a mail all the same ("see subject"): the subject stands for it.
    text: text || mail.subject || '(no text)',
    ...(html !== undefined ? { html } : {}),
    messageId,
    ...(inReplyTo ? { inReplyTo } : {}),
    ...(mail.date && Number.isFinite(mail.date.getTime()) ? { date: mail.date.getTime() } : {}),
    headers: {
      'list-unsubscribe': headerText(mail.headers.get('list-unsubscribe')),
      precedence: headerText(mail.headers.get('precedence')),
    },
  });
}

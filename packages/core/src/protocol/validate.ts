import { AGENT_ROLES, CHANNELS } from '../model/model.js';
import type { Command, CommandType } from './commands.js';
import { ConfabError } from './errors.js';
import { MAX_HELLO_PENDING, MAX_HTML_LENGTH, MAX_SHORT_LENGTH, MAX_TEXT_LENGTH, PROTOCOL_VERSION } from './frames.js';
import type { ClientFrame } from './frames.js';

/**
 * Runtime validation of everything that arrives from outside (DESIGN §5): a command or frame may
 * come straight from the wire with wrong types, missing fields, huge strings or hostile keys.
 * Validators return a fresh object holding only the known fields, so nothing unexpected (extra
 * keys, prototypes) travels further. Every refusal is a ConfabError naming the field (`path`).
 */

type Validator<T> = (value: unknown, path: string) => T;
interface Optional<T> {
  optional: Validator<T>;
}
type Field = Validator<unknown> | Optional<unknown>;

/** Most items an array in a command may hold (bulk ids, cc lists, quick replies). */
export const MAX_ARRAY_LENGTH = 5000;
/** Most keys a properties record or form may hold. */
export const MAX_RECORD_KEYS = 200;

/** Keys that could reach an object's prototype when a careless consumer copies them. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Simple and strict enough: one @, no spaces or brackets, a dot in the domain. */
const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && EMAIL_PATTERN.test(value);
}

function invalid(path: string, expected: string): never {
  throw new ConfabError('invalid', `${path || 'value'} must be ${expected}`, { path });
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function ownValue(object: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/** Any surrogate code unit (no `u` flag: code units, so the test is the same in every engine). */
const ANY_SURROGATE = /[\ud800-\udfff]/;

/**
 * The text as written, except that each lone surrogate becomes U+FFFD, as the web platform does at
 * every encoding boundary (fetch, WebSocket.send, TextEncoder): stored text is always well-formed
 * Unicode, so it survives UTF-8 (email, SQLite, exports) unchanged. One code unit for one, so
 * lengths hold. Nothing else changes: no normalization, no trimming (DESIGN §5, issue 7 item 7).
 */
export function wellFormedText(value: string): string {
  if (!ANY_SURROGATE.test(value)) return value;
  // Code point by code point, not /\p{Cs}/gu: JavaScriptCore (Safari) does not match a lone lead
  // surrogate followed by a non-ASCII character ("\ud800Ａ" stayed as it was).
  let text = '';
  for (const character of value) text += character.length === 1 && ANY_SURROGATE.test(character) ? '\uFFFD' : character;
  return text;
}

/**
 * What a composer sends for what was typed: blank lines before the text and whitespace after it (a
 * stray Enter or space) are dropped; the first line keeps its indentation (pasted code, a list) and
 * everything in between stays exactly as typed. '' when only whitespace was typed.
 */
export function composedText(typed: string): string {
  return typed.trimEnd().replace(/^(?:[^\S\r\n\u2028\u2029]*(?:\r\n|[\r\n\u2028\u2029]))+/, '');
}

function string(max: number, options: { nonBlank?: boolean } = {}): Validator<string> {
  return (value, path) => {
    if (typeof value !== 'string') invalid(path, 'a string');
    if (value.length > max) {
      throw new ConfabError('too-large', `${path} is longer than ${max} characters`, { path });
    }
    const text = wellFormedText(value);
    if (options.nonBlank && text.trim() === '') invalid(path, 'a non-empty string');
    return text;
  };
}

const shortString = string(MAX_SHORT_LENGTH);
const nonBlankShort = string(MAX_SHORT_LENGTH, { nonBlank: true });
const text = string(MAX_TEXT_LENGTH);
const nonBlankText = string(MAX_TEXT_LENGTH, { nonBlank: true });
const id = nonBlankShort;

const email: Validator<string> = (value, path) => {
  const address = shortString(value, path).trim();
  if (!isEmailAddress(address)) invalid(path, 'an email address');
  return address;
};

const boolean: Validator<boolean> = (value, path) => {
  if (typeof value !== 'boolean') invalid(path, 'true or false');
  return value;
};

const finiteNumber: Validator<number> = (value, path) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(path, 'a finite number');
  return value;
};

function oneOf<T extends string>(values: readonly T[]): Validator<T> {
  return (value, path) => {
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      invalid(path, `one of ${values.join(', ')}`);
    }
    return value as T;
  };
}

function nullable<T>(validator: Validator<T>): Validator<T | null> {
  return (value, path) => (value === null ? null : validator(value, path));
}

function optional<T>(validator: Validator<T>): Optional<T> {
  return { optional: validator };
}

function array<T>(item: Validator<T>, max = MAX_ARRAY_LENGTH): Validator<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) invalid(path, 'an array');
    if (value.length > max) {
      throw new ConfabError('too-large', `${path} has more than ${max} items`, { path });
    }
    return value.map((entry, index) => item(entry, join(path, index)));
  };
}

/** A string → string map, e.g. contact properties or form fields. */
function stringRecord(valueValidator: Validator<string>): Validator<Record<string, string>> {
  return (value, path) => {
    if (!isPlainObject(value)) invalid(path, 'an object');
    const keys = Object.keys(value);
    if (keys.length > MAX_RECORD_KEYS) {
      throw new ConfabError('too-large', `${path} has more than ${MAX_RECORD_KEYS} keys`, { path });
    }
    const result: Record<string, string> = {};
    for (const key of keys) {
      const keyPath = join(path, key);
      if (FORBIDDEN_KEYS.has(key)) invalid(keyPath, 'an allowed key');
      result[nonBlankShort(key, keyPath)] = valueValidator(value[key], keyPath);
    }
    return result;
  };
}

/**
 * An object with the given fields. Unknown keys are dropped, or refused when `strict` (settings,
 * where a misspelt key silently ignored would surprise).
 */
function object(fields: Record<string, Field>, options: { strict?: boolean } = {}): Validator<Record<string, unknown>> {
  return (value, path) => {
    if (!isPlainObject(value)) invalid(path, 'an object');
    if (options.strict) {
      for (const key of Object.keys(value)) {
        if (!Object.prototype.hasOwnProperty.call(fields, key) || FORBIDDEN_KEYS.has(key)) {
          invalid(join(path, key), 'a known key');
        }
      }
    }
    const result: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(fields)) {
      const raw = ownValue(value, key);
      if (typeof field === 'function') {
        result[key] = field(raw, join(path, key));
      } else if (raw !== undefined) {
        result[key] = field.optional(raw, join(path, key));
      }
    }
    return result;
  };
}

const hexColor: Validator<string> = (value, path) => {
  const color = shortString(value, path);
  // The widget puts the colour into CSS: only a plain hex colour can never inject anything.
  if (!/^#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(color))
    invalid(path, 'a hex colour like #2f5bea');
  return color;
};

const shortcut: Validator<string> = (value, path) => {
  const text = shortString(value, path);
  if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(text)) invalid(path, 'a shortcut of lowercase letters, digits and dashes');
  return text;
};

const cannedResponse = object(
  {
    shortcut,
    title: nonBlankShort,
    text: object({ en: text, nl: text }, { strict: true }),
  },
  { strict: true },
);

const someKeywords = array(nonBlankShort, 20);
const keywords: Validator<string[]> = (value, path) => {
  const list = someKeywords(value, path);
  if (!list.length) invalid(path, 'at least one keyword');
  return list;
};

const botAnswer = object({ keywords, text: nonBlankText, offerHandover: boolean }, { strict: true });

/** A rating (issue 17): a whole number from 1 to 5. */
const score: Validator<number> = (value, path) => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 5)
    invalid(path, 'a whole number from 1 to 5');
  return value;
};

const clockTime: Validator<string> = (value, path) => {
  const time = shortString(value, path);
  if (!/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/.test(time)) invalid(path, 'a time like 09:30 (24:00 ends a day)');
  return time;
};

const openingRange: Validator<Record<string, unknown>> = (value, path) => {
  const range = object({ open: clockTime, close: clockTime }, { strict: true })(value, path);
  if ((range.open as string) >= (range.close as string)) invalid(join(path, 'close'), 'a time after the opening');
  return range;
};

const week: Validator<unknown[]> = (value, path) => {
  const days = array(array(openingRange, 8), 7)(value, path);
  if (days.length !== 7) invalid(path, 'seven days, Monday first');
  return days;
};

const timeZone: Validator<string> = (value, path) => {
  const zone = nonBlankShort(value, path);
  try {
    // The runtime's own list of zones: an unknown one throws.
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    invalid(path, 'an IANA time zone like Europe/Amsterdam');
  }
  return zone;
};

const settingsPatch = object(
  {
    routing: optional(object({ mode: optional(oneOf(['round-robin', 'least-open', 'off'])) }, { strict: true })),
    widget: optional(
      object(
        {
          title: optional(shortString),
          welcome: optional(shortString),
          color: optional(hexColor),
          awayMessage: optional(shortString),
        },
        { strict: true },
      ),
    ),
    bot: optional(
      object(
        {
          enabled: optional(boolean),
          greeting: optional(nonBlankShort),
          quickReplies: optional(array(nonBlankShort, 10)),
          handoverReply: optional(nonBlankShort),
          answers: optional(array(botAnswer, 100)),
          fallback: optional(nonBlankShort),
        },
        { strict: true },
      ),
    ),
    email: optional(
      object({ roleAddresses: optional(array(nonBlankShort, 500)), address: optional(email) }, { strict: true }),
    ),
    ticketProperties: optional(array(nonBlankShort, 50)),
    cannedResponses: optional(array(cannedResponse, 200)),
    satisfaction: optional(
      object(
        {
          enabled: optional(boolean),
          question: optional(object({ en: shortString, nl: shortString }, { strict: true })),
        },
        { strict: true },
      ),
    ),
    hours: optional(
      object({ enabled: optional(boolean), timeZone: optional(timeZone), week: optional(week) }, { strict: true }),
    ),
  },
  { strict: true },
);

const conversationFilter = object(
  {
    scope: optional(oneOf(['inbox', 'filtered', 'trash', 'sent'])),
    status: optional(oneOf(['open', 'closed'])),
    channels: optional(array(oneOf(CHANNELS), CHANNELS.length)),
    assignee: optional(id),
    hasTicket: optional(boolean),
    botHandling: optional(boolean),
    activityFrom: optional(finiteNumber),
    activityTo: optional(finiteNumber),
    activityWithin: optional(oneOf(['24h', '7d', '30d'])),
    labels: optional(array(id, 50)),
  },
  { strict: true },
);

/** Most files one message may carry. */
export const MAX_ATTACHMENTS = 10;
/** A file id as the server issues them (`fil_` and 22 base64url characters). */
export const FILE_ID_PATTERN = /^fil_[A-Za-z0-9_-]{22}$/;

const attachment = object(
  {
    id: (value, path) => {
      const fileId = shortString(value, path);
      if (!FILE_ID_PATTERN.test(fileId)) invalid(path, 'a file id');
      return fileId;
    },
    name: nonBlankShort,
    type: nonBlankShort,
    size: (value, path) => {
      const size = finiteNumber(value, path);
      if (!Number.isInteger(size) || size < 0) invalid(path, 'a whole number of bytes');
      return size;
    },
  },
  { strict: true },
);
const attachments = optional(array(attachment, MAX_ATTACHMENTS));

const ids = array(id);
/** An opaque hex colour: a translucent one would have no contrast of its own (`labelInk`). */
const labelColor: Validator<string> = (value, path) => {
  const color = shortString(value, path);
  if (!/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(color)) invalid(path, 'an opaque hex colour like #1a7f37');
  return color.toLowerCase();
};
/** A label's name fits on a list row: trimmed, one line, at most 40 characters. */
const labelName: Validator<string> = (value, path) => {
  const name = nonBlankShort(value, path).trim();
  if (name.length > 40 || /[\r\n]/.test(name)) invalid(path, 'a label name of one line and at most 40 characters');
  return name;
};
const properties = stringRecord(shortString);
/** Cc or Bcc as typed (issue 17): at most 50 each. */
const recipients = optional(array(nonBlankShort, 50));
/** An email signature: a few lines, not a letter. */
export const MAX_SIGNATURE_LENGTH = 2000;
const role = oneOf(AGENT_ROLES);
const newAgent = { email, name: nonBlankShort, role };

/** The shape of every command, by type. */
const COMMAND_FIELDS: Record<CommandType, Record<string, Field>> = {
  'conversation.assign': { conversationId: id, assigneeId: nullable(id) },
  'conversation.setStatus': { conversationIds: ids, status: oneOf(['open', 'closed']) },
  'conversation.trash': { conversationIds: ids },
  'conversation.restore': { conversationIds: ids },
  'conversation.deleteForever': { conversationIds: ids },
  'conversation.blockSender': { conversationId: id },
  'contact.unblock': { contactId: id },
  'conversation.markSpam': { conversationId: id },
  'conversation.unfilter': { conversationId: id },
  // Cc and Bcc addresses are the engine's to judge: a bad one is a refusal that names it.
  'message.reply': { conversationId: id, text, attachments, cc: recipients, bcc: recipients },
  'message.comment': { conversationId: id, text, mentions: array(id, 50), attachments },
  'email.compose': {
    to: email,
    cc: recipients,
    bcc: recipients,
    subject: shortString,
    text: nonBlankText,
    attachments,
  },
  'conversation.forward': { conversationId: id, to: email, note: optional(text) },
  'conversation.sendTranscript': { conversationId: id, to: email },
  'message.resend': { conversationId: id, messageId: id },
  'conversation.detachContact': { conversationId: id },
  'message.confirmSender': { conversationId: id, messageId: id },
  'message.splitSender': { conversationId: id, messageId: id },
  'conversation.copyOnReplies': { conversationId: id, address: email },
  'ticket.create': { conversationId: id, name: nonBlankShort, properties: optional(properties) },
  'ticket.update': { ticketId: id, name: optional(nonBlankShort), properties: optional(properties) },
  'contact.update': {
    contactId: id,
    name: optional(shortString),
    // An empty string clears the address; anything else must be one.
    email: optional((value, path) => (value === '' ? '' : email(value, path))),
    properties: optional(properties),
  },
  'deal.create': {
    conversationId: id,
    name: nonBlankShort,
    amount: (value, path) => {
      const amount = finiteNumber(value, path);
      if (amount < 0) invalid(path, 'zero or more');
      return amount;
    },
    currency: (value, path) => {
      const currency = shortString(value, path).trim().toUpperCase();
      if (!/^[A-Z]{3}$/.test(currency)) invalid(path, 'a three-letter currency code');
      return currency;
    },
    stage: optional(nonBlankShort),
  },
  'agent.setAvailability': { availability: oneOf(['available', 'away']) },
  'agent.setSignature': { signature: string(MAX_SIGNATURE_LENGTH) },
  'settings.update': { patch: settingsPatch },
  'agent.invite': newAgent,
  'agent.setRole': { agentId: id, role },
  'agent.disable': { agentId: id },
  'agent.enable': { agentId: id },
  'agent.create': newAgent,
  'agent.activate': { agentId: id },
  'agent.signedIn': { agentId: id },
  'view.save': { name: nonBlankShort, filter: conversationFilter },
  'view.delete': { viewId: id },
  'view.rename': { viewId: id, name: nonBlankShort },
  'label.create': { name: labelName, color: labelColor },
  'label.update': { labelId: id, name: optional(labelName), color: optional(labelColor) },
  'label.delete': { labelId: id },
  'conversation.addLabel': { conversationIds: ids, labelId: id },
  'conversation.removeLabel': { conversationIds: ids, labelId: id },
  typing: { conversationId: id, typing: boolean },
  viewing: { conversationId: id, viewing: boolean },
  'visitor.startChat': { text, attachments },
  'visitor.message': { conversationId: id, text, attachments },
  'visitor.requestHuman': { conversationId: id },
  'visitor.rate': { conversationId: id, score, comment: optional(text) },
  'routing.routeWaiting': {},
  'visitor.typed': { conversationId: id },
  'visitor.setProfile': { name: optional(shortString), email: optional(email) },
  'inbound.email': {
    from: email,
    fromName: optional(shortString),
    // Recipient lists are taken as they come: odd entries ("undisclosed-recipients:;") are ignored later.
    to: array(shortString, 500),
    cc: optional(array(shortString, 500)),
    subject: shortString,
    text,
    html: optional(string(MAX_HTML_LENGTH)),
    messageId: nonBlankShort,
    inReplyTo: optional(shortString),
    date: optional(finiteNumber),
    promotional: optional(boolean),
  },
  'inbound.messenger': {
    senderId: id,
    pageId: optional(id),
    senderName: optional(shortString),
    text: nonBlankText,
    mid: id,
    timestamp: optional(finiteNumber),
  },
  'inbound.form': { formId: id, fields: stringRecord(text) },
  'visitor.create': { name: optional(shortString) },
  'visitor.verify': { contactId: id, email, name: optional(shortString) },
};

/** Commands that write a message, whose text may be blank when it carries files. */
const MESSAGE_TYPES = new Set(['message.reply', 'message.comment', 'visitor.startChat', 'visitor.message']);

function validateCommandAt(value: unknown, path: string): Command {
  if (!isPlainObject(value)) invalid(path, 'a command object');
  const type = ownValue(value, 'type');
  const typePath = join(path, 'type');
  if (typeof type !== 'string') invalid(typePath, 'a command type');
  if (!Object.prototype.hasOwnProperty.call(COMMAND_FIELDS, type)) {
    throw new ConfabError('unknown-command', `Unknown command type "${type.slice(0, 80)}"`, { path: typePath });
  }
  const fields = object(COMMAND_FIELDS[type as CommandType])(value, path);
  // A message says something: text, or at least one file.
  if (MESSAGE_TYPES.has(type) && typeof fields.text === 'string' && fields.text.trim() === '') {
    const files = fields.attachments as unknown[] | undefined;
    if (!files?.length) invalid(join(path, 'text'), 'a non-empty string');
  }
  if (Array.isArray(fields.attachments) && fields.attachments.length === 0) delete fields.attachments;
  return { type, ...fields } as Command;
}

/** Checks that `value` is a well-formed command and returns a clean copy of it. */
export function validateCommand(value: unknown): Command {
  return validateCommandAt(value, '');
}

/** Checks a frame from a client (hello, command, ping) and returns a clean copy of it. */
export function validateClientFrame(value: unknown): ClientFrame {
  if (!isPlainObject(value)) invalid('', 'a frame object');
  const version = ownValue(value, 'v');
  if (version !== PROTOCOL_VERSION) {
    throw new ConfabError(
      'unsupported-version',
      // Named only when a number or a string: String() of an object whose toString is not a function throws.
      `Protocol version ${typeof version === 'number' || typeof version === 'string' ? String(version).slice(0, 20) : typeof version} is not supported; this side speaks ${PROTOCOL_VERSION}`,
      { path: 'v' },
    );
  }
  const type = ownValue(value, 'type');
  switch (type) {
    case 'hello': {
      const fields = object({
        // Tokens are opaque; signed identity tokens can be longer than a short string.
        token: string(MAX_SHORT_LENGTH * 4),
        resumeFrom: optional((raw, path) => {
          const seq = finiteNumber(raw, path);
          if (!Number.isInteger(seq) || seq < 0) invalid(path, 'a sequence number');
          return seq;
        }),
        epoch: optional(string(MAX_SHORT_LENGTH)),
        identity: optional(string(MAX_SHORT_LENGTH * 4)),
        site: optional(string(MAX_SHORT_LENGTH)),
        pending: optional(array(id, MAX_HELLO_PENDING)),
      })(value, '');
      return { v: PROTOCOL_VERSION, type: 'hello', ...fields } as ClientFrame;
    }
    case 'command': {
      const commandId = id(ownValue(value, 'id'), 'id');
      const command = validateCommandAt(ownValue(value, 'command'), 'command');
      return { v: PROTOCOL_VERSION, type: 'command', id: commandId, command };
    }
    case 'ping':
      return { v: PROTOCOL_VERSION, type: 'ping' };
    default:
      return invalid('type', 'hello, command or ping');
  }
}

import type { Conversation, Message } from '../model/model.js';
import type { EngineState } from './state.js';

/** Message-IDs compare in their bracketed form (`<id@host>`), whatever the sender wrote. */
export function normalizeMessageId(raw: string): string {
  const bare = raw.trim().replace(/^<+/, '').replace(/>+$/, '');
  return `<${bare}>`;
}

/**
 * The one form in which email addresses are stored and compared (engine, server, widget): trimmed,
 * ASCII letters lower-cased, nothing else changed. Full Unicode lower-casing turns a Kelvin sign
 * (U+212A) into an ASCII `k`, so `Kevin@…` written with it would become the verified `kevin@…` and
 * get that contact's conversations. Here a non-ASCII character never becomes an ASCII one: look-alike
 * addresses (Kelvin sign, long s, dotless i, fullwidth letters) stay different addresses.
 */
export function emailKey(address: string): string {
  return address.trim().replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** The local part of an address, case-folded and without a `+tag`: `Info+eu@x.com` → `info`. */
export function localPart(address: string): string {
  const local = emailKey(address).split('@')[0] ?? '';
  return local.split('+')[0] ?? '';
}

/** V10: mail from a role-based address (`info@`, `sales@`, …) is filtered. */
export function isRoleAddress(address: string, roleAddresses: readonly string[]): boolean {
  const local = localPart(address);
  return roleAddresses.some((role) => emailKey(role) === local);
}

/** The conversation whose thread holds this Message-ID, if any. */
export function conversationByEmailMessageId(state: EngineState, messageId: string): Conversation | undefined {
  const id = state.conversationIdsByEmailMessageId.get(messageId);
  return id === undefined ? undefined : state.conversations.get(id);
}

export function prefixedSubject(prefix: 'Re' | 'Fwd', subject: string): string {
  const trimmed = subject.trim();
  if (new RegExp(`^${prefix}:`, 'i').test(trimmed)) return trimmed;
  return trimmed === '' ? `${prefix}:` : `${prefix}: ${trimmed}`;
}

/** The latest email of a thread the team can see (never a suppressed or internal one). */
export function latestEmail(messages: readonly Message[], direction?: Message['direction']): Message | undefined {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index]!;
    if (
      message.email &&
      message.kind === 'reply' &&
      !message.suppressed &&
      (!direction || message.direction === direction)
    ) {
      return message;
    }
  }
  return undefined;
}

/** A Message-ID for mail the inbox sends. */
export function outboundMessageId(id: string): string {
  return `<${id}@confab>`;
}

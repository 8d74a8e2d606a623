import type { Conversation } from '../model/model.js';
import { ruleError } from '../protocol/errors.js';
import { isEmailAddress } from '../protocol/validate.js';
import { emailKey } from './email.js';
import type { EngineState } from './state.js';

// What an agent adds to outbound email (issue 17): Cc and Bcc, and their signature. Read by the
// reply and compose handlers and by the inbox's editor, so it stays apart from the command table.

/** Conversations answered by email: email threads, and forms whose contact left an address. */
export function repliesByEmail(state: EngineState, conversation: Conversation): boolean {
  if (conversation.channel === 'email') return true;
  if (conversation.channel !== 'form' || conversation.contactId === null) return false;
  return (state.contacts.get(conversation.contactId)?.email ?? '') !== '';
}

/**
 * The addresses an agent typed for Cc or Bcc, as stored: `emailKey`-normalised, once each, without
 * those in `already` (To, the Cc before them, the team's own address). A bad one refuses the command
 * naming it (`bad-address`), so nothing is sent to half the list.
 */
export function extraRecipients(
  rule: string,
  typed: readonly string[] | undefined,
  already: readonly string[],
): string[] {
  const taken = new Set(already.map(emailKey));
  const list: string[] = [];
  for (const raw of typed ?? []) {
    const address = emailKey(raw);
    if (!isEmailAddress(address))
      throw ruleError(rule, 'bad-address', `${raw.slice(0, 80)} is not an email address`, {
        address: raw.slice(0, 80),
      });
    if (!taken.has(address)) list.push(address);
    taken.add(address);
  }
  return list;
}

/** The separator mail programs recognise before a signature ("-- " on a line of its own). */
const SIGNATURE_SEPARATOR = '\n\n-- \n';

/** The text an email carries: what was written, then the agent's signature when they have one. */
export function withSignature(text: string, signature: string | undefined): string {
  const sign = signature?.trim() ?? '';
  return sign === '' ? text : `${text}${SIGNATURE_SEPARATOR}${sign}`;
}

/**
 * Whether an agent's reply in this conversation goes out as email, and the signature it will carry
 * ('' for none): null for chat, Messenger and forms without an address. With no conversation, a new
 * email (C1). The editor offers Cc/Bcc and shows the signature from it:
 * `store.read(emailReplyOf, conversationId, store.me)`.
 */
export function emailReplyOf(
  state: EngineState,
  conversationId: string | null,
  agentId: string | null,
): { signature: string } | null {
  const conversation = conversationId === null ? undefined : state.conversations.get(conversationId);
  if (conversationId !== null && (!conversation || !repliesByEmail(state, conversation))) return null;
  const agent = agentId === null ? undefined : state.agents.get(agentId);
  return { signature: agent?.signature?.trim() ?? '' };
}

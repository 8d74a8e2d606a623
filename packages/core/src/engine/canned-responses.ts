import type { CannedResponse } from '../model/model.js';
import type { EngineState } from './state.js';

/** The most snippets the reply editor's picker lists for one query. */
export const CANNED_RESPONSE_MATCHES = 20;

/**
 * The team's canned responses that `query` (what follows `/` in the reply editor) finds: those whose
 * shortcut starts with it first, then those whose title contains it, each group by shortcut. Case
 * is ignored. An empty query lists them all.
 *
 * @example
 * store.read(cannedResponsesMatching, 'pri') // [{ shortcut: 'pricing', … }]
 */
export function cannedResponsesMatching(state: EngineState, query: string): CannedResponse[] {
  const wanted = query.trim().toLowerCase();
  const byShortcut: CannedResponse[] = [];
  const byTitle: CannedResponse[] = [];
  for (const response of state.settings.cannedResponses ?? []) {
    if (response.shortcut.startsWith(wanted)) byShortcut.push(response);
    else if (response.title.toLowerCase().includes(wanted)) byTitle.push(response);
  }
  const order = (a: CannedResponse, b: CannedResponse) => (a.shortcut < b.shortcut ? -1 : 1);
  return [...byShortcut.sort(order), ...byTitle.sort(order)].slice(0, CANNED_RESPONSE_MATCHES);
}

/**
 * A canned response's text as it goes into a reply: in `locale` (the other language when that text
 * is empty), with `{{contact.name}}`, `{{contact.email}}` and `{{agent.name}}` filled in from the
 * conversation's contact and the agent. A placeholder with nothing to fill it (a contact without a
 * name) stays as written, so the agent sees it and edits it rather than sending "Hi ,".
 *
 * @example
 * store.read(cannedResponseText, 'pricing', { conversationId, agentId: store.me, locale: 'nl' })
 */
export function cannedResponseText(
  state: EngineState,
  shortcut: string,
  context: { conversationId: string; agentId: string | null; locale: 'en' | 'nl' },
): string {
  const response = state.settings.cannedResponses?.find((candidate) => candidate.shortcut === shortcut);
  if (!response) return '';
  const other = context.locale === 'en' ? 'nl' : 'en';
  const text = response.text[context.locale] || response.text[other];
  const contactId = state.conversations.get(context.conversationId)?.contactId;
  const contact = contactId ? state.contacts.get(contactId) : undefined;
  const values: Record<string, string | undefined> = {
    'contact.name': contact?.name,
    'contact.email': contact?.email,
    'agent.name': context.agentId ? state.agents.get(context.agentId)?.name : undefined,
  };
  return text.replace(/\{\{\s*([a-z.]+)\s*\}\}/g, (placeholder, key: string) => values[key] || placeholder);
}

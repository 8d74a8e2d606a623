import { withTeamFields } from './team.js';
import type { Conversation, Message } from '../model/model.js';
import type { ConfabEvent } from '../protocol/events.js';
import { addToGroup, removeFromGroup, type EngineState } from './state.js';
import { emailKey } from './email.js';

/** A thread's order: by creation time, ties by id. */
export function compareMessages(a: Message, b: Message): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function upsertMessage(state: EngineState, message: Message): void {
  const list = state.messages.get(message.conversationId);
  if (!list) {
    state.messages.set(message.conversationId, [message]);
    return;
  }
  // Messages nearly always arrive in order: search for the place from the end. A message keeps its
  // createdAt in every upsert (each spreads the stored one), so a stored version sits right there:
  // no walk through the whole thread (it cost a server 7 % of its CPU on threads of thousands).
  let index = list.length;
  while (index > 0 && compareMessages(list[index - 1]!, message) > 0) index -= 1;
  if (list[index - 1]?.id === message.id) list[index - 1] = message;
  else list.splice(index, 0, message);
}

/** Keeps `conversationIdsByContact` in step when a conversation is written (its contact may change). */
function indexByContact(state: EngineState, before: string | null, conversation: Conversation): void {
  const groups = state.conversationIdsByContact;
  if (before !== conversation.contactId) removeFromGroup(groups, before, conversation.id);
  if (conversation.contactId !== null) addToGroup(groups, conversation.contactId, conversation.id);
}

/** Applies one event to the state. Idempotent: applying an upsert twice is applying it once. */
export function applyEvent(state: EngineState, event: ConfabEvent): void {
  switch (event.type) {
    case 'conversation.upserted':
      indexByContact(state, state.conversations.get(event.conversation.id)?.contactId ?? null, event.conversation);
      state.conversations.set(event.conversation.id, event.conversation);
      for (const messageId of event.conversation.emailMessageIds)
        state.conversationIdsByEmailMessageId.set(messageId, event.conversation.id);
      return;
    case 'conversation.removed': {
      const removed = state.conversations.get(event.conversationId);
      for (const messageId of removed?.emailMessageIds ?? []) {
        if (state.conversationIdsByEmailMessageId.get(messageId) === event.conversationId)
          state.conversationIdsByEmailMessageId.delete(messageId);
      }
      removeFromGroup(state.conversationIdsByContact, removed?.contactId, event.conversationId);
      state.conversations.delete(event.conversationId);
      state.messages.delete(event.conversationId);
      return;
    }
    case 'message.upserted':
      upsertMessage(state, event.message);
      return;
    case 'message.removed': {
      const list = state.messages.get(event.conversationId);
      const index = list ? list.findIndex((message) => message.id === event.messageId) : -1;
      if (list && index >= 0) list.splice(index, 1);
      return;
    }
    case 'contact.upserted': {
      const before = emailKey(state.contacts.get(event.contact.id)?.email ?? '');
      const after = emailKey(event.contact.email);
      if (before !== after) removeFromGroup(state.contactIdsByEmail, before, event.contact.id);
      if (after !== '') addToGroup(state.contactIdsByEmail, after, event.contact.id);
      state.contacts.set(event.contact.id, event.contact);
      return;
    }
    case 'agent.upserted':
      state.agents.set(event.agent.id, withTeamFields(event.agent));
      return;
    case 'ticket.upserted':
      state.tickets.set(event.ticket.id, event.ticket);
      return;
    case 'deal.upserted':
      state.deals.set(event.deal.id, event.deal);
      return;
    case 'company.upserted':
      state.companies.set(event.company.id, event.company);
      return;
    case 'feedback.upserted':
      state.feedback.set(event.feedback.id, event.feedback);
      return;
    case 'settings.updated':
      state.settings = event.settings;
      return;
    case 'view.upserted':
      state.views.set(event.view.id, event.view);
      return;
    case 'view.removed':
      state.views.delete(event.viewId);
      return;
    case 'routing.advanced':
      state.lastRoutedAgentId = event.agentId;
      return;
    // Notifications for other parts change no state, so they have no case (smaller client bundles):
    // mention.created (the mentioned agent), email.queued, messenger.queued and delivery.retried
    // (the server's senders).
  }
}

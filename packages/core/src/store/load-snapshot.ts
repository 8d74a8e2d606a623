import { applyEvent } from '../engine/apply.js';
import type { EngineState } from '../engine/state.js';
import type { ConfabEvent, Snapshot } from '../protocol/events.js';

/**
 * Replaces everything in `state` with a snapshot, through the engine as events go (DESIGN: one
 * engine). Both replicas, the agent's and the visitor's, load snapshots this way.
 */
export function loadSnapshot(state: EngineState, snapshot: Snapshot): void {
  for (const map of [
    state.conversations,
    state.messages,
    state.contacts,
    state.agents,
    state.tickets,
    state.deals,
    state.companies,
    state.feedback,
    state.views,
    // The engine's indexes too: the store finds a contact's conversations in conversationIdsByContact.
    state.contactIdsByEmail,
    state.conversationIdsByEmailMessageId,
    state.conversationIdsByContact,
  ]) {
    map.clear();
  }
  state.lastRoutedAgentId = null;
  const events: ConfabEvent[] = [{ type: 'settings.updated', settings: snapshot.settings }];
  for (const agent of snapshot.agents) events.push({ type: 'agent.upserted', agent });
  for (const contact of snapshot.contacts) events.push({ type: 'contact.upserted', contact });
  for (const company of snapshot.companies) events.push({ type: 'company.upserted', company });
  for (const view of snapshot.views) events.push({ type: 'view.upserted', view });
  for (const conversation of snapshot.conversations) events.push({ type: 'conversation.upserted', conversation });
  for (const ticket of snapshot.tickets) events.push({ type: 'ticket.upserted', ticket });
  for (const deal of snapshot.deals) events.push({ type: 'deal.upserted', deal });
  for (const feedback of snapshot.feedback) events.push({ type: 'feedback.upserted', feedback });
  for (const message of snapshot.messages) events.push({ type: 'message.upserted', message });
  for (const event of events) applyEvent(state, event);
}

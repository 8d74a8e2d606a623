import type { Message } from '../model/model.js';
import type { Command, CommandType } from '../protocol/commands.js';
import { ConfabError } from '../protocol/errors.js';
import type { ConfabEvent, Snapshot } from '../protocol/events.js';
import type { Principal } from '../protocol/frames.js';
import { validateCommand } from '../protocol/validate.js';
import { agentHandlers } from './agent-commands.js';
import { Decision } from './decision.js';
import { inboundHandlers } from './inbound.js';
import { projectEventFor, snapshotForPrincipal } from './projection.js';
import type { EngineState } from './state.js';
import { visitorHandlers } from './visitor-commands.js';

/** What the engine needs from the outside world, injected so that it stays deterministic. */
export interface EngineContext {
  /** The current time, epoch ms. */
  now: number;
  /** A fresh unique id (the backend decides the scheme). */
  newId: () => string;
}

/** What a command produced: its events, and the ids it created (for the ack). */
export interface ExecuteResult {
  events: ConfabEvent[];
  result?: Record<string, string>;
}

type Handler = (decision: Decision, command: never) => Record<string, string> | void;

const HANDLERS: Record<CommandType, Handler> = { ...agentHandlers, ...visitorHandlers, ...inboundHandlers };

/** Who may give which command. `typing` is both sides'. */
const VISITOR_COMMANDS = new Set<CommandType>([
  'visitor.startChat', 'visitor.message', 'visitor.requestHuman', 'visitor.setProfile', 'typing',
]);
const SYSTEM_COMMANDS = new Set<CommandType>([
  'inbound.email', 'inbound.messenger', 'inbound.form', 'visitor.create', 'visitor.verify',
]);
const AGENT_COMMANDS = new Set<CommandType>(
  (Object.keys(HANDLERS) as CommandType[]).filter((type) => type === 'typing' || (!VISITOR_COMMANDS.has(type) && !SYSTEM_COMMANDS.has(type))),
);

function authorize(state: EngineState, principal: Principal, type: CommandType): void {
  switch (principal.kind) {
    case 'agent': {
      if (!AGENT_COMMANDS.has(type)) throw new ConfabError('forbidden', `A team member cannot give ${type}`);
      const agent = state.agents.get(principal.agentId);
      if (!agent || agent.disabled) throw new ConfabError('forbidden', 'This team member cannot act in the inbox');
      return;
    }
    case 'visitor':
      if (!VISITOR_COMMANDS.has(type)) throw new ConfabError('forbidden', `A visitor cannot give ${type}`);
      if (!state.contacts.has(principal.contactId)) throw new ConfabError('forbidden', 'Unknown visitor');
      return;
    case 'system':
      if (!SYSTEM_COMMANDS.has(type)) throw new ConfabError('forbidden', `The system cannot give ${type}`);
      return;
    default:
      throw new ConfabError('forbidden', 'Unknown principal');
  }
}

/**
 * Decides a command: validates it against SPEC's rules for this principal and returns the events
 * it causes. Reads `state`, never writes it (the caller applies the events). A command that breaks
 * a rule, names a missing record, or is not the principal's to give throws a ConfabError and
 * changes nothing.
 */
export function execute(state: EngineState, principal: Principal, command: Command, context: EngineContext): ExecuteResult {
  // The command may come straight from the wire: check its shape first, and work on the clean copy.
  const valid = validateCommand(command);
  authorize(state, principal, valid.type);
  const decision = new Decision(state, principal, context.now, context.newId);
  const result = HANDLERS[valid.type](decision, valid as never);
  return result ? { events: decision.events, result } : { events: decision.events };
}

function compareMessages(a: Message, b: Message): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function upsertMessage(state: EngineState, message: Message): void {
  const list = state.messages.get(message.conversationId);
  if (!list) {
    state.messages.set(message.conversationId, [message]);
    return;
  }
  const existing = list.findIndex((candidate) => candidate.id === message.id);
  if (existing >= 0) list.splice(existing, 1);
  // Messages nearly always arrive in order: search for the place from the end.
  let index = list.length;
  while (index > 0 && compareMessages(list[index - 1]!, message) > 0) index -= 1;
  list.splice(index, 0, message);
}

/** Applies one event to the state. Idempotent: applying an upsert twice is applying it once. */
export function applyEvent(state: EngineState, event: ConfabEvent): void {
  switch (event.type) {
    case 'conversation.upserted':
      state.conversations.set(event.conversation.id, event.conversation);
      return;
    case 'conversation.removed':
      state.conversations.delete(event.conversationId);
      state.messages.delete(event.conversationId);
      return;
    case 'message.upserted':
      upsertMessage(state, event.message);
      return;
    case 'message.removed': {
      const list = state.messages.get(event.conversationId);
      const index = list ? list.findIndex((message) => message.id === event.messageId) : -1;
      if (list && index >= 0) list.splice(index, 1);
      return;
    }
    case 'contact.upserted':
      state.contacts.set(event.contact.id, event.contact);
      return;
    case 'agent.upserted':
      state.agents.set(event.agent.id, event.agent);
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
    case 'mention.created':
    case 'email.queued':
      // Notifications for other parts (the mentioned agent, the mailer): no state.
      return;
  }
}

/**
 * The event as `principal` may see it, or null when they may not see it at all (DESIGN §1).
 * A visitor sees only their own conversations and messages, never comments, comment previews,
 * suppressed-message effects on the agent side, assignment internals or other contacts (R2).
 * `state` is the state after the event was applied.
 */
export function projectEvent(state: EngineState, principal: Principal, event: ConfabEvent): ConfabEvent | null {
  return projectEventFor(state, principal, event);
}

/** Everything `principal` may see, at sequence `seq`, projected as projectEvent would. */
export function snapshotFor(state: EngineState, principal: Principal, seq: number): Snapshot {
  return snapshotForPrincipal(state, principal, seq);
}

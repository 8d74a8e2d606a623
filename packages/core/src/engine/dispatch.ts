import type { CommandType, Command } from '../protocol/commands.js';
import { ConfabError } from '../protocol/errors.js';
import type { ConfabEvent } from '../protocol/events.js';
import type { Principal } from '../protocol/frames.js';
import { Decision } from './decision.js';
import type { EngineState } from './state.js';

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

export type Handler = (decision: Decision, command: never) => Record<string, string> | void;
export type HandlerTable = Partial<Record<CommandType, Handler>>;

/** Channel ingestion and identity: only the backend itself gives these. */
function isSystemCommand(type: CommandType): boolean {
  return type.startsWith('inbound.') || type === 'visitor.create' || type === 'visitor.verify';
}

/** The widget's commands; `typing` is both sides'. */
function isVisitorCommand(type: CommandType): boolean {
  return type === 'typing' || (type.startsWith('visitor.') && !isSystemCommand(type));
}

function isAgentCommand(type: CommandType): boolean {
  return type === 'typing' || (!isVisitorCommand(type) && !isSystemCommand(type));
}

function authorize(state: EngineState, principal: Principal, type: CommandType): void {
  switch (principal.kind) {
    case 'agent': {
      if (!isAgentCommand(type)) throw new ConfabError('forbidden', `A team member cannot give ${type}`);
      const agent = state.agents.get(principal.agentId);
      if (!agent || agent.disabled) throw new ConfabError('forbidden', 'This team member cannot act in the inbox');
      return;
    }
    case 'visitor':
      if (!isVisitorCommand(type)) throw new ConfabError('forbidden', `A visitor cannot give ${type}`);
      if (!state.contacts.has(principal.contactId)) throw new ConfabError('forbidden', 'Unknown visitor');
      return;
    case 'system':
      if (!isSystemCommand(type)) throw new ConfabError('forbidden', `The system cannot give ${type}`);
      return;
    default:
      throw new ConfabError('forbidden', 'Unknown principal');
  }
}

/** Checks who may give the (well-formed) command, then lets its handler decide. */
export function runCommand(
  handlers: HandlerTable,
  state: EngineState,
  principal: Principal,
  command: Command,
  context: EngineContext,
): ExecuteResult {
  authorize(state, principal, command.type);
  const handler = handlers[command.type];
  if (!handler) throw new ConfabError('unknown-command', `${command.type} is not decided here`);
  const decision = new Decision(state, principal, context.now, context.newId);
  const result = handler(decision, command as never);
  return result ? { events: decision.events, result } : { events: decision.events };
}

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

/** Commands only the backend itself gives: channel ingestion, identity, accounts. */
const SYSTEM_ONLY = new Set<CommandType>([
  'visitor.create',
  'visitor.verify',
  'agent.create',
  'agent.activate',
  'agent.signedIn',
  'routing.routeWaiting',
  'visitor.typed',
]);

/** Team management: an admin in the inbox, or the system principal (the server's admin API). */
const TEAM_COMMANDS = new Set<CommandType>(['agent.invite', 'agent.setRole', 'agent.disable', 'agent.enable']);

/** What an agent may give only as an admin: the team, and every team-wide setting (I1). */
const ADMIN_ONLY = new Set<CommandType>([
  ...TEAM_COMMANDS,
  'settings.update',
  'label.create',
  'label.update',
  'label.delete',
]);

function isSystemCommand(type: CommandType): boolean {
  return type.startsWith('inbound.') || SYSTEM_ONLY.has(type) || TEAM_COMMANDS.has(type);
}

/** The widget's commands; `typing` is both sides'. */
function isVisitorCommand(type: CommandType): boolean {
  return type === 'typing' || (type.startsWith('visitor.') && !SYSTEM_ONLY.has(type));
}

function isAgentCommand(type: CommandType): boolean {
  return (
    type === 'typing' ||
    TEAM_COMMANDS.has(type) ||
    (!isVisitorCommand(type) && !type.startsWith('inbound.') && !SYSTEM_ONLY.has(type))
  );
}

/** Whether only an admin (or the system) may give this command: team and settings commands. */
export function isAdminCommand(type: CommandType): boolean {
  return ADMIN_ONLY.has(type);
}

function authorize(state: EngineState, principal: Principal, type: CommandType): void {
  switch (principal.kind) {
    case 'agent': {
      if (!isAgentCommand(type)) throw new ConfabError('forbidden', `A team member cannot give ${type}`);
      const agent = state.agents.get(principal.agentId);
      // Until the invitee set a password there is nobody to act as them.
      if (!agent || agent.disabled || agent.invitePending)
        throw new ConfabError('forbidden', 'This team member cannot act in the inbox', { reason: 'self-disabled' });
      if (ADMIN_ONLY.has(type) && agent.role !== 'admin')
        throw new ConfabError('forbidden', `Only an admin can give ${type}`, { reason: 'admin-only' });
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

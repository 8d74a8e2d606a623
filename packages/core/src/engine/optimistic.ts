import type { AgentCommand, VisitorCommand } from '../protocol/commands.js';
import type { Principal } from '../protocol/frames.js';
import { agentHandlers } from './agent-commands.js';
import { runCommand, type EngineContext, type ExecuteResult, type HandlerTable } from './dispatch.js';
import type { EngineState } from './state.js';
import { visitorHandlers } from './visitor-commands.js';

let handlers: HandlerTable | undefined;

/**
 * The engine as a client runs it to show a command's effect before the server confirms it: the
 * same rules for the commands a client can give (agents' and visitors'), without the runtime
 * shape validation and channel ingestion only a backend needs, so that client bundles stay small
 * (DESIGN §4). Commands outside its table give no events here and wait for the server: mail
 * (T4, T7), delivery and sender decisions, which create records server-side; team commands (a new
 * agent drawn early could not be taken back); and `recordHandlers`, whose effects a client does not
 * draw. The command must be well-typed (it comes from the app, not the wire); the server's
 * answer, events or refusal, always wins.
 *
 * @example
 * const { events } = executeOptimistic(store.state, { kind: 'agent', agentId }, command, { now: Date.now(), newId });
 */
export function executeOptimistic(
  state: EngineState,
  principal: Principal,
  command: AgentCommand | VisitorCommand,
  context: EngineContext,
): ExecuteResult {
  handlers ??= { ...agentHandlers, ...visitorHandlers } as HandlerTable;
  if (!(command.type in handlers)) return { events: [] };
  return runCommand(handlers, state, principal, command, context);
}

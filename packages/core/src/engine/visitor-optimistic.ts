import type { AgentCommand, VisitorCommand } from '../protocol/commands.js';
import type { Principal } from '../protocol/frames.js';
import { runCommand, type EngineContext, type ExecuteResult, type HandlerTable } from './dispatch.js';
import type { EngineState } from './state.js';
import { visitorHandlers } from './visitor-commands.js';

/**
 * `executeOptimistic` (optimistic.ts) with the visitor's commands only: what a visitor's client
 * draws early. Apart from the agents' rules, so that the widget's bundle carries none of those
 * (DESIGN §4). An agent's command here is refused like any command the table does not know.
 */
export function executeOptimistic(
  state: EngineState,
  principal: Principal,
  command: AgentCommand | VisitorCommand,
  context: EngineContext,
): ExecuteResult {
  return runCommand(visitorHandlers as HandlerTable, state, principal, command, context);
}

import type { AgentCommand, VisitorCommand } from '../protocol/commands.js';
import type { Principal } from '../protocol/frames.js';
import { agentHandlers } from './agent-commands.js';
import { runCommand, type EngineContext, type ExecuteResult, type HandlerTable } from './dispatch.js';
import type { EngineState } from './state.js';
import { visitorHandlers } from './visitor-commands.js';

let handlers: HandlerTable | undefined;

/**
 * Commands a client shows nothing for before the server answers: mail it sends (mail-commands.ts)
 * and decisions about who sent a message (sender-commands.ts), which create records server-side.
 */
const SERVER_ONLY = new Set<string>([
  'conversation.forward',
  'conversation.sendTranscript',
  'message.resend',
  'message.confirmSender',
  'message.splitSender',
  'conversation.copyOnReplies',
]);

/**
 * The engine as a client runs it to show a command's effect before the server confirms it: the
 * same rules for the commands a client can give (agents' and visitors'), without the runtime
 * shape validation and channel ingestion only a backend needs, so that client bundles stay small
 * (DESIGN §4). Forward and transcript (T4, T7) have nothing to show early: they give no events here;
 * team commands are not in its table (a new agent drawn early could not be taken back), so they wait
 * for the server. The command must be well-typed (it comes from the app, not the wire); the server's
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
  if (SERVER_ONLY.has(command.type)) return { events: [] };
  return runCommand(handlers, state, principal, command, context);
}

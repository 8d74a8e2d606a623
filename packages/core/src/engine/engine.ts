import type { Command } from '../protocol/commands.js';
import type { ConfabEvent, Snapshot } from '../protocol/events.js';
import type { Principal } from '../protocol/frames.js';
import { validateCommand } from '../protocol/validate.js';
import { agentHandlers } from './agent-commands.js';
import { runCommand, type EngineContext, type ExecuteResult, type HandlerTable } from './dispatch.js';
import { inboundHandlers } from './inbound.js';
import { mailHandlers } from './mail-commands.js';
import { deliveryHandlers } from './delivery-commands.js';
import { channelReplyHandlers } from './channel-replies.js';
import { senderTrustHandlers } from './sender-commands.js';
import { projectEventFor, snapshotForPrincipal } from './projection.js';
import type { EngineState } from './state.js';
import { recordHandlers } from './record-commands.js';
import { labelHandlers } from './label-commands.js';
import { teamHandlers } from './team-commands.js';
import { visitorHandlers } from './visitor-commands.js';
import { hoursHandlers } from './hours-commands.js';
import { visitorActivityHandlers } from './visitor-activity.js';
import { satisfactionHandlers } from './satisfaction-commands.js';
import { botReplyHandlers } from './bot-replies.js';

export type { EngineContext, ExecuteResult } from './dispatch.js';
export { applyEvent } from './apply.js';

// Built on first use, not at module load, so that a bundle importing only applyEvent (the
// store) or projectEvent leaves the command handlers out.
let handlers: HandlerTable | undefined;
function allHandlers(): HandlerTable {
  return (handlers ??= {
    ...agentHandlers,
    ...recordHandlers,
    ...labelHandlers,
    ...mailHandlers,
    ...deliveryHandlers,
    ...senderTrustHandlers,
    ...teamHandlers,
    ...visitorHandlers,
    ...hoursHandlers,
    ...visitorActivityHandlers,
    ...satisfactionHandlers,
    // Over the shared visitor rules: the bot's answers, which only the server knows.
    ...botReplyHandlers,
    ...inboundHandlers,
    // Over the shared reply rule: what only the server decides about a channel's replies.
    ...channelReplyHandlers,
  } as HandlerTable);
}

/**
 * Decides a command: validates it against SPEC's rules for this principal and returns the events
 * it causes. Reads `state`, never writes it (the caller applies the events). A command that breaks
 * a rule, names a missing record, or is not the principal's to give throws a ConfabError and
 * changes nothing.
 */
export function execute(
  state: EngineState,
  principal: Principal,
  command: Command,
  context: EngineContext,
): ExecuteResult {
  // The command may come straight from the wire: check its shape first, and work on the clean copy.
  const valid = validateCommand(command);
  return runCommand(allHandlers(), state, principal, valid, context);
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

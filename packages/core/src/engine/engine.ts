import type { Command } from '../protocol/commands.js';
import type { ConfabEvent, Snapshot } from '../protocol/events.js';
import type { Principal } from '../protocol/frames.js';
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

/**
 * Decides a command: validates it against SPEC's rules for this principal and returns the events
 * it causes. Reads `state`, never writes it (the caller applies the events). A command that breaks
 * a rule, names a missing record, or is not the principal's to give throws a ConfabError and
 * changes nothing.
 */
export function execute(
  _state: EngineState,
  _principal: Principal,
  _command: Command,
  _context: EngineContext,
): ExecuteResult {
  throw new Error('engine.execute: being written (issue 2)');
}

/** Applies one event to the state. Idempotent: applying an upsert twice is applying it once. */
export function applyEvent(_state: EngineState, _event: ConfabEvent): void {
  throw new Error('engine.applyEvent: being written (issue 2)');
}

/**
 * The event as `principal` may see it, or null when they may not see it at all (DESIGN §1).
 * A visitor sees only their own conversations and messages, never comments, comment previews,
 * suppressed-message effects on the agent side, assignment internals or other contacts (R2).
 * `state` is the state after the event was applied.
 */
export function projectEvent(_state: EngineState, _principal: Principal, _event: ConfabEvent): ConfabEvent | null {
  throw new Error('engine.projectEvent: being written (issue 2)');
}

/** Everything `principal` may see, at sequence `seq`, projected as projectEvent would. */
export function snapshotFor(_state: EngineState, _principal: Principal, _seq: number): Snapshot {
  throw new Error('engine.snapshotFor: being written (issue 2)');
}

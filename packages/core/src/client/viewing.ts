import type { ViewingSignal } from '../protocol/events.js';
import { createSignals, type Signals } from './typing.js';

/** The sender repeats "viewing" this often while the conversation stays open... */
const VIEWING_REPEAT_MS = 20_000;
/** ...and a signal nobody renewed ends after this long (a closed laptop says nothing). */
const VIEWING_EXPIRES_MS = 45_000;

/** Which other team members have which conversation open, now. */
export function createViewingSignals(expiresMs = VIEWING_EXPIRES_MS): Signals<ViewingSignal> {
  return createSignals<ViewingSignal>(
    (signal) => `${signal.conversationId}\u0000${signal.agentId}`,
    (signal) => signal.viewing,
    (signal) => ({ ...signal, viewing: false }),
    expiresMs,
  );
}

/** Tells the other agents which conversation this one has open (collision: "Ben is viewing"). */
export interface ViewingNotice {
  /** This conversation is open now (null: none); the one before ends. */
  view(conversationId: string | null): void;
  /** Nothing is open any more (the thread left the page). */
  stop(): void;
}

/**
 * Sends `viewing: true` for the conversation shown and again every VIEWING_REPEAT_MS while it
 * stays, and `viewing: false` when another (or none) is shown.
 *
 * @example
 * const notice = createViewingNotice((conversationId, viewing) =>
 *   client.send({ type: 'viewing', conversationId, viewing }));
 * notice.view(conversationId);
 */
export function createViewingNotice(
  signal: (conversationId: string, viewing: boolean) => unknown,
  repeatMs = VIEWING_REPEAT_MS,
): ViewingNotice {
  let shown: string | null = null;
  let repeat: ReturnType<typeof setInterval> | undefined;
  function view(conversationId: string | null) {
    if (conversationId === shown) return;
    clearInterval(repeat);
    if (shown !== null) signal(shown, false);
    shown = conversationId;
    if (conversationId === null) return;
    signal(conversationId, true);
    repeat = setInterval(() => signal(conversationId, true), repeatMs);
  }
  return { view, stop: () => view(null) };
}

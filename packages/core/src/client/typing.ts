import type { TypingSignal } from '../protocol/events.js';
import { writable, type Readable } from '../store/readable.js';

/** A typing signal nobody renewed is over after this long (the sender repeats it more often). */
const TYPING_EXPIRES_MS = 8000;

/** Who is typing (or viewing) where, from the signals that arrive; each one ends by itself if not renewed. */
export interface Signals<T> {
  readonly current: Readable<T[]>;
  receive(signal: T): void;
  /** Ends every timer (the client closed). */
  stop(): void;
}

export type TypingSignals = Signals<TypingSignal>;

/**
 * Signals by `idOf` (one per conversation and sender): an active one stands until its sender says
 * it ended (`ended` makes that signal) or nobody renewed it for `expiresMs`.
 */
export function createSignals<T>(
  idOf: (signal: T) => string,
  active: (signal: T) => boolean,
  ended: (signal: T) => T,
  expiresMs: number,
): Signals<T> {
  const current = writable<T[]>([]);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  function receive(signal: T) {
    const id = idOf(signal);
    clearTimeout(timers.get(id));
    const others = current.get().filter((entry) => idOf(entry) !== id);
    if (active(signal)) {
      current.set([...others, signal]);
      timers.set(
        id,
        setTimeout(() => receive(ended(signal)), expiresMs),
      );
    } else {
      timers.delete(id);
      current.set(others);
    }
  }
  return {
    current,
    receive,
    stop() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

export function createTypingSignals(expiresMs = TYPING_EXPIRES_MS): TypingSignals {
  return createSignals<TypingSignal>(
    (signal) => `${signal.conversationId}\u0000${signal.who}\u0000${signal.agentId ?? ''}`,
    (signal) => signal.typing,
    (signal) => ({ ...signal, typing: false }),
    expiresMs,
  );
}

/** While someone types, the other side hears "typing" again this often: well before it expires there. */
const TYPING_REPEAT_MS = 3000;
/** A pause this long in typing ends the signal (the text may stay unsent). */
const TYPING_IDLE_MS = 4000;

/** Tells the other side that this person types: one throttle, the same for the inbox and the widget. */
export interface TypingNotice {
  /** The person typed in this conversation now. */
  typed(conversationId: string): void;
  /** The person stopped (sent the text, left the conversation, emptied the field). */
  stop(): void;
}

/**
 * Sends `typing: true` when typing starts and again every TYPING_REPEAT_MS while it goes on, and
 * `typing: false` when it stops: on `stop()`, after TYPING_IDLE_MS without typing, or when the
 * person types in another conversation (which then hears "typing" instead).
 *
 * @example
 * const notice = createTypingNotice((conversationId, typing) =>
 *   client.send({ type: 'typing', conversationId, typing }));
 * textarea.addEventListener('input', () => notice.typed(conversationId));
 */
export function createTypingNotice(
  signal: (conversationId: string, typing: boolean) => unknown,
  { repeatMs = TYPING_REPEAT_MS, idleMs = TYPING_IDLE_MS } = {},
): TypingNotice {
  let conversation: string | null = null;
  let sentAt = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;
  function stop() {
    clearTimeout(idle);
    if (conversation === null) return;
    const stopped = conversation;
    conversation = null;
    signal(stopped, false);
  }
  return {
    typed(conversationId) {
      if (conversation !== conversationId) stop();
      clearTimeout(idle);
      idle = setTimeout(stop, idleMs);
      if (conversation === conversationId && Date.now() - sentAt < repeatMs) return;
      conversation = conversationId;
      sentAt = Date.now();
      signal(conversationId, true);
    },
    stop,
  };
}

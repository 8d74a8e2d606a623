import type { TypingSignal } from '../protocol/events.js';
import { writable, type Readable } from '../store/readable.js';

/** A typing signal nobody renewed is over after this long (the sender repeats it more often). */
const TYPING_EXPIRES_MS = 8000;

/** Who is typing where, from the signals that arrive; each one ends by itself if not renewed. */
export interface TypingSignals {
  readonly current: Readable<TypingSignal[]>;
  receive(signal: TypingSignal): void;
  /** Ends every timer (the client closed). */
  stop(): void;
}

export function createTypingSignals(expiresMs = TYPING_EXPIRES_MS): TypingSignals {
  const current = writable<TypingSignal[]>([]);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const idOf = (signal: TypingSignal) => `${signal.conversationId}\u0000${signal.who}`;
  function receive(signal: TypingSignal) {
    const id = idOf(signal);
    clearTimeout(timers.get(id));
    const others = current.get().filter((entry) => idOf(entry) !== id);
    if (signal.typing) {
      current.set([...others, signal]);
      timers.set(
        id,
        setTimeout(() => receive({ ...signal, typing: false }), expiresMs),
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

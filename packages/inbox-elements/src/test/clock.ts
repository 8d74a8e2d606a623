/**
 * A test clock for long timers: while installed, `setTimeout` calls of at least `LONG_MS` wait
 * for `tick()` instead of real time; shorter ones (polling, frames, the transport) stay real, so
 * the rest of the page keeps working. Time-outs such as the undo notice are tested without waiting.
 */
const LONG_MS = 1000;

interface Pending {
  at: number;
  run: () => void;
}

export interface TestClock {
  /** Advances the clock and runs the long timers that fall due. */
  tick(ms: number): void;
  uninstall(): void;
}

export function installClock(): TestClock {
  const realSetTimeout = window.setTimeout;
  const realClearTimeout = window.clearTimeout;
  const pending = new Map<number, Pending>();
  let now = 0;
  let nextId = 1e9;
  window.setTimeout = ((handler: TimerHandler, ms = 0, ...args: unknown[]) => {
    if (ms < LONG_MS || typeof handler !== 'function') return realSetTimeout(handler, ms, ...args);
    const id = (nextId += 1);
    pending.set(id, { at: now + ms, run: () => (handler as (...a: unknown[]) => void)(...args) });
    return id;
  }) as typeof window.setTimeout;
  window.clearTimeout = ((id?: number) => {
    if (id !== undefined && pending.delete(id)) return;
    realClearTimeout(id);
  }) as typeof window.clearTimeout;
  return {
    tick(ms) {
      now += ms;
      for (const [id, timer] of [...pending].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at > now) continue;
        pending.delete(id);
        timer.run();
      }
    },
    uninstall() {
      window.setTimeout = realSetTimeout;
      window.clearTimeout = realClearTimeout;
    },
  };
}

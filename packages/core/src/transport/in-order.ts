/**
 * Delivers what it is given in that order, each in a task of its own, `latency` ms after it was
 * given at the earliest: the order a socket keeps, for stand-ins of one (the memory transport, a
 * test's fake WebSocket). A timer per frame does not keep it: browsers clamp timers set from
 * nested timers to 4 ms, so a frame could overtake the one before it (an ack its events).
 */
export function inOrderDelivery(latency = 0): (delivery: () => void) => void {
  const waiting: Array<{ at: number; delivery: () => void }> = [];
  const task = taskRunner();
  let scheduled = false;

  function pump() {
    const head = waiting[0];
    scheduled = head !== undefined;
    if (!head) return;
    const wait = head.at - Date.now();
    if (wait > 0) setTimeout(pump, wait);
    else
      task(() => {
        waiting.shift();
        try {
          head.delivery();
        } finally {
          pump();
        }
      });
  }

  return (delivery) => {
    waiting.push({ at: Date.now() + latency, delivery });
    if (!scheduled) pump();
  };
}

/** Runs each function given in a task of its own, in order, with no clamped delay. */
function taskRunner(): (run: () => void) => void {
  // Node: its check phase keeps the order; a MessagePort there would hold the process open.
  const { setImmediate } = globalThis as { setImmediate?: (run: () => void) => unknown };
  if (setImmediate) return (run) => void setImmediate(run);
  const channel = new MessageChannel();
  const runs: Array<() => void> = [];
  channel.port1.onmessage = () => runs.shift()!();
  return (run) => {
    runs.push(run);
    channel.port2.postMessage(null);
  };
}

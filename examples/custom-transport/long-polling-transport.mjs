// An integrator's Transport for Confab over HTTP long-polling (see long-polling-backend.mjs).
// It implements the three methods of `Transport` and keeps its rules: frames in order and once,
// `offline` when a link drops, retry with backoff, `online` when a new link is up.

/**
 * @param {{ baseUrl: string, fetch?: typeof fetch, maxDelayMs?: number }} options
 * @returns {import('@confab/core').Transport}
 */
export function createLongPollingTransport({ baseUrl, fetch: fetchImpl = globalThis.fetch, maxDelayMs = 10_000 }) {
  /** @type {import('@confab/core').TransportListener | null} */
  let listener = null;
  let linkId = null;
  let stopped = true;
  let attempts = 0;
  let generation = 0;
  let state = 'offline';
  /** Sends run one after another, so frames reach the backend in the order they were sent. */
  let sending = Promise.resolve();

  const setState = (next) => {
    if (next === state) return;
    state = next;
    listener?.state(next);
  };

  async function open() {
    if (stopped) return;
    const current = ++generation;
    setState('connecting');
    try {
      const response = await fetchImpl(`${baseUrl}/links`, { method: 'POST' });
      if (!response.ok) throw new Error(`open failed: ${response.status}`);
      linkId = (await response.json()).linkId;
      if (current !== generation || stopped) return;
      attempts = 0;
      setState('online');
      void poll(current, linkId);
    } catch {
      if (current === generation) retry();
    }
  }

  async function poll(current, id) {
    let after = 0;
    while (current === generation && !stopped) {
      try {
        const response = await fetchImpl(`${baseUrl}/links/${id}/frames?after=${after}`);
        if (!response.ok) throw new Error(`poll failed: ${response.status}`);
        const { frames, closed } = await response.json();
        for (const { n, frame } of frames) {
          after = n;
          if (current === generation) listener?.frame(frame);
        }
        if (closed) {
          // The backend ended the link (e.g. a refused token): no retry with the same credentials.
          if (current === generation) drop();
          return;
        }
      } catch {
        if (current === generation) retry();
        return;
      }
    }
  }

  function drop() {
    generation += 1;
    linkId = null;
    setState('offline');
  }

  function retry() {
    drop();
    if (stopped) return;
    const ceiling = Math.min(maxDelayMs, 250 * 2 ** attempts);
    attempts += 1;
    setTimeout(open, Math.random() * ceiling);
  }

  return {
    connect(next) {
      listener = next;
      stopped = false;
      void open();
    },
    send(frame) {
      if (state !== 'online' || !linkId) return;
      const id = linkId;
      const body = JSON.stringify(frame);
      sending = sending.then(() =>
        fetchImpl(`${baseUrl}/links/${id}/frames`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        }).catch(() => undefined),
      );
    },
    disconnect() {
      stopped = true;
      const id = linkId;
      drop();
      if (id) void fetchImpl(`${baseUrl}/links/${id}`, { method: 'DELETE' }).catch(() => undefined);
    },
  };
}

// An integrator's Transport for Confab over HTTP long-polling (see long-polling-backend.mjs). The
// core's adapter kit (createLinkTransport) does the rest: states, reconnecting with backoff, pings
// and dead links, fatal closes, junk. This file only opens one link, reports on it, and sends.
import { createLinkTransport } from '@confab/core';

/**
 * @param {{ baseUrl: string, fetch?: typeof fetch } & import('@confab/core').LinkTransportOptions} options
 * @returns {import('@confab/core').Transport}
 */
export function createLongPollingTransport({ baseUrl, fetch: fetchImpl = globalThis.fetch, ...kitOptions }) {
  return createLinkTransport((events) => {
    /** @type {{ linkId: string, linkKey: string } | null} */
    let link = null;
    let ended = false;
    const polls = new AbortController();
    /** Sends run one after another, so frames reach the backend in the order they were sent. */
    let sending = Promise.resolve();
    const request = (path, init = {}) =>
      fetchImpl(`${baseUrl}/links/${link.linkId}${path}`, {
        ...init,
        // The link's key is its credential: in a header, never in a URL (URLs end up in logs).
        headers: { ...init.headers, authorization: `Bearer ${link.linkKey}` },
      });
    const end = (code, reason) => {
      if (ended) return;
      ended = true;
      polls.abort();
      events.closed(code, reason);
    };

    (async () => {
      const opened = await fetchImpl(`${baseUrl}/links`, { method: 'POST' });
      if (!opened.ok) throw new Error(`opening a link failed: ${opened.status}`);
      link = await opened.json();
      if (ended) return void request('', { method: 'DELETE' }).catch(() => undefined);
      events.opened();
      let after = 0;
      while (!ended) {
        const response = await request(`/frames?after=${after}`, { signal: polls.signal });
        if (!response.ok) throw new Error(`polling failed: ${response.status}`);
        const { frames, closeCode, closeReason } = await response.json();
        for (const { n, frame } of frames) {
          after = n;
          events.received(frame);
        }
        if (closeCode !== undefined) return end(closeCode, closeReason);
      }
    })().catch(() => end());

    return {
      send(frame) {
        if (!link || ended) return;
        const body = JSON.stringify(frame);
        sending = sending
          .then(() => request('/frames', { method: 'POST', headers: { 'content-type': 'application/json' }, body }))
          // A frame the backend did not take is lost with this link; the client's outbox sends it again.
          .then(
            (response) => response.ok || end(),
            () => end(),
          );
      },
      close() {
        ended = true;
        polls.abort();
        if (link) void request('', { method: 'DELETE' }).catch(() => undefined);
      },
    };
  }, kitOptions);
}

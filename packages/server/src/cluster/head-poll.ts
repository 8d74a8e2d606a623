import type { Logger } from '../logging.js';
import type { ServerStore } from '../storage/open-storage.js';
import type { WorkspaceHubs } from '../workspaces/hubs.js';

/** How often a process asks for the heads of its loaded workspaces by default (CONFAB_CLUSTER_POLL_MS). */
export const DEFAULT_CLUSTER_POLL_MS = 1_000;

export interface HeadPollOptions {
  store: ServerStore;
  hubs: WorkspaceHubs;
  intervalMs: number;
  logger: Logger;
}

/**
 * Keeps this process's hubs current with what other processes commit to the same database: every
 * `intervalMs` one query reads the heads of the loaded workspaces, and each hub behind its head
 * catches up (applies the events and sends them to its links). A process that died between commit
 * and any faster signal, or a lost message on a bus, then costs latency, never events: correctness
 * rests on this poll and on the catch-up under the head's lock, not on a bus.
 *
 * SQLite has no other writers: nothing is polled then.
 */
export function followOtherProcesses(options: HeadPollOptions): { pollNow(): void; stop(): Promise<void> } {
  const { store, hubs, logger } = options;
  if (store.kind !== 'postgres') return { pollNow: () => undefined, stop: async () => undefined };
  let polling: Promise<void> | null = null;
  let stopped = false;

  async function poll() {
    const loaded = hubs.loaded();
    if (!loaded.length) return;
    const heads = await store.heads(loaded.map((hub) => hub.id));
    if (!heads) return;
    await Promise.all(
      loaded
        .filter((hub) => (heads.get(hub.id) ?? 0) > hub.backend.seq)
        .map((hub) =>
          hub.backend.catchUp().catch((error: unknown) => {
            logger.warn({ workspace: hub.id, err: error }, 'catching up with other processes failed; retrying');
          }),
        ),
    );
  }

  function pollNow() {
    // One poll at a time: a slow database is not asked again before it answered.
    if (stopped || polling) return;
    polling = poll()
      .catch((error: unknown) => logger.warn({ err: error }, 'reading the workspace heads failed; retrying'))
      .finally(() => (polling = null));
  }
  const timer = setInterval(pollNow, options.intervalMs);
  timer.unref();

  return {
    pollNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await polling;
    },
  };
}

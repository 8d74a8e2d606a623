import type { Logger } from '../logging.js';

export interface DatabaseWatchdogOptions {
  /** Whether the database takes writes now; rejects or resolves false when it does not (bounded by the pool's timeouts). */
  probe(): Promise<{ writable: boolean; migrations: boolean }>;
  /** Each probe's finding (readiness answers with the latest). */
  found(result: { writable: boolean; migrations: boolean }): void;
  /** Called at each probe once the database has not taken writes for `timeoutMs`: close the sockets. */
  lost(): void;
  timeoutMs: number;
  logger: Logger;
}

/**
 * Watches a shared database (PostgreSQL): a process cut off from it cannot acknowledge anything,
 * so once it has been unreachable for `timeoutMs` its sockets are closed (1012: reconnect and
 * resume), and the clients move to a process that still has it; /ready already answers 503 then.
 * Sockets opened meanwhile are closed at the next probe, until the database answers again.
 */
export function watchDatabase(options: DatabaseWatchdogOptions): { stop(): void } {
  const { logger, timeoutMs } = options;
  let lastWritable = performance.now();
  let lost = false;
  let probing = false;
  async function check() {
    if (probing) return;
    probing = true;
    const result = await options.probe().catch(() => ({ writable: false, migrations: false }));
    probing = false;
    options.found(result);
    if (result.writable) {
      if (lost) logger.info({}, 'the database answers again');
      lost = false;
      lastWritable = performance.now();
      return;
    }
    if (performance.now() - lastWritable < timeoutMs) return;
    if (!lost) logger.warn({ ms: timeoutMs }, 'the database has not answered: closing sockets so clients move');
    lost = true;
    options.lost();
  }
  // Often enough that sockets close soon after the timeout, rarely enough to cost nothing.
  const timer = setInterval(() => void check(), Math.max(50, Math.min(1_000, Math.floor(timeoutMs / 4))));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

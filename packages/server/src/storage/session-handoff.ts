/** A visitor session as routing a hello read it (postgres-stores.ts). */
export interface HandedSession {
  workspaceId: string;
  contactId: string;
  createdAt: number;
  lastUsedAt: number;
  revoked: boolean;
}

/** How long a row read while routing a hello stands in for the hub's read of the same hello. */
export const HANDOFF_MS = 1_000;
/** Rows kept at most (hellos routed and not checked yet): the oldest go first. */
const MAX_ROWS = 10_000;

/**
 * Routing a visitor's hello reads its session's row to find its workspace; the workspace's hub
 * then checks the same session. The row is handed over rather than read twice: a reconnect storm
 * (a process that died) costs one round trip per hello, not two. A row is taken once, and only
 * within HANDOFF_MS, so it is never older than the gap between two reads of one hello.
 */
export class SessionHandoff {
  #rows = new Map<string, { session: HandedSession; at: number }>();
  #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  put(tokenHash: string, session: HandedSession): void {
    this.#rows.delete(tokenHash);
    this.#rows.set(tokenHash, { session, at: this.#now() });
    if (this.#rows.size > MAX_ROWS) this.#rows.delete(this.#rows.keys().next().value!);
  }

  /** The row read for this token in the last HANDOFF_MS, once; else undefined (read it). */
  take(tokenHash: string): HandedSession | undefined {
    const entry = this.#rows.get(tokenHash);
    if (!entry) return undefined;
    this.#rows.delete(tokenHash);
    return this.#now() - entry.at <= HANDOFF_MS ? entry.session : undefined;
  }
}

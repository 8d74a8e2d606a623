import type { Backend } from '@confab/core/backend';
import type { Accounts } from '../accounts/accounts.js';
import type { ServerAuthenticator } from '../auth/authenticator.js';
import type { Mailer } from '../mail/mailer.js';
import type { MessengerSender } from '../channels/messenger-send.js';
import type { WorkspaceStorage } from '../storage/sqlite-storage.js';

/** One workspace's running parts: its hub (engine, sequence, epoch, links) and what serves it. */
export interface WorkspaceHub {
  readonly id: string;
  readonly storage: WorkspaceStorage;
  readonly backend: Backend;
  readonly auth: ServerAuthenticator;
  readonly accounts: Accounts;
  readonly mailer: Mailer;
  /** Sends its agents' replies in Messenger threads (with a page access token). */
  readonly messengerSender: MessengerSender;
  /** Stops its mailer and hub; resolves once its last commit is stored. */
  close(): Promise<void>;
}

export interface WorkspaceHubsOptions {
  /** Loads a workspace's hub (snapshot + tail); rejects with UnknownWorkspaceError for no such workspace. */
  open(workspaceId: string): Promise<WorkspaceHub>;
  /** A hub with no links, unused this long, is closed (its memory freed); the next use loads it again. */
  idleMs: number;
  /** Workspaces never evicted (the default one: `npm start` and the admin's first steps use it). */
  pinned?: readonly string[];
  /** Whether a hub still has work of its own (email being sent): it is not evicted then. */
  busy?(hub: WorkspaceHub): boolean;
  now?: () => number;
}

/**
 * A hub per workspace, loaded on first use (a hello, an ingest, an API call) and evicted after it
 * has been idle with no links (issue 19). Loading is shared: callers asking for a workspace while
 * it loads wait for the same hub.
 */
export class WorkspaceHubs {
  readonly #options: WorkspaceHubsOptions;
  readonly #now: () => number;
  readonly #loading = new Map<string, Promise<WorkspaceHub>>();
  readonly #loaded = new Map<string, { hub: WorkspaceHub; usedAt: number }>();
  #closed = false;

  constructor(options: WorkspaceHubsOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The workspace's hub, loading it when it is not loaded. Each call counts as a use. */
  get(workspaceId: string): Promise<WorkspaceHub> {
    if (this.#closed) return Promise.reject(new Error('The server is shutting down.'));
    const loaded = this.#loaded.get(workspaceId);
    if (loaded) {
      loaded.usedAt = this.#now();
      return Promise.resolve(loaded.hub);
    }
    let loading = this.#loading.get(workspaceId);
    if (!loading) {
      loading = this.#options.open(workspaceId).then(
        (hub) => {
          this.#loading.delete(workspaceId);
          this.#loaded.set(workspaceId, { hub, usedAt: this.#now() });
          return hub;
        },
        (error: unknown) => {
          this.#loading.delete(workspaceId);
          throw error;
        },
      );
      this.#loading.set(workspaceId, loading);
    }
    return loading;
  }

  /** The hub when it is loaded now, without loading it or counting a use. */
  peek(workspaceId: string): WorkspaceHub | undefined {
    return this.#loaded.get(workspaceId)?.hub;
  }

  /** The hubs loaded now. */
  loaded(): WorkspaceHub[] {
    return [...this.#loaded.values()].map((entry) => entry.hub);
  }

  /** Closes the hubs idle past `idleMs` with no links; resolves with the ids closed. */
  async evictIdle(): Promise<string[]> {
    const cutoff = this.#now() - this.#options.idleMs;
    const evicted: string[] = [];
    for (const [id, entry] of this.#loaded) {
      if (this.#options.pinned?.includes(id)) continue;
      if (entry.usedAt > cutoff || entry.hub.backend.openLinks > 0) continue;
      if (this.#options.busy?.(entry.hub)) continue;
      this.#loaded.delete(id);
      evicted.push(id);
      await entry.hub.close();
    }
    return evicted;
  }

  /** Closes every hub (after the ones loading finish loading). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled(this.#loading.values());
    const hubs = [...this.#loaded.values()].map((entry) => entry.hub);
    this.#loaded.clear();
    await Promise.all(hubs.map((hub) => hub.close()));
  }
}

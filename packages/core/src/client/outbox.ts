import type { Command } from '../protocol/commands.js';
import type { ConfabError, ErrorCode } from '../protocol/errors.js';
import { writable, type Readable } from '../store/readable.js';
import type { Session } from './session.js';
import type { ClientStorage } from './storage.js';
import type { PendingCommand } from './types.js';

/** Refusals worth trying again later under the same command id: nothing was changed. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set(['rate-limited', 'internal', 'offline', 'unauthenticated']);
export const RETRY_DELAY_MS = 2000;

export function isRetryable(code: ErrorCode): boolean {
  return RETRYABLE.has(code);
}

/** One pending command as stored: one record per command, so tabs never overwrite each other. */
export interface StoredCommand {
  id: string;
  command: Command;
  state: 'queued' | 'failed';
  error?: PendingCommand['error'];
  createdAt: number;
  /** Orders commands of one client created in the same millisecond. */
  sequence: number;
  /** Who queued it (Session.owner; older versions: always the token's hash). */
  owner: string;
  /**
   * Files it waits for, as bytes: some browsers' IndexedDB cannot keep a Blob (WebKit in a private
   * or ephemeral session: "Error preparing Blob/File data to be stored").
   */
  files?: Array<{ name: string; type: string; bytes: ArrayBuffer }>;
}

type Result = Record<string, string>;

let commandCounter = 0;

/** A command id no other command of this browser has: time, a counter and randomness. */
export function newCommandId(): string {
  commandCounter += 1;
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `${Date.now().toString(36)}-${commandCounter.toString(36)}-${random[0].toString(36)}${random[1].toString(36)}`;
}

/**
 * The outbox: commands not acknowledged yet, oldest first, each stored as its own record as soon
 * as it is queued (so it survives a reload, before the person has a session too), and the promises
 * of those who sent them. Entries are immutable values: a change makes a new entry.
 */
export interface Outbox {
  readonly pending: Readable<PendingCommand[]>;
  get(id: string): PendingCommand | undefined;
  /** Queues a new command (not stored yet: `save` it). */
  add(command: Command, files?: PendingCommand['files']): PendingCommand;
  /** Replaces an entry by `change(entry)`; returns the new entry, or undefined when it is gone. */
  update(id: string, change: (entry: PendingCommand) => PendingCommand): PendingCommand | undefined;
  /** Takes an entry out, and its record from storage. */
  remove(id: string): void;
  /** Takes every entry out, and its record from storage. */
  clear(): void;
  /** Takes every entry out of memory only: storage is not this client's to change any more. */
  forgetInMemory(): void;
  /** Takes stored records back in, oldest first, before anything queued since; returns the new entries. */
  restore(
    records: StoredCommand[],
    committed: Record<string, NonNullable<PendingCommand['committed']>>,
  ): PendingCommand[];
  /**
   * Writes an entry's record as it is when the write runs (gone by then: nothing is written).
   * `replace` only updates a record that is still there: another tab may have sent it and deleted it.
   */
  save(id: string, mode: 'set' | 'replace'): Promise<unknown>;
  /** A promise for the command's result, settled by `resolve` or `reject`. */
  wait(id: string): Promise<Result>;
  resolve(id: string, result: Result): void;
  reject(id: string, error: ConfabError): void;
  /** Rejects every open promise (the commands are dropped or never sent). */
  rejectAll(error: ConfabError): void;
}

export function createOutbox(session: Session, storage: ClientStorage): Outbox {
  const pending = writable<PendingCommand[]>([]);
  /** Each entry's place among those this client created in the same millisecond. */
  const sequences = new Map<string, number>();
  const waiters = new Map<string, { resolve: (result: Result) => void; reject: (error: ConfabError) => void }>();
  let lastCreatedAt = 0;

  const get = (id: string) => pending.get().find((entry) => entry.id === id);

  function drop(id: string) {
    sequences.delete(id);
    void storage.queue((persistence) => persistence.del(`${session.outboxPrefix}${id}`));
  }

  function settle(id: string) {
    const waiter = waiters.get(id);
    waiters.delete(id);
    return waiter;
  }

  return {
    pending,
    get,
    add(command, files) {
      const id = newCommandId();
      // Never earlier than the command before it, even if the clock steps back.
      lastCreatedAt = Math.max(Date.now(), lastCreatedAt);
      const entry: PendingCommand = { id, command, state: 'queued', createdAt: lastCreatedAt, ...(files && { files }) };
      sequences.set(id, commandCounter);
      pending.set([...pending.get(), entry]);
      return entry;
    },
    update(id, change) {
      const entry = get(id);
      if (!entry) return undefined;
      const next = change(entry);
      if (next !== entry) pending.set(pending.get().map((candidate) => (candidate === entry ? next : candidate)));
      return next;
    },
    remove(id) {
      if (get(id)) pending.set(pending.get().filter((entry) => entry.id !== id));
      drop(id);
    },
    clear() {
      for (const entry of pending.get()) drop(entry.id);
      pending.set([]);
    },
    forgetInMemory() {
      sequences.clear();
      pending.set([]);
    },
    restore(records, committed) {
      const sorted = [...records].sort((a, b) => a.createdAt - b.createdAt || a.sequence - b.sequence);
      const known = new Set(pending.get().map((entry) => entry.id));
      const restored: PendingCommand[] = [];
      for (const record of sorted) {
        if (known.has(record.id)) continue;
        known.add(record.id);
        restored.push({
          id: record.id,
          command: record.command,
          state: record.state === 'failed' ? 'failed' : 'queued',
          createdAt: record.createdAt,
          ...(record.error ? { error: record.error } : {}),
          ...(committed[record.id] ? { committed: committed[record.id] } : {}),
          ...(record.files && { files: record.files.map((file) => new File([file.bytes], file.name, file)) }),
        });
        sequences.set(record.id, record.sequence);
      }
      // Saved commands are older than any sent while this client started.
      if (restored.length) pending.set([...restored, ...pending.get()]);
      return restored;
    },
    save(id, mode) {
      return storage.queue(async (persistence) => {
        // Acknowledged or discarded before this write ran: its record is gone for good.
        const entry = get(id);
        if (!entry) return undefined;
        const files = entry.files && (await (await import('../files/waiting.js')).storedFiles(entry.files));
        // Sent, or its files changed, while they were read: a later write (if any) keeps it.
        if (get(id)?.files !== entry.files) return undefined;
        const record: StoredCommand = {
          id,
          command: entry.command,
          state: entry.state === 'failed' ? 'failed' : 'queued',
          createdAt: entry.createdAt,
          sequence: sequences.get(id) ?? 0,
          owner: session.owner,
          ...(entry.error ? { error: entry.error } : {}),
          ...(files && { files }),
        };
        return persistence[mode](`${session.outboxPrefix}${id}`, record);
      });
    },
    wait: (id) => new Promise((resolve, reject) => waiters.set(id, { resolve, reject })),
    resolve: (id, result) => settle(id)?.resolve(result),
    reject: (id, error) => settle(id)?.reject(error),
    rejectAll(error) {
      for (const id of [...waiters.keys()]) settle(id)?.reject(error);
    },
  };
}

import type { EngineState } from '../engine/state.js';
import type { MessageChanges, StoredMessages } from '../engine/lazy-messages.js';
import type { Command, SignalCommand } from '../protocol/commands.js';
import type { Attachment } from '../model/model.js';
import type { SequencedEvent } from '../protocol/events.js';
import type { Principal, ServerFrame } from '../protocol/frames.js';

/**
 * The backend hub: hosts the engine for many connections. It authenticates hellos, resumes or
 * snapshots replicas, runs commands once per command id, commits their events durably before it
 * acknowledges, and fans projected events out. The memory transport and @confab/server both use
 * it, so they behave the same.
 */

/** What a command's ack said (or its refusal): kept for the idempotency window. */
export type StoredOutcome =
  | { ok: true; seq: number; result?: Record<string, string> }
  | { ok: false; error: import('../protocol/errors.js').ErrorPayload };

/** One committed command: its events and its answer, stored atomically. */
export interface CommitRecord {
  /** Who gave the command and its id: the idempotency key. */
  principalKey: string;
  commandId: string;
  events: SequencedEvent[];
  /** The ack's `result`, or the refusal. */
  outcome: StoredOutcome;
  /** When it was committed (ms since 1970): outcomes are deleted by age. */
  at: number;
}

/** A stored event and the principal key of the command that caused it (`system` for appends). */
export interface StoredEvent extends SequencedEvent {
  by: string | null;
}

/**
 * The hub's state after event `seq`, as chunks of JSON text: the engine state
 * (serializeEngineState) and the visitors' streams. Loading is this plus the events after `seq`.
 */
export interface HubSnapshot {
  seq: number;
  /** When it was written (ms since 1970). */
  at: number;
  engine: string[];
  streams: string[];
  /**
   * Written to a storage that keeps messages apart (`keepsMessagesApart`): each conversation's
   * messages changed since the snapshot `messageChanges.base`; its other messages stay as stored.
   */
  messageChanges?: MessageChanges;
  /** Read from such a storage: the messages the chunks name, one conversation at a time. */
  messages?: StoredMessages;
}

/** What a backend finds in storage at start. */
export interface StoredLog {
  /**
   * Names this log's history: it changes when the log is rewritten (a restore from a backup), so a
   * client that resumes with another epoch gets a full snapshot, never deltas of another history.
   */
  epoch: string;
  /** The latest snapshot, or null (a new store, or one written before snapshots). */
  snapshot: HubSnapshot | null;
  /**
   * Events in sequence order: every one after the snapshot, and at least the last `recent` of the
   * log (for resuming clients) even when the snapshot already holds them.
   */
  events: StoredEvent[];
}

/**
 * Durable storage behind a backend (one workspace's log). `commit` resolves only once the record
 * is on disk: the hub acknowledges after it. An implementation for another database implements
 * these methods and passes the same storage tests.
 */
export interface BackendStorage {
  load(options: { recent: number }): Promise<StoredLog>;
  commit(record: CommitRecord): Promise<void>;
  /** The stored outcomes of these command ids of one principal (absent: never committed, or deleted by age). */
  outcomes(principalKey: string, commandIds: readonly string[]): Promise<Map<string, StoredOutcome>>;
  /** Stores a snapshot in place of the one before; resolves once it is on disk. */
  saveSnapshot(snapshot: HubSnapshot): Promise<void>;
  /**
   * True for a storage that stores each conversation's messages apart from the snapshot's chunks
   * and reads them back synchronously, one conversation when first used (`HubSnapshot.messages`):
   * a start then reads none of them. It stores `HubSnapshot.messageChanges` in the snapshot's
   * transaction and refuses (rejects) changes whose `base` is not the snapshot it holds. Other
   * storages get every message inside the chunks.
   */
  readonly keepsMessagesApart?: boolean;
  /** Deletes the outcomes committed before `before` (ms since 1970); resolves with how many. */
  forgetOutcomes(before: number): Promise<number>;
  close(): Promise<void>;
  /**
   * Storage that other processes write too (PostgreSQL) implements these two; the hub then decides
   * each command under the log's lock, and catches up on what others committed.
   */
  commitLocked?: SharedLog['commitLocked'];
  /** Events after `seq`, in order (what other processes committed since). */
  eventsAfter?: SharedLog['eventsAfter'];
  /** A one-command commit in one step when nothing changed meanwhile (SharedLog). */
  commitAt?: SharedLog['commitAt'];
}

/** Commands waiting in one process, decided together under the log's lock (group commit). */
export interface LockedBatch {
  /** Each command's principal and id, in the order they are decided. */
  commands: readonly { principalKey: string; commandId: string }[];
  /** The last sequence number the hub has applied. */
  seq: number;
}

/** What storage found once the log is locked: what the hub missed, and the commands' stored outcomes. */
export interface LockedLog {
  /** Events after the batch's `seq`, committed by other processes: the hub applies them first. */
  missed: StoredEvent[];
  /** The stored outcome of one of the batch's command ids (another process ran it), or null. */
  outcomeOf(principalKey: string, commandId: string): StoredOutcome | null;
}

/**
 * A log several processes append to. `commitLocked` runs in one transaction: lock the log's head,
 * read what the hub missed and the batch's stored outcomes, let `decide` (synchronous: it holds
 * the lock) return the records to commit, in order (none: commit nothing) — insert them, commit.
 * It resolves once committed; when `decide` throws, nothing is written and it rejects with that error.
 */
export interface SharedLog {
  commitLocked(batch: LockedBatch, decide: (log: LockedLog) => CommitRecord[]): Promise<void>;
  eventsAfter(seq: number): Promise<StoredEvent[]>;
  /**
   * Commits `record`, decided against the hub's state at `seq`, in one step (one round trip) —
   * only when the log's head is still `seq` and no command id of it has an outcome. Resolves false
   * when either is not so, with nothing written: the hub then takes commitLocked. Optional.
   */
  commitAt?(seq: number, record: CommitRecord): Promise<boolean>;
}

/** Decides who a token is, and issues visitor sessions. */
export interface Authenticator {
  /**
   * The principal for an agent token or visitor session token, or null when invalid. May throw
   * ConfabError('session-expired') for a sign-in that was valid and has ended, so the person is
   * told to sign in again rather than that their token is wrong.
   */
  verify(token: string): Promise<Principal | null>;
  /** A new visitor session token for a contact (random; stored so it survives restarts). */
  issueVisitorSession(contactId: string): Promise<string>;
  /** The identity a site vouched for, or null when the token is bad, expired or for another site. */
  verifyIdentity?(identityToken: string): Promise<{ email: string; name?: string } | null>;
}

/** Passes events between backend processes; the single-process default delivers locally. */
export interface FanOut {
  publish(events: SequencedEvent[]): void;
  subscribe(listener: (events: SequencedEvent[]) => void): () => void;
}

export interface BackendOptions {
  storage?: BackendStorage;
  auth: Authenticator;
  fanOut?: FanOut;
  /** Injected clock (tests move it, e.g. for T11's 30 minutes). Default Date.now. */
  now?: () => number;
  newId?: () => string;
  /** Events kept in memory for resume; further back, a client gets a full snapshot. Default 10,000. */
  retention?: number;
  /** Whether a hello with an empty token may start a new visitor session. Default true. */
  allowNewVisitors?: boolean;
  /** The server's upload limit in bytes, told to each client in its welcome (issue 16). */
  uploadMaxBytes?: number;
  /** A snapshot is written after this many events since the last one. Default 10,000. */
  snapshotEveryEvents?: number;
  /** …or after this long (ms) when any event came since the last one. Default 10 minutes. */
  snapshotEveryMs?: number;
  /**
   * How long (ms) a command's outcome is kept: a repeated command id is answered from it. A command
   * queued longer ago than this is refused with `expired`. Default 30 days.
   */
  idempotencyWindowMs?: number;
  /** Outcomes kept in memory for repeated command ids (the rest are read from storage). Default 10,000. */
  outcomeCacheSize?: number;
  /**
   * Called with the events of each command this hub committed (not those it caught up on), after
   * they were applied: a cluster publishes them to the other processes (see `receive`).
   */
  onCommitted?: (events: StoredEvent[]) => void;
  /**
   * Checks the files a command's message carries before the engine decides it (in order with the
   * hub's other commands): each must be a file this principal may attach in this hub's workspace.
   * Resolves with the references as stored (name, type and size as the server measured them), or
   * rejects with a ConfabError. Without it the references are taken as sent (the memory transport).
   */
  admitAttachments?: (
    principal: Principal,
    command: Command,
    attachments: readonly Attachment[],
  ) => Promise<Attachment[]>;
  /** Called with each signal (typing, viewing) a link of this hub sent: a cluster relays it to the other processes. */
  onSignal?: (principal: Principal, command: SignalCommand) => void;
}

/** Metadata of a connection, for limits and logs. */
export interface ConnectionInfo {
  ip?: string;
  origin?: string;
}

export interface BackendConnection {
  /** A frame from the client: raw text (validated here) or an already parsed value. */
  receive(frame: string | unknown): void;
  /** The link is gone. */
  close(): void;
  /** Who this connection is, once authenticated. */
  readonly principal: Principal | null;
}

export interface Backend {
  /** Resolves once storage is loaded. */
  readonly ready: Promise<void>;
  readonly state: EngineState;
  /** The last sequence number committed. */
  readonly seq: number;
  /** A new client link; the hub calls `send` with every frame for it, `end` to close it. */
  connect(
    send: (frame: ServerFrame) => void,
    end: (code: number, reason: string) => void,
    info?: ConnectionInfo,
  ): BackendConnection;
  /** Runs a command outside any connection (channel ingestion, admin, tests). */
  execute(
    principal: Principal,
    command: Command,
    commandId?: string,
  ): Promise<{ seq: number; result?: Record<string, string> }>;
  /**
   * Stores events as they are (seed data, imports), without the engine's rules: trusted code only.
   * Resolves with the last sequence number.
   */
  append(events: import('../protocol/events.js').ConfabEvent[]): Promise<number>;
  /**
   * Applies and fans out what other processes committed since this hub's `seq` (storage that is a
   * SharedLog only; elsewhere nothing can be missed). Resolves with the number of events applied.
   */
  catchUp(): Promise<number>;
  /**
   * Events another process committed, as it published them (a bus may lose, repeat or reorder
   * batches): a batch that continues this hub's sequence is applied, one already applied is
   * dropped, and a gap is filled from storage. SharedLog storage only.
   */
  receive(events: readonly StoredEvent[]): Promise<void>;
  /** A signal (typing, viewing) a link of another process sent: relayed to this hub's links as if sent here. */
  relaySignal(principal: Principal, command: SignalCommand): void;
  /** Names the log's history (see StoredLog.epoch); set once `ready`. */
  readonly epoch: string;
  /** How many client links are open now. */
  readonly openLinks: number;
  /** Ends every open link with `code` (1012 for a restart: clients reconnect and resume). */
  endLinks(code: number, reason: string): void;
  /** Closes every connection of this principal (revoked token, disabled agent). */
  disconnectPrincipal(match: (principal: Principal) => boolean, code: number, reason: string): void;
  close(): Promise<void>;
}

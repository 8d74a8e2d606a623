import type { EngineState } from '../engine/state.js';
import type { Command } from '../protocol/commands.js';
import type { SequencedEvent } from '../protocol/events.js';
import type { Principal, ServerFrame } from '../protocol/frames.js';

/**
 * The backend hub: hosts the engine for many connections. It authenticates hellos, resumes or
 * snapshots replicas, runs commands once per command id, commits their events durably before it
 * acknowledges, and fans projected events out. The memory transport and @confab/server both use
 * it, so they behave the same.
 */

/** One committed command: its events and its answer, stored atomically. */
export interface CommitRecord {
  /** Who gave the command and its id: the idempotency key. */
  principalKey: string;
  commandId: string;
  events: SequencedEvent[];
  /** The ack's `result`, or the refusal. */
  outcome:
    | { ok: true; seq: number; result?: Record<string, string> }
    | { ok: false; error: import('../protocol/errors.js').ErrorPayload };
}

/** What a backend finds in storage at start. */
export interface StoredLog {
  /** Every stored event in sequence order (a later store may start from a snapshot instead). */
  events: SequencedEvent[];
  /** Outcomes by `${principalKey}\u0000${commandId}`, for idempotency across restarts. */
  outcomes: Map<string, CommitRecord['outcome']>;
}

/**
 * Durable storage behind a backend. `commit` resolves only once the record is on disk: the hub
 * acknowledges after it. An implementation for another database implements these methods.
 */
export interface BackendStorage {
  load(): Promise<StoredLog>;
  commit(record: CommitRecord): Promise<void>;
  close(): Promise<void>;
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
  /** How many client links are open now. */
  readonly openLinks: number;
  /** Ends every open link with `code` (1012 for a restart: clients reconnect and resume). */
  endLinks(code: number, reason: string): void;
  /** Closes every connection of this principal (revoked token, disabled agent). */
  disconnectPrincipal(match: (principal: Principal) => boolean, code: number, reason: string): void;
  close(): Promise<void>;
}

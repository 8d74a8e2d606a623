import type { AgentId, ContactId } from '../model/model.js';
import type { Command } from './commands.js';
import type { ErrorPayload } from './errors.js';
import type { SequencedEvent, Snapshot, TypingSignal, ViewingSignal } from './events.js';

/** The wire protocol's version. A frame with another `v` is refused with `unsupported-version`. */
export const PROTOCOL_VERSION = 1;

/** Largest message text. */
export const MAX_TEXT_LENGTH = 64 * 1024;
/**
 * Largest frame either side accepts, in UTF-16 code units of its JSON text. A text of
 * MAX_TEXT_LENGTH must fit even when JSON writes each of its characters as six (`\u0001`, a lone
 * surrogate), with room for the rest of the command.
 */
export const MAX_FRAME_LENGTH = 6 * MAX_TEXT_LENGTH + 64 * 1024;
/** Largest short string (names, subjects, addresses, ids, property values). */
export const MAX_SHORT_LENGTH = 1024;
/** An email's HTML body at its longest (newsletters inline their styles: often 50–200 KB). */
export const MAX_HTML_LENGTH = 4 * MAX_TEXT_LENGTH;

/** Who is speaking. The backend decides this from the token; a client never claims it. */
export type Principal =
  { kind: 'agent'; agentId: AgentId } | { kind: 'visitor'; contactId: ContactId } | { kind: 'system' };

// ---- client → server ----

/**
 * First frame of every connection. The token authenticates (it never travels in a URL);
 * `resumeFrom` is the last sequence number this replica applied, or absent for a full snapshot.
 */
export interface HelloFrame {
  v: 1;
  type: 'hello';
  /** Agent token or visitor session token; empty for a visitor's very first contact. */
  token: string;
  resumeFrom?: number;
  /**
   * The `epoch` of the welcome that `resumeFrom` counts in. Another epoch than the server's means
   * its log was rewritten (a restore from a backup): the server sends a full snapshot (`resync`).
   */
  epoch?: string;
  /** A visitor's identity token, signed by the site's backend (createIdentityToken). */
  identity?: string;
  /**
   * The widget's site key (the tag's `data-site`): the server opens the chat in that site's
   * workspace and checks the page's origin against the site's. Absent: the default workspace.
   */
  site?: string;
  /**
   * Ids of commands this client sent and has no answer for (at most MAX_HELLO_PENDING, oldest
   * first). The welcome names those the server already committed, so that a replica rebuilt from
   * a snapshot never shows such a command's effect twice: once confirmed, once optimistic.
   */
  pending?: string[];
}

/** Most command ids a hello may ask after. */
export const MAX_HELLO_PENDING = 1000;

/**
 * A command with its client-generated id: sending the same id twice has the effect of once, within
 * the server's idempotency window (30 days by default). An id that starts with the time it was
 * queued, in base-36 milliseconds and a `-` (`mi8k2x0a-…`, as the reference client makes them), is
 * refused with `expired` once older than the window instead of ever running twice.
 */
export interface CommandFrame {
  v: 1;
  type: 'command';
  id: string;
  command: Command;
}

export interface PingFrame {
  v: 1;
  type: 'ping';
}

export type ClientFrame = HelloFrame | CommandFrame | PingFrame;

// ---- server → client ----

/**
 * Answer to hello. `sessionToken` is set when the server issued a new visitor session: the client
 * keeps it and sends it in the next hello.
 */
export interface WelcomeFrame {
  v: 1;
  type: 'welcome';
  principal: Principal;
  seq: number;
  /** Names the server's history: a client echoes it in its next hello beside `resumeFrom`. */
  epoch: string;
  sessionToken?: string;
  /** The hello's `pending` commands the server had already committed, with their acks' contents. */
  committed?: CommittedCommand[];
  /** The largest file this server takes (`POST /api/files`), in bytes: the composers refuse larger ones at once. */
  uploadMaxBytes?: number;
}

/** A command committed before the client learned of it: what its lost ack would have said. */
export interface CommittedCommand {
  id: string;
  /** The last event the command caused. */
  seq: number;
  result?: Record<string, string>;
}

/** Full state for this principal; sent after welcome when resuming is impossible or not asked. */
export interface SnapshotFrame {
  v: 1;
  type: 'snapshot';
  snapshot: Snapshot;
  /** True when the client asked to resume but the server no longer had that far back, or its history changed (epoch). */
  resync: boolean;
}

/** Events in sequence order, projected for this principal. */
export interface EventsFrame {
  v: 1;
  type: 'events';
  events: SequencedEvent[];
}

/** The command was committed (durably, on a real server). `seq` is the last event it caused. */
export interface AckFrame {
  v: 1;
  type: 'ack';
  id: string;
  seq: number;
  /** Ids the command created (the conversation of a startChat or compose, a ticket, …). */
  result?: Record<string, string>;
}

/** A refusal. `id` names the command, when the refusal is about one. */
export interface ErrorFrame {
  v: 1;
  type: 'error';
  id?: string;
  error: ErrorPayload;
}

export interface TypingFrame {
  v: 1;
  type: 'typing';
  signal: TypingSignal;
}

export interface ViewingFrame {
  v: 1;
  type: 'viewing';
  signal: ViewingSignal;
}

export interface PongFrame {
  v: 1;
  type: 'pong';
}

export type ServerFrame =
  WelcomeFrame | SnapshotFrame | EventsFrame | AckFrame | ErrorFrame | TypingFrame | ViewingFrame | PongFrame;

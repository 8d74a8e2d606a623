import type { Agent, Contact, ConversationId, Message } from '../model/model.js';
import type { AgentCommand, Command, VisitorCommand } from '../protocol/commands.js';
import type { ConfabError, ErrorPayload, FatalErrorCode } from '../protocol/errors.js';
import type { SequencedEvent, TypingSignal, ViewingSignal } from '../protocol/events.js';
import type { Principal } from '../protocol/frames.js';
import type { PickedFile } from '../files/uploads.js';
import type { Readable } from '../store/readable.js';
import type { InboxStore, ReplicaStore } from '../store/types.js';
import type { ConnectionState, Transport } from '../transport/transport.js';
import type { Persistence } from '../persistence/persistence.js';

export interface ClientStatus {
  principal: Principal | null;
  /** True once state is there to show (a snapshot from the server, or the persisted one). */
  ready: boolean;
  /** Where the outbox, drafts and snapshot live. `memory` when IndexedDB is missing or failing. */
  storage: 'indexeddb' | 'memory';
  /** Why storage fell back to memory. */
  storageError?: string;
  /** Number of full resyncs (the server no longer had the events after our last seq). */
  resyncs: number;
  /** The last error that was not about one command (auth, protocol). */
  error?: ErrorPayload;
  /** The server's upload limit in bytes, as its last welcome said (issue 16); unset until then. */
  uploadMaxBytes?: number;
}

/**
 * A command the server has not acknowledged yet (it is in the outbox), or one it refused. An
 * immutable value: a change gives a new entry, so keeping a reference to one is safe.
 */
export interface PendingCommand {
  readonly id: string;
  readonly command: Command;
  readonly state: 'queued' | 'sending' | 'failed';
  readonly error?: ErrorPayload;
  readonly createdAt: number;
  /**
   * Set once the replica holds the command's effects as confirmed records, while its ack is still
   * on its way: `created` are the ids of the records it created (a conversation, messages). Show
   * those records, not the command.
   */
  readonly committed?: { readonly seq: number; readonly created: readonly string[] };
  /**
   * Files the command waits for (issue 16): picked while offline, or their upload failed on the
   * way. Stored with the command; each is uploaded once, into `attachments`, before it is sent.
   */
  readonly files?: readonly PickedFile[];
}

export interface ClientEvents {
  /** Every event the replica applied from the server, in sequence order. */
  event(event: SequencedEvent): void;
  /** A message arrived from the server (not an optimistic echo of our own). */
  message(message: Message): void;
  /** The signed-in agent was mentioned in a comment (R1). */
  mention(mention: { conversationId: ConversationId; messageId: string }): void;
  /** A command was refused; its optimistic changes were rolled back. */
  refused(pending: PendingCommand, error: ConfabError): void;
  /** An error not tied to a command. */
  error(error: ConfabError): void;
  /** The replica was rebuilt from a full snapshot. */
  resync(): void;
}

/**
 * What a draft keeps besides its text: an email's Cc and Bcc fields, as typed (the engine checks
 * the addresses when it is sent); a new email's To and Subject too.
 */
export type DraftField = 'cc' | 'bcc' | 'to' | 'subject';

/**
 * Drafts per conversation (R1), kept across reloads: the text, and optionally a `field` of it.
 *
 * @example
 * client.drafts.set(conversationId, 'ava@customer.example', 'cc');
 * client.drafts.get(conversationId, 'cc'); // 'ava@customer.example', after a reload too
 */
export interface Drafts {
  get(conversationId: ConversationId, field?: DraftField): string;
  set(conversationId: ConversationId, text: string, field?: DraftField): void;
}

export interface Client<C extends Command, S extends ReplicaStore = ReplicaStore> {
  /** The replica: an agent's has views, counts and search; a visitor's only their records. */
  readonly store: S;
  readonly connection: Readable<ConnectionState>;
  /**
   * Why this client stopped for good, or null while it is connected or will reconnect by itself:
   * a refused sign-in (`unauthenticated`), an ended session (`session-expired`), revoked access
   * (`forbidden`), a page origin the server does not serve (`origin-not-allowed`), or a protocol
   * version it does not speak (`unsupported-version`). Show it to the person, with what to do.
   */
  readonly stopped: Readable<FatalErrorCode | null>;
  readonly status: Readable<ClientStatus>;
  /** Commands not yet acknowledged, oldest first; `failed` ones wait for retry or discard. */
  readonly pending: Readable<PendingCommand[]>;
  /** Who is typing where, now. */
  readonly typing: Readable<TypingSignal[]>;
  readonly drafts: Drafts;
  /**
   * Sends a command. Its effect shows at once (optimistic, marked pending); it resolves with the
   * ids the command created once the server committed it, or rejects with a ConfabError (and the
   * optimistic effect is rolled back). Offline, it waits in the outbox, which survives reloads.
   * `files` not uploaded yet wait there with it, and go into its `attachments` before it is sent.
   */
  send(command: C, files?: readonly PickedFile[]): Promise<Record<string, string>>;
  /** Sends a failed command again (under its original id). */
  retry(commandId: string): Promise<Record<string, string>>;
  /** Forgets a failed or queued command. */
  discard(commandId: string): void;
  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void;
  /**
   * Signs in again with a new token (a refreshed one before the old expires, or after `stopped`
   * said `session-expired`): the client reconnects with it at once and resumes where it was. For
   * the same principal the replica, outbox and drafts stay; for another one they are dropped, as
   * when another person signs in. A refused token stops the client (`stopped`).
   *
   * @example
   * auth.onTokenRefreshed((token) => client.setToken(token));
   */
  setToken(token: string): void;
  /**
   * The session token for this person's HTTP requests (uploads, downloads: `Authorization: Bearer`,
   * never a URL); '' until the server gave one.
   */
  sessionToken(): string;
  /** Disconnects and stops; resolves once writes already begun are stored. */
  close(): Promise<void>;
  /**
   * Signs out on this browser: closes, then deletes what this client stored for its principal
   * (session token, outbox, drafts, snapshot) and empties its replica. Unconfirmed commands reject
   * with `offline` and are never sent. Other open tabs of this browser showing the same person
   * drop them too (they stop with `session-expired`), as after `identify()` for someone else.
   */
  forget(): Promise<void>;
}

export interface InboxClient extends Client<AgentCommand, InboxStore> {
  /** The signed-in agent, once known. */
  readonly me: Readable<Agent | null>;
  /** Which other team members have which conversation open, now (collision). */
  readonly viewing: Readable<ViewingSignal[]>;
}

export interface VisitorClient extends Client<VisitorCommand, ReplicaStore> {
  /** The visitor's own contact record, once known. */
  readonly contact: Readable<Contact | null>;
}

export interface ClientOptions {
  transport: Transport;
  /** Agent token, or a visitor's session token from an earlier visit (the client keeps it). */
  token?: string;
  /** Persistence for outbox, drafts and snapshot; default IndexedDB under `namespace`. */
  persistence?: Persistence;
  /** Separates persisted data of several clients on one origin. Default 'confab'. */
  namespace?: string;
  /** Where files waiting in the outbox are uploaded (`POST`); default `/api/files` of the page. */
  filesUrl?: string;
}

export interface VisitorClientOptions extends ClientOptions {
  /** A site-signed identity token (see the server's createIdentityToken). */
  identity?: string;
  /** The widget's site key (`data-site`): the server opens the chat in that site's workspace. */
  site?: string;
}

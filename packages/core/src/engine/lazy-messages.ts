import type { Message } from '../model/model.js';

/**
 * Where a loaded snapshot's messages wait, one conversation at a time, until they are first read
 * (a storage that keeps them apart from the snapshot's chunks: see BackendStorage.keepsMessagesApart).
 */
export interface StoredMessages {
  /** The snapshot they belong to. */
  seq: number;
  /** One conversation's messages as the JSON text of the list; undefined when none are stored. */
  text(conversationId: string): string | undefined;
}

/** What changed in the messages since those stored (see LazyMessages.takeChanges). */
export interface MessageChanges {
  /** The snapshot whose stored messages these go on from; null: these are all of them (the stored ones are dropped). */
  base: number | null;
  /** Conversations whose messages are new or may have changed, with the JSON text of their list. */
  changed: [conversationId: string, text: string][];
  /** Conversations whose messages are gone. */
  removed: string[];
}

/** A value still in storage: parsed on first read. */
const IN_STORAGE = 0;

/**
 * The messages of each conversation, parsed on first use. Messages are most of a snapshot (129 of
 * 185 MB for a log of a million events) and most conversations are not touched soon after a start,
 * so a start parses none of them — and, from a storage that keeps them apart, does not even read
 * them: the hub answers its first hello without waiting for every message ever written (issue 19).
 * Any read (get, or a walk over all) parses what it returns. It also knows what changed since the
 * messages were last stored, so that a snapshot writes only those.
 */
export class LazyMessages extends Map<string, Message[]> {
  #stored: StoredMessages | null = null;
  /** Read or written since the last snapshot: a list read may have been changed in place. */
  #changed = new Set<string>();
  #removed = new Set<string>();
  /** The snapshot the stored messages belong to; null when none are stored (all are new). */
  #base: number | null = null;

  /** Messages of a loaded snapshot, read from `stored` when first used. `ids` in the state's order. */
  static fromStorage(ids: readonly string[], stored: StoredMessages): LazyMessages {
    const messages = new LazyMessages();
    messages.#stored = stored;
    messages.#base = stored.seq;
    for (const id of ids) Map.prototype.set.call(messages, id, IN_STORAGE);
    return messages;
  }

  /** Adds a conversation's messages as the JSON text of the list (from `textOf`). */
  setText(conversationId: string, text: string): void {
    super.set(conversationId, text as unknown as Message[]);
    this.#changed.add(conversationId);
  }

  /** The JSON text of a conversation's messages, without parsing them when not parsed yet. */
  textOf(conversationId: string): string | undefined {
    const value = super.get(conversationId) as Message[] | string | typeof IN_STORAGE | undefined;
    if (value === IN_STORAGE) return this.#fromStorage(conversationId);
    return typeof value === 'string' ? value : value === undefined ? undefined : JSON.stringify(value);
  }

  override get(conversationId: string): Message[] | undefined {
    const value = super.get(conversationId) as Message[] | string | typeof IN_STORAGE | undefined;
    if (value === undefined) return undefined;
    this.#changed.add(conversationId);
    if (typeof value !== 'string' && value !== IN_STORAGE) return value;
    const list = JSON.parse(value === IN_STORAGE ? this.#fromStorage(conversationId) : value) as Message[];
    // Setting an existing key keeps its place in the map's order.
    super.set(conversationId, list);
    return list;
  }

  override set(conversationId: string, messages: Message[]): this {
    this.#changed.add(conversationId);
    this.#removed.delete(conversationId);
    return super.set(conversationId, messages);
  }

  override delete(conversationId: string): boolean {
    this.#changed.delete(conversationId);
    if (this.#base !== null) this.#removed.add(conversationId);
    return super.delete(conversationId);
  }

  override clear(): void {
    super.clear();
    this.#changed.clear();
    this.#removed.clear();
    this.#base = null;
  }

  /**
   * What to store for the snapshot after `seq`, from now on counted from there. Was that snapshot
   * not stored after all, call `storedLost`: the next one then stores every list again.
   */
  takeChanges(seq: number): MessageChanges {
    const full = this.#base === null;
    const changed: [string, string][] = [];
    for (const id of full ? this.keys() : this.#changed) {
      const text = this.textOf(id);
      if (text !== undefined) changed.push([id, text]);
    }
    const changes = { base: this.#base, changed, removed: full ? [] : [...this.#removed] };
    this.#changed.clear();
    this.#removed.clear();
    this.#base = seq;
    return changes;
  }

  /** The last snapshot's messages were not stored: the next snapshot stores all of them. */
  storedLost(): void {
    this.#base = null;
    this.#changed.clear();
    this.#removed.clear();
  }

  #fromStorage(conversationId: string): string {
    const text = this.#stored?.text(conversationId);
    // The snapshot's chunks list this conversation: storage that lost its row is broken, not empty.
    if (text === undefined) throw new Error(`The snapshot's messages of ${conversationId} are missing from storage.`);
    return text;
  }

  override *entries(): MapIterator<[string, Message[]]> {
    for (const key of this.keys()) yield [key, this.get(key)!];
  }

  override *values(): MapIterator<Message[]> {
    for (const key of this.keys()) yield this.get(key)!;
  }

  override [Symbol.iterator](): MapIterator<[string, Message[]]> {
    return this.entries();
  }

  override forEach(
    callback: (value: Message[], key: string, map: Map<string, Message[]>) => void,
    thisArg?: unknown,
  ): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }
}

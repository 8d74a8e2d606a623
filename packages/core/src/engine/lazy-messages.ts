import type { Message } from '../model/model.js';

/**
 * The messages of each conversation, read from a snapshot as JSON text and parsed on first use.
 * Messages are most of a snapshot (117 of 131 MB for a log of a million events) and most
 * conversations are not touched soon after a start, so a start parses none of them: the hub
 * answers its first hello without waiting for every message ever written. Any read (get, or a walk
 * over all) parses what it returns; written back, an untouched list is its text unchanged.
 */
export class LazyMessages extends Map<string, Message[]> {
  /** Adds a conversation's messages as the JSON text of the list (from `textOf`). */
  setText(conversationId: string, text: string): void {
    super.set(conversationId, text as unknown as Message[]);
  }

  /** The JSON text of a conversation's messages, without parsing them when not parsed yet. */
  textOf(conversationId: string): string | undefined {
    const value = super.get(conversationId) as Message[] | string | undefined;
    return typeof value === 'string' ? value : value === undefined ? undefined : JSON.stringify(value);
  }

  override get(conversationId: string): Message[] | undefined {
    const value = super.get(conversationId) as Message[] | string | undefined;
    if (typeof value !== 'string') return value;
    const list = JSON.parse(value) as Message[];
    // Setting an existing key keeps its place in the map's order.
    super.set(conversationId, list);
    return list;
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

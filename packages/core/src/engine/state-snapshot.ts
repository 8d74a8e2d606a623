import { LazyMessages, type StoredMessages } from './lazy-messages.js';
import type { EngineState } from './state.js';

/**
 * The engine state as text and back, for snapshots (load = snapshot + the events after it). Every
 * field is written as it is, derived indexes included, so that a loaded state equals the state the
 * log's replay builds: nothing is recomputed on load. The text is cut into chunks of at most
 * CHUNK_ENTRIES map entries: a state with a million messages stays far below the longest string
 * JavaScript can hold, and storage keeps each chunk as a row of its own.
 */

/**
 * Bumped when the format changes; a snapshot of another version is ignored (the log is replayed).
 * 2: the messages may be kept apart (each list's text null in the chunk, stored per conversation).
 */
export const STATE_SNAPSHOT_VERSION = 2;
const CHUNK_ENTRIES = 20_000;

type MapField = {
  [K in keyof EngineState]: EngineState[K] extends Map<string, unknown> ? K : never;
}[keyof EngineState];
type ValueField = Exclude<keyof EngineState, MapField>;

/** Every field, once: a field added to EngineState and not here is a type error. */
const FIELDS = {
  conversations: 'map',
  messages: 'texts',
  contacts: 'map',
  agents: 'map',
  tickets: 'map',
  deals: 'map',
  companies: 'map',
  feedback: 'map',
  settings: 'value',
  views: 'map',
  lastRoutedAgentId: 'value',
  contactIdsByEmail: 'map',
  conversationIdsByEmailMessageId: 'map',
  conversationIdsByContact: 'map',
} as const satisfies Record<keyof EngineState, 'map' | 'value' | 'texts'>;

type Chunk =
  { v: number; field: MapField; entries: [string, unknown][] } | { v: number; field: ValueField; value: unknown };

/**
 * The state as JSON chunks, in an order that `deserializeEngineState` reads back. With
 * `messagesApart` the chunks name each conversation with messages but hold none of them (their
 * text is null): the caller stores them apart (LazyMessages.takeChanges).
 */
export function serializeEngineState(state: EngineState, options: { messagesApart?: boolean } = {}): string[] {
  const chunks: string[] = [];
  for (const [field, kind] of Object.entries(FIELDS) as [keyof EngineState, 'map' | 'value' | 'texts'][]) {
    if (kind === 'value') {
      chunks.push(JSON.stringify({ v: STATE_SNAPSHOT_VERSION, field, value: state[field] }));
      continue;
    }
    const map = state[field as MapField] as Map<string, unknown>;
    let entries: [string, unknown][] = [];
    let written = false;
    const flush = () => {
      chunks.push(JSON.stringify({ v: STATE_SNAPSHOT_VERSION, field, entries }));
      entries = [];
      written = true;
    };
    // Messages are written as each conversation's JSON text (LazyMessages): a list not read since
    // the last load is copied as it is, never parsed.
    for (const key of map.keys()) {
      const value =
        kind === 'texts'
          ? options.messagesApart
            ? null
            : map instanceof LazyMessages
              ? map.textOf(key)
              : JSON.stringify(map.get(key))
          : map.get(key);
      entries.push([key, value]);
      if (entries.length === CHUNK_ENTRIES) flush();
    }
    // An empty map still writes one chunk: the reader can tell a missing field from an empty one.
    if (entries.length || !written) flush();
  }
  return chunks;
}

/** A snapshot of another format version, or of another shape: the caller replays the log instead. */
export class SnapshotFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotFormatError';
  }
}

/**
 * Builds the state back from `serializeEngineState`'s chunks; messages the chunks hold apart (text
 * null) are read from `stored` when first used.
 */
export function deserializeEngineState(chunks: readonly string[], stored?: StoredMessages): EngineState {
  const apart: string[] = [];
  const state: Partial<Record<keyof EngineState, unknown>> = {};
  for (const text of chunks) {
    const chunk = JSON.parse(text) as Chunk;
    if (chunk.v !== STATE_SNAPSHOT_VERSION)
      throw new SnapshotFormatError(`Snapshot format ${chunk.v} is not ${STATE_SNAPSHOT_VERSION}.`);
    const kind = FIELDS[chunk.field];
    if (kind === undefined) throw new SnapshotFormatError(`Unknown field ${String(chunk.field)}.`);
    if (kind === 'value') {
      state[chunk.field] = (chunk as { value: unknown }).value;
      continue;
    }
    const entries = (chunk as { entries: [string, unknown][] }).entries;
    if (kind === 'texts') {
      const messages = (state.messages as LazyMessages | undefined) ?? new LazyMessages();
      for (const [key, text] of entries) {
        if (text === null) apart.push(key);
        else messages.setText(key, text as string);
      }
      state.messages = messages;
      continue;
    }
    const map = (state[chunk.field] as Map<string, unknown> | undefined) ?? new Map<string, unknown>();
    for (const [key, value] of entries) map.set(key, value);
    state[chunk.field] = map;
  }
  for (const field of Object.keys(FIELDS) as (keyof EngineState)[])
    if (!(field in state)) throw new SnapshotFormatError(`The snapshot has no ${field}.`);
  if (apart.length && !stored)
    throw new SnapshotFormatError('The snapshot keeps its messages apart, and none were given.');
  // One kind of list per snapshot: every one in the chunks, or every one apart (then storage holds
  // them as of this snapshot, and the next one stores only what changed).
  if (stored && (state.messages as LazyMessages).size === 0) state.messages = LazyMessages.fromStorage(apart, stored);
  return state as EngineState;
}

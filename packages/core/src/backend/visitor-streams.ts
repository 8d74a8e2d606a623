import { projectEvent } from '../engine/engine.js';
import type { EngineState } from '../engine/state.js';
import type { ConfabEvent, SequencedEvent } from '../protocol/events.js';

/**
 * Each visitor's own numbered stream of the events they may see (issue 20 item 4). The workspace's
 * sequence counts everyone's events, comments included: a visitor who saw it (in `welcome.seq`, an
 * ack, or a gap between two events) learned how busy the team was, and a resume replayed a
 * conversation record at the sequence number of an agent's comment. So a visitor's numbers count
 * only what that visitor is shown: 1, 2, 3, … whatever else happens. Their frames are the same
 * whether or not comments, other visitors or team-internal changes exist.
 *
 * A visitor's stream is the merge, in workspace order, of two parts: what all visitors see alike
 * (team names and availability, widget settings) and what concerns them alone (their chats, their
 * messages, their contact record). A record that changes in nothing the visitor sees is not shown
 * again. Streams are derived from the log in order, at start and as commands commit, so a visitor
 * resumes at the same number after a restart.
 */

interface Entry {
  /** The workspace sequence number of the event. */
  at: number;
  cause: string | null;
  event: ConfabEvent;
}

/** A part as plain data, for snapshots. */
interface SavedPart {
  at: number[];
  recent: Entry[];
  shown: [string, string][];
}

/** One part of a stream: the workspace numbers of all its entries, and the latest entries whole. */
class Part {
  readonly at: number[];
  /** Entries kept whole: `recent[start…]`, the oldest dropped by moving `start` (no copying per drop). */
  private recent: Entry[];
  private start = 0;
  /** What was last shown of each record (a digest of its JSON), so that an unchanged one is not shown again. */
  readonly shown: Map<string, string>;

  constructor(saved?: SavedPart) {
    this.at = saved?.at ?? [];
    this.recent = saved?.recent ?? [];
    this.shown = new Map(saved?.shown);
  }

  save(): SavedPart {
    return { at: this.at, recent: this.kept(), shown: [...this.shown] };
  }

  /** The entries kept whole, oldest first. */
  kept(): Entry[] {
    return this.recent.slice(this.start);
  }

  push(entry: Entry): void {
    this.at.push(entry.at);
    this.recent.push(entry);
  }

  /** Drops the oldest entry kept whole (it is out of the resume window). */
  dropOldest(): void {
    this.start += 1;
    if (this.start > 1024 && this.start * 2 > this.recent.length) {
      this.recent = this.recent.slice(this.start);
      this.start = 0;
    }
  }

  /** How many entries are at or before workspace number `seq`. */
  countAt(seq: number): number {
    let low = 0;
    let high = this.at.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.at[middle]! <= seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The entry at `index`, or undefined when it is no longer kept whole. */
  entry(index: number): Entry | undefined {
    const offset = this.at.length - (this.recent.length - this.start);
    return index >= offset ? this.recent[this.start + index - offset] : undefined;
  }

  /** Whether `value` differs from what was last shown under `key` (and remembers it). */
  changed(key: string, value: unknown): boolean {
    const digest = digestOf(JSON.stringify(value));
    if (this.shown.get(key) === digest) return false;
    this.shown.set(key, digest);
    return true;
  }
}

/**
 * A 64-bit digest of a text, as two 32-bit lanes mixed differently. Each visitor's streams remember
 * what they were shown of each record by this, not by a copy of its JSON: the copies were 30 of a
 * snapshot's 42 MB of streams for a log of a million events, read and kept at every start.
 */
function digestOf(text: string): string {
  let low = 0x811c9dc5;
  let high = text.length ^ 0x5bd1e995;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    low = Math.imul(low ^ code, 0x01000193);
    high = Math.imul(high ^ code, 0x5bd1e995);
    high ^= high >>> 15;
  }
  return `${(low >>> 0).toString(36)}.${(high >>> 0).toString(36)}`;
}

/** An entry to send: to one visitor, or (`contactId` null) to every visitor. */
export interface VisitorDelivery {
  contactId: string | null;
  at: number;
  cause: string | null;
  event: ConfabEvent;
}

export interface VisitorStreams {
  /**
   * Adds an applied event (`state` is the state right after it) to the streams of the visitors
   * who may see it, and returns what to send. `ownCommand` tells whether a command id is one of
   * this visitor's (a visitor learns the causes of their own commands only).
   */
  record(
    state: EngineState,
    sequenced: SequencedEvent,
    ownCommand: (contactId: string, cause: string) => boolean,
  ): VisitorDelivery[];
  /** The visitor's number for the state after workspace number `seq`. */
  seqAt(contactId: string, seq: number): number;
  /** The visitor's latest number. */
  seqNow(contactId: string): number;
  /** The visitor's events numbered after `from`, or null when that is too far back (or ahead): a snapshot then. */
  since(contactId: string, from: number): SequencedEvent[] | null;
  /** Every stream as JSON chunks, for a snapshot (createVisitorStreams reads them back). */
  save(): string[];
}

/** Streams per chunk of a saved snapshot: keeps each chunk far below the longest string. */
const CONTACTS_PER_CHUNK = 5_000;

/** Contacts an event may concern (the projection decides whether they see it). */
function candidates(state: EngineState, event: ConfabEvent): string[] {
  const conversationId =
    event.type === 'conversation.upserted'
      ? event.conversation.id
      : event.type === 'message.upserted'
        ? event.message.conversationId
        : event.type === 'message.removed'
          ? event.conversationId
          : undefined;
  if (event.type === 'contact.upserted') return [event.contact.id];
  // Issue 17: a visitor's own rating (the projection checks the chat is theirs).
  if (event.type === 'feedback.upserted') return [event.feedback.contactId];
  if (conversationId === undefined) return [];
  const conversation = state.conversations.get(conversationId);
  if (!conversation) return [];
  const ids = conversation.contactId === null ? [] : [conversation.contactId];
  for (const id of conversation.participantIds) if (!ids.includes(id)) ids.push(id);
  return ids;
}

/** The key of an upserted record, for "changed since last shown"; null for other events. */
function recordKey(event: ConfabEvent): string | null {
  switch (event.type) {
    case 'conversation.upserted':
      return `conversation:${event.conversation.id}`;
    case 'contact.upserted':
      return `contact:${event.contact.id}`;
    case 'agent.upserted':
      return `agent:${event.agent.id}`;
    case 'settings.updated':
      return 'settings';
    default:
      return null;
  }
}

/**
 * `keep`: entries of the last `keep` workspace events are kept whole, for resume; further back a
 * visitor gets a snapshot, as an agent does (the hub's retention). Memory for whole entries is
 * bounded by that window, however many visitors the log has seen.
 * `saved`: the chunks of an earlier `save()`, to go on from (a snapshot).
 */
export function createVisitorStreams(keep: number, saved: readonly string[] = []): VisitorStreams {
  let shared = new Part();
  /**
   * Each visitor's part; one loaded from a snapshot stays its JSON text until first used (most
   * visitors of a long history never come back), which also saves it again as it is.
   */
  const personal = new Map<string, Part | string>();
  /**
   * Every entry kept whole, oldest first, by the contact whose part holds it (null: the shared
   * part): the window drops from its front.
   */
  let window: { at: number; contactId: string | null }[] = [];
  let windowStart = 0;
  for (const text of saved) {
    const chunk = JSON.parse(text) as {
      shared?: SavedPart;
      window?: [number, string | null][];
      personal?: [string, string][];
    };
    if (chunk.shared) shared = new Part(chunk.shared);
    for (const [at, contactId] of chunk.window ?? []) window.push({ at, contactId });
    for (const [contactId, part] of chunk.personal ?? []) personal.set(contactId, part);
  }

  /** A contact's part, parsed when it was still text; undefined when they have none. */
  function existing(contactId: string): Part | undefined {
    const part = personal.get(contactId);
    if (typeof part !== 'string') return part;
    const parsed = new Part(JSON.parse(part) as SavedPart);
    personal.set(contactId, parsed);
    return parsed;
  }

  function partOf(contactId: string): Part {
    let part = existing(contactId);
    if (!part) personal.set(contactId, (part = new Part()));
    return part;
  }

  function push(contactId: string | null, entry: Entry) {
    (contactId === null ? shared : partOf(contactId)).push(entry);
    window.push({ at: entry.at, contactId });
  }

  /** Drops the entries that left the window of the last `keep` workspace events. */
  function trim(seq: number) {
    while (windowStart < window.length && window[windowStart]!.at <= seq - keep) {
      const { contactId } = window[windowStart]!;
      (contactId === null ? shared : partOf(contactId)).dropOldest();
      windowStart += 1;
    }
    if (windowStart > 1024 && windowStart * 2 > window.length) {
      window = window.slice(windowStart);
      windowStart = 0;
    }
  }

  return {
    record(state, sequenced, ownCommand) {
      const { event, seq: at } = sequenced;
      trim(at);
      // Team names and availability, and the widget's settings, are the same for every visitor.
      if (event.type === 'agent.upserted' || event.type === 'settings.updated') {
        const projected = projectEvent(state, { kind: 'visitor', contactId: '' }, event);
        if (!projected || !shared.changed(recordKey(event)!, projected)) return [];
        const entry = { at, cause: null, event: projected };
        push(null, entry);
        return [{ contactId: null, ...entry }];
      }
      const deliveries: VisitorDelivery[] = [];
      for (const contactId of candidates(state, event)) {
        const projected = projectEvent(state, { kind: 'visitor', contactId }, event);
        if (!projected) continue;
        const part = partOf(contactId);
        const key = recordKey(projected);
        if (key !== null && !part.changed(key, projected)) continue;
        // A removal is news only of a message this visitor was shown (never of a comment's id).
        if (projected.type === 'message.upserted') part.shown.set(`message:${projected.message.id}`, '');
        if (projected.type === 'message.removed' && !part.shown.delete(`message:${projected.messageId}`)) continue;
        const cause = sequenced.cause !== null && ownCommand(contactId, sequenced.cause) ? sequenced.cause : null;
        const entry = { at, cause, event: projected };
        push(contactId, entry);
        deliveries.push({ contactId, ...entry });
      }
      return deliveries;
    },

    seqAt(contactId, seq) {
      return shared.countAt(seq) + (existing(contactId)?.countAt(seq) ?? 0);
    },

    seqNow(contactId) {
      return shared.at.length + (existing(contactId)?.at.length ?? 0);
    },

    since(contactId, from) {
      const mine = existing(contactId);
      let own = (mine?.at.length ?? 0) - 1;
      let all = shared.at.length - 1;
      let number = own + all + 2;
      if (!Number.isInteger(from) || from < 0 || from > number) return null;
      const missed: SequencedEvent[] = [];
      // Walk both parts back from the newest, in workspace order, numbering down to `from`.
      while (number > from) {
        const fromOwn = own >= 0 && (all < 0 || mine!.at[own]! > shared.at[all]!);
        const entry = fromOwn ? mine!.entry(own--) : shared.entry(all--);
        if (!entry) return null;
        missed.push({ seq: number--, cause: entry.cause, event: entry.event });
      }
      return missed.reverse();
    },

    save() {
      const kept = window.slice(windowStart).map(({ at, contactId }) => [at, contactId]);
      const chunks = [JSON.stringify({ shared: shared.save(), window: kept })];
      let batch: [string, string][] = [];
      for (const [contactId, part] of personal) {
        batch.push([contactId, typeof part === 'string' ? part : JSON.stringify(part.save())]);
        if (batch.length === CONTACTS_PER_CHUNK) {
          chunks.push(JSON.stringify({ personal: batch }));
          batch = [];
        }
      }
      if (batch.length) chunks.push(JSON.stringify({ personal: batch }));
      return chunks;
    },
  };
}

import { applyEvent } from '../engine/engine.js';
import { createEngineState, type EngineState } from '../engine/state.js';
import { BUILT_IN_VIEWS, compareConversations, matchesFilter } from '../engine/views.js';
import type { AgentId, Conversation, ConversationFilter, ConversationId, View } from '../model/model.js';
import { ConfabError } from '../protocol/errors.js';
import type { ConfabEvent, Snapshot } from '../protocol/events.js';
import { writable, type Readable } from './readable.js';
import { normalizeSearchText, querySignature, searchTerms, SIGNATURE_WORDS, writeSignature } from './search.js';
import { SortedIndex } from './sorted-index.js';
import type { ConversationQuery, InboxStore, LiveQuery, QueryResult } from './types.js';

export { normalizeSearchText } from './search.js';

export interface InboxStoreOptions {
  /** The signed-in agent ("Assigned to me", filters on `me`), or null for a visitor's store. */
  me: AgentId | null;
  /**
   * Runs `flush` later, once per batch of changes. Default: the next animation frame where there
   * is one (DESIGN §4: UI updates batched per frame), else a zero-delay timeout (workers, Node).
   */
  schedule?: (flush: () => void) => void;
}

/** The store `createInboxStore` returns: an InboxStore that can also deliver its batch now. */
export interface LocalInboxStore extends InboxStore {
  /** Delivers pending notifications at once instead of at the scheduled time (tests, benchmarks). */
  flush(): void;
}

/**
 * Creates the client replica (DESIGN §1 store): the engine's state, a sorted index per view
 * updated in place, live counts, search, and live queries.
 *
 * @example
 * const store = createInboxStore({ me: 'agent-1' });
 * store.reset(snapshot);
 * const list = store.query({ viewId: 'mine', filter: { status: 'open' }, search: 'invoice' });
 * const stop = list.subscribe((result) => render(result.total, result.slice(0, 50)));
 * store.apply(events); // indexes change now; `list` notifies once, at the next frame
 */
export function createInboxStore(options: InboxStoreOptions): LocalInboxStore {
  return new ReplicaStore(options.me, options.schedule ?? defaultSchedule);
}

function defaultSchedule(flush: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => flush());
  else setTimeout(flush, 0);
}

/** A view with its sorted index. A changed filter makes a new entry, so queries see the change. */
interface ViewEntry {
  view: View;
  index: SortedIndex;
  /** Increases whenever a member was added, removed, moved or changed. */
  version: number;
}

const NOT_PLACED = Number.NaN;

/** Reports a listener's error without stopping the other listeners. */
function report(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

class ReplicaStore implements LocalInboxStore {
  readonly state: EngineState = createEngineState();
  readonly revision: Readable<number>;
  private readonly revisionStore = writable(0);

  // Per conversation, a slot: a small integer, so that indexes and scans work on numbers.
  private readonly slotOf = new Map<ConversationId, number>();
  private readonly ids: string[] = [];
  private readonly records: (Conversation | undefined)[] = [];
  /** The sort time each slot is placed with in the indexes (NaN: in none). */
  private readonly placed: number[] = [];
  private freeSlots: number[] = [];
  /** Slots freed in this batch: reused only after the flush, when queries have let go of them. */
  private releasedSlots: number[] = [];

  private viewEntries = new Map<string, ViewEntry>();

  // Search (F1): haystack and trigram signature per slot; rebuilt when their inputs change.
  private readonly haystacks: string[] = [];
  private signatures = new Uint32Array(1024 * SIGNATURE_WORDS);
  private readonly dirtyText = new Set<number>();
  private readonly linkedContacts: (string[] | undefined)[] = [];
  private readonly subjects: (string | undefined)[] = [];
  private readonly contactSlots = new Map<string, Set<number>>();

  // The batch: what changed since the last flush.
  /** Slot → its sort time before the batch (NaN when it was in no index). */
  private batch = new Map<number, number>();
  /** A reset or a changed view: queries rebuild instead of applying the batch. */
  private rebuildAll = false;
  private changed = false;
  private scheduled = false;
  readonly queries = new Set<StoreLiveQuery>();

  constructor(
    private signedIn: AgentId | null,
    private readonly schedule: (flush: () => void) => void,
  ) {
    const revision = this.revisionStore;
    this.revision = { get: revision.get, subscribe: revision.subscribe };
    for (const view of BUILT_IN_VIEWS) this.viewEntries.set(view.id, this.buildView(view));
  }

  // ---- reading ----

  get me(): AgentId | null {
    return this.signedIn;
  }

  views(): View[] {
    return [...this.viewEntries.values()].map((entry) => entry.view);
  }

  count(viewId: string): number {
    return this.viewEntries.get(viewId)?.index.size ?? 0;
  }

  conversation(id: ConversationId): Conversation | undefined {
    return this.state.conversations.get(id);
  }

  query(query: ConversationQuery): LiveQuery {
    if (!this.viewEntries.has(query.viewId)) throw new ConfabError('not-found', `No view "${query.viewId}"`);
    const live = new StoreLiveQuery(this, query);
    this.queries.add(live);
    return live;
  }

  // ---- writing ----

  reset(snapshot: Snapshot, me?: AgentId | null): void {
    if (me !== undefined) this.signedIn = me;
    const state = this.state;
    for (const map of [state.conversations, state.messages, state.contacts, state.agents, state.tickets, state.deals, state.companies, state.feedback, state.views]) {
      map.clear();
    }
    state.lastRoutedAgentId = null;
    // The snapshot goes in through the engine, as events do (DESIGN: one engine).
    const events: ConfabEvent[] = [{ type: 'settings.updated', settings: snapshot.settings }];
    for (const agent of snapshot.agents) events.push({ type: 'agent.upserted', agent });
    for (const contact of snapshot.contacts) events.push({ type: 'contact.upserted', contact });
    for (const company of snapshot.companies) events.push({ type: 'company.upserted', company });
    for (const view of snapshot.views) events.push({ type: 'view.upserted', view });
    for (const conversation of snapshot.conversations) events.push({ type: 'conversation.upserted', conversation });
    for (const ticket of snapshot.tickets) events.push({ type: 'ticket.upserted', ticket });
    for (const deal of snapshot.deals) events.push({ type: 'deal.upserted', deal });
    for (const feedback of snapshot.feedback) events.push({ type: 'feedback.upserted', feedback });
    for (const message of snapshot.messages) events.push({ type: 'message.upserted', message });
    for (const event of events) applyEvent(state, event);
    this.rebuildIndexes();
  }

  apply(events: readonly ConfabEvent[]): void {
    for (const event of events) {
      applyEvent(this.state, event);
      this.afterEvent(event);
    }
    if (events.length > 0) this.markChanged();
  }

  flush(): void {
    this.scheduled = false;
    if (!this.changed) return;
    this.changed = false;
    const batch = this.batch;
    const rebuildAll = this.rebuildAll;
    this.batch = new Map();
    this.rebuildAll = false;

    const changedQueries: StoreLiveQuery[] = [];
    for (const query of this.queries) if (query.update(batch, rebuildAll)) changedQueries.push(query);
    // Queries have let go of the slots removed in this batch: they can be handed out again.
    this.freeSlots.push(...this.releasedSlots);
    this.releasedSlots = [];

    try {
      this.revisionStore.set(this.revisionStore.get() + 1);
    } catch (error) {
      report(error);
    }
    for (const query of changedQueries) query.notify();
  }

  private markChanged(): void {
    this.changed = true;
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  private afterEvent(event: ConfabEvent): void {
    switch (event.type) {
      case 'conversation.upserted':
        this.refresh(event.conversation.id);
        break;
      case 'conversation.removed':
        this.refresh(event.conversationId);
        break;
      case 'message.upserted':
        this.textChanged(event.message.conversationId);
        break;
      case 'message.removed':
        this.textChanged(event.conversationId);
        break;
      case 'contact.upserted': {
        const slots = this.contactSlots.get(event.contact.id);
        if (slots) for (const slot of slots) this.markText(slot);
        break;
      }
      case 'view.upserted':
      case 'view.removed':
        this.syncViews();
        break;
      default:
        break;
    }
  }

  // ---- conversations and indexes ----

  private allocateSlot(id: ConversationId): number {
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.ids.length;
    this.slotOf.set(id, slot);
    this.ids[slot] = id;
    this.records[slot] = undefined;
    this.placed[slot] = NOT_PLACED;
    this.haystacks[slot] = '';
    this.linkedContacts[slot] = undefined;
    this.subjects[slot] = undefined;
    this.ensureSignatureCapacity(slot);
    this.signatures.fill(0, slot * SIGNATURE_WORDS, (slot + 1) * SIGNATURE_WORDS);
    return slot;
  }

  private ensureSignatureCapacity(slot: number): void {
    if ((slot + 1) * SIGNATURE_WORDS <= this.signatures.length) return;
    let capacity = this.signatures.length / SIGNATURE_WORDS;
    while (capacity <= slot) capacity *= 2;
    const grown = new Uint32Array(capacity * SIGNATURE_WORDS);
    grown.set(this.signatures);
    this.signatures = grown;
  }

  /** Remembers a slot's place before the batch, for the queries to find it at the flush. */
  private touch(slot: number): void {
    if (!this.batch.has(slot)) this.batch.set(slot, this.placed[slot]);
  }

  /** Brings one conversation's place in every view index up to date with the state. */
  private refresh(id: ConversationId): void {
    const record = this.state.conversations.get(id);
    let slot = this.slotOf.get(id);
    if (slot === undefined) {
      if (record === undefined) return;
      slot = this.allocateSlot(id);
    }
    this.touch(slot);
    this.records[slot] = record;
    const oldTime = this.placed[slot];
    const me = this.me;
    if (record === undefined) {
      if (oldTime === oldTime) for (const entry of this.viewEntries.values()) if (entry.index.delete(slot, oldTime)) entry.version += 1;
      this.placed[slot] = NOT_PLACED;
      this.linkContacts(slot, []);
      this.haystacks[slot] = '';
      this.dirtyText.delete(slot);
      this.slotOf.delete(id);
      this.releasedSlots.push(slot);
      return;
    }
    const newTime = record.lastReceivedAt;
    const wasPlaced = oldTime === oldTime; // not NaN
    for (const entry of this.viewEntries.values()) {
      const matches = matchesFilter(record, entry.view.filter, me);
      const index = entry.index;
      if (!wasPlaced) {
        if (matches) {
          index.insert(slot, newTime);
          entry.version += 1;
        }
      } else if (oldTime === newTime) {
        const had = index.has(slot, oldTime);
        if (had && !matches) index.delete(slot, oldTime);
        else if (!had && matches) index.insert(slot, newTime);
        if (had || matches) entry.version += 1;
      } else {
        const had = index.delete(slot, oldTime);
        if (matches) index.insert(slot, newTime);
        if (had || matches) entry.version += 1;
      }
    }
    this.placed[slot] = newTime;
    const contacts = contactsOf(record);
    const linked = this.linkedContacts[slot];
    if (linked === undefined || !sameList(linked, contacts)) {
      this.linkContacts(slot, contacts);
      this.dirtyText.add(slot);
    }
    if (this.subjects[slot] !== record.subject) {
      this.subjects[slot] = record.subject;
      this.dirtyText.add(slot);
    }
  }

  private textChanged(id: ConversationId): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    // A message may come with changes the engine made to its conversation: place it again too.
    this.refresh(id);
    this.dirtyText.add(slot);
  }

  private markText(slot: number): void {
    this.touch(slot);
    this.dirtyText.add(slot);
    // Rows show the contact's name: the row changed for every view that lists it.
    const time = this.placed[slot];
    for (const entry of this.viewEntries.values()) if (entry.index.has(slot, time)) entry.version += 1;
  }

  private linkContacts(slot: number, contacts: string[]): void {
    for (const contactId of this.linkedContacts[slot] ?? []) {
      const slots = this.contactSlots.get(contactId);
      if (slots === undefined) continue;
      slots.delete(slot);
      if (slots.size === 0) this.contactSlots.delete(contactId);
    }
    for (const contactId of contacts) {
      let slots = this.contactSlots.get(contactId);
      if (slots === undefined) this.contactSlots.set(contactId, (slots = new Set()));
      slots.add(slot);
    }
    this.linkedContacts[slot] = contacts;
  }

  /** Every view, built-in then saved, keeping the index of each view whose filter did not change. */
  private syncViews(): void {
    const next = new Map<string, ViewEntry>();
    const wanted = [...BUILT_IN_VIEWS];
    for (const view of this.state.views.values()) if (!BUILT_IN_VIEWS.some((b) => b.id === view.id)) wanted.push(view);
    for (const view of wanted) {
      const current = this.viewEntries.get(view.id);
      if (current !== undefined && sameFilter(current.view.filter, view.filter)) {
        if (current.view !== view) {
          current.view = view;
          current.version += 1;
        }
        next.set(view.id, current);
      } else {
        next.set(view.id, this.buildView(view));
        this.rebuildAll = true;
      }
    }
    for (const id of this.viewEntries.keys()) if (!next.has(id)) this.rebuildAll = true;
    this.viewEntries = next;
    if (this.rebuildAll) this.markChanged();
  }

  /** Every conversation's slot in list order. */
  private sortedSlots(): number[] {
    const slots: number[] = [];
    for (let slot = 0; slot < this.records.length; slot++) if (this.records[slot] !== undefined) slots.push(slot);
    const records = this.records as Conversation[];
    return slots.sort((a, b) => compareConversations(records[a], records[b]));
  }

  private buildView(view: View, sorted: number[] = this.sortedSlots()): ViewEntry {
    const index = new SortedIndex(this.ids);
    const slots: number[] = [];
    const times: number[] = [];
    for (const slot of sorted) {
      const record = this.records[slot]!;
      if (matchesFilter(record, view.filter, this.me)) {
        slots.push(slot);
        times.push(this.placed[slot]);
      }
    }
    index.assignSorted(slots, times);
    return { view, index, version: 0 };
  }

  /** After a reset: slots, indexes and search text from the state, from scratch. */
  private rebuildIndexes(): void {
    this.slotOf.clear();
    for (const list of [this.ids, this.records, this.placed, this.haystacks, this.linkedContacts, this.subjects]) list.length = 0;
    this.freeSlots = [];
    this.releasedSlots = [];
    this.contactSlots.clear();
    this.dirtyText.clear();
    this.batch = new Map();
    this.signatures = new Uint32Array(Math.max(1024, this.state.conversations.size) * SIGNATURE_WORDS);
    for (const record of this.state.conversations.values()) {
      const slot = this.allocateSlot(record.id);
      this.records[slot] = record;
      this.placed[slot] = record.lastReceivedAt;
      this.subjects[slot] = record.subject;
      this.linkContacts(slot, contactsOf(record));
      this.dirtyText.add(slot);
    }
    this.refreshText();
    const sorted = this.sortedSlots();
    const next = new Map<string, ViewEntry>();
    for (const view of BUILT_IN_VIEWS) next.set(view.id, this.buildView(view, sorted));
    for (const view of this.state.views.values()) if (!next.has(view.id)) next.set(view.id, this.buildView(view, sorted));
    this.viewEntries = next;
    this.rebuildAll = true;
    this.markChanged();
  }

  // ---- search ----

  /** Rebuilds the haystack and signature of every slot whose text inputs changed. */
  refreshText(): void {
    if (this.dirtyText.size === 0) return;
    const includeComments = this.me !== null;
    for (const slot of this.dirtyText) {
      const record = this.records[slot];
      const offset = slot * SIGNATURE_WORDS;
      this.signatures.fill(0, offset, offset + SIGNATURE_WORDS);
      if (record === undefined) {
        this.haystacks[slot] = '';
        continue;
      }
      const parts: string[] = [];
      for (const contactId of this.linkedContacts[slot] ?? []) {
        const contact = this.state.contacts.get(contactId);
        if (contact !== undefined) parts.push(contact.name, contact.email);
      }
      parts.push(record.subject);
      for (const message of this.state.messages.get(record.id) ?? []) {
        // R2: comments are agents' only; a visitor's store never searches them.
        if (message.kind === 'reply' || (message.kind === 'comment' && includeComments)) parts.push(message.text);
      }
      const haystack = normalizeSearchText(parts.join(' '));
      this.haystacks[slot] = haystack;
      writeSignature(haystack, this.signatures, offset);
    }
    this.dirtyText.clear();
  }

  /** Whether every term is in the slot's text. `required` is querySignature(terms). */
  matchesText(slot: number, terms: readonly string[], required: Int32Array): boolean {
    const signatures = this.signatures;
    const offset = slot * SIGNATURE_WORDS;
    for (let i = 0; i < required.length; i += 2) {
      const mask = required[i + 1];
      if ((signatures[offset + required[i]] & mask) !== mask) return false;
    }
    const haystack = this.haystacks[slot];
    for (const term of terms) if (!haystack.includes(term)) return false;
    return true;
  }

  // ---- for live queries ----

  viewEntry(viewId: string): ViewEntry | undefined {
    return this.viewEntries.get(viewId);
  }

  record(slot: number): Conversation | undefined {
    return this.records[slot];
  }

  newIndex(): SortedIndex {
    return new SortedIndex(this.ids);
  }

  isBatchPending(): boolean {
    return this.changed;
  }
}

function contactsOf(record: Conversation): string[] {
  const contacts: string[] = [];
  if (record.contactId !== null) contacts.push(record.contactId);
  for (const id of record.participantIds) if (!contacts.includes(id)) contacts.push(id);
  return contacts;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameFilter(a: ConversationFilter, b: ConversationFilter): boolean {
  return JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort());
}

const EMPTY_RESULT: QueryResult = { total: 0, slice: () => [] };

/**
 * A live query. Without filter and search it reads the view's index directly (view switch is a
 * lookup); with them it keeps its own sorted index of the matching slots, built by one scan of
 * the view and then updated in place from each batch (F3).
 */
class StoreLiveQuery implements LiveQuery {
  readonly query: ConversationQuery;
  private readonly filter: ConversationFilter | undefined;
  private readonly terms: string[];
  private readonly required: Int32Array;
  private readonly narrowed: boolean;
  private entry: ViewEntry | undefined;
  private seenVersion = -1;
  private matches: SortedIndex | null = null;
  /** Built from state that a pending batch already changed: the batch cannot be applied to it. */
  private builtMidBatch = false;
  private result: QueryResult = EMPTY_RESULT;
  private readonly listeners = new Set<(value: QueryResult) => void>();
  private disposed = false;

  constructor(
    private readonly store: ReplicaStore,
    query: ConversationQuery,
  ) {
    this.query = { ...query };
    this.filter = query.filter !== undefined && Object.keys(query.filter).length > 0 ? query.filter : undefined;
    this.terms = searchTerms(query.search);
    this.required = querySignature(this.terms);
    this.narrowed = this.filter !== undefined || this.terms.length > 0;
    this.entry = store.viewEntry(query.viewId);
    this.build();
  }

  get(): QueryResult {
    return this.result;
  }

  subscribe(listener: (value: QueryResult) => void): () => void {
    if (!this.disposed) this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    this.store.queries.delete(this);
    this.matches = null;
  }

  /** Brings the result up to date after a batch; true when it changed. */
  update(batch: ReadonlyMap<number, number>, rebuildAll: boolean): boolean {
    const entry = this.store.viewEntry(this.query.viewId);
    if (entry !== this.entry || rebuildAll) {
      this.entry = entry;
      this.build();
      return true;
    }
    if (entry === undefined) return false;
    if (!this.narrowed) {
      if (entry.version === this.seenVersion) return false;
      this.result = this.viewResult(entry);
      return true;
    }
    if (batch.size === 0) {
      this.builtMidBatch = false;
      return false;
    }
    // A batch that touches much of the view is cheaper to answer with one scan.
    if (this.builtMidBatch || batch.size > Math.max(256, entry.index.size / 8)) {
      this.build();
      return true;
    }
    const matches = this.matches!;
    const store = this.store;
    const me = store.me;
    if (this.terms.length > 0) store.refreshText();
    let changed = false;
    for (const [slot, oldTime] of batch) {
      const had = oldTime === oldTime && matches.delete(slot, oldTime);
      const record = store.record(slot);
      const belongs =
        record !== undefined &&
        matchesFilter(record, entry.view.filter, me) &&
        (this.filter === undefined || matchesFilter(record, this.filter, me)) &&
        (this.terms.length === 0 || store.matchesText(slot, this.terms, this.required));
      if (belongs) matches.insert(slot, record.lastReceivedAt);
      if (had || belongs) changed = true;
    }
    if (changed) this.result = this.indexResult(matches);
    return changed;
  }

  notify(): void {
    const result = this.result;
    for (const listener of [...this.listeners]) {
      try {
        listener(result);
      } catch (error) {
        report(error);
      }
    }
  }

  private build(): void {
    const entry = this.entry;
    this.builtMidBatch = this.store.isBatchPending();
    if (entry === undefined) {
      this.matches = null;
      this.result = EMPTY_RESULT;
      return;
    }
    if (!this.narrowed) {
      this.result = this.viewResult(entry);
      return;
    }
    const store = this.store;
    const me = store.me;
    const filter = this.filter;
    const terms = this.terms;
    const required = this.required;
    if (terms.length > 0) store.refreshText();
    const slots: number[] = [];
    const times: number[] = [];
    entry.index.forEach((slot, time) => {
      if (filter !== undefined && !matchesFilter(store.record(slot)!, filter, me)) return;
      if (terms.length > 0 && !store.matchesText(slot, terms, required)) return;
      slots.push(slot);
      times.push(time);
    });
    const matches = this.matches ?? store.newIndex();
    matches.assignSorted(slots, times);
    this.matches = matches;
    this.result = this.indexResult(matches);
  }

  private viewResult(entry: ViewEntry): QueryResult {
    this.seenVersion = entry.version;
    return this.indexResult(entry.index);
  }

  private indexResult(index: SortedIndex): QueryResult {
    const store = this.store;
    return {
      total: index.size,
      slice: (offset, limit) => index.slice(offset, limit).map((slot) => store.record(slot)!),
    };
  }
}

import { applyEvent } from '../engine/engine.js';
import {
  addToGroup,
  createEngineState,
  idsOf,
  removeFromGroup,
  type EngineState,
  type IdGroup,
} from '../engine/state.js';
import { BUILT_IN_VIEWS, compareConversations, matchesFilter, narrowFilter, resolveFilter } from '../engine/views.js';
import type {
  AgentId,
  Conversation,
  ConversationFilter,
  ConversationId,
  Message,
  Settings,
  View,
} from '../model/model.js';
import { ConfabError } from '../protocol/errors.js';
import type { ConfabEvent, Snapshot } from '../protocol/events.js';
import {
  AgentCodes,
  LabelCodes,
  labelBitsOf,
  CHANNEL_SHIFT,
  compileFilter,
  keyOf,
  passes,
  type CompiledFilter,
  type FilterColumns,
} from './compiled-filter.js';
import { writable, type Readable } from './readable.js';
import type { ReplicaSelector } from './replica-selectors.js';
import { frameSchedule } from './schedule.js';
import { loadSnapshot } from './load-snapshot.js';
import type { SortInSteps } from './slices.js';
import { searchTerms } from './search.js';
import type { SearchIndex } from './search-index.js';
import { SortedIndex } from './sorted-index.js';
import type { ConversationQuery, InboxStore, LiveQuery, QueryResult } from './types.js';

export { normalizeSearchText } from './search.js';

export interface InboxStoreOptions {
  /** The signed-in agent ("Assigned to me", filters on `me`), or null for a visitor's store. */
  me: AgentId | null;
  /**
   * Runs `flush` later, once per batch of changes. Default: the next animation frame where there
   * is one (DESIGN §4: UI updates batched per frame), or 250 ms when no frame comes (a hidden
   * tab); a zero-delay timeout where there are no frames at all (workers, Node).
   */
  schedule?: (flush: () => void) => void;
  /**
   * A snapshot of more than `above` conversations (default 10,000) is loaded in slices of about
   * `ms` milliseconds (default 40), one task each (DESIGN §4: a reset blocks the page ≤ 300 ms).
   */
  slices?: { above: number; ms: number };
}

/** The store `createInboxStore` returns: an InboxStore that can also deliver its batch now. */
export interface LocalInboxStore extends InboxStore {
  /** Delivers pending notifications at once instead of at the scheduled time (tests, benchmarks). */
  flush(): void;
  /**
   * Resolves once no reset is under way. A large snapshot is loaded in slices: until the last one,
   * the store goes on answering from the replica before it (events applied meanwhile included),
   * then swaps the new one in whole, with those events applied to it too.
   */
  settled(): Promise<void>;
}

/**
 * Creates the client replica (DESIGN §1 store): the engine's state, a sorted index per view
 * updated in place, live counts, search, and live queries.
 *
 * A query's filter narrows its view (F2, F3): a filter without `scope` takes the view's scope, so
 * "open" in Trash means open conversations in Trash.
 *
 * @example
 * const store = createInboxStore({ me: 'agent-1' });
 * store.reset(snapshot);
 * const list = store.query({ viewId: 'mine', filter: { status: 'open' }, search: 'invoice' });
 * const stop = list.subscribe((result) => render(result.total, result.slice(0, 50)));
 * store.apply(events); // indexes change now; `list` notifies once, at the next frame
 */
export function createInboxStore(options: InboxStoreOptions): LocalInboxStore {
  return new ReplicaStore(options.me, options.schedule ?? frameSchedule, options.slices ?? DEFAULT_SLICES);
}

/** A view with its sorted index. A changed filter makes a new entry, so queries see the change. */
interface ViewEntry {
  view: View;
  /** The view's filter resolved when the entry was built (a period's start then: a superset of now's). */
  filter: ConversationFilter;
  /** The view's filter as column tests (null: `matchesFilter` decides). */
  compiled: CompiledFilter | null;
  index: SortedIndex;
  /** A bit per slot, set for every slot in the index: membership without a search. */
  members: Uint32Array;
  /** Increases whenever a member was added, removed, moved or changed. */
  version: number;
}

/** Slots whose text is indexed per macrotask while a backlog (after a reset) is worked through. */
const TEXT_CHUNK = 2000;
/** Records handled between two checks of the clock while a snapshot loads in slices. */
const STEP = 2000;
const DEFAULT_SLICES = { above: 10_000, ms: 40 };

/** A reset in slices: the replica being built, and the batches applied since it began. */
interface ResetInSlices {
  next: ReplicaStore;
  replay: ConfabEvent[][];
}

/** Marks a slot that is in no index (its conversation is new or gone). */
const NOT_PLACED = Number.NaN;

type SearchModule = typeof import('./search-index.js');
/** The search part once it arrived: every store made afterwards has it at once. */
let searchModule: SearchModule | undefined;
let searchLoading: Promise<SearchModule> | undefined;

/**
 * Loads the search part (a chunk of its own in bundles, DESIGN §4: the first paint does not wait
 * for it). Stores load it on first need; tests and pages that search at once can wait for it.
 */
export function loadSearch(): Promise<SearchModule> {
  searchLoading ??= import('./search-index.js').then(
    (module) => (searchModule = module),
    (error: unknown) => {
      searchLoading = undefined; // the next need tries again
      throw error;
    },
  );
  return searchLoading;
}

/** Reports a listener's error without stopping the other listeners. */
function report(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

class ReplicaStore implements LocalInboxStore {
  // Whole at all times: a reset in slices builds its replica aside, then takes over its parts.
  readonly state: EngineState = createEngineState();
  readonly revision: Readable<number>;
  private readonly revisionStore = writable(0);

  // Every conversation gets a slot: a small integer, so indexes, columns and scans use numbers.
  private slotOf = new Map<ConversationId, number>();
  private ids: string[] = [];
  records: (Conversation | undefined)[] = [];
  /** The sort time each slot is placed with in the indexes (NaN: in none). */
  private placed: number[] = [];
  private capacity = 0;
  private freeSlots: number[] = [];
  /** Slots freed in this batch: handed out again only after the flush, when queries let go. */
  private releasedSlots: number[] = [];
  columns: FilterColumns = {
    keys: new Int32Array(0),
    activity: new Float64Array(0),
    labels: new Int32Array(0),
  };
  agents = new AgentCodes();
  labelCodes = new LabelCodes();

  private viewEntries = new Map<string, ViewEntry>();

  /** Search (F1): null until its chunk arrived (queries with a search wait for it). */
  search: SearchIndex | null = null;
  private textTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * Participant → the conversations it is in besides its own (grouped as the engine groups ids): a
   * contact's own conversations the engine's conversationIdsByContact knows.
   */
  private participantConversations = new Map<string, IdGroup>();

  // The batch: what changed since the last flush.
  /** Slot → its sort time before the batch (NaN when it was in no index). */
  private batch = new Map<number, number>();
  private changed = false;
  private scheduled = false;
  readonly queries = new Set<StoreLiveQuery>();
  private resetting: ResetInSlices | null = null;
  private settledWaiters: Array<() => void> = [];

  /** `aside`: a replica a reset in slices builds; it loads no search of its own. */
  constructor(
    private signedIn: AgentId | null,
    private readonly schedule: (flush: () => void) => void,
    private readonly slices: { above: number; ms: number },
    aside = false,
  ) {
    const revision = this.revisionStore;
    this.revision = { get: revision.get, subscribe: revision.subscribe };
    for (const view of BUILT_IN_VIEWS) this.viewEntries.set(view.id, this.buildView(view, []));
    if (!aside && (searchModule !== undefined || signedIn !== null)) this.needSearch();
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

  agentName(id: AgentId): string | undefined {
    return this.state.agents.get(id)?.name;
  }

  settings(): Settings {
    return this.state.settings;
  }

  read<A extends unknown[], R>(selector: ReplicaSelector<A, R>, ...args: A): R {
    return selector(this.state, ...args);
  }

  query(query: ConversationQuery): LiveQuery {
    if (!this.viewEntries.has(query.viewId)) throw new ConfabError('not-found', `No view "${query.viewId}"`);
    const live = new StoreLiveQuery(this, query);
    this.queries.add(live);
    return live;
  }

  // ---- writing ----

  reset(snapshot: Snapshot, me?: AgentId | null): void {
    this.resetting = null; // a reset under way is replaced, with the batches applied since it began
    if (snapshot.conversations.length > this.slices.above) {
      this.resetInSlices(snapshot, me === undefined ? this.signedIn : me);
      return;
    }
    if (me !== undefined) this.signedIn = me;
    loadSnapshot(this.state, snapshot);
    this.rebuildIndexes();
    this.settle();
  }

  settled(): Promise<void> {
    return this.resetting === null ? Promise.resolve() : new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  private settle(): void {
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * Builds the snapshot's replica aside, a slice per task, while this one goes on answering; then
   * takes over its parts and applies the batches that came meanwhile (each once: they were applied
   * to the replica before it as well, and that one is gone).
   */
  private resetInSlices(snapshot: Snapshot, me: AgentId | null): void {
    const next = new ReplicaStore(me, () => {}, this.slices, true);
    const reset: ResetInSlices = { next, replay: [] };
    this.resetting = reset;
    const done = () => {
      this.resetting = null;
      this.takeOver(next);
      for (const events of reset.replay) this.apply(events);
      this.settle();
    };
    import('./slices.js').then(
      (slices) =>
        slices.buildInSlices(next, snapshot, {
          ms: this.slices.ms,
          current: () => this.resetting === reset,
          searching: () => me !== null || [...this.queries].some((query) => query.searching),
          done,
        }),
      (error: unknown) => {
        report(error);
        if (this.resetting !== reset) return;
        // Without the slices' code, the snapshot loads in one go: late, but whole.
        loadSnapshot(next.state, snapshot);
        drain(next.indexSteps());
        done();
      },
    );
  }

  /** Takes over the parts of a replica built aside: its state, slots, columns, indexes and search. */
  private takeOver(next: ReplicaStore): void {
    Object.assign(this.state, next.state);
    this.signedIn = next.signedIn;
    this.slotOf = next.slotOf;
    this.ids = next.ids;
    this.records = next.records;
    this.placed = next.placed;
    this.capacity = next.capacity;
    this.freeSlots = next.freeSlots;
    this.releasedSlots = next.releasedSlots;
    this.columns = next.columns;
    this.agents = next.agents;
    this.labelCodes = next.labelCodes;
    this.participantConversations = next.participantConversations;
    this.viewEntries = next.viewEntries;
    this.batch = new Map();
    if (next.search !== null) {
      this.search = next.search;
      this.search.moveTo(this);
    } else this.replaceSearch();
    this.rebuildQueries();
    this.markChanged();
  }

  apply(events: readonly ConfabEvent[]): void {
    if (events.length === 0) return;
    // Applied again to the replica a reset builds aside, once it is whole.
    this.resetting?.replay.push(events.slice());
    // Marked first: a query rebuilt halfway (a view changed) must know the batch is under way.
    this.markChanged();
    const messages = this.state.messages;
    for (const event of events) {
      // An upsert that lengthened the thread added a message; one that did not changed one.
      const before = event.type === 'message.upserted' ? (messages.get(event.message.conversationId)?.length ?? 0) : 0;
      applyEvent(this.state, event);
      const appended =
        event.type === 'message.upserted' && (messages.get(event.message.conversationId)?.length ?? 0) > before;
      this.afterEvent(event, appended);
    }
  }

  flush(): void {
    this.scheduled = false;
    if (!this.changed) return;
    this.changed = false;
    // Live searches need every text current; otherwise a large backlog goes on in the background.
    let searching = false;
    for (const query of this.queries) searching ||= query.searching;
    // A visitor's replica indexes text only when it is searched: that is main-thread time on the
    // host page of a widget, spent for a search box visitors do not have.
    if (searching) this.refreshText();
    else if (this.signedIn !== null) {
      this.search?.update(TEXT_CHUNK);
      this.indexTextLater();
    }
    const batch = this.batch;
    this.batch = new Map();

    const changedQueries: StoreLiveQuery[] = [];
    for (const query of this.queries) if (query.update(batch)) changedQueries.push(query);
    // Queries have let go of the slots removed in this batch: they can be handed out again.
    for (const slot of this.releasedSlots) this.freeSlots.push(slot);
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

  /** `appended`: a message.upserted that added a message (not one that changed a message). */
  private afterEvent(event: ConfabEvent, appended: boolean): void {
    switch (event.type) {
      case 'conversation.upserted':
        this.refresh(event.conversation.id);
        break;
      case 'conversation.removed':
        this.refresh(event.conversationId);
        break;
      case 'message.upserted':
        this.messageChanged(event.message, appended);
        break;
      case 'message.removed':
        this.messageChanged(null, false, event.conversationId);
        break;
      case 'contact.upserted': {
        for (const groups of [this.state.conversationIdsByContact, this.participantConversations])
          for (const id of idsOf(groups.get(event.contact.id))) {
            const slot = this.slotOf.get(id);
            if (slot !== undefined) this.contactChanged(slot);
          }
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
    if (slot >= this.capacity) this.grow(slot + 1);
    this.slotOf.set(id, slot);
    this.ids[slot] = id;
    this.records[slot] = undefined;
    this.placed[slot] = NOT_PLACED;
    return slot;
  }

  /** Makes room for `needed` slots in every per-slot column (doubling). */
  private grow(needed: number): void {
    let capacity = Math.max(1024, this.capacity);
    while (capacity < needed) capacity *= 2;
    if (capacity === this.capacity) return;
    const grown = <T extends Uint32Array | Int32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.columns.keys = grown(this.columns.keys, (n) => new Int32Array(n));
    this.columns.activity = grown(this.columns.activity, (n) => new Float64Array(n));
    this.columns.labels = grown(this.columns.labels, (n) => new Int32Array(n));
    for (const entry of this.viewEntries.values())
      entry.members = grown(entry.members, (n) => new Uint32Array(n >>> 5));
    this.capacity = capacity;
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
    // The record the slot's links and text were made from: no per-slot copies of its contacts.
    const previous = this.records[slot];
    this.records[slot] = record;
    const oldTime = this.placed[slot];
    if (record === undefined) {
      this.linkParticipants(id, previous, undefined);
      this.forget(slot, oldTime);
      this.slotOf.delete(id);
      return;
    }
    const newTime = record.lastReceivedAt;
    this.columns.keys[slot] = keyOf(record, this.agents);
    this.columns.activity[slot] = record.lastActivityAt;
    this.columns.labels[slot] = labelBitsOf(record, this.labelCodes);
    for (const entry of this.viewEntries.values()) {
      const matches = this.inView(entry, slot, record);
      const had = isMember(entry.members, slot);
      if (!had && !matches) continue;
      entry.version += 1;
      if (had && matches && oldTime === newTime) continue;
      if (had) entry.index.delete(slot, oldTime);
      if (matches) entry.index.insert(slot, newTime);
      setMember(entry.members, slot, matches);
    }
    this.placed[slot] = newTime;
    if (previous === undefined || !sameContacts(previous, record)) {
      this.linkParticipants(id, previous, record);
      this.markText(slot);
    } else if (previous.subject !== record.subject) this.markText(slot);
  }

  /** Takes a removed conversation's slot out of everything; it is reused after the flush. */
  private forget(slot: number, oldTime: number): void {
    for (const entry of this.viewEntries.values()) {
      if (!isMember(entry.members, slot)) continue;
      entry.index.delete(slot, oldTime);
      setMember(entry.members, slot, false);
      entry.version += 1;
    }
    this.placed[slot] = NOT_PLACED;
    this.search?.forget(slot);
    this.releasedSlots.push(slot);
  }

  private messageChanged(message: Message | null, appended: boolean, conversationId = message!.conversationId): void {
    const slot = this.slotOf.get(conversationId);
    if (slot === undefined) return;
    // The engine changes only the thread on a message event (the conversation's new state comes
    // as its own upsert), so the slot keeps its place; live searches look at it again.
    this.touch(slot);
    if (!appended || message === null) this.markText(slot);
    else this.search?.messageAdded(slot, message);
  }

  private markText(slot: number): void {
    this.search?.markText(slot);
  }

  private contactChanged(slot: number): void {
    this.touch(slot);
    this.markText(slot);
    // Rows show the contact's name: the row changed in every view that lists it.
    for (const entry of this.viewEntries.values()) if (isMember(entry.members, slot)) entry.version += 1;
  }

  /** Moves the conversation from the participants of `before` to those of `after`. */
  private linkParticipants(
    id: ConversationId,
    before: Conversation | undefined,
    after: Conversation | undefined,
  ): void {
    for (const contactId of participantsOf(before)) removeFromGroup(this.participantConversations, contactId, id);
    for (const contactId of participantsOf(after)) addToGroup(this.participantConversations, contactId, id);
  }

  /** Built-in views then saved ones, keeping the index of each view whose filter did not change. */
  private syncViews(): void {
    const next = new Map<string, ViewEntry>();
    const wanted = [...BUILT_IN_VIEWS];
    for (const view of this.state.views.values()) if (!BUILT_IN_VIEWS.some((b) => b.id === view.id)) wanted.push(view);
    let sorted: number[] | undefined;
    let rebuilt = false;
    for (const view of wanted) {
      const current = this.viewEntries.get(view.id);
      if (current !== undefined && sameFilter(current.view.filter, view.filter)) {
        if (current.view !== view) {
          current.view = view;
          current.version += 1;
        }
        next.set(view.id, current);
      } else {
        next.set(view.id, this.buildView(view, (sorted ??= this.sortedSlots())));
        rebuilt = true;
      }
    }
    for (const id of this.viewEntries.keys()) if (!next.has(id)) rebuilt = true;
    this.viewEntries = next;
    if (rebuilt) this.rebuildQueries();
  }

  /** Every conversation's slot in list order (L1). */
  private sortedSlots(): number[] {
    return this.occupiedSlots().sort(this.listOrder);
  }

  private occupiedSlots(): number[] {
    const slots: number[] = [];
    for (let slot = 0; slot < this.records.length; slot++) if (this.records[slot] !== undefined) slots.push(slot);
    return slots;
  }

  /** L1 between two occupied slots. */
  private readonly listOrder = (a: number, b: number): number =>
    compareConversations(this.records[a]!, this.records[b]!);

  /** Whether a conversation belongs in a view; its columns must be current. */
  private inView(entry: Pick<ViewEntry, 'filter' | 'compiled'>, slot: number, record: Conversation): boolean {
    return entry.compiled !== null
      ? passes(entry.compiled, this.columns, slot)
      : matchesFilter(record, entry.filter, this.signedIn);
  }

  private buildView(view: View, sorted: readonly number[]): ViewEntry {
    return drain(this.buildViewInSteps(view, sorted));
  }

  private *buildViewInSteps(view: View, sorted: readonly number[]): Generator<void, ViewEntry, undefined> {
    const index = new SortedIndex(this.ids);
    const members = new Uint32Array(this.capacity >>> 5);
    const filter = resolveFilter(view.filter, Date.now());
    const compiled = compileFilter(filter, this.signedIn, this.agents, this.labelCodes);
    const slots: number[] = [];
    const times: number[] = [];
    for (let i = 0; i < sorted.length; i++) {
      const slot = sorted[i];
      if (this.inView({ filter, compiled }, slot, this.records[slot]!)) {
        slots.push(slot);
        times.push(this.placed[slot]);
        setMember(members, slot, true);
      }
      if (i % (STEP * 4) === STEP * 4 - 1) yield;
    }
    index.assignSorted(slots, times);
    return { view, filter, compiled, index, members, version: 0 };
  }

  /** After a reset: slots, columns, indexes and search from the state, from scratch. */
  private rebuildIndexes(): void {
    drain(this.indexSteps());
    this.replaceSearch();
    this.rebuildQueries();
    this.markChanged();
  }

  /** Slots, columns, contact links and view indexes from the state, from scratch, in steps. */
  *indexSteps(sort?: SortInSteps): Generator<void, void, undefined> {
    this.slotOf.clear();
    for (const list of [this.ids, this.records, this.placed]) list.length = 0;
    this.freeSlots = [];
    this.releasedSlots = [];
    this.participantConversations.clear();
    this.batch = new Map();
    this.capacity = 0;
    this.columns.keys = new Int32Array(0);
    this.columns.activity = new Float64Array(0);
    this.columns.labels = new Int32Array(0);
    this.viewEntries = new Map();
    this.grow(this.state.conversations.size);
    let done = 0;
    for (const record of this.state.conversations.values()) {
      const slot = this.allocateSlot(record.id);
      this.records[slot] = record;
      this.placed[slot] = record.lastReceivedAt;
      this.columns.keys[slot] = keyOf(record, this.agents);
      this.columns.activity[slot] = record.lastActivityAt;
      this.columns.labels[slot] = labelBitsOf(record, this.labelCodes);
      this.linkParticipants(record.id, undefined, record);
      if (++done % STEP === 0) yield;
    }
    const sorted = sort ? yield* sort(this.occupiedSlots(), this.listOrder) : this.sortedSlots();
    for (const view of BUILT_IN_VIEWS) this.viewEntries.set(view.id, yield* this.buildViewInSteps(view, sorted));
    for (const view of this.state.views.values()) {
      if (!this.viewEntries.has(view.id)) this.viewEntries.set(view.id, yield* this.buildViewInSteps(view, sorted));
    }
  }

  /** A fresh search index with every slot to index (in the background, for an agent). */
  private replaceSearch(): void {
    const search = (this.search = searchModule ? new searchModule.SearchIndex(this) : null);
    if (search !== null)
      for (let slot = 0; slot < this.records.length; slot++)
        if (this.records[slot] !== undefined) search.markText(slot);
    // Indexing 100k conversations' text takes seconds: it goes on in chunks, after the reset.
    if (this.signedIn !== null) {
      this.needSearch();
      this.indexTextLater();
    }
  }

  /**
   * After a reset or a changed view: every query answers again at once (old slots and indexes
   * mean nothing now), and tells its listeners at the flush.
   */
  private rebuildQueries(): void {
    for (const query of this.queries) query.rebuild();
  }

  // ---- search ----

  /** Loads the search part if it is not here yet; queries waiting for it answer when it comes. */
  needSearch(): void {
    if (this.search !== null) return;
    if (searchModule !== undefined) this.searchArrived(searchModule);
    else loadSearch().then((module) => this.search ?? this.searchArrived(module), report);
  }

  private searchArrived(module: SearchModule): void {
    const search = (this.search = new module.SearchIndex(this));
    for (let slot = 0; slot < this.records.length; slot++) if (this.records[slot] !== undefined) search.markText(slot);
    for (const query of this.queries) {
      if (!query.searching) continue;
      query.rebuild();
      this.markChanged();
    }
    if (this.signedIn !== null) this.indexTextLater();
  }

  searchesComments(): boolean {
    return this.signedIn !== null;
  }

  /** Re-indexes the text of every slot whose text inputs changed (before a search reads it). */
  refreshText(): void {
    this.search?.update(Infinity);
  }

  /** Works through a text backlog one chunk per macrotask, so the page stays responsive. */
  private indexTextLater(): void {
    if (this.textTimer !== null || !this.search?.backlog) return;
    this.textTimer = setTimeout(() => {
      this.textTimer = null;
      this.search?.update(TEXT_CHUNK);
      this.indexTextLater();
    }, 0);
  }

  // ---- for live queries ----

  viewEntry(viewId: string): ViewEntry | undefined {
    const entry = this.viewEntries.get(viewId);
    if (entry?.view.filter.activityWithin !== undefined) this.placeInTime(entry);
    return entry;
  }

  /**
   * A view over a period ("last 7 days"), when a query asks for it: members whose activity fell out
   * of the period since the index was placed in time leave it (no event tells of that). The index
   * was placed earlier, so it holds all of today's members and only needs pruning.
   */
  private placeInTime(entry: ViewEntry): void {
    const filter = resolveFilter(entry.view.filter, Date.now());
    if (filter.activityFrom === entry.filter.activityFrom) return;
    entry.filter = filter;
    entry.compiled = compileFilter(filter, this.signedIn, this.agents, this.labelCodes);
    const leaving: Array<[slot: number, time: number]> = [];
    entry.index.forEachChunk((slots, times, length) => {
      for (let i = 0; i < length; i++)
        if (!this.inView(entry, slots[i]!, this.records[slots[i]!]!)) leaving.push([slots[i]!, times[i]!]);
    });
    for (const [slot, time] of leaving) {
      entry.index.delete(slot, time);
      setMember(entry.members, slot, false);
    }
    if (leaving.length) entry.version += 1;
  }

  record(slot: number): Conversation | undefined {
    return this.records[slot];
  }

  private scratchSlots = new Int32Array(0);
  private scratchTimes = new Float64Array(0);

  /** Buffers for one scan's matches, reused across queries (assignSorted copies them out). */
  scratch(size: number): { slots: Int32Array; times: Float64Array } {
    if (this.scratchSlots.length < size) {
      this.scratchSlots = new Int32Array(size);
      this.scratchTimes = new Float64Array(size);
    }
    return { slots: this.scratchSlots, times: this.scratchTimes };
  }

  newIndex(): SortedIndex {
    return new SortedIndex(this.ids);
  }

  isBatchPending(): boolean {
    return this.changed || this.batch.size > 0;
  }
}

/** Whether a view's membership bits hold the slot. */
function isMember(members: Uint32Array, slot: number): boolean {
  return ((members[slot >>> 5] >>> (slot & 31)) & 1) === 1;
}

function setMember(members: Uint32Array, slot: number, member: boolean): void {
  if (member) members[slot >>> 5] |= 1 << (slot & 31);
  else members[slot >>> 5] &= ~(1 << (slot & 31));
}

/** Runs steps to their end at once; their result. */
function drain<T>(steps: Generator<void, T, undefined>): T {
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/** The participants besides the contact (none for no record); the groups take each id once. */
function participantsOf(record: Conversation | undefined): string[] {
  return record?.participantIds.filter((id) => id !== record.contactId) ?? [];
}

/** Whether two versions of a conversation name the same contacts, in the same order. */
function sameContacts(a: Conversation, b: Conversation): boolean {
  if (a.contactId !== b.contactId || a.participantIds.length !== b.participantIds.length) return false;
  return a.participantIds.every((id, i) => id === b.participantIds[i]);
}

function sameFilter(a: ConversationFilter, b: ConversationFilter): boolean {
  return JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort());
}

const EMPTY_RESULT: QueryResult = { total: 0, slice: () => [] };
const PENDING_RESULT: QueryResult = { total: 0, slice: () => [], pending: true };

/**
 * A live query. Without filter and search it reads the view's index directly (a view switch is a
 * lookup); with them it keeps its own sorted index of the matching slots, built by one scan of
 * the view and then updated in place from each batch (F3).
 */
class StoreLiveQuery implements LiveQuery {
  readonly query: ConversationQuery;
  private readonly filter: ConversationFilter | undefined;
  private readonly terms: string[];
  private readonly narrowed: boolean;
  /** Has search terms: its updates read slots' text, which must be current. */
  readonly searching: boolean;
  private entry: ViewEntry | undefined;
  /** The view narrowed by the query's filter (narrowFilter); compiled for the columns when it can be. */
  private effectiveFilter: ConversationFilter | undefined;
  private compiled: CompiledFilter | null = null;
  private seenVersion = -1;
  private matches: SortedIndex | null = null;
  /** Built from state that a pending batch already changed: the batch cannot be applied to it. */
  private builtMidBatch = false;
  /** Rebuilt since the last flush (reset, changed view): listeners must hear of it. */
  private rebuilt = false;
  private result: QueryResult = EMPTY_RESULT;
  private readonly listeners = new Set<(value: QueryResult) => void>();

  constructor(
    private readonly store: ReplicaStore,
    query: ConversationQuery,
  ) {
    this.query = { ...query };
    this.filter = query.filter !== undefined && Object.keys(query.filter).length > 0 ? query.filter : undefined;
    this.terms = searchTerms(query.search);
    this.narrowed = this.filter !== undefined || this.terms.length > 0;
    this.searching = this.terms.length > 0;
    this.entry = store.viewEntry(query.viewId);
    this.build();
  }

  get(): QueryResult {
    return this.result;
  }

  subscribe(listener: (value: QueryResult) => void): () => void {
    if (this.store.queries.has(this)) this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.listeners.clear();
    this.store.queries.delete(this);
    this.matches = null;
  }

  /** Answers again from scratch now; listeners hear of it at the next flush. */
  rebuild(): void {
    this.entry = this.store.viewEntry(this.query.viewId);
    this.build();
    this.rebuilt = true;
  }

  /** Brings the result up to date after a batch; true when it changed. */
  update(batch: ReadonlyMap<number, number>): boolean {
    const rebuilt = this.rebuilt;
    this.rebuilt = false;
    const entry = this.entry;
    if (entry === undefined) return rebuilt;
    if (!this.narrowed) {
      if (entry.version === this.seenVersion) return rebuilt;
      this.result = this.viewResult(entry);
      return true;
    }
    if (batch.size === 0 || this.matches === null) {
      this.builtMidBatch = false;
      return rebuilt;
    }
    // A batch that touches much of the view is cheaper to answer with one scan.
    if (this.builtMidBatch || batch.size > Math.max(256, entry.index.size / 8)) {
      this.build();
      return true;
    }
    const matches = this.matches!;
    const store = this.store;
    let changed = false;
    for (const [slot, oldTime] of batch) {
      const had = oldTime === oldTime && matches.delete(slot, oldTime);
      const record = store.record(slot);
      const belongs = record !== undefined && isMember(entry.members, slot) && this.passes(slot, record);
      if (belongs) matches.insert(slot, record.lastReceivedAt);
      if (had || belongs) changed = true;
    }
    if (changed) this.result = this.indexResult(matches);
    return changed || rebuilt;
  }

  /** Whether a member of the view passes the filter and the search. */
  private passes(slot: number, record: Conversation): boolean {
    if (this.effectiveFilter !== undefined) {
      const ok =
        this.compiled !== null
          ? passes(this.compiled, this.store.columns, slot)
          : matchesFilter(record, this.effectiveFilter, this.store.me);
      if (!ok) return false;
    }
    return this.terms.length === 0 || this.store.search!.slotMatches(slot, this.terms);
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
    const store = this.store;
    this.builtMidBatch = store.isBatchPending();
    if (entry === undefined) {
      this.matches = null;
      this.result = EMPTY_RESULT;
      return;
    }
    if (!this.narrowed) {
      this.result = this.viewResult(entry);
      return;
    }
    if (this.searching && store.search === null) {
      // Answered when the search part arrives (the store rebuilds this query then), never before.
      this.matches = null;
      this.result = PENDING_RESULT;
      store.needSearch();
      return;
    }
    if (this.filter !== undefined || entry.view.filter.activityWithin !== undefined) {
      // No channel passes `channels: []`: the filters contradict each other, nothing can show.
      const both = narrowFilter(entry.view.filter, this.filter ?? {}, store.me);
      this.effectiveFilter = both ? resolveFilter(both, Date.now()) : { channels: [] };
      this.compiled = compileFilter(this.effectiveFilter, store.me, store.agents, store.labelCodes);
    }
    const compiled = this.compiled;
    const { slots, times } = store.scratch(entry.index.size);
    let count = 0;
    if (compiled?.never !== true) {
      if (this.terms.length > 0) store.refreshText();
      const found = this.terms.length > 0 ? store.search!.matching(this.terms) : null;
      const fallback = this.effectiveFilter !== undefined && compiled === null ? this.effectiveFilter : undefined;
      const me = store.me;
      // The compiled filter's tests, unpacked: this loop runs 100k times per query.
      const { keys, activity, labels } = store.columns;
      const wantedLabels = compiled?.labels ?? 0;
      const mask = compiled?.mask ?? 0;
      const value = compiled?.value ?? 0;
      const channels = compiled?.channels ?? 0b1111;
      const from = compiled?.from ?? -Infinity;
      const to = compiled?.to ?? Infinity;
      const anyTime = from === -Infinity && to === Infinity;
      // One pass over the view in list order; the tests read one int (and a bitset), not records.
      entry.index.forEachChunk((chunkSlots, chunkTimes, length) => {
        for (let i = 0; i < length; i++) {
          const slot = chunkSlots[i];
          if (found !== null && (found[slot >>> 5] & (1 << (slot & 31))) === 0) continue;
          const key = keys[slot];
          if ((key & mask) !== value || ((channels >>> ((key >>> CHANNEL_SHIFT) & 3)) & 1) === 0) continue;
          if (!anyTime && (activity[slot] < from || activity[slot] > to)) continue;
          if ((labels[slot] & wantedLabels) !== wantedLabels) continue;
          if (fallback !== undefined && !matchesFilter(store.record(slot)!, fallback, me)) continue;
          slots[count] = slot;
          times[count] = chunkTimes[i];
          count += 1;
        }
      });
    }
    const matches = this.matches ?? store.newIndex();
    matches.assignSorted(slots.subarray(0, count), times.subarray(0, count));
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
      // A result read after a reset, before its replacement arrives, may name slots now empty.
      slice: (offset, limit) => index.slice(offset, limit).flatMap((slot) => store.record(slot) ?? []),
    };
  }
}

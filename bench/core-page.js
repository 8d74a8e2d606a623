// Runs inside Chromium (bench/core.bench.mjs drives it). Loads the compiled store straight from
// packages/core/dist so that the store and its engine are measured, not the rest of the client.
import { createInboxStore, loadSearch } from '../packages/core/dist/store/store.js';
import { defaultSettings } from '../packages/core/dist/engine/state.js';
import { generateConversations, DEMO_AGENT_IDS } from '../packages/core/dist/testing/demo-data.js';
import { generateInbox, generateIngestStream, newIngestProgress, AGENTS } from './core-data.js';

const COUNT = 100_000;
// `?data=synthetic`: bench/core-data.js's inbox (longer threads, a much larger vocabulary).
const SYNTHETIC = new URLSearchParams(location.search).get('data') === 'synthetic';
const agents = SYNTHETIC ? AGENTS : DEMO_AGENT_IDS;

/** generateConversations' events (the shared benchmark data) as a snapshot. */
function demoSnapshot(count) {
  const snapshot = {
    seq: 0,
    conversations: [],
    messages: [],
    contacts: [],
    agents: [],
    tickets: [],
    deals: [],
    companies: [],
    feedback: [],
    views: [],
    settings: defaultSettings(),
  };
  const lists = {
    'conversation.upserted': 'conversations',
    'message.upserted': 'messages',
    'contact.upserted': 'contacts',
    'agent.upserted': 'agents',
    'ticket.upserted': 'tickets',
  };
  const fields = {
    conversations: 'conversation',
    messages: 'message',
    contacts: 'contact',
    agents: 'agent',
    tickets: 'ticket',
  };
  for (const event of generateConversations(count, 1)) {
    const list = lists[event.type];
    if (list) snapshot[list].push(event[fields[list]]);
  }
  return snapshot;
}
let store = null;
let snapshot = null;
/** Message numbers and time where the next ingest stream goes on from. */
const ingestProgress = newIngestProgress();
/** An ingest made ready by prepareIngest: its stream and live queries. */
let ingestRun = null;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Times `body(i)` `runs` times after `warmup` untimed runs; returns the median in ms. */
function measure(runs, warmup, body) {
  for (let i = 0; i < warmup; i++) body(i);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    body(i);
    times.push(performance.now() - start);
  }
  return median(times);
}

/** The first page of a query, as the list would read it. */
function firstPage(query) {
  const live = store.query(query);
  const result = live.get();
  const page = result.slice(0, 50);
  live.dispose();
  if (page.length === 0 && result.total !== 0) throw new Error('empty first page');
  return page;
}

/**
 * Waits until `done()`, yielding to the page with zero-delay timeouts, and times the gaps between
 * them: each gap is a task the page ran meanwhile (here, a background chunk of the store's work),
 * so the longest gap is the longest the page stayed blocked, and the gaps add up to the total.
 */
async function backgroundTasks(done) {
  let longestMs = 0;
  let totalMs = 0;
  let tasks = 0;
  let last = performance.now();
  while (!done()) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    const now = performance.now();
    longestMs = Math.max(longestMs, now - last);
    totalMs += now - last;
    tasks += 1;
    last = now;
  }
  return { longestMs, totalMs, tasks };
}

window.confabBench = {
  /** For ad-hoc profiling from the console or a script. */
  get store() {
    return store;
  },
  /** Builds the data (untimed) and loads it into a store (timed: core.reset.100k.ms, its slices and the text index). */
  async load(count = COUNT) {
    snapshot = SYNTHETIC ? { ...generateInbox(count, 1), settings: defaultSettings() } : demoSnapshot(count);
    // The search part is a chunk of its own in bundles: fetched here, outside the timings.
    await loadSearch();
    store = createInboxStore({ me: agents[0] });
    const start = performance.now();
    store.reset(snapshot);
    store.flush();
    const resetMs = performance.now() - start;
    // A large snapshot loads in slices (its replica swapped in whole at the end), then the text.
    let settled = false;
    store.settled().then(() => (settled = true));
    const background = await backgroundTasks(() => settled && store.search !== null && store.search.backlog === 0);
    const conversations = snapshot.conversations;
    snapshot = { conversations }; // keep only what the ingest stream is drawn from
    return {
      resetMs,
      // What a reset blocks the page for: its own task, then its slices and the text index's tasks.
      longestSliceMs: Math.max(resetMs, background.longestMs),
      totalMs: resetMs + background.totalMs,
      textIndexMs: background.totalMs,
      textIndexTasks: background.tasks,
      conversations: store.state.conversations.size,
      all: store.count('all'),
    };
  },

  /** Drops what the page holds besides the store, for the heap figure. */
  releaseInputs() {
    const sample = snapshot.conversations.slice(0, 20000);
    snapshot = { conversations: sample };
  },

  viewSwitch() {
    const views = [
      'all',
      'mine',
      'unassigned',
      'email',
      'chat',
      'messenger',
      'forms',
      'tickets',
      'bots',
      'filtered',
      'sent',
      'trash',
    ];
    return measure(120, 24, (i) => firstPage({ viewId: views[i % views.length] }));
  },

  filter() {
    const cases = [
      { viewId: 'all', filter: { status: 'open', channels: ['email'], assignee: agents[2] } },
      { viewId: 'all', filter: { status: 'closed', channels: ['chat', 'messenger'], assignee: 'nobody' } },
      { viewId: 'email', filter: { status: 'open', channels: ['email'], assignee: 'me' } },
      { viewId: 'all', filter: { status: 'open', channels: ['form', 'email'], assignee: agents[3] } },
    ];
    return measure(40, 8, (i) => firstPage(cases[i % cases.length]));
  },

  search() {
    const cases = SYNTHETIC
      ? ['refund', 'invoice march', 'maria', 'password reset', 'delivery', 'jansen', 'damaged package', 'müller']
      : ['refund', 'password reset', 'müller', 'shipping milan', 'invoice', 'emma jansen', 'rate limits', 'greyed'];
    const queries = cases.map((search) => ({ viewId: 'all', search }));
    const totals = queries.map((query) => {
      const live = store.query(query);
      const total = live.get().total;
      live.dispose();
      return total;
    });
    return {
      ms: measure(40, 8, (i) => firstPage(queries[i % queries.length])),
      totals: Object.fromEntries(cases.map((c, i) => [c, totals[i]])),
    };
  },

  /**
   * Generates an ingest stream and opens the inbox list and a filtered list (and a search) on it:
   * untimed, apart from runIngest so that a CPU-time reading around that covers only the ingest.
   */
  prepareIngest(eventCount = 200_000, batchSize = 500, withSearch = false) {
    const stream = generateIngestStream(snapshot, eventCount, 2 + (withSearch ? 1 : 0), ingestProgress);
    const lives = [store.query({ viewId: 'all' }), store.query({ viewId: 'mine', filter: { status: 'open' } })];
    if (withSearch) lives.push(store.query({ viewId: 'all', search: 'refund' }));
    ingestRun = { stream, lives, batchSize, notifications: 0 };
    for (const live of lives) live.subscribe(() => (ingestRun.notifications += 1));
  },

  /** Events per second through apply + flush of the prepared stream, with its queries live. */
  runIngest() {
    const { stream, lives, batchSize } = ingestRun;
    const start = performance.now();
    for (let offset = 0; offset < stream.length; offset += batchSize) {
      store.apply(stream.slice(offset, offset + batchSize));
      store.flush();
    }
    const seconds = (performance.now() - start) / 1000;
    for (const live of lives) live.dispose();
    const { notifications } = ingestRun;
    ingestRun = null;
    return { events: stream.length, eventsPerSec: stream.length / seconds, notifications, count: store.count('all') };
  },

  ingest(eventCount = 200_000, batchSize = 500, withSearch = false) {
    this.prepareIngest(eventCount, batchSize, withSearch);
    return this.runIngest();
  },
};
window.confabBenchReady = true;

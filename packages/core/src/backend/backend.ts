import { execute, projectEvent, snapshotFor } from '../engine/engine.js';
import { createEngineState } from '../engine/state.js';
import { SnapshotFormatError, deserializeEngineState, serializeEngineState } from '../engine/state-snapshot.js';
import { LazyMessages } from '../engine/lazy-messages.js';
import { typingMovesBotClock, typingWindowStart } from '../engine/visitor-activity.js';
import { isSignalCommand, type Command, type SignalCommand } from '../protocol/commands.js';
import { CLOSE_CODES, closeCodeOf } from '../protocol/close-codes.js';
import { ConfabError } from '../protocol/errors.js';
import { StorageUnreachableError } from './storage-unreachable.js';
import type { ConfabEvent, SequencedEvent } from '../protocol/events.js';
import type { ClientFrame, CommittedCommand, HelloFrame, Principal, ServerFrame } from '../protocol/frames.js';
import { MAX_FRAME_LENGTH, PROTOCOL_VERSION } from '../protocol/frames.js';
import { validateClientFrame } from '../protocol/validate.js';
import type {
  Backend,
  BackendConnection,
  BackendOptions,
  CommitRecord,
  ConnectionInfo,
  HubSnapshot,
  SharedLog,
  StoredEvent,
  StoredOutcome,
} from './types.js';
import { createVisitorStreams, type VisitorDelivery } from './visitor-streams.js';
import { deliverToAgents, deliverToVisitors, relaySignal } from './delivery.js';
import { createLocalFanOut } from './local-fan-out.js';
import { LinkRegistry, type Link } from './links.js';
import { createMemoryStorage } from './memory-storage.js';
import { DEFAULT_IDEMPOTENCY_WINDOW_MS, DEFAULT_OUTCOME_CACHE_SIZE, DAY_MS, OutcomeBook } from './outcomes.js';
import { principalKey } from './principal-key.js';
import { applyStored } from './replay.js';

/** Close code for a refused hello (bad or revoked token). Clients do not retry it. */
export const CLOSE_UNAUTHENTICATED = CLOSE_CODES.unauthenticated;
/** Close code for a principal whose access was revoked while connected. */
export const CLOSE_REVOKED = CLOSE_CODES.forbidden;

type Outcome = { seq: number; result?: Record<string, string> };

/** A command waiting for its turn (see submit). */
interface Pending {
  key: string;
  commandId: string;
  /** Work before the lock; returns the decision, made under it. */
  prepare(): Promise<() => CommitRecord>;
  resolve(outcome: StoredOutcome): void;
  reject(error: unknown): void;
}

type Settled = { outcome: StoredOutcome } | { error: unknown };

/** Commands committed in one transaction at most (group commit on a shared log): a bound on how long the lock is held. */
const MAX_BATCH = 64;

let idCounter = 0;
/** Random words drawn 512 at a time: one getRandomValues per id was a system call per id (2.4 % of a busy server's CPU). */
const randomWords = new Uint32Array(512);
let nextWord = randomWords.length;
function defaultNewId(): string {
  idCounter = (idCounter + 1) % 0x100000;
  if (nextWord + 2 > randomWords.length) {
    crypto.getRandomValues(randomWords);
    nextWord = 0;
  }
  const first = randomWords[nextWord++]!;
  const second = randomWords[nextWord++]!;
  return `${Date.now().toString(36)}${idCounter.toString(36).padStart(4, '0')}${first.toString(36)}${second.toString(36)}`.slice(
    0,
    24,
  );
}

export const DEFAULT_SNAPSHOT_EVERY_EVENTS = 10_000;
export const DEFAULT_SNAPSHOT_EVERY_MS = 10 * 60 * 1000;

/**
 * Creates the backend hub: the engine's host for any number of connections.
 *
 * @example
 * const backend = createBackend({ auth, storage: createSqliteStorage(dir) });
 * await backend.ready;
 * wss.on('connection', (ws) => {
 *   const connection = backend.connect((frame) => ws.send(JSON.stringify(frame)), (code, reason) => ws.close(code, reason));
 *   ws.on('message', (data) => connection.receive(String(data)));
 *   ws.on('close', () => connection.close());
 * });
 */
export function createBackend(options: BackendOptions): Backend {
  const storage = options.storage ?? createMemoryStorage();
  const fanOut = options.fanOut ?? createLocalFanOut();
  const now = options.now ?? (() => Date.now());
  const newId = options.newId ?? defaultNewId;
  const retention = options.retention ?? 10_000;
  const allowNewVisitors = options.allowNewVisitors ?? true;
  const snapshotEveryEvents = options.snapshotEveryEvents ?? DEFAULT_SNAPSHOT_EVERY_EVENTS;
  const snapshotEveryMs = options.snapshotEveryMs ?? DEFAULT_SNAPSHOT_EVERY_MS;
  const auth = options.auth;
  /** Storage other processes append to: commands are decided under its lock (see SharedLog). */
  const shared: SharedLog | null =
    storage.commitLocked && storage.eventsAfter
      ? {
          commitLocked: storage.commitLocked.bind(storage),
          eventsAfter: storage.eventsAfter.bind(storage),
          commitAt: storage.commitAt?.bind(storage),
        }
      : null;

  /** One object for the hub's life: a snapshot's state is copied into it, so holders of `backend.state` see it. */
  const state = createEngineState();
  /** The last `retention` events, for resuming replicas. */
  let recent: SequencedEvent[] = [];
  let seq = 0;
  /** Names the log's history; set from storage at load. */
  let epoch = '';
  const outcomes = new OutcomeBook(
    storage,
    options.idempotencyWindowMs ?? DEFAULT_IDEMPOTENCY_WINDOW_MS,
    options.outcomeCacheSize ?? DEFAULT_OUTCOME_CACHE_SIZE,
  );
  /** Commands are decided one at a time, each against the state its predecessor committed. */
  let queue: Promise<unknown> = Promise.resolve();
  const links = new LinkRegistry();
  /**
   * Visitors see their own numbered streams, not the workspace sequence (issue 20 item 4): R2 in
   * any form, a comment or anyone else's event must not show, not even as a number.
   */
  let streams = createVisitorStreams(retention);
  /** Events applied since the last snapshot, and the snapshot being written (close waits for it). */
  let sinceSnapshot = 0;
  let snapshotDue = false;
  let snapshotWrite: Promise<void> = Promise.resolve();
  let closed = false;

  function applyCommitted(events: readonly StoredEvent[]): VisitorDelivery[] {
    sinceSnapshot += events.length;
    return applyStored(state, streams, events);
  }

  /** Builds the state, the streams and `recent` from storage: at start, and after a commit that failed under a batch. */
  async function loadLog() {
    let stored = await storage.load({ recent: retention });
    Object.assign(state, createEngineState());
    streams = createVisitorStreams(retention);
    sinceSnapshot = 0;
    let from = 0;
    if (stored.snapshot) {
      try {
        Object.assign(state, deserializeEngineState(stored.snapshot.engine, stored.snapshot.messages));
        streams = createVisitorStreams(retention, stored.snapshot.streams);
        from = stored.snapshot.seq;
      } catch (error) {
        if (!(error instanceof SnapshotFormatError)) throw error;
        // A snapshot this version cannot read (an older format): the whole log is replayed instead.
        stored = await storage.load({ recent: Number.MAX_SAFE_INTEGER });
      }
    }
    epoch = stored.epoch;
    seq = from;
    const tail = stored.events.filter((event) => event.seq > from);
    applyCommitted(tail);
    if (tail.length) seq = tail[tail.length - 1]!.seq;
    recent = stored.events.slice(-retention).map(({ seq, cause, event }) => ({ seq, cause, event }));
  }

  const ready = (async () => {
    await loadLog();
    void outcomes.forgetOld(now()).catch(() => undefined);
    if (sinceSnapshot >= snapshotEveryEvents) snapshotSoon();
  })();

  /**
   * True once a batch's commit failed after its first commands were applied to the state (the
   * later ones are decided against them): the state may hold events the log does not. Every task
   * reloads from the log first, and nothing is served or snapshotted from the state meanwhile.
   */
  let stale = false;

  /** Waits for the start, and reloads a stale state from the log (rejects while the log is out of reach). */
  async function fresh() {
    await ready;
    if (!stale) return;
    await loadLog();
    stale = false;
  }

  // Snapshots after a quiet stretch too, and outcomes deleted by age while the server runs.
  const snapshotTimer = setInterval(() => {
    if (sinceSnapshot > 0) snapshotSoon();
  }, snapshotEveryMs);
  const forgetTimer = setInterval(() => void outcomes.forgetOld(now()).catch(() => undefined), DAY_MS / 24);
  for (const timer of [snapshotTimer, forgetTimer]) (timer as { unref?: () => void }).unref?.();

  /**
   * Queues a snapshot after what is queued now, once a turn has passed: the command that crossed
   * the threshold is acknowledged first, not after the state was serialised.
   */
  function snapshotSoon() {
    if (snapshotDue) return;
    snapshotDue = true;
    setTimeout(() => {
      queue = queue
        .then(() => {
          snapshotDue = false;
          writeSnapshot();
        })
        // A snapshot that failed costs a longer replay at the next start, nothing else.
        .catch(() => undefined);
    }, 0);
  }

  /**
   * Writes the state after `seq` as a snapshot. Serialising is synchronous, so it is the state of
   * exactly one moment; storage writes it in place of the one before. A failed write costs only a
   * longer replay at the next start, never an event, so it is not an error for any command.
   */
  function writeSnapshot() {
    if (closed || stale || sinceSnapshot === 0) return;
    const apart = storage.keepsMessagesApart === true;
    const messages = apart ? trackedMessages() : null;
    const snapshot: HubSnapshot = {
      seq,
      at: now(),
      engine: serializeEngineState(state, { messagesApart: apart }),
      streams: streams.save(),
      ...(messages ? { messageChanges: messages.takeChanges(seq) } : {}),
    };
    sinceSnapshot = 0;
    snapshotWrite = snapshotWrite
      .then(() => storage.saveSnapshot(snapshot))
      // Only changed messages are written: after a lost write, the next one writes them all.
      .catch(() => messages?.storedLost());
  }

  /** The messages as a LazyMessages (a replayed state has a plain map): it knows what changed. */
  function trackedMessages(): LazyMessages {
    if (state.messages instanceof LazyMessages) return state.messages;
    const messages = new LazyMessages();
    for (const [id, list] of state.messages) messages.set(id, list);
    state.messages = messages;
    return messages;
  }

  // Agents see the workspace's events as they are (less what projectEvent hides from them).
  const unsubscribeFanOut = fanOut.subscribe((events) => deliverToAgents(state, links, events));

  /** A number the principal may see: the workspace's for agents, its own stream's for a visitor. */
  function seqFor(principal: Principal, workspaceSeq: number): number {
    return principal.kind === 'visitor' ? streams.seqAt(principal.contactId, workspaceSeq) : workspaceSeq;
  }

  function remember(events: SequencedEvent[]) {
    for (const event of events) recent.push(event);
    if (recent.length > retention * 1.5) recent = recent.slice(-retention);
  }

  /** Applies a record to the state and the visitors' streams; returns what visitors get once it is committed. */
  function applyRecord(record: CommitRecord): VisitorDelivery[] {
    const deliveries = applyCommitted(record.events.map((event) => ({ ...event, by: record.principalKey })));
    seq += record.events.length;
    return deliveries;
  }

  /** Publishes and delivers a committed record's events (applied by applyRecord). */
  function announce(record: CommitRecord, deliveries: VisitorDelivery[]) {
    remember(record.events);
    if (record.events.length) fanOut.publish(record.events);
    deliverToVisitors(streams, links, deliveries);
    if (sinceSnapshot >= snapshotEveryEvents) snapshotSoon();
    if (record.events.length)
      options.onCommitted?.(record.events.map((event) => ({ ...event, by: record.principalKey })));
  }

  /**
   * Applies what other processes committed after `seq` (a shared log only), and publishes and
   * delivers it as if committed here: this process's links see one order, the log's.
   */
  function applyMissed(events: readonly StoredEvent[]) {
    const fresh = events.filter((event) => event.seq > seq);
    if (!fresh.length) return;
    if (fresh[0]!.seq !== seq + 1)
      throw new ConfabError('internal', `The log skips from ${seq} to ${fresh[0]!.seq}; nothing was changed.`);
    const deliveries = applyCommitted(fresh);
    seq = fresh[fresh.length - 1]!.seq;
    const sequenced = fresh.map(({ seq, cause, event }) => ({ seq, cause, event }));
    remember(sequenced);
    fanOut.publish(sequenced);
    deliverToVisitors(streams, links, deliveries);
    if (sinceSnapshot >= snapshotEveryEvents) snapshotSoon();
  }

  /** Commands waiting for a shared log's lock; the next batch task takes them all (group commit). */
  const waiting: Pending[] = [];
  let batchQueued = false;

  /**
   * Queues a command: `prepare` runs in its turn before any lock (storing attachments) and returns
   * the decision, made against the state its predecessors committed. Resolves with the outcome once
   * committed, or with the command id's stored outcome (it ran before, here or elsewhere, and is
   * answered again without running). Acknowledged means committed.
   */
  function submit(key: string, commandId: string, prepare: Pending['prepare']): Promise<StoredOutcome> {
    return new Promise((resolve, reject) => {
      const pending: Pending = { key, commandId, prepare, resolve, reject };
      if (!shared) {
        const task = queue.then(() => runAlone(pending));
        queue = task.catch(() => undefined);
        return;
      }
      waiting.push(pending);
      if (!batchQueued) queueBatch(shared);
    });
  }

  function queueBatch(log: SharedLog) {
    batchQueued = true;
    const task = queue.then(() => runBatch(log));
    queue = task.catch(() => undefined);
  }

  /** One command in its own commit (storage only this process writes: SQLite, memory). */
  async function runAlone(pending: Pending) {
    try {
      await ready;
      if (closed) throw new ConfabError('internal', 'The backend is shutting down.');
      const decide = await pending.prepare();
      const known = (await outcomes.find(pending.key, [pending.commandId])).get(pending.commandId);
      if (known) return settle(pending, { outcome: known });
      const record = decide();
      await storage.commit(record);
      announce(record, applyRecord(record));
      settle(pending, { outcome: record.outcome });
    } catch (error) {
      pending.reject(error);
    }
  }

  function settle(pending: Pending, result: Settled) {
    if ('error' in result) return pending.reject(result.error);
    outcomes.keep(pending.key, pending.commandId, result.outcome);
    pending.resolve(result.outcome);
  }

  /**
   * Every command waiting, decided in order under the shared log's lock and committed in one
   * transaction, each with its own outcome; a refused command is refused alone. A command is
   * decided against the ones before it, so those are applied to the state before COMMIT; if the
   * commit then fails, the state is reloaded from the log before anything else, and this hub's
   * links are closed (they resume from their numbers). Nothing is published or answered before
   * COMMIT.
   */
  async function runBatch(log: SharedLog) {
    const batch = waiting.splice(0, MAX_BATCH);
    batchQueued = false;
    if (waiting.length) queueBatch(log);
    try {
      await fresh();
      if (closed) throw new ConfabError('internal', 'The backend is shutting down.');
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    const prepared: { pending: Pending; decide: () => CommitRecord }[] = [];
    for (const pending of batch) {
      const cached = outcomes.cached(pending.key, pending.commandId);
      if (cached) pending.resolve(cached);
      else
        await pending.prepare().then(
          (decide) => prepared.push({ pending, decide }),
          (error: unknown) => pending.reject(error),
        );
    }
    if (!prepared.length) return;
    if (prepared.length === 1 && (await committedAlone(log, prepared[0]!))) return;
    /** Each command id's result in this batch: the same id twice is decided once. */
    const results = new Map<string, Settled>();
    const committed: { record: CommitRecord; deliveries: VisitorDelivery[] | null }[] = [];
    let tentative = false;
    try {
      const commands = prepared.map(({ pending }) => ({ principalKey: pending.key, commandId: pending.commandId }));
      await log.commitLocked({ commands, seq }, ({ missed, outcomeOf }) => {
        applyMissed(missed);
        for (const { pending, decide } of prepared) {
          const id = `${pending.key}\n${pending.commandId}`;
          if (results.has(id)) continue;
          const known = outcomeOf(pending.key, pending.commandId);
          if (known) {
            results.set(id, { outcome: known });
            continue;
          }
          // The command before this one is applied first: this one is decided against it.
          const before = committed[committed.length - 1];
          if (before && !before.deliveries) {
            before.deliveries = applyRecord(before.record);
            tentative = true;
          }
          try {
            const record = decide();
            committed.push({ record, deliveries: null });
            results.set(id, { outcome: record.outcome });
          } catch (error) {
            results.set(id, { error });
          }
        }
        return committed.map(({ record }) => record);
      });
    } catch (error) {
      if (tentative) {
        stale = true;
        endLinks(CLOSE_CODES.serviceRestart, 'The database did not confirm a commit; reconnect.');
      }
      for (const { pending } of prepared) pending.reject(error);
      return;
    }
    for (const entry of committed) announce(entry.record, entry.deliveries ?? applyRecord(entry.record));
    for (const { pending } of prepared) settle(pending, results.get(`${pending.key}\n${pending.commandId}`)!);
  }

  /**
   * A batch of one command, decided against this hub's state and committed in one step when the
   * log did not move meanwhile (SharedLog.commitAt): the usual case where one process serves a
   * workspace. True once committed, announced and answered; false when the locked path must run
   * (the log moved, the id has an outcome, the command was refused): nothing was changed.
   */
  async function committedAlone(log: SharedLog, { pending, decide }: { pending: Pending; decide: () => CommitRecord }) {
    if (!log.commitAt) return false;
    let record: CommitRecord;
    try {
      record = decide();
    } catch {
      return false; // decided again under the lock, where another process's outcome for the id comes first
    }
    try {
      if (!(await log.commitAt(seq, record))) return false;
    } catch (error) {
      pending.reject(error);
      return true;
    }
    announce(record, applyRecord(record));
    settle(pending, { outcome: record.outcome });
    return true;
  }

  /** The command with its files as the server stored them (BackendOptions.admitAttachments). */
  async function admitted(principal: Principal, command: Command): Promise<Command> {
    const files = 'attachments' in command ? command.attachments : undefined;
    if (!files?.length || !options.admitAttachments) return command;
    return { ...command, attachments: await options.admitAttachments(principal, command, files) } as Command;
  }

  /** Runs one command through the engine, commits it, then publishes (in turn: see submit). */
  async function run(principal: Principal, given: Command, commandId: string): Promise<Outcome> {
    const key = principalKey(principal);
    const outcome = await submit(key, commandId, async () => {
      const command = await admitted(principal, given);
      return () => {
        const at = now();
        if (outcomes.expired(commandId)) {
          const days = Math.round(outcomes.windowMs / DAY_MS);
          throw new ConfabError(
            'expired',
            `This command was queued more than ${days} days ago; it was not run, as it may have run already.`,
          );
        }
        const { events, result } = execute(state, principal, command, { now: at, newId });
        const sequenced = events.map((event, index) => ({ seq: seq + index + 1, cause: commandId, event }));
        const outcome: StoredOutcome = { ok: true, seq: seq + sequenced.length, ...(result ? { result } : {}) };
        return { principalKey: key, commandId, events: sequenced, outcome, at };
      };
    });
    if (!outcome.ok) throw ConfabError.fromPayload(outcome.error);
    return { seq: outcome.seq, ...(outcome.result ? { result: outcome.result } : {}) };
  }

  async function append(events: ConfabEvent[]): Promise<number> {
    const commandId = `append-${newId()}`;
    const outcome = await submit('system', commandId, async () => () => {
      const sequenced = events.map((event, index) => ({ seq: seq + index + 1, cause: null, event }));
      return {
        principalKey: 'system',
        commandId,
        events: sequenced,
        outcome: { ok: true, seq: seq + sequenced.length },
        at: now(),
      };
    });
    return outcome.ok ? outcome.seq : seq;
  }

  /** Applies a batch another process published: in order, once, gaps filled from the log. */
  function receive(events: readonly StoredEvent[]): Promise<void> {
    if (!shared) return Promise.resolve();
    const log = shared;
    const task = queue.then(async () => {
      await fresh();
      if (closed) return;
      const newer = events.filter((event) => event.seq > seq);
      if (!newer.length) return;
      applyMissed(newer[0]!.seq === seq + 1 ? newer : await log.eventsAfter(seq));
    });
    queue = task.catch(() => undefined);
    return task;
  }

  /** A catch-up queued and not started yet: the hellos that arrive meanwhile share it. */
  let queuedCatchUp: Promise<number> | null = null;

  /**
   * Applies what other processes committed since `seq`; serialised with commands by `queue`. Many
   * hellos at once (the clients of a process that died) share one read of the log rather than
   * queueing one each: a catch-up not started yet reads whatever was committed before any of them.
   */
  function catchUp(): Promise<number> {
    if (!shared) return Promise.resolve(0);
    if (queuedCatchUp) return queuedCatchUp;
    const log = shared;
    const task = queue.then(async () => {
      queuedCatchUp = null;
      await fresh();
      if (closed) return 0;
      const before = seq;
      applyMissed(await log.eventsAfter(seq));
      return seq - before;
    });
    queuedCatchUp = task;
    queue = task.catch(() => undefined);
    return task;
  }

  function endLinks(code: number, reason: string) {
    for (const link of links.list()) {
      links.remove(link);
      link.end(code, reason);
    }
  }

  async function hello(link: Link, frame: HelloFrame) {
    let principal: Principal | null = null;
    let sessionToken: string | undefined;
    if (frame.token === '') {
      if (!allowNewVisitors) throw new ConfabError('unauthenticated', 'A token is required.');
      const created = await run({ kind: 'system' }, { type: 'visitor.create' }, `visitor-${newId()}`);
      const contactId = created.result?.contactId;
      if (!contactId) throw new ConfabError('internal', 'The visitor could not be created.');
      principal = { kind: 'visitor', contactId };
      sessionToken = await auth.issueVisitorSession(contactId);
    } else {
      principal = await auth.verify(frame.token);
      if (!principal || principal.kind === 'system')
        throw new ConfabError('unauthenticated', 'The token is not valid.');
    }
    if (frame.identity !== undefined && principal.kind === 'visitor') {
      const identity = auth.verifyIdentity ? await auth.verifyIdentity(frame.identity) : null;
      if (!identity) {
        link.send({
          v: 1,
          type: 'error',
          error: {
            code: 'unauthenticated',
            message: 'The identity token was refused; continuing without a verified identity.',
          },
        });
      } else {
        const verified = await run(
          { kind: 'system' },
          {
            type: 'visitor.verify',
            contactId: principal.contactId,
            email: identity.email,
            ...(identity.name ? { name: identity.name } : {}),
          },
          `verify-${newId()}`,
        );
        const contactId = verified.result?.contactId ?? principal.contactId;
        if (contactId !== principal.contactId) {
          principal = { kind: 'visitor', contactId };
          sessionToken = await auth.issueVisitorSession(contactId);
        }
      }
    }
    const known = frame.pending?.length ? await outcomes.find(principalKey(principal), frame.pending) : new Map();
    // A client that comes from another process may have seen more than this one applied: catch up
    // first, so that it resumes rather than resyncs. Without the database it goes on from here.
    if (shared) await catchUp().catch(() => undefined);
    await queue;
    if (link.closed) return;
    if (stale) throw new StorageUnreachableError('The database did not answer; reconnect.');
    // From here to `goLive` nothing awaits, so no event can slip between catch-up and fan-out.
    link.principal = principal;
    const committed = committedOf(principal, frame.pending ?? [], known);
    const current = seqFor(principal, seq);
    link.send({
      v: 1,
      type: 'welcome',
      principal,
      seq: current,
      epoch,
      ...(sessionToken ? { sessionToken } : {}),
      ...(committed.length ? { committed } : {}),
      ...(options.uploadMaxBytes ? { uploadMaxBytes: options.uploadMaxBytes } : {}),
    });
    const from = frame.resumeFrom;
    // A hello whose identity named another contact than its token resumes nothing of the token's.
    const switched = sessionToken !== undefined && frame.token !== '';
    // Numbers of another history (the log was restored from a backup) cannot be resumed from.
    const otherHistory = frame.epoch !== undefined && frame.epoch !== epoch;
    const missed = switched || otherHistory || from === undefined ? null : missedSince(principal, from);
    if (missed) {
      if (missed.length) link.send({ v: PROTOCOL_VERSION, type: 'events', events: missed });
    } else {
      link.send({
        v: 1,
        type: 'snapshot',
        snapshot: snapshotFor(state, principal, current),
        resync: from !== undefined,
      });
    }
    links.goLive(link);
  }

  /** What a principal missed after its number `from`, or null when that is out of reach (a snapshot then). */
  function missedSince(principal: Principal, from: number): SequencedEvent[] | null {
    if (principal.kind === 'visitor') return streams.since(principal.contactId, from);
    const oldest = recent.length ? recent[0]!.seq : seq + 1;
    if (from > seq || from < oldest - 1) return null;
    const missed: SequencedEvent[] = [];
    for (const sequenced of recent) {
      if (sequenced.seq <= from) continue;
      const projected = projectEvent(state, principal, sequenced.event);
      if (projected) missed.push({ seq: sequenced.seq, cause: sequenced.cause, event: projected });
    }
    return missed;
  }

  /** Which of the commands a hello asks after were committed, with what their acks said. */
  function committedOf(
    principal: Principal,
    commandIds: string[],
    known: Map<string, CommitRecord['outcome']>,
  ): CommittedCommand[] {
    const committed: CommittedCommand[] = [];
    for (const id of commandIds) {
      const outcome = known.get(id);
      if (outcome?.ok)
        committed.push({
          id,
          seq: seqFor(principal, outcome.seq),
          ...(outcome.result ? { result: outcome.result } : {}),
        });
    }
    return committed;
  }

  function connect(send: Link['send'], end: Link['end'], _info: ConnectionInfo = {}): BackendConnection {
    const link: Link = {
      send: safe(send),
      end,
      principal: null,
      live: false,
      closed: false,
    };
    links.add(link);
    let greeting: Promise<void> | null = null;
    // The conversation this link's agent said they view, so that closing the link ends it for the others.
    let viewingConversation: string | null = null;

    const refuse = (error: ConfabError, id?: string) =>
      link.send({ v: 1, type: 'error', ...(id !== undefined ? { id } : {}), error: error.toPayload() });

    async function handle(frame: ClientFrame) {
      if (frame.type === 'ping') {
        link.send({ v: 1, type: 'pong' });
        return;
      }
      if (frame.type === 'hello') {
        if (greeting) {
          refuse(new ConfabError('invalid', 'This connection already said hello.'));
          return;
        }
        greeting = hello(link, frame).catch((error: unknown) => {
          if (error instanceof StorageUnreachableError) {
            closeLink(CLOSE_CODES.serviceRestart, error.message);
            return;
          }
          const refusal = error instanceof ConfabError ? error : new ConfabError('internal', 'The hello failed.');
          refuse(refusal);
          // A refused hello ends the link: the client must not retry with the same credentials.
          const closeCode = closeCodeOf(refusal.code);
          if (closeCode !== null) closeLink(closeCode, refusal.message);
        });
        return;
      }
      await greeting;
      if (!link.principal) {
        refuse(new ConfabError('unauthenticated', 'Say hello with a token first.'), frame.id);
        return;
      }
      const principal = link.principal;
      try {
        if (isSignalCommand(frame.command)) {
          execute(state, principal, frame.command, { now: now(), newId });
          if (frame.command.type === 'viewing')
            viewingConversation = frame.command.viewing ? frame.command.conversationId : null;
          signal(principal, frame.command);
          link.send({ v: 1, type: 'ack', id: frame.id, seq: seqFor(principal, seq) });
          if (principal.kind === 'visitor' && frame.command.type === 'typing' && frame.command.typing)
            recordTyping(frame.command.conversationId);
          return;
        }
        const outcome = await run(principal, frame.command, frame.id);
        link.send({
          v: 1,
          type: 'ack',
          id: frame.id,
          seq: seqFor(principal, outcome.seq),
          ...(outcome.result ? { result: outcome.result } : {}),
        });
      } catch (error) {
        // Stored or not is unknown: the client re-sends the same id after it reconnects.
        if (error instanceof StorageUnreachableError) {
          closeLink(CLOSE_CODES.serviceRestart, error.message);
          return;
        }
        refuse(
          error instanceof ConfabError
            ? error
            : new ConfabError('internal', 'The command failed; nothing was changed.'),
          frame.id,
        );
      }
    }

    function closeLink(code: number, reason: string) {
      if (link.closed) return;
      links.remove(link);
      stopViewing();
      end(code, reason);
    }

    /** A closed link no longer views its conversation: the other agents hear it now, not at expiry. */
    function stopViewing() {
      const conversationId = viewingConversation;
      viewingConversation = null;
      if (conversationId && link.principal) signal(link.principal, { type: 'viewing', conversationId, viewing: false });
    }

    return {
      get principal() {
        return link.principal;
      },
      receive(raw) {
        if (link.closed) return;
        let frame: ClientFrame;
        let value = raw;
        try {
          if (typeof raw === 'string') {
            if (raw.length > MAX_FRAME_LENGTH)
              throw new ConfabError('too-large', `A frame may have at most ${MAX_FRAME_LENGTH} characters.`);
            try {
              value = JSON.parse(raw);
            } catch {
              throw new ConfabError('invalid', 'The frame is not JSON.');
            }
          }
          frame = validateClientFrame(value);
        } catch (error) {
          const refusal = error instanceof ConfabError ? error : new ConfabError('invalid', 'The frame is malformed.');
          const id =
            typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string'
              ? (value as { id: string }).id
              : undefined;
          refuse(refusal, id && id.length <= 128 ? id : undefined);
          // A client that greets in another protocol version cannot be served on this link at all;
          // later junk with a wrong version is answered like any other junk.
          if (refusal.code === 'unsupported-version' && !greeting)
            closeLink(CLOSE_CODES.unsupportedVersion, refusal.message);
          return;
        }
        void handle(frame);
      },
      close() {
        links.remove(link);
        stopViewing();
      },
    };
  }

  /**
   * T11: a visitor typing in a bot conversation becomes a durable `visitor.typed`, once per typing
   * window. The command id names the conversation and the window, so every process of a cluster
   * that hears the typing gives the same command and it runs once. Best effort like the signal
   * itself: a refusal or an unreachable store only leaves that window's typing uncounted.
   */
  function recordTyping(conversationId: string) {
    const at = now();
    const conversation = state.conversations.get(conversationId);
    if (!conversation || !typingMovesBotClock(state, conversation, at)) return;
    const command: Command = { type: 'visitor.typed', conversationId };
    run({ kind: 'system' }, command, `visitor-typed:${conversationId}:${typingWindowStart(at)}`).catch(() => {});
  }

  /** Relays a signal to this hub's links, and (through `onSignal`) to other processes'. */
  function signal(principal: Principal, command: SignalCommand) {
    relaySignal(state, links, principal, command);
    options.onSignal?.(principal, command);
  }

  return {
    ready,
    state,
    get seq() {
      return seq;
    },
    connect,
    async execute(principal, command, commandId = `direct-${newId()}`) {
      return run(principal, command, commandId);
    },
    append,
    catchUp,
    receive,
    relaySignal(principal, command) {
      relaySignal(state, links, principal, command);
    },
    get epoch() {
      return epoch;
    },
    get openLinks() {
      return links.size;
    },
    endLinks,
    disconnectPrincipal(match, code, reason) {
      for (const link of links.list()) {
        if (link.principal && match(link.principal)) {
          links.remove(link);
          link.end(code, reason);
        }
      }
    },
    async close() {
      closed = true;
      await queue;
      clearInterval(snapshotTimer);
      clearInterval(forgetTimer);
      await snapshotWrite;
      unsubscribeFanOut();
      for (const link of links.list()) {
        links.remove(link);
        link.end(1001, 'server shutting down');
      }
      await storage.close();
    },
  };
}

/** A link's send must never throw into the hub (a socket may close at any moment). */
function safe(send: (frame: ServerFrame) => void): (frame: ServerFrame) => void {
  return (frame) => {
    try {
      send(frame);
    } catch {
      // The transport is gone; its close handler cleans up.
    }
  };
}

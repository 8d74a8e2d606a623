import { execute, projectEvent, snapshotFor } from '../engine/engine.js';
import { createEngineState } from '../engine/state.js';
import { SnapshotFormatError, deserializeEngineState, serializeEngineState } from '../engine/state-snapshot.js';
import { LazyMessages } from '../engine/lazy-messages.js';
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

let idCounter = 0;
function defaultNewId(): string {
  idCounter = (idCounter + 1) % 0x100000;
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `${Date.now().toString(36)}${idCounter.toString(36).padStart(4, '0')}${random[0].toString(36)}${random[1].toString(36)}`.slice(
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
      ? { commitLocked: storage.commitLocked.bind(storage), eventsAfter: storage.eventsAfter.bind(storage) }
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

  const ready = (async () => {
    let stored = await storage.load({ recent: retention });
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
    void outcomes.forgetOld(now()).catch(() => undefined);
    if (sinceSnapshot >= snapshotEveryEvents) snapshotSoon();
  })();

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
    if (closed || sinceSnapshot === 0) return;
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

  /** Applies a record storage committed, then publishes and delivers its events. */
  function applyRecord(record: CommitRecord) {
    const stored = record.events.map((event) => ({ ...event, by: record.principalKey }));
    const deliveries = applyCommitted(stored);
    seq += record.events.length;
    remember(record.events);
    if (record.events.length) fanOut.publish(record.events);
    deliverToVisitors(streams, links, deliveries);
    if (sinceSnapshot >= snapshotEveryEvents) snapshotSoon();
    if (stored.length) options.onCommitted?.(stored);
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

  /**
   * Decides a command against the current state and commits the record `decide` returns: in a
   * shared log under its lock, after catching up on what other processes committed. Resolves with
   * the record once committed and applied, or with the command id's stored outcome (`known`: it
   * ran before, here or elsewhere, and is answered again without running). Acknowledged means
   * committed: nothing is applied or answered before storage says so.
   */
  async function decideAndCommit(
    key: string,
    commandId: string,
    decide: () => CommitRecord,
  ): Promise<{ committed: CommitRecord } | { known: StoredOutcome }> {
    if (!shared) {
      const known = (await outcomes.find(key, [commandId])).get(commandId);
      if (known) return { known };
      const record = decide();
      await storage.commit(record);
      applyRecord(record);
      return { committed: record };
    }
    const cached = outcomes.cached(key, commandId);
    if (cached) return { known: cached };
    let decided: { committed: CommitRecord } | { known: StoredOutcome } | null = null;
    await shared.commitLocked({ principalKey: key, commandId, seq }, ({ missed, outcome }) => {
      applyMissed(missed);
      if (outcome) {
        decided = { known: outcome };
        return null;
      }
      const record = decide();
      decided = { committed: record };
      return record;
    });
    const result = decided as { committed: CommitRecord } | { known: StoredOutcome } | null;
    if (!result) throw new ConfabError('internal', 'The command was not decided; nothing was changed.');
    if ('committed' in result) applyRecord(result.committed);
    return result;
  }

  /** The command with its files as the server stored them (BackendOptions.admitAttachments). */
  async function admitted(principal: Principal, command: Command): Promise<Command> {
    const files = 'attachments' in command ? command.attachments : undefined;
    if (!files?.length || !options.admitAttachments) return command;
    return { ...command, attachments: await options.admitAttachments(principal, command, files) } as Command;
  }

  /** Runs one command through the engine, commits it, then publishes. Serialised by `queue`. */
  function run(principal: Principal, given: Command, commandId: string): Promise<Outcome> {
    const task = queue.then(async (): Promise<Outcome> => {
      await ready;
      if (closed) throw new ConfabError('internal', 'The backend is shutting down.');
      const command = await admitted(principal, given);
      const key = principalKey(principal);
      const decided = await decideAndCommit(key, commandId, () => {
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
      });
      const outcome = 'known' in decided ? decided.known : decided.committed.outcome;
      outcomes.keep(key, commandId, outcome);
      if (!outcome.ok) throw ConfabError.fromPayload(outcome.error);
      return { seq: outcome.seq, ...(outcome.result ? { result: outcome.result } : {}) };
    });
    queue = task.catch(() => undefined);
    return task;
  }

  async function append(events: ConfabEvent[]): Promise<number> {
    const task = queue.then(async () => {
      await ready;
      const commandId = `append-${newId()}`;
      await decideAndCommit('system', commandId, () => {
        const sequenced = events.map((event, index) => ({ seq: seq + index + 1, cause: null, event }));
        return {
          principalKey: 'system',
          commandId,
          events: sequenced,
          outcome: { ok: true, seq: seq + sequenced.length },
          at: now(),
        };
      });
      // The events just appended are the last applied.
      return seq;
    });
    queue = task.catch(() => undefined);
    return task;
  }

  /** Applies a batch another process published: in order, once, gaps filled from the log. */
  function receive(events: readonly StoredEvent[]): Promise<void> {
    if (!shared) return Promise.resolve();
    const log = shared;
    const task = queue.then(async () => {
      await ready;
      if (closed) return;
      const fresh = events.filter((event) => event.seq > seq);
      if (!fresh.length) return;
      applyMissed(fresh[0]!.seq === seq + 1 ? fresh : await log.eventsAfter(seq));
    });
    queue = task.catch(() => undefined);
    return task;
  }

  /** Applies what other processes committed since `seq`; serialised with commands by `queue`. */
  function catchUp(): Promise<number> {
    if (!shared) return Promise.resolve(0);
    const log = shared;
    const task = queue.then(async () => {
      await ready;
      if (closed) return 0;
      const before = seq;
      applyMissed(await log.eventsAfter(seq));
      return seq - before;
    });
    queue = task.catch(() => undefined);
    return task;
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
    endLinks(code, reason) {
      for (const link of links.list()) {
        links.remove(link);
        link.end(code, reason);
      }
    },
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

import { createNanoEvents } from 'nanoevents';
import type { EngineState } from '../engine/state.js';
import type { Agent, Contact } from '../model/model.js';
import type { AgentCommand, Command, VisitorCommand } from '../protocol/commands.js';
import { ConfabError, type ErrorCode, type FatalErrorCode } from '../protocol/errors.js';
import { stopCause } from './stop-cause.js';
import type { ConfabEvent, SequencedEvent, Snapshot, TypingSignal } from '../protocol/events.js';
import type { CommittedCommand, Principal, ServerFrame } from '../protocol/frames.js';
import { MAX_FRAME_LENGTH, MAX_HELLO_PENDING, PROTOCOL_VERSION } from '../protocol/frames.js';
import { emailKey } from '../engine/email.js';
import { openPersistence, resilient, type Persistence } from '../persistence/persistence.js';
import { writable } from '../store/readable.js';
import { createInboxStore } from '../store/store.js';
import { createVisitorStore } from '../store/visitor-store.js';
import type { InboxStore, ReplicaStore } from '../store/types.js';
import type { ConnectionState } from '../transport/transport.js';
import type {
  Client,
  ClientEvents,
  ClientOptions,
  ClientStatus,
  InboxClient,
  PendingCommand,
  VisitorClient,
  VisitorClientOptions,
} from './types.js';

type ExecuteOptimistic = typeof import('../engine/optimistic.js').executeOptimistic;
/**
 * Loads the engine's rules for drawing a command's effect early. Agents' and visitors' load apart,
 * so that the widget's bundle holds only the visitor's (DESIGN §4).
 */
type RulesLoader = () => Promise<{ executeOptimistic: ExecuteOptimistic }>;
const agentRules: RulesLoader = () => import('../engine/optimistic.js');
const visitorRules: RulesLoader = () => import('../engine/visitor-optimistic.js');
const loadedRules = new Map<RulesLoader, ExecuteOptimistic>();
const loadingRules = new Map<RulesLoader, Promise<ExecuteOptimistic | null>>();

/**
 * The rules, loaded on first use: an app starts without them (DESIGN §4 budgets), and effects are
 * drawn as soon as they are here.
 */
function loadOptimisticRules(load: RulesLoader): Promise<ExecuteOptimistic | null> {
  let loading = loadingRules.get(load);
  if (!loading) {
    loading = load().then(
      (module) => {
        loadedRules.set(load, module.executeOptimistic);
        return module.executeOptimistic;
      },
      () => null,
    );
    loadingRules.set(load, loading);
  }
  return loading;
}

/** Records shown before the server confirmed them carry ids with this prefix. */
export const PENDING_ID_PREFIX = 'pending:';

/** True for a record created optimistically by a command the server has not confirmed yet. */
export function isPendingRecord(id: string): boolean {
  return id.startsWith(PENDING_ID_PREFIX);
}

/** The command id behind a pending record's id, or null for a confirmed record. */
export function commandIdOf(recordId: string): string | null {
  if (!isPendingRecord(recordId)) return null;
  return recordId.slice(PENDING_ID_PREFIX.length, recordId.lastIndexOf(':'));
}

/** Refusals worth trying again later under the same command id: nothing was changed. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set(['rate-limited', 'internal', 'offline', 'unauthenticated']);
const RETRY_DELAY_MS = 2000;
const TYPING_EXPIRES_MS = 8000;
/** Room in a frame for what wraps the command: version, type and command id. */
const FRAME_ENVELOPE_LENGTH = 256;
const SNAPSHOT_DELAY_MS = 1500;
const SNAPSHOT_MAX_DELAY_MS = 30_000;
/**
 * Above this many conversations the replica is not saved: cloning it into IndexedDB blocks the
 * page for seconds (measured 2.5–7 s at 100k), worse than a cold start from the server.
 */
const SNAPSHOT_MAX_CONVERSATIONS = 20_000;

/** One pending command as stored: one record per command, so tabs never overwrite each other. */
interface StoredCommand {
  id: string;
  command: Command;
  state: 'queued' | 'failed';
  error?: PendingCommand['error'];
  createdAt: number;
  /** Orders commands of one client created in the same millisecond. */
  sequence: number;
  /**
   * Who queued it: their principal key (`agent:<id>`), or before a welcome named them the hash of
   * the token (older versions: always the hash). No one else ever sends it.
   */
  owner: string;
}

interface PersistedSnapshot {
  principal: Principal;
  tokenHash: string;
  snapshot: Snapshot;
  /** Pending commands whose effects the snapshot holds (their acks had not come yet). */
  committed?: Record<string, NonNullable<PendingCommand['committed']>>;
  /**
   * Set since visitors count their own stream's numbers (issue 20 item 4): a visitor's snapshot
   * without it holds a workspace number, which must not be resumed from.
   */
  ownNumbers?: true;
}

interface OptimisticChange {
  /** The record the optimistic event wrote, and what was there before (undefined: nothing). */
  applied: ConfabEvent;
  previous: ConfabEvent | undefined;
}

/**
 * Creates the agent's inbox client: a live replica of the team's inbox over any Transport, with
 * optimistic commands, an outbox that survives reloads, drafts, and an instant start from the last
 * snapshot.
 *
 * @example
 * const client = createInboxClient({ transport: createWebSocketTransport({ url }), token });
 * const unassigned = client.store.query({ viewId: 'unassigned' });
 * unassigned.subscribe((result) => render(result.slice(0, 50)));
 * await client.send({ type: 'conversation.assign', conversationId, assigneeId: 'agent-2' });
 */
export function createInboxClient(options: ClientOptions): InboxClient {
  const base = createClient<AgentCommand, InboxStore>('agent', options, createInboxStore({ me: null }), agentRules);
  const me = writable<Agent | null>(null);
  const refresh = () => {
    const principal = base.status.get().principal;
    me.set(principal?.kind === 'agent' ? (base.store.state.agents.get(principal.agentId) ?? null) : null);
  };
  base.store.revision.subscribe(refresh);
  base.status.subscribe(refresh);
  return { ...base, me };
}

/**
 * Creates a website visitor's client. It keeps the visitor's session token (never in a URL) so
 * that the history survives reloads and navigation (W2).
 *
 * @example
 * const client = createVisitorClient({ transport: createWebSocketTransport({ url }) });
 * const { conversationId } = await client.send({ type: 'visitor.startChat', text: 'Hello!' });
 */
export function createVisitorClient(options: VisitorClientOptions): VisitorClient {
  // A visitor's replica keeps no view or search indexes: the widget needs neither (DESIGN §4).
  const base = createClient<VisitorCommand, ReplicaStore>('visitor', options, createVisitorStore(), visitorRules);
  const contact = writable<Contact | null>(null);
  const refresh = () => {
    const principal = base.status.get().principal;
    contact.set(principal?.kind === 'visitor' ? (base.store.state.contacts.get(principal.contactId) ?? null) : null);
  };
  base.store.revision.subscribe(refresh);
  base.status.subscribe(refresh);
  return { ...base, contact };
}

function createClient<C extends Command, S extends ReplicaStore>(
  kind: 'agent' | 'visitor',
  options: VisitorClientOptions,
  store: S,
  rules: RulesLoader,
): Client<C, S> {
  const namespace = options.namespace ?? 'confab';
  const key = (name: string) => `${namespace}:${kind}:${name}`;
  /** Outbox records are `<namespace>:<kind>:outbox:<command id>`. */
  const outboxPrefix = key('outbox:');
  const transport = options.transport;
  const connection = writable<ConnectionState>('offline');
  const status = writable<ClientStatus>({ principal: null, ready: false, storage: 'memory', resyncs: 0 });
  const stopped = writable<FatalErrorCode | null>(null);
  const updateStopped = () => {
    const cause = stopCause(status.get(), connection.get());
    if (cause !== stopped.get()) stopped.set(cause);
  };
  status.subscribe(updateStopped);
  connection.subscribe(updateStopped);
  const pending = writable<PendingCommand[]>([]);
  const typing = writable<TypingSignal[]>([]);
  const emitter = createNanoEvents<ClientEvents>();
  const waiters = new Map<
    string,
    { resolve: (result: Record<string, string>) => void; reject: (error: ConfabError) => void }
  >();
  const optimistic = new Map<string, OptimisticChange[]>();
  /** Records each pending command created early, kept until its effects or ack name their real ids. */
  const createdEarly = new Map<string, OptimisticChange[]>();
  /** Acks that came before the command's events: it is settled once its effects are in the replica. */
  const earlyAcks = new Map<string, { seq: number; result: Record<string, string> }>();
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const drafts = new Map<string, string>();
  /** Each pending command's place among those this client created in the same millisecond. */
  const sequences = new Map<string, number>();

  let persistence: Persistence | null = null;
  let token = options.token ?? '';
  /** Whose outbox records this client writes: see StoredCommand.owner. Set at start. */
  let owner = '';
  /** Stored commands of other principals: the welcome may name one of them (a refreshed token). */
  let unclaimed: StoredCommand[] = [];
  /** setToken ran: the welcome tells whose the new token is. */
  let tokenChanged = false;
  /** The last hello asked to resume (the server then sends only what was missed). */
  let helloResumed = false;
  let appliedSeq: number | null = null;
  let welcomed = false;
  let closed = false;
  let snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  let draftTimer: ReturnType<typeof setTimeout> | undefined;
  /** Outbox writes queue behind start-up: storage is open and the saved outbox merged first. */
  let outboxWrite: Promise<unknown>;
  let commandCounter = 0;
  let lastCreatedAt = 0;
  /** False until a welcome confirmed who a new identity token makes this visitor. */
  let resumeAllowed = true;
  /** The token the last hello carried. */
  let helloToken = '';
  /**
   * The server refused this visitor's stored session before welcoming it (revoked, or past its
   * lifetime): when the socket closes the visitor starts over as a new one instead of stopping.
   */
  let sessionRefused = false;
  /** Starting over: the transport's own report of the close is not news to show. */
  let startingOver = false;
  /** Fatal error codes already written to the console. */
  const reportedCauses = new Set<string>();

  const patchStatus = (patch: Partial<ClientStatus>) => status.set({ ...status.get(), ...patch });
  const principal = () => status.get().principal;

  const started = start();
  outboxWrite = started.catch(() => undefined);
  // Pending commands queued before the rules arrived are drawn when they do.
  let executeOptimistic = loadedRules.get(rules) ?? null;
  void loadOptimisticRules(rules).then((execute) => {
    executeOptimistic = execute;
    for (const entry of pending.get()) applyOptimistic(entry);
  });

  async function start() {
    persistence = resilient(options.persistence ?? (await openPersistence(namespace)));
    if (kind === 'visitor' && options.identity !== undefined) {
      // Another person signed in on this browser: nothing of the one before may show or be sent,
      // and their session must not travel with the new identity.
      const subject = identitySubject(options.identity);
      const storedSubject = await persistence.get<string>(key('identity'));
      if (storedSubject !== undefined && storedSubject !== subject) await forgetStored(persistence);
      if (storedSubject !== subject) {
        await persistence.set(key('identity'), subject);
        // The identity may name another contact than the session: ask for a full snapshot.
        resumeAllowed = false;
      }
    }
    if (kind === 'visitor' && !token) token = (await persistence.get<string>(key('session'))) ?? '';
    const tokenHash = await hashToken(token);
    const [records, savedDrafts, saved] = await Promise.all([
      persistence.entries<StoredCommand>(outboxPrefix),
      persistence.get<Record<string, string>>(key('drafts')),
      persistence.get<PersistedSnapshot>(key('snapshot')),
    ]);
    reportStorage();
    for (const [conversationId, text] of Object.entries(savedDrafts ?? {})) drafts.set(conversationId, text);
    const usable = saved && saved.tokenHash === tokenHash && (saved.principal.kind !== 'visitor' || saved.ownNumbers);
    // Until a welcome names the token's principal, only a snapshot saved under this token does.
    owner = usable ? principalKeyOf(saved.principal) : tokenHash;
    if (usable) {
      store.reset(saved.snapshot, saved.principal.kind === 'agent' ? saved.principal.agentId : null);
      appliedSeq = saved.snapshot.seq;
      patchStatus({ principal: saved.principal, ready: true });
    }
    const mine = (record: StoredCommand) => record.owner === owner || record.owner === tokenHash || record.owner === '';
    const stored = records.map(([, record]) => record).filter(Boolean);
    unclaimed = stored.filter((record) => !mine(record));
    restore(stored.filter(mine), usable ? (saved.committed ?? {}) : {});
    if (closed) return;
    transport.connect({ frame: onFrame, state: onConnectionState });
  }

  /** Takes stored commands back into the outbox, oldest first, and draws their effects. */
  function restore(stored: StoredCommand[], savedCommitted: NonNullable<PersistedSnapshot['committed']>) {
    stored.sort((a, b) => a.createdAt - b.createdAt || a.sequence - b.sequence);
    const known = new Set(pending.get().map((entry) => entry.id));
    const restored: PendingCommand[] = [];
    for (const record of stored) {
      if (known.has(record.id)) continue;
      known.add(record.id);
      restored.push({
        id: record.id,
        command: record.command,
        state: record.state === 'failed' ? 'failed' : 'queued',
        createdAt: record.createdAt,
        ...(record.error ? { error: record.error } : {}),
        ...(savedCommitted[record.id] ? { committed: savedCommitted[record.id] } : {}),
      });
      sequences.set(record.id, record.sequence);
    }
    // Another tab may restore and send the same records. No lock is needed: the server answers a
    // command id it knows from its record, and a tab that left them to the other would show them
    // pending until its next start.
    if (restored.length) {
      // Saved commands are older than any sent while this client started.
      pending.set([...restored, ...pending.get()]);
      for (const entry of restored) applyOptimistic(entry);
    }
  }

  /** Ends the link and opens a new one: its hello carries the current token and resume point. */
  function renewLink() {
    transport.disconnect();
    if (!closed) transport.connect({ frame: onFrame, state: onConnectionState });
  }

  /** Deletes everything this client keeps for its principal: session, snapshot, outbox, drafts. */
  async function forgetStored(from: Persistence) {
    const records = await from.entries<StoredCommand>(outboxPrefix);
    await Promise.all([
      ...['session', 'snapshot', 'drafts', 'identity'].map((name) => from.del(key(name))),
      ...records.map(([recordKey]) => from.del(recordKey)),
    ]);
  }

  function onConnectionState(next: ConnectionState) {
    connection.set(next);
    if (next === 'online') {
      welcomed = false;
      helloToken = token;
      helloResumed = appliedSeq !== null && resumeAllowed;
      // Any of these may have been committed with its ack lost: the welcome says which.
      const unanswered = pending
        .get()
        .filter((entry) => entry.state !== 'failed' && !earlyAcks.has(entry.id))
        .slice(0, MAX_HELLO_PENDING)
        .map((entry) => entry.id);
      transport.send({
        v: PROTOCOL_VERSION,
        type: 'hello',
        token,
        ...(helloResumed ? { resumeFrom: appliedSeq! } : {}),
        ...(options.identity ? { identity: options.identity } : {}),
        ...(unanswered.length ? { pending: unanswered } : {}),
      });
    } else {
      welcomed = false;
      for (const entry of pending.get()) if (entry.state === 'sending') entry.state = 'queued';
      pending.set([...pending.get()]);
      reportStop();
      if (sessionRefused && !closed) void startOverAsNewVisitor();
    }
  }

  /**
   * A refused session is gone for good (the server never resumes it): forget everything kept
   * under it and say hello as a new visitor, so the widget keeps working instead of stopping at
   * "unauthenticated". Commands queued for the old session would be refused under the new one.
   */
  async function startOverAsNewVisitor() {
    sessionRefused = false;
    startingOver = true;
    dropAllPending('The chat session ended before the server confirmed the command.');
    drafts.clear();
    emptyReplica(null);
    patchStatus({ principal: null, ready: false });
    token = '';
    owner = await hashToken(token);
    unclaimed = [];
    resumeAllowed = false;
    if (persistence) await queueWrite(() => forgetStored(persistence!));
    startingOver = false;
    if (!closed) transport.connect({ frame: onFrame, state: onConnectionState });
  }

  function onFrame(frame: ServerFrame) {
    switch (frame.type) {
      case 'welcome':
        onWelcome(frame.principal, frame.sessionToken, frame.committed ?? []);
        break;
      case 'snapshot':
        onSnapshot(frame.snapshot, frame.resync);
        break;
      case 'events':
        onEvents(frame.events);
        break;
      case 'ack':
        onAck(frame.id, frame.seq, frame.result ?? {});
        break;
      case 'error':
        if (startingOver) break;
        if (
          kind === 'visitor' &&
          !welcomed &&
          helloToken !== '' &&
          frame.error.code === 'unauthenticated' &&
          frame.id === undefined
        ) {
          // Refused sessions close with 4401 next; a refused identity token is followed by a welcome instead.
          sessionRefused = true;
        }
        if (frame.id !== undefined && pending.get().some((entry) => entry.id === frame.id)) {
          refuse(frame.id, ConfabError.fromPayload(frame.error));
        } else {
          patchStatus({ error: frame.error });
          reportStop();
          emitter.emit('error', ConfabError.fromPayload(frame.error));
        }
        break;
      case 'typing':
        onTyping(frame.signal);
        break;
      case 'pong':
        break;
    }
  }

  /**
   * Says once per cause, in the console, why this client stopped (a fatal error, and the link
   * gone): the page shows it to the person, the developer reads the details here.
   */
  function reportStop() {
    const cause = stopped.get();
    if (!cause || sessionRefused || reportedCauses.has(cause)) return;
    reportedCauses.add(cause);
    console.error(`Confab: the connection stopped (${cause}): ${status.get().error?.message ?? ''}`);
  }

  function onWelcome(next: Principal, sessionToken: string | undefined, committed: CommittedCommand[]) {
    const before = principal();
    // A new session for the token we sent means the identity token named another contact.
    const switched =
      (before !== null && principalKeyOf(before) !== principalKeyOf(next)) ||
      (helloToken !== '' && sessionToken !== undefined);
    if (switched) {
      // What was queued and drafted under the old session is never sent as someone else.
      dropAllPending('The signed-in person changed before the server confirmed the command.');
      drafts.clear();
      clearTimeout(draftTimer);
      draftTimer = undefined;
      void queueWrite(() => persistence?.del(key('drafts')));
      // Nothing of the old replica may remain, not even until the snapshot.
      emptyReplica(next.kind === 'agent' ? next.agentId : null);
      patchStatus({ ready: false });
      void persistence?.del(key('snapshot'));
      // Events since the other principal's number would not rebuild the emptied replica.
      if (helloResumed) return renewLink();
    }
    resumeAllowed = true;
    sessionRefused = false;
    if (sessionToken) {
      token = sessionToken;
      void persistence?.set(key('session'), sessionToken);
    }
    const me = principalKeyOf(next);
    restore(
      unclaimed.filter((record) => record.owner === me),
      {},
    );
    unclaimed = [];
    if (owner !== me) {
      // The commands now belong to this principal, whatever token it signs in with next.
      owner = me;
      for (const entry of pending.get()) void saveCommand(entry, 'replace');
    }
    // The saved snapshot names its token: saved again, a reload with the new token starts from it.
    if (tokenChanged) scheduleSnapshot(true);
    tokenChanged = false;
    patchStatus({ principal: next, error: undefined });
    welcomed = true;
    for (const answer of committed) onAck(answer.id, answer.seq, answer.result ?? {});
    flushOutbox();
  }

  /** Empties the replica and its optimistic layer: nothing of the person before stays on screen. */
  function emptyReplica(me: string | null) {
    appliedSeq = null;
    optimistic.clear();
    store.reset(emptySnapshot(store.state.settings), me);
  }

  /** Forgets every unconfirmed command (memory and storage); their promises reject with `forbidden`. */
  function dropAllPending(reason: string) {
    for (const entry of pending.get()) {
      void dropCommand(entry.id);
      waiters.get(entry.id)?.reject(new ConfabError('forbidden', reason));
      waiters.delete(entry.id);
    }
    createdEarly.clear();
    earlyAcks.clear();
    pending.set([]);
  }

  function onSnapshot(snapshot: Snapshot, resync: boolean) {
    const current = principal();
    store.reset(snapshot, current?.kind === 'agent' ? current.agentId : null);
    appliedSeq = snapshot.seq;
    // The optimistic layer was wiped with the old state; lay it again over the new one, but not
    // for commands whose effects the snapshot holds: those are settled, or shown as confirmed.
    optimistic.clear();
    settleEarlyAcks();
    for (const entry of pending.get()) applyOptimistic(entry);
    patchStatus({ ready: true, ...(resync ? { resyncs: status.get().resyncs + 1 } : {}) });
    if (resync) emitter.emit('resync');
    scheduleSnapshot();
  }

  function onEvents(events: SequencedEvent[]) {
    const fresh = events.filter((sequenced) => appliedSeq === null || sequenced.seq > appliedSeq);
    if (!fresh.length) return;
    const ownCommands = new Set(pending.get().map((entry) => entry.id));
    // Our own commands whose effects arrive now: their early records give way to the confirmed ones.
    const arriving = new Map<string, SequencedEvent[]>();
    for (const sequenced of fresh) {
      if (!sequenced.cause || !ownCommands.has(sequenced.cause)) continue;
      const batch = arriving.get(sequenced.cause) ?? [];
      batch.push(sequenced);
      arriving.set(sequenced.cause, batch);
    }
    for (const commandId of arriving.keys()) undoOptimistic(commandId);
    const created = new Map([...arriving].map(([commandId, batch]) => [commandId, newRecordIds(store.state, batch)]));
    const newMessages = fresh.filter(
      (sequenced) =>
        sequenced.event.type === 'message.upserted' &&
        !store.state.messages
          .get(sequenced.event.message.conversationId)
          ?.some((message) => message.id === (sequenced.event as { message: { id: string } }).message.id),
    );
    store.apply(fresh.map((sequenced) => sequenced.event));
    appliedSeq = fresh[fresh.length - 1].seq;
    for (const [commandId, batch] of arriving) markCommitted(commandId, batch, created.get(commandId)!);
    settleEarlyAcks();
    if (!status.get().ready) patchStatus({ ready: true });
    const me = principal();
    for (const sequenced of fresh) {
      emitter.emit('event', sequenced);
      const event = sequenced.event;
      if (event.type === 'mention.created' && me?.kind === 'agent' && event.agentId === me.agentId) {
        emitter.emit('mention', { conversationId: event.conversationId, messageId: event.messageId });
      }
    }
    for (const sequenced of newMessages) {
      if (sequenced.cause && ownCommands.has(sequenced.cause)) continue;
      if (sequenced.event.type === 'message.upserted') emitter.emit('message', sequenced.event.message);
    }
    scheduleSnapshot();
  }

  function onTyping(signal: TypingSignal) {
    const id = `${signal.conversationId}\u0000${signal.who}`;
    clearTimeout(typingTimers.get(id));
    const others = typing.get().filter((entry) => `${entry.conversationId}\u0000${entry.who}` !== id);
    if (signal.typing) {
      typing.set([...others, signal]);
      typingTimers.set(
        id,
        setTimeout(() => onTyping({ ...signal, typing: false }), TYPING_EXPIRES_MS),
      );
    } else {
      typingTimers.delete(id);
      typing.set(others);
    }
  }

  // ---- commands -------------------------------------------------------------------------------

  function newCommandId(): string {
    commandCounter += 1;
    const random = crypto.getRandomValues(new Uint32Array(2));
    return `${Date.now().toString(36)}-${commandCounter.toString(36)}-${random[0].toString(36)}${random[1].toString(36)}`;
  }

  function send(command: C): Promise<Record<string, string>> {
    if (closed) return Promise.reject(new ConfabError('offline', 'The client is closed.'));
    // The server cannot read a frame this long, so it could not say which command it refused: the
    // command would wait for an answer forever. Refused here instead, before anything changes.
    if (JSON.stringify(command).length > MAX_FRAME_LENGTH - FRAME_ENVELOPE_LENGTH) {
      return Promise.reject(
        new ConfabError('too-large', `A command may have at most ${MAX_FRAME_LENGTH} characters as JSON.`),
      );
    }
    const id = newCommandId();
    if (command.type === 'typing') {
      // Typing is ephemeral: never queued, never retried.
      if (welcomed) transport.send({ v: PROTOCOL_VERSION, type: 'command', id, command });
      return Promise.resolve({});
    }
    // Never earlier than the command before it, even if the clock steps back.
    lastCreatedAt = Math.max(Date.now(), lastCreatedAt);
    const entry: PendingCommand = { id, command, state: 'queued', createdAt: lastCreatedAt };
    sequences.set(id, commandCounter);
    pending.set([...pending.get(), entry]);
    applyOptimistic(entry);
    if (!welcomed) scheduleSnapshot(true);
    const result = wait(id);
    void saveCommand(entry, 'set').then(() => transmit(entry));
    return result;
  }

  function wait(id: string): Promise<Record<string, string>> {
    return new Promise((resolve, reject) => waiters.set(id, { resolve, reject }));
  }

  function transmit(entry: PendingCommand) {
    if (!welcomed || entry.state === 'failed' || !pending.get().includes(entry)) return;
    // Committed already: its answer came before its events, which are on their way.
    if (earlyAcks.has(entry.id)) return;
    // It names a record an earlier command creates: it goes once that one's real id is known.
    if (referencesPending(entry.command)) return;
    entry.state = 'sending';
    pending.set([...pending.get()]);
    transport.send({ v: PROTOCOL_VERSION, type: 'command', id: entry.id, command: entry.command });
  }

  function flushOutbox() {
    // Re-sending a command the server already has is safe: it answers from its record of the id.
    for (const entry of pending.get()) if (entry.state !== 'failed') transmit(entry);
  }

  /**
   * The server committed a command. If its events are not in the replica yet (a transport may
   * deliver the ack first), records it drew early stay until they are: on screen exactly once.
   */
  function onAck(id: string, seq: number, result: Record<string, string>) {
    const entry = pending.get().find((candidate) => candidate.id === id);
    if (!entry) return;
    const effectsIn = entry.committed !== undefined || (appliedSeq !== null && appliedSeq >= seq);
    if (effectsIn || !createdEarly.get(id)?.length) complete(entry, result);
    else earlyAcks.set(id, { seq, result });
  }

  /** Settles the early acks whose commands' effects the replica now holds. */
  function settleEarlyAcks() {
    for (const [id, ack] of earlyAcks) {
      const entry = pending.get().find((candidate) => candidate.id === id);
      if (!entry) earlyAcks.delete(id);
      else if (entry.committed || (appliedSeq !== null && appliedSeq >= ack.seq)) complete(entry, ack.result);
    }
  }

  /**
   * A command's effects arrived (its ack may still be on its way): from now on it shows as
   * confirmed, and later commands that name its early records name the real ones.
   */
  function markCommitted(commandId: string, batch: SequencedEvent[], created: CreatedRecords) {
    const entry = pending.get().find((candidate) => candidate.id === commandId);
    if (!entry) return;
    entry.committed = {
      seq: batch[batch.length - 1].seq,
      created: [...(entry.committed?.created ?? []), ...created.conversations, ...created.messages],
    };
    pending.set([...pending.get()]);
    resolveEarlyIds(commandId, matchCreated(createdEarly.get(commandId) ?? [], created));
  }

  /** The command is done: acknowledged, and its effects are in the replica. */
  function complete(entry: PendingCommand, result: Record<string, string>) {
    const id = entry.id;
    const resolved = resolvePendingIds(createdEarly.get(id) ?? [], result);
    undoOptimistic(id);
    earlyAcks.delete(id);
    pending.set(pending.get().filter((candidate) => candidate !== entry));
    const waiter = waiters.get(id);
    waiters.delete(id);
    resolveEarlyIds(id, resolved);
    void dropCommand(id);
    waiter?.resolve(result);
  }

  /**
   * Rewrites later commands that name records a command created early to the real ids, and draws
   * their early effects again on the real records (they were drawn on the ones now gone).
   */
  function resolveEarlyIds(commandId: string, resolved: Map<string, string>) {
    createdEarly.delete(commandId);
    if (!resolved.size) return;
    const rewritten: PendingCommand[] = [];
    for (const later of pending.get()) {
      const command = rewriteIds(later.command, resolved);
      if (JSON.stringify(command) === JSON.stringify(later.command)) continue;
      later.command = command;
      rewritten.push(later);
    }
    if (!rewritten.length) return;
    for (const later of rewritten) {
      undoOptimistic(later.id);
      applyOptimistic(later);
    }
    pending.set([...pending.get()]);
    void Promise.all(rewritten.map((later) => saveCommand(later, 'replace'))).then(flushOutbox);
  }

  function refuse(id: string, error: ConfabError) {
    const entry = pending.get().find((candidate) => candidate.id === id);
    if (!entry) return;
    if (RETRYABLE.has(error.code)) {
      entry.state = 'queued';
      pending.set([...pending.get()]);
      setTimeout(() => transmit(entry), RETRY_DELAY_MS);
      return;
    }
    undoOptimistic(id);
    createdEarly.delete(id);
    earlyAcks.delete(id);
    entry.state = 'failed';
    entry.error = error.toPayload();
    pending.set([...pending.get()]);
    const waiter = waiters.get(id);
    waiters.delete(id);
    void saveCommand(entry, 'replace');
    emitter.emit('refused', entry, error);
    waiter?.reject(error);
  }

  /** Runs storage writes one after another, behind start-up (storage open, saved outbox merged). */
  function queueWrite(write: () => Promise<unknown> | undefined): Promise<unknown> {
    outboxWrite = outboxWrite
      .then(write)
      .catch(() => undefined)
      .then(reportStorage);
    return outboxWrite;
  }

  /**
   * Writes one pending command's record, as it is when the write runs. `replace` only updates a
   * record that is still there: another tab may have sent it and deleted it meanwhile.
   */
  function saveCommand(entry: PendingCommand, mode: 'set' | 'replace'): Promise<unknown> {
    return queueWrite(async () => {
      if (!persistence) return;
      const record: StoredCommand = {
        id: entry.id,
        command: entry.command,
        state: entry.state === 'failed' ? 'failed' : 'queued',
        createdAt: entry.createdAt,
        sequence: sequences.get(entry.id) ?? 0,
        owner,
        ...(entry.error ? { error: entry.error } : {}),
      };
      // Acknowledged or discarded before this write ran: its record is gone for good.
      if (!pending.get().includes(entry)) return;
      await persistence[mode](`${outboxPrefix}${entry.id}`, record);
    });
  }

  function dropCommand(id: string): Promise<unknown> {
    sequences.delete(id);
    return queueWrite(() => persistence?.del(`${outboxPrefix}${id}`));
  }

  /** Says in status where data lives now; storage can fall back to memory at any write. */
  function reportStorage() {
    if (!persistence) return;
    const { kind, fallbackReason } = persistence;
    if (status.get().storage !== kind || status.get().storageError !== fallbackReason) {
      patchStatus({ storage: kind, ...(fallbackReason ? { storageError: fallbackReason } : {}) });
    }
  }

  // ---- optimistic layer -----------------------------------------------------------------------

  /**
   * Shows a command's effect before the server confirms it, by running the same engine on the
   * replica. Only conversation, message and agent records are drawn early; everything else waits
   * for the server. A local refusal only means no early effect: the server decides.
   */
  function applyOptimistic(entry: PendingCommand) {
    const who = principal();
    // A committed command's effects are confirmed records in the replica already; a command
    // drawn already is not drawn twice (its undo would restore its own first drawing).
    if (!who || !executeOptimistic || entry.state === 'failed' || entry.committed || optimistic.has(entry.id)) return;
    let counter = 0;
    let events: ConfabEvent[];
    // Never earlier than what the server already wrote there: a pending message sorts last.
    const target =
      'conversationId' in entry.command ? store.state.conversations.get(entry.command.conversationId) : undefined;
    const now = Math.max(Date.now(), (target?.lastActivityAt ?? 0) + 1);
    try {
      events = executeOptimistic(store.state, who, entry.command as AgentCommand | VisitorCommand, {
        now,
        newId: () => `${PENDING_ID_PREFIX}${entry.id}:${++counter}`,
      }).events;
    } catch {
      return;
    }
    const changes: OptimisticChange[] = [];
    const drawn: ConfabEvent[] = [];
    for (const event of events) {
      if (
        event.type !== 'conversation.upserted' &&
        event.type !== 'message.upserted' &&
        event.type !== 'agent.upserted'
      )
        continue;
      changes.push({ applied: event, previous: currentRecord(store.state, event) });
      drawn.push(event);
    }
    if (!drawn.length) return;
    store.apply(drawn);
    optimistic.set(entry.id, changes);
    createdEarly.set(
      entry.id,
      changes.filter((change) => !change.previous),
    );
  }

  function undoOptimistic(commandId: string) {
    const changes = optimistic.get(commandId);
    if (!changes) return;
    optimistic.delete(commandId);
    const inverse: ConfabEvent[] = [];
    for (const { applied, previous } of [...changes].reverse()) {
      const now = currentRecord(store.state, applied);
      if (now === undefined) continue;
      // The server wrote this record since: its version wins. (Records created early always go.)
      if (previous && JSON.stringify(recordOf(now)) !== JSON.stringify(recordOf(applied))) continue;
      inverse.push(previous ?? removalOf(applied));
    }
    if (inverse.length) store.apply(inverse);
  }

  // ---- persistence of the replica --------------------------------------------------------------

  /**
   * Saves the replica a little after changes settle. A large replica waits longer (cloning 100k
   * conversations costs the main thread); `now` saves at once, for a command queued offline whose
   * conversation must be there after a reload.
   */
  function scheduleSnapshot(now = false) {
    clearTimeout(snapshotTimer);
    const delay = now ? 0 : Math.min(SNAPSHOT_MAX_DELAY_MS, SNAPSHOT_DELAY_MS + store.state.conversations.size * 0.2);
    snapshotTimer = setTimeout(() => void saveSnapshot(), delay);
  }

  async function saveSnapshot() {
    const who = principal();
    if (!who || appliedSeq === null || closed) return;
    if (store.state.conversations.size > SNAPSHOT_MAX_CONVERSATIONS) {
      await persistence?.del(key('snapshot'));
      return;
    }
    // Only confirmed state is saved: optimistic records could outlive a refusal after a reload.
    // The outbox is saved too, and lays them again on the next start.
    const confirmed = new Map<string, ConfabEvent | null>();
    for (const changes of optimistic.values()) {
      for (const { applied, previous } of changes) {
        const id = recordKey(applied);
        if (!confirmed.has(id)) confirmed.set(id, previous ?? null);
      }
    }
    const committed: NonNullable<PersistedSnapshot['committed']> = {};
    for (const entry of pending.get()) if (entry.committed) committed[entry.id] = entry.committed;
    const saved: PersistedSnapshot = {
      principal: who,
      tokenHash: await hashToken(token),
      snapshot: snapshotOfState(store.state, appliedSeq, confirmed),
      committed,
      ownNumbers: true,
    };
    if (closed) return;
    await persistence?.set(key('snapshot'), saved).catch(() => undefined);
  }

  return {
    store,
    connection,
    stopped,
    status,
    pending,
    typing,
    drafts: {
      get: (conversationId) => drafts.get(conversationId) ?? '',
      set(conversationId, text) {
        if (text) drafts.set(conversationId, text);
        else drafts.delete(conversationId);
        clearTimeout(draftTimer);
        draftTimer = setTimeout(() => {
          draftTimer = undefined;
          void persistence?.set(key('drafts'), Object.fromEntries(drafts));
        }, 300);
      },
    },
    send,
    retry(commandId) {
      const entry = pending.get().find((candidate) => candidate.id === commandId);
      if (!entry) return Promise.reject(new ConfabError('not-found', 'No such pending command.'));
      entry.state = 'queued';
      delete entry.error;
      applyOptimistic(entry);
      pending.set([...pending.get()]);
      const result = wait(commandId);
      void saveCommand(entry, 'set').then(() => transmit(entry));
      return result;
    },
    discard(commandId) {
      const entry = pending.get().find((candidate) => candidate.id === commandId);
      if (!entry) return;
      undoOptimistic(commandId);
      createdEarly.delete(commandId);
      earlyAcks.delete(commandId);
      pending.set(pending.get().filter((candidate) => candidate !== entry));
      void dropCommand(commandId);
      const waiter = waiters.get(commandId);
      waiters.delete(commandId);
      waiter?.reject(new ConfabError('offline', 'The command was discarded before the server confirmed it.'));
    },
    on: (event, listener) => emitter.on(event, listener),
    setToken(next) {
      if (closed || next === token) return;
      token = next;
      tokenChanged = true;
      // After start-up: its first link must not race the stored replica it loads.
      void started.then(renewLink, () => undefined);
    },
    close: () => close(),
    async forget() {
      clearTimeout(draftTimer);
      draftTimer = undefined;
      await close(false);
      if (persistence) await forgetStored(persistence);
      if (!options.persistence) persistence?.close?.();
      for (const waiter of waiters.values())
        waiter.reject(new ConfabError('offline', 'Signed out before the server confirmed the command.'));
      waiters.clear();
      createdEarly.clear();
      earlyAcks.clear();
      pending.set([]);
      drafts.clear();
      emptyReplica(null);
      patchStatus({ principal: null, ready: false });
    },
  };

  async function close(letGo = true): Promise<void> {
    if (!closed) {
      closed = true;
      clearTimeout(snapshotTimer);
      for (const timer of typingTimers.values()) clearTimeout(timer);
      // A draft typed in the last moment is written now, before anything may read storage next.
      if (draftTimer !== undefined) {
        clearTimeout(draftTimer);
        draftTimer = undefined;
        void queueWrite(() => persistence?.set(key('drafts'), Object.fromEntries(drafts)));
      }
    }
    await started.catch(() => undefined);
    transport.disconnect();
    // Writes already queued finish; then a database this client opened itself is let go.
    await outboxWrite;
    if (letGo && !options.persistence) persistence?.close?.();
  }
}

/** True when a command names a record that exists only optimistically (created by a pending command). */
function referencesPending(command: Command): boolean {
  return Object.values(command).some((value) =>
    typeof value === 'string'
      ? isPendingRecord(value)
      : Array.isArray(value) && value.some((item) => typeof item === 'string' && isPendingRecord(item)),
  );
}

/**
 * The real ids of the records a command created early: its optimistic conversation becomes the
 * ack's `conversationId`, its first optimistic message the ack's `messageId`.
 */
function resolvePendingIds(changes: OptimisticChange[], result: Record<string, string>): Map<string, string> {
  const resolved = new Map<string, string>();
  for (const { applied, previous } of changes) {
    if (previous) continue;
    if (
      applied.type === 'conversation.upserted' &&
      result.conversationId &&
      ![...resolved.values()].includes(result.conversationId)
    ) {
      resolved.set(applied.conversation.id, result.conversationId);
    } else if (
      applied.type === 'message.upserted' &&
      result.messageId &&
      ![...resolved.values()].includes(result.messageId)
    ) {
      resolved.set(applied.message.id, result.messageId);
    }
  }
  return resolved;
}

/** Ids of the records a command's events create (absent from the replica before), by kind, in order. */
interface CreatedRecords {
  conversations: string[];
  messages: string[];
}

function newRecordIds(state: EngineState, batch: SequencedEvent[]): CreatedRecords {
  const created: CreatedRecords = { conversations: [], messages: [] };
  for (const { event } of batch) {
    if (event.type === 'conversation.upserted') {
      const id = event.conversation.id;
      if (!state.conversations.has(id) && !created.conversations.includes(id)) created.conversations.push(id);
    } else if (event.type === 'message.upserted') {
      const { id, conversationId } = event.message;
      const known = state.messages.get(conversationId)?.some((message) => message.id === id);
      if (!known && !created.messages.includes(id)) created.messages.push(id);
    }
  }
  return created;
}

/**
 * Pairs the records a command created early with those its events created: the same engine made
 * both, in the same order, so the n-th early conversation (message) is the n-th real one.
 */
function matchCreated(early: OptimisticChange[], created: CreatedRecords): Map<string, string> {
  const resolved = new Map<string, string>();
  const conversations = [...created.conversations];
  const messages = [...created.messages];
  for (const { applied } of early) {
    if (applied.type === 'conversation.upserted') {
      const real = conversations.shift();
      if (real) resolved.set(applied.conversation.id, real);
    } else if (applied.type === 'message.upserted') {
      const real = messages.shift();
      if (real) resolved.set(applied.message.id, real);
    }
  }
  return resolved;
}

function rewriteIds<C extends Command>(command: C, resolved: Map<string, string>): C {
  const rewritten: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(command)) {
    if (typeof value === 'string') rewritten[key] = resolved.get(value) ?? value;
    else if (Array.isArray(value))
      rewritten[key] = value.map((item) => (typeof item === 'string' ? (resolved.get(item) ?? item) : item));
    else rewritten[key] = value;
  }
  return rewritten as C;
}

function principalKeyOf(principal: Principal): string {
  return principal.kind === 'agent'
    ? `agent:${principal.agentId}`
    : principal.kind === 'visitor'
      ? `visitor:${principal.contactId}`
      : 'system';
}

/** The record an upsert event writes, as an upsert of its current value (undefined: absent). */
function currentRecord(state: EngineState, event: ConfabEvent): ConfabEvent | undefined {
  switch (event.type) {
    case 'conversation.upserted': {
      const conversation = state.conversations.get(event.conversation.id);
      return conversation && { type: 'conversation.upserted', conversation };
    }
    case 'message.upserted': {
      const message = state.messages
        .get(event.message.conversationId)
        ?.find((candidate) => candidate.id === event.message.id);
      return message && { type: 'message.upserted', message };
    }
    case 'agent.upserted': {
      const agent = state.agents.get(event.agent.id);
      return agent && { type: 'agent.upserted', agent };
    }
    default:
      return undefined;
  }
}

function recordOf(event: ConfabEvent): unknown {
  if (event.type === 'conversation.upserted') return event.conversation;
  if (event.type === 'message.upserted') return event.message;
  if (event.type === 'agent.upserted') return event.agent;
  return undefined;
}

function removalOf(event: ConfabEvent): ConfabEvent {
  if (event.type === 'conversation.upserted')
    return { type: 'conversation.removed', conversationId: event.conversation.id };
  if (event.type === 'message.upserted')
    return { type: 'message.removed', messageId: event.message.id, conversationId: event.message.conversationId };
  throw new Error(`No removal for ${event.type}`);
}

/** Identifies the record an upsert event writes, across record kinds. */
function recordKey(event: ConfabEvent): string {
  if (event.type === 'conversation.upserted') return `conversation:${event.conversation.id}`;
  if (event.type === 'message.upserted') return `message:${event.message.id}`;
  if (event.type === 'agent.upserted') return `agent:${event.agent.id}`;
  return `${event.type}`;
}

/**
 * The replica as a snapshot. `confirmed` replaces optimistic records by their confirmed value
 * (null: the record exists only optimistically and is left out).
 */
function snapshotOfState(
  state: EngineState,
  seq: number,
  confirmed: Map<string, ConfabEvent | null> = new Map(),
): Snapshot {
  const pick = <T extends { id: string }>(kind: 'conversation' | 'message' | 'agent', records: Iterable<T>): T[] => {
    const out: T[] = [];
    for (const record of records) {
      const key = `${kind}:${record.id}`;
      if (!confirmed.has(key)) out.push(record);
      else {
        const previous = confirmed.get(key);
        if (previous) out.push(recordOf(previous) as T);
      }
    }
    return out;
  };
  return {
    seq,
    conversations: pick('conversation', state.conversations.values()),
    messages: pick('message', [...state.messages.values()].flat()),
    contacts: [...state.contacts.values()],
    agents: pick('agent', state.agents.values()),
    tickets: [...state.tickets.values()],
    deals: [...state.deals.values()],
    companies: [...state.companies.values()],
    feedback: [...state.feedback.values()],
    settings: state.settings,
    views: [...state.views.values()],
  };
}

/**
 * Who an identity token names, to tell whether the person changed since the data on this browser
 * was stored. Read without checking the signature: the server checks it; this only decides what
 * to forget locally. A token this cannot read counts as its own person.
 */
function identitySubject(identityToken: string): string {
  try {
    const payload = JSON.parse(atob(identityToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as {
      email?: unknown;
    };
    if (typeof payload.email === 'string' && payload.email) return `email:${emailKey(payload.email)}`;
  } catch {
    // Not the server's format; fall through.
  }
  return `token:${identityToken}`;
}

function emptySnapshot(settings: Snapshot['settings']): Snapshot {
  return {
    seq: 0,
    conversations: [],
    messages: [],
    contacts: [],
    agents: [],
    tickets: [],
    deals: [],
    companies: [],
    feedback: [],
    settings,
    views: [],
  };
}

async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

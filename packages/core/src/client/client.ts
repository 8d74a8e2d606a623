import { createNanoEvents } from 'nanoevents';
import type { PickedFile } from '../files/uploads.js';
import type { Agent, Contact } from '../model/model.js';
import { isSignalCommand, type AgentCommand, type Command, type VisitorCommand } from '../protocol/commands.js';
import { ConfabError, type FatalErrorCode } from '../protocol/errors.js';
import { emptySnapshot, type SequencedEvent, type Snapshot, type ViewingSignal } from '../protocol/events.js';
import type { ServerFrame, WelcomeFrame } from '../protocol/frames.js';
import { MAX_FRAME_LENGTH, MAX_HELLO_PENDING, PROTOCOL_VERSION } from '../protocol/frames.js';
import { openPersistence, resilient } from '../persistence/persistence.js';
import { writable } from '../store/readable.js';
import { createInboxStore } from '../store/store.js';
import type { InboxStore, ReplicaStore } from '../store/types.js';
import { createVisitorStore } from '../store/visitor-store.js';
import type { ConnectionState } from '../transport/transport.js';
import { createDrafts } from './drafts.js';
import type { LeftPerson, TabChannel } from './identity-channel.js';
import { newRecordIds, type CreatedRecords } from './created-records.js';
import type { OptimisticLayer, OptimisticRules } from './optimistic.js';
import { createOutbox, isRetryable, newCommandId, RETRY_DELAY_MS, type StoredCommand } from './outbox.js';
import { commandIdOf, pendingReferences, referencesPending, rewriteIds, startedConversation } from './pending-ids.js';
import {
  createSnapshotSchedule,
  SNAPSHOT_MAX_CONVERSATIONS,
  usableSnapshot,
  type PersistedSnapshot,
} from './replica-snapshot.js';
import { createSession, hashToken, principalKeyOf } from './session.js';
import { stopCause } from './stop-cause.js';
import { createClientStorage } from './storage.js';
import { createTypingSignals } from './typing.js';
import { createViewingSignals } from './viewing.js';
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

export { PENDING_ID_PREFIX, isPendingRecord, commandIdOf, startedConversation } from './pending-ids.js';

/** Room in a frame for what wraps the command: version, type and command id. */
const FRAME_ENVELOPE_LENGTH = 256;

/**
 * The engine's rules a client draws early with, loaded on first use with the optimistic layer
 * (DESIGN §4 budgets). Agents' and visitors' load apart, so that the widget's bundle holds only the
 * visitor's.
 */
const agentRules: OptimisticRules = () => import('../engine/optimistic.js');
const visitorRules: OptimisticRules = () => import('../engine/visitor-optimistic.js');

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
  const viewing = createViewingSignals();
  const base = createClient<AgentCommand, InboxStore>(
    'agent',
    options,
    createInboxStore({ me: null }),
    agentRules,
    viewing.receive,
  );
  const me = writable<Agent | null>(null);
  const refresh = () => {
    const principal = base.status.get().principal;
    me.set(principal?.kind === 'agent' ? (base.store.state.agents.get(principal.agentId) ?? null) : null);
  };
  base.store.revision.subscribe(refresh);
  base.status.subscribe(refresh);
  return {
    ...base,
    me,
    viewing: viewing.current,
    close: () => (viewing.stop(), base.close()),
    forget: () => (viewing.stop(), base.forget()),
  };
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

/**
 * The client: the handshake and identity switch live here; the other concerns are managers it
 * composes (session, storage, outbox, optimistic layer, replica snapshot, drafts, typing).
 */
function createClient<C extends Command, S extends ReplicaStore>(
  kind: 'agent' | 'visitor',
  options: VisitorClientOptions,
  store: S,
  rules: OptimisticRules,
  /** Where `viewing` signals go (an agent's client; a visitor never gets any). */
  onViewing?: (signal: ViewingSignal) => void,
): Client<C, S> {
  const namespace = options.namespace ?? 'confab';
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
  const emitter = createNanoEvents<ClientEvents>();
  const patchStatus = (patch: Partial<ClientStatus>) => status.set({ ...status.get(), ...patch });
  const principal = () => status.get().principal;

  const session = createSession(namespace, kind, options.token ?? '');
  const storage = createClientStorage(() => started, reportStorage);
  const outbox = createOutbox(session, storage);
  const pending = outbox.pending;
  /** Null until the rules load: nothing is drawn early, so there is nothing to undo or resolve. */
  let optimistic: OptimisticLayer | null = null;
  const typing = createTypingSignals();
  const drafts = createDrafts(
    (saved) => void storage.queue((persistence) => persistence.set(session.key('drafts'), saved)),
  );
  const snapshots = createSnapshotSchedule(saveSnapshot, () => store.state.conversations.size);
  /**
   * Tabs share a person through shared storage (memory storage has no other tabs): opened at
   * start, after start-up (no page waits for it).
   */
  let tabs: Promise<TabChannel> | undefined;
  const announce = (left: LeftPerson) => void tabs?.then((channel) => channel.announce(left));

  /** Real ids of records pending commands created, once known: a command sent later may still name them. */
  const resolvedIds = new Map<string, string>();
  /** Acks that came before the command's events: it is settled once its effects are in the replica. */
  const earlyAcks = new Map<string, { seq: number; result: Record<string, string> }>();
  /** Stored commands of other principals: the welcome may name one of them (a refreshed token). */
  let unclaimed: StoredCommand[] = [];
  /** setToken ran: the welcome tells whose the new token is. */
  let tokenChanged = false;
  /** The last hello asked to resume (the server then sends only what was missed). */
  let helloResumed = false;
  let appliedSeq: number | null = null;
  /** The server's name for the history `appliedSeq` counts in (welcome.epoch), sent back with a resume. */
  let epoch: string | undefined;
  let welcomed = false;
  let closed = false;
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
  const started = start();

  // Pending commands queued before the rules arrived are drawn when they do.
  void import('./optimistic.js')
    .then((module) => module.loadOptimisticLayer(store, principal, rules))
    .then(
      (layer) => {
        optimistic = layer;
        for (const entry of pending.get()) layer.apply(entry);
      },
      () => undefined,
    );

  async function start() {
    const persistence = resilient(options.persistence ?? (await openPersistence(namespace)));
    storage.open(persistence);
    if (persistence.kind === 'indexeddb')
      tabs = import('./identity-channel.js').then((channel) =>
        channel.openTabChannel(`${namespace}:${kind}`, (left) => void onOtherTabSwitched(left)),
      );
    if (kind === 'visitor') {
      const storedToken = await persistence.get<string>(session.key('session'));
      if (
        options.identity !== undefined &&
        (await (await import('./identity.js')).adoptIdentity(session, persistence, options.identity))
      ) {
        // The identity may name another contact than the session: ask for a full snapshot.
        resumeAllowed = false;
        if (storedToken) announce({ tokenHash: await hashToken(storedToken) });
      }
      if (!session.token) session.setToken((await persistence.get<string>(session.key('session'))) ?? '');
    }
    // A tab is ready only once it hears the others: a sign-out in another tab right after this one
    // became ready would otherwise go unheard (the channel's code loads on its own).
    await tabs;
    const tokenHash = await session.tokenHash();
    const [records, savedDrafts, saved] = await Promise.all([
      persistence.entries<StoredCommand>(session.outboxPrefix),
      persistence.get<Record<string, string>>(session.key('drafts')),
      persistence.get<PersistedSnapshot>(session.key('snapshot')),
    ]);
    reportStorage();
    drafts.load(savedDrafts);
    const usable = usableSnapshot(saved, tokenHash);
    // Until a welcome names the token's principal, only a snapshot saved under this token does.
    session.owner = usable ? principalKeyOf(usable.principal) : tokenHash;
    if (usable) {
      store.reset(usable.snapshot, usable.principal.kind === 'agent' ? usable.principal.agentId : null);
      appliedSeq = usable.snapshot.seq;
      epoch = usable.epoch;
      patchStatus({ principal: usable.principal, ready: true });
    }
    const mine = (record: StoredCommand) =>
      record.owner === session.owner || record.owner === tokenHash || record.owner === '';
    const stored = records.map(([, record]) => record).filter(Boolean);
    unclaimed = stored.filter((record) => !mine(record));
    restore(stored.filter(mine), usable?.committed ?? {});
    if (closed) return;
    transport.connect({ frame: onFrame, state: onConnectionState });
  }

  /**
   * Takes stored commands back into the outbox and draws their effects. Another tab may restore
   * and send the same records. No lock is needed: the server answers a command id it knows from
   * its record, and a tab that left them to the other would show them pending until its next start.
   */
  function restore(stored: StoredCommand[], savedCommitted: NonNullable<PersistedSnapshot['committed']>) {
    for (const entry of outbox.restore(stored, savedCommitted)) optimistic?.apply(entry);
  }

  /** Ends the link and opens a new one: its hello carries the current token and resume point. */
  function renewLink() {
    transport.disconnect();
    if (!closed) transport.connect({ frame: onFrame, state: onConnectionState });
  }

  function onConnectionState(next: ConnectionState) {
    connection.set(next);
    welcomed = false;
    if (next === 'online') {
      helloToken = session.token;
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
        token: session.token,
        ...(helloResumed ? { resumeFrom: appliedSeq!, ...(epoch ? { epoch } : {}) } : {}),
        ...(options.identity ? { identity: options.identity } : {}),
        // Undefined when the widget names no site: JSON leaves it out (and validation drops it).
        site: options.site,
        ...(unanswered.length ? { pending: unanswered } : {}),
      });
    } else {
      for (const entry of pending.get())
        if (entry.state === 'sending') outbox.update(entry.id, (current) => ({ ...current, state: 'queued' }));
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
    session.setToken('');
    session.owner = await session.tokenHash();
    unclaimed = [];
    resumeAllowed = false;
    await storage.queue((persistence) => session.forgetStored(persistence));
    startingOver = false;
    if (!closed) transport.connect({ frame: onFrame, state: onConnectionState });
  }

  function onFrame(frame: ServerFrame) {
    switch (frame.type) {
      case 'welcome':
        epoch = frame.epoch;
        onWelcome(frame);
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
        if (frame.id !== undefined && outbox.get(frame.id)) {
          refuse(frame.id, ConfabError.fromPayload(frame.error));
        } else {
          patchStatus({ error: frame.error });
          reportStop();
          emitter.emit('error', ConfabError.fromPayload(frame.error));
        }
        break;
      case 'typing':
        typing.receive(frame.signal);
        break;
      case 'viewing':
        onViewing?.(frame.signal);
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

  function onWelcome({ principal: next, sessionToken, committed = [], uploadMaxBytes }: WelcomeFrame) {
    const before = principal();
    // A new session for the token we sent means the identity token named another contact.
    const switched =
      (before !== null && principalKeyOf(before) !== principalKeyOf(next)) ||
      (helloToken !== '' && sessionToken !== undefined);
    if (switched) {
      // Other tabs still showing the person before drop them too (the hash of the token they share).
      void session
        .tokenHash()
        .then((tokenHash) => announce({ tokenHash, ...(before ? { principal: principalKeyOf(before) } : {}) }));
      // What was queued and drafted under the old session is never sent as someone else.
      dropAllPending('The signed-in person changed before the server confirmed the command.');
      drafts.clear();
      void storage.queue((persistence) => persistence.del(session.key('drafts')));
      // Nothing of the old replica may remain, not even until the snapshot.
      emptyReplica(next.kind === 'agent' ? next.agentId : null);
      patchStatus({ ready: false });
      void storage.persistence?.del(session.key('snapshot'));
      // Events since the other principal's number would not rebuild the emptied replica.
      if (helloResumed) return renewLink();
    }
    resumeAllowed = true;
    sessionRefused = false;
    if (sessionToken) {
      session.setToken(sessionToken);
      void storage.persistence?.set(session.key('session'), sessionToken);
    }
    const me = principalKeyOf(next);
    restore(
      unclaimed.filter((record) => record.owner === me),
      {},
    );
    unclaimed = [];
    if (session.owner !== me) {
      // The commands now belong to this principal, whatever token it signs in with next.
      session.owner = me;
      for (const entry of pending.get()) void outbox.save(entry.id, 'replace');
    }
    // The saved snapshot names its token: saved again, a reload with the new token starts from it.
    if (tokenChanged) snapshots.schedule(true);
    tokenChanged = false;
    // The server's upload limit comes with it: the composers check files against it (issue 16).
    patchStatus({ principal: next, error: undefined, uploadMaxBytes });
    welcomed = true;
    for (const answer of committed) onAck(answer.id, answer.seq, answer.result ?? {});
    flushOutbox();
  }

  /** Empties the replica and its optimistic layer: nothing of the person before stays on screen. */
  function emptyReplica(me: string | null) {
    appliedSeq = null;
    optimistic?.clearDrawn();
    store.reset(emptySnapshot(store.state.settings), me);
  }

  /** Forgets every unconfirmed command (memory and storage); their promises reject with `forbidden`. */
  function dropAllPending(reason: string) {
    resolvedIds.clear();
    outbox.clear();
    outbox.rejectAll(new ConfabError('forbidden', reason));
    optimistic?.clear();
    earlyAcks.clear();
  }

  function onSnapshot(snapshot: Snapshot, resync: boolean) {
    const current = principal();
    store.reset(snapshot, current?.kind === 'agent' ? current.agentId : null);
    appliedSeq = snapshot.seq;
    // The optimistic layer was wiped with the old state; lay it again over the new one, but not
    // for commands whose effects the snapshot holds: those are settled, or shown as confirmed.
    optimistic?.clearDrawn();
    settleEarlyAcks();
    for (const entry of pending.get()) optimistic?.apply(entry);
    patchStatus({ ready: true, ...(resync ? { resyncs: status.get().resyncs + 1 } : {}) });
    if (resync) emitter.emit('resync');
    snapshots.schedule();
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
    for (const commandId of arriving.keys()) optimistic?.undo(commandId);
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
    snapshots.schedule();
  }

  // ---- commands -------------------------------------------------------------------------------

  function send(command: C, files?: readonly PickedFile[]): Promise<Record<string, string>> {
    if (closed) return Promise.reject(new ConfabError('offline', 'The client is closed.'));
    // The server cannot read a frame this long, so it could not say which command it refused: the
    // command would wait for an answer forever. Refused here instead, before anything changes.
    if (JSON.stringify(command).length > MAX_FRAME_LENGTH - FRAME_ENVELOPE_LENGTH) {
      return Promise.reject(
        new ConfabError('too-large', `A command may have at most ${MAX_FRAME_LENGTH} characters as JSON.`),
      );
    }
    if (isSignalCommand(command)) {
      // Typing and viewing are ephemeral: never queued, never retried.
      if (welcomed) transport.send({ v: PROTOCOL_VERSION, type: 'command', id: newCommandId(), command });
      return Promise.resolve({});
    }
    const entry = outbox.add(rewriteIds(command, resolvedIds), files?.length ? files : undefined);
    optimistic?.apply(entry);
    if (!welcomed) snapshots.schedule(true);
    const result = outbox.wait(entry.id);
    void outbox.save(entry.id, 'set').then(() => transmit(entry.id));
    const refused = unsendable(entry);
    if (refused) fail(entry.id, refused);
    return result;
  }

  /**
   * Why a command that names records of earlier commands can never be sent as it is (one of them
   * failed, or is gone), or null while it can wait for their real ids.
   */
  function unsendable(entry: PendingCommand): ConfabError | null {
    const failed = failedDependencyOf(entry);
    if (failed) return dependencyFailed(failed);
    const gone = pendingReferences(entry.command).some((ref) => !outbox.get(commandIdOf(ref)!));
    return gone ? new ConfabError('not-found', 'It names a record of a command that is gone.') : null;
  }

  /** A failed command this one names a record of: it cannot be sent before that one is. */
  function failedDependencyOf(entry: PendingCommand): PendingCommand | undefined {
    return pendingReferences(entry.command)
      .map((id) => outbox.get(commandIdOf(id)!))
      .find((dependency) => dependency?.state === 'failed');
  }

  function transmit(id: string) {
    const entry = outbox.get(id);
    if (!welcomed || !entry || entry.state === 'failed') return;
    // Committed already: its answer came before its events, which are on their way.
    if (earlyAcks.has(id)) return;
    // Its files first (issue 16): each uploads once, then it comes back here without them.
    if (entry.files)
      return void import('../files/waiting.js').then((files) =>
        files.uploadWaiting({
          outbox,
          id,
          url: options.filesUrl,
          session: kind === 'visitor' ? session : null,
          transmit,
          fail,
        }),
      );
    // It names a record an earlier command creates: it goes once that one's real id is known.
    if (referencesPending(entry.command)) {
      const refused = unsendable(entry);
      if (refused) fail(id, refused);
      return;
    }
    outbox.update(id, (current) => ({ ...current, state: 'sending' }));
    transport.send({ v: PROTOCOL_VERSION, type: 'command', id, command: entry.command });
  }

  function flushOutbox() {
    // Re-sending a command the server already has is safe: it answers from its record of the id.
    for (const entry of pending.get()) if (entry.state !== 'failed') transmit(entry.id);
  }

  /**
   * The server committed a command. If its events are not in the replica yet (a transport may
   * deliver the ack first), the command stays pending until they are: what it drew early, or its
   * outbox entry a screen draws when nothing could be drawn (a visitor before their first answer,
   * rules still loading), stays on screen exactly once.
   */
  function onAck(id: string, seq: number, result: Record<string, string>) {
    const entry = outbox.get(id);
    if (!entry) return;
    const effectsIn = entry.committed !== undefined || (appliedSeq !== null && appliedSeq >= seq);
    if (effectsIn) complete(id, result);
    else earlyAcks.set(id, { seq, result });
  }

  /** Settles the early acks whose commands' effects the replica now holds. */
  function settleEarlyAcks() {
    for (const [id, ack] of earlyAcks) {
      const entry = outbox.get(id);
      if (!entry) earlyAcks.delete(id);
      else if (entry.committed || (appliedSeq !== null && appliedSeq >= ack.seq)) complete(id, ack.result);
    }
  }

  /**
   * A command's effects arrived (its ack may still be on its way): from now on it shows as
   * confirmed, and later commands that name its early records name the real ones.
   */
  function markCommitted(commandId: string, batch: SequencedEvent[], created: CreatedRecords) {
    const entry = outbox.update(commandId, (current) => ({
      ...current,
      committed: {
        seq: batch[batch.length - 1].seq,
        created: [...(current.committed?.created ?? []), ...created.conversations, ...created.messages],
      },
    }));
    if (!entry) return;
    const resolved = optimistic?.resolvedByEffects(commandId, created) ?? new Map<string, string>();
    if (created.conversations.length) resolved.set(startedConversation(commandId), created.conversations[0]);
    resolveEarlyIds(commandId, resolved);
  }

  /** The command is done: acknowledged, and its effects are in the replica. */
  function complete(id: string, result: Record<string, string>) {
    const resolved = optimistic?.resolvedByAck(id, result) ?? new Map<string, string>();
    if (result.conversationId) resolved.set(startedConversation(id), result.conversationId);
    optimistic?.undo(id);
    earlyAcks.delete(id);
    // Commands naming its records are stored with the real ids before its record goes: a reload
    // in between must not leave them naming a command that is gone.
    resolveEarlyIds(id, resolved);
    outbox.remove(id);
    outbox.resolve(id, result);
  }

  /**
   * Rewrites later commands that name records a command created early (or the conversation it
   * starts) to the real ids, and draws their early effects again on the real records.
   */
  function resolveEarlyIds(commandId: string, resolved: Map<string, string>) {
    optimistic?.forgetEarly(commandId);
    if (!resolved.size) return;
    for (const [early, real] of resolved) resolvedIds.set(early, real);
    const rewritten: string[] = [];
    for (const later of pending.get()) {
      const command = rewriteIds(later.command, resolved);
      if (command === later.command) continue;
      optimistic?.undo(later.id);
      const updated = outbox.update(later.id, (current) => ({ ...current, command }))!;
      optimistic?.apply(updated);
      rewritten.push(later.id);
    }
    if (rewritten.length) void Promise.all(rewritten.map((id) => outbox.save(id, 'replace'))).then(flushOutbox);
  }

  function refuse(id: string, error: ConfabError) {
    if (isRetryable(error.code)) {
      outbox.update(id, (current) => ({ ...current, state: 'queued' }));
      setTimeout(() => transmit(id), RETRY_DELAY_MS);
      return;
    }
    fail(id, error);
  }

  /**
   * Marks a command failed (kept for retry or discard) and rolls its effect back. Commands that
   * name the records it would have created fail with it: they can never be sent as they are.
   */
  function fail(id: string, error: ConfabError) {
    optimistic?.undo(id);
    optimistic?.forgetEarly(id);
    earlyAcks.delete(id);
    const entry = outbox.update(id, (current) => ({ ...current, state: 'failed', error: error.toPayload() }));
    if (!entry) return;
    void outbox.save(id, 'replace');
    emitter.emit('refused', entry, error);
    outbox.reject(id, error);
    for (const later of dependentsOf(id)) if (later.state !== 'failed') fail(later.id, dependencyFailed(entry));
  }

  /** The pending commands that name a record `commandId` creates. */
  function dependentsOf(commandId: string): PendingCommand[] {
    return pending
      .get()
      .filter((entry) => pendingReferences(entry.command).some((id) => commandIdOf(id) === commandId));
  }

  /**
   * Sends a failed (or queued) command again. "Try again" on any message of a new chat whose start
   * was refused tries the whole chat: the start, and every failed command that waits for it.
   */
  function retry(commandId: string): Promise<Record<string, string>> {
    const entry = outbox.get(commandId);
    if (!entry) return Promise.reject(new ConfabError('not-found', 'No such pending command.'));
    const root = failedDependencyOf(entry) ?? entry;
    const again = new Set([commandId, root.id]);
    for (const later of dependentsOf(root.id)) if (later.state === 'failed') again.add(later.id);
    const result = outbox.wait(commandId);
    // In outbox order: a start is drawn before the messages drawn into its conversation.
    for (const { id } of pending.get()) {
      if (!again.has(id)) continue;
      const queued = outbox.update(id, ({ error: _error, ...current }) => ({ ...current, state: 'queued' }))!;
      optimistic?.apply(queued);
      void outbox.save(id, 'set').then(() => transmit(id));
    }
    return result;
  }

  function discard(commandId: string) {
    if (!outbox.get(commandId)) return;
    optimistic?.undo(commandId);
    optimistic?.forgetEarly(commandId);
    earlyAcks.delete(commandId);
    outbox.remove(commandId);
    outbox.reject(commandId, new ConfabError('offline', 'The command was discarded before the server confirmed it.'));
    // What waits for it would wait forever.
    for (const later of dependentsOf(commandId)) discard(later.id);
  }

  /** Says in status where data lives now; storage can fall back to memory at any write. */
  function reportStorage() {
    const persistence = storage.persistence;
    if (!persistence) return;
    const { kind: storageKind, fallbackReason } = persistence;
    if (status.get().storage !== storageKind || status.get().storageError !== fallbackReason) {
      patchStatus({ storage: storageKind, ...(fallbackReason ? { storageError: fallbackReason } : {}) });
    }
  }

  // ---- persistence of the replica --------------------------------------------------------------

  async function saveSnapshot() {
    const { persistedReplica, snapshotOfState } = await import('./snapshot-of-state.js');
    // A large snapshot loads in slices: until it is whole, the state is the one before it.
    await store.settled?.();
    const who = principal();
    const persistence = storage.persistence;
    if (!who || appliedSeq === null || closed) return;
    if (store.state.conversations.size > SNAPSHOT_MAX_CONVERSATIONS) {
      await persistence?.del(session.key('snapshot'));
      return;
    }
    const saved = persistedReplica(
      who,
      await session.tokenHash(),
      snapshotOfState(store.state, appliedSeq, optimistic?.confirmedValues()),
      pending.get(),
      epoch,
    );
    if (closed) return;
    await persistence?.set(session.key('snapshot'), saved).catch(() => undefined);
  }

  // ---- another tab switched person ---------------------------------------------------------------

  /**
   * Another tab of this browser signed someone else in, or signed out: if that was who this tab
   * shows, it drops them too (nothing of theirs stays on screen or is sent) and stops, saying the
   * session ended. Storage is the other tab's to clear: it may already hold the next person's.
   */
  async function onOtherTabSwitched(left: LeftPerson) {
    const current = principal();
    const same =
      (left.principal !== undefined && current !== null && principalKeyOf(current) === left.principal) ||
      (left.tokenHash !== undefined && session.token !== '' && left.tokenHash === (await session.tokenHash()));
    if (!same || closed) return;
    await close(false);
    const error = new ConfabError('session-expired', 'Another tab of this browser signed out or switched person.');
    dropFromMemory(error);
    patchStatus({ error: error.toPayload() });
  }

  /** Nothing of the person stays in memory: commands (their promises reject), drafts, replica. */
  function dropFromMemory(error: ConfabError) {
    resolvedIds.clear();
    outbox.rejectAll(error);
    outbox.forgetInMemory();
    optimistic?.clear();
    earlyAcks.clear();
    drafts.clear();
    emptyReplica(null);
    patchStatus({ principal: null, ready: false });
  }

  async function close(letGo = true): Promise<void> {
    if (!closed) {
      closed = true;
      snapshots.cancel();
      typing.stop();
      void tabs?.then((channel) => channel.stop());
      // A draft typed in the last moment is written now, before anything may read storage next.
      drafts.flush();
    }
    await started.catch(() => undefined);
    transport.disconnect();
    // Writes already queued finish; then a database this client opened itself is let go.
    await storage.settled();
    if (letGo && !options.persistence) storage.persistence?.close?.();
  }

  return {
    store,
    connection,
    stopped,
    status,
    pending,
    typing: typing.current,
    drafts: { get: drafts.get, set: drafts.set },
    send,
    retry,
    discard,
    on: (event, listener) => emitter.on(event, listener),
    setToken(next) {
      if (closed || next === session.token) return;
      session.setToken(next);
      tokenChanged = true;
      // After start-up: its first link must not race the stored replica it loads.
      void started.then(renewLink, () => undefined);
    },
    sessionToken: () => session.token,
    close: () => close(),
    async forget() {
      const before = principal();
      const tokenHash = session.token ? await session.tokenHash() : undefined;
      announce({
        ...(before ? { principal: principalKeyOf(before) } : {}),
        ...(tokenHash ? { tokenHash } : {}),
      });
      drafts.clear();
      await close(false);
      const persistence = storage.persistence;
      if (persistence) await session.forgetStored(persistence);
      if (!options.persistence) persistence?.close?.();
      dropFromMemory(new ConfabError('offline', 'Signed out before the server confirmed the command.'));
    },
  };
}

/** The error a command gets when one it depends on failed. */
function dependencyFailed(dependency: PendingCommand): ConfabError {
  const error = dependency.error ?? { code: 'invalid', message: '' };
  return ConfabError.fromPayload({ ...error, message: `It depends on a refused command: ${error.message}` });
}

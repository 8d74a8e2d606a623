import { applyEvent, execute, projectEvent, snapshotFor } from '../engine/engine.js';
import { projectTyping } from '../engine/projection.js';
import { createEngineState } from '../engine/state.js';
import type { Command } from '../protocol/commands.js';
import { CLOSE_CODES, closeCodeOf } from '../protocol/close-codes.js';
import { ConfabError } from '../protocol/errors.js';
import type { ConfabEvent, SequencedEvent } from '../protocol/events.js';
import type { ClientFrame, CommittedCommand, HelloFrame, Principal, ServerFrame } from '../protocol/frames.js';
import { MAX_FRAME_LENGTH, PROTOCOL_VERSION } from '../protocol/frames.js';
import { validateClientFrame } from '../protocol/validate.js';
import type {
  Backend,
  BackendConnection,
  BackendOptions,
  BackendStorage,
  CommitRecord,
  ConnectionInfo,
  FanOut,
  StoredLog,
} from './types.js';
import { createVisitorStreams, type VisitorDelivery } from './visitor-streams.js';

/** Close code for a refused hello (bad or revoked token). Clients do not retry it. */
export const CLOSE_UNAUTHENTICATED = CLOSE_CODES.unauthenticated;
/** Close code for a principal whose access was revoked while connected. */
export const CLOSE_REVOKED = CLOSE_CODES.forbidden;

type Outcome = { seq: number; result?: Record<string, string> };

/** Storage that keeps everything in memory: for tests, demos and the memory transport. */
export function createMemoryStorage(): BackendStorage {
  const events: SequencedEvent[] = [];
  const outcomes: StoredLog['outcomes'] = new Map();
  return {
    async load() {
      return { events: [...events], outcomes: new Map(outcomes) };
    },
    async commit(record) {
      // A loop, not push(...events): a seed of 100k conversations would overflow the stack.
      for (const event of record.events) events.push(event);
      outcomes.set(outcomeKey(record.principalKey, record.commandId), record.outcome);
    },
    async close() {},
  };
}

/** Fan-out within one process. A multi-process deployment passes a pub/sub FanOut instead. */
export function createLocalFanOut(): FanOut {
  const listeners = new Set<(events: SequencedEvent[]) => void>();
  return {
    publish(events) {
      for (const listener of listeners) listener(events);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function principalKey(principal: Principal): string {
  switch (principal.kind) {
    case 'agent':
      return `agent:${principal.agentId}`;
    case 'visitor':
      return `visitor:${principal.contactId}`;
    case 'system':
      return 'system';
  }
}

function outcomeKey(principal: string, commandId: string): string {
  return `${principal}\u0000${commandId}`;
}

let idCounter = 0;
function defaultNewId(): string {
  idCounter = (idCounter + 1) % 0x100000;
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `${Date.now().toString(36)}${idCounter.toString(36).padStart(4, '0')}${random[0].toString(36)}${random[1].toString(36)}`.slice(
    0,
    24,
  );
}

interface Link {
  send: (frame: ServerFrame) => void;
  end: (code: number, reason: string) => void;
  principal: Principal | null;
  /** True once the link's catch-up was sent; only live links receive fan-out. */
  live: boolean;
  closed: boolean;
}

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
  const auth = options.auth;

  const state = createEngineState();
  /** The last `retention` events, for resuming replicas. */
  let recent: SequencedEvent[] = [];
  let seq = 0;
  let outcomes: StoredLog['outcomes'] = new Map();
  /** Commands are decided one at a time, each against the state its predecessor committed. */
  let queue: Promise<unknown> = Promise.resolve();
  const links = new Set<Link>();
  /** Live visitor links by contact: a visitor's events go to their links only. */
  const visitorLinks = new Map<string, Set<Link>>();
  /**
   * Visitors see their own numbered streams, not the workspace sequence (issue 20 item 4): R2 in
   * any form, a comment or anyone else's event must not show, not even as a number.
   */
  const streams = createVisitorStreams(retention);
  /** A visitor learns the causes of its own commands only (in catch-up too). */
  const ownCommand = (contactId: string, cause: string) =>
    outcomes.has(outcomeKey(principalKey({ kind: 'visitor', contactId }), cause));
  let closed = false;

  /** Applies committed events in order and adds each to the visitor streams; returns what visitors get. */
  function applyCommitted(events: SequencedEvent[]): VisitorDelivery[] {
    const deliveries: VisitorDelivery[] = [];
    for (const sequenced of events) {
      applyEvent(state, sequenced.event);
      for (const delivery of streams.record(state, sequenced, ownCommand)) deliveries.push(delivery);
    }
    return deliveries;
  }

  const ready = (async () => {
    const stored = await storage.load();
    outcomes = stored.outcomes;
    applyCommitted(stored.events);
    if (stored.events.length) seq = stored.events[stored.events.length - 1]!.seq;
    recent = stored.events.slice(-retention);
  })();

  // Agents see the workspace's events as they are (less what projectEvent hides from them).
  const unsubscribeFanOut = fanOut.subscribe((events) => {
    for (const link of links) if (link.live && link.principal?.kind === 'agent') deliverToAgent(link, events);
  });

  function deliverToAgent(link: Link, events: SequencedEvent[]) {
    const visible: SequencedEvent[] = [];
    for (const sequenced of events) {
      const projected = projectEvent(state, link.principal!, sequenced.event);
      if (projected) visible.push({ seq: sequenced.seq, cause: sequenced.cause, event: projected });
    }
    if (visible.length) link.send({ v: PROTOCOL_VERSION, type: 'events', events: visible });
  }

  /** Sends each live visitor link the entries of its stream, numbered in that stream. */
  function deliverToVisitors(deliveries: VisitorDelivery[]) {
    if (!deliveries.length) return;
    const byContact = new Map<string | null, VisitorDelivery[]>();
    for (const delivery of deliveries) {
      const list = byContact.get(delivery.contactId) ?? [];
      list.push(delivery);
      byContact.set(delivery.contactId, list);
    }
    const everyone = byContact.get(null) ?? [];
    const contacts = everyone.length ? [...visitorLinks.keys()] : [...byContact.keys()].filter((id) => id !== null);
    for (const contactId of contacts) {
      const targets = visitorLinks.get(contactId!);
      if (!targets?.size) continue;
      const mine = byContact.get(contactId) ?? [];
      const entries =
        everyone.length && mine.length ? [...mine, ...everyone].sort((a, b) => a.at - b.at) : [...mine, ...everyone];
      const events = entries.map((entry) => ({
        seq: streams.seqAt(contactId!, entry.at),
        cause: entry.cause,
        event: entry.event,
      }));
      for (const link of targets) if (link.live) link.send({ v: PROTOCOL_VERSION, type: 'events', events });
    }
  }

  /** A number the principal may see: the workspace's for agents, its own stream's for a visitor. */
  function seqFor(principal: Principal, workspaceSeq: number): number {
    return principal.kind === 'visitor' ? streams.seqAt(principal.contactId, workspaceSeq) : workspaceSeq;
  }

  function remember(events: SequencedEvent[]) {
    for (const event of events) recent.push(event);
    if (recent.length > retention * 1.5) recent = recent.slice(-retention);
  }

  /** Runs one command through the engine, commits it, then publishes. Serialised by `queue`. */
  function run(principal: Principal, command: Command, commandId: string): Promise<Outcome> {
    const task = queue.then(async (): Promise<Outcome> => {
      await ready;
      if (closed) throw new ConfabError('internal', 'The backend is shutting down.');
      const key = outcomeKey(principalKey(principal), commandId);
      const known = outcomes.get(key);
      if (known) {
        if (known.ok) return { seq: known.seq, result: known.result };
        throw ConfabError.fromPayload(known.error);
      }
      const { events, result } = execute(state, principal, command, { now: now(), newId });
      const sequenced = events.map((event, index) => ({ seq: seq + index + 1, cause: commandId, event }));
      const lastSeq = seq + sequenced.length;
      const outcome: CommitRecord['outcome'] = { ok: true, seq: lastSeq, ...(result ? { result } : {}) };
      // Acknowledged means committed: nothing is applied or answered before storage says so.
      await storage.commit({ principalKey: principalKey(principal), commandId, events: sequenced, outcome });
      outcomes.set(key, outcome);
      const deliveries = applyCommitted(sequenced);
      seq = lastSeq;
      remember(sequenced);
      if (sequenced.length) fanOut.publish(sequenced);
      deliverToVisitors(deliveries);
      return { seq: lastSeq, result };
    });
    queue = task.catch(() => undefined);
    return task;
  }

  async function append(events: ConfabEvent[]): Promise<number> {
    const task = queue.then(async () => {
      await ready;
      const commandId = `append-${newId()}`;
      const sequenced = events.map((event, index) => ({ seq: seq + index + 1, cause: null, event }));
      const lastSeq = seq + sequenced.length;
      await storage.commit({
        principalKey: 'system',
        commandId,
        events: sequenced,
        outcome: { ok: true, seq: lastSeq },
      });
      const deliveries = applyCommitted(sequenced);
      seq = lastSeq;
      remember(sequenced);
      if (sequenced.length) fanOut.publish(sequenced);
      deliverToVisitors(deliveries);
      return lastSeq;
    });
    queue = task.catch(() => undefined);
    return task;
  }

  /** Typing is ephemeral: relayed to every live link the engine says may see it, never stored. */
  function relayTyping(sender: Principal, command: Extract<Command, { type: 'typing' }>) {
    for (const link of links) {
      if (!link.live || !link.principal) continue;
      const signal = projectTyping(state, sender, link.principal, command.conversationId, command.typing);
      if (signal) link.send({ v: 1, type: 'typing', signal });
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
    await queue;
    if (link.closed) return;
    // From here to `live = true` nothing awaits, so no event can slip between catch-up and fan-out.
    link.principal = principal;
    const committed = committedOf(principal, frame.pending ?? []);
    const now = seqFor(principal, seq);
    link.send({
      v: 1,
      type: 'welcome',
      principal,
      seq: now,
      ...(sessionToken ? { sessionToken } : {}),
      ...(committed.length ? { committed } : {}),
    });
    const from = frame.resumeFrom;
    // A hello whose identity named another contact than its token resumes nothing of the token's.
    const switched = sessionToken !== undefined && frame.token !== '';
    const missed = switched || from === undefined ? null : missedSince(principal, from);
    if (missed) {
      if (missed.length) link.send({ v: PROTOCOL_VERSION, type: 'events', events: missed });
    } else {
      link.send({ v: 1, type: 'snapshot', snapshot: snapshotFor(state, principal, now), resync: from !== undefined });
    }
    link.live = true;
    if (principal.kind === 'visitor') {
      const targets = visitorLinks.get(principal.contactId) ?? new Set<Link>();
      targets.add(link);
      visitorLinks.set(principal.contactId, targets);
    }
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

  /** Forgets a link that is gone. */
  function forget(link: Link) {
    link.closed = true;
    link.live = false;
    links.delete(link);
    if (link.principal?.kind === 'visitor') {
      const targets = visitorLinks.get(link.principal.contactId);
      targets?.delete(link);
      if (targets?.size === 0) visitorLinks.delete(link.principal.contactId);
    }
  }

  /** Which of the commands a hello asks after were committed, with what their acks said. */
  function committedOf(principal: Principal, commandIds: string[]): CommittedCommand[] {
    const committed: CommittedCommand[] = [];
    for (const id of commandIds) {
      const known = outcomes.get(outcomeKey(principalKey(principal), id));
      if (known?.ok)
        committed.push({ id, seq: seqFor(principal, known.seq), ...(known.result ? { result: known.result } : {}) });
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
        if (frame.command.type === 'typing') {
          execute(state, principal, frame.command, { now: now(), newId });
          relayTyping(principal, frame.command);
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
      forget(link);
      end(code, reason);
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
        forget(link);
      },
    };
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
    get openLinks() {
      return links.size;
    },
    endLinks(code, reason) {
      for (const link of [...links]) {
        forget(link);
        link.end(code, reason);
      }
    },
    disconnectPrincipal(match, code, reason) {
      for (const link of [...links]) {
        if (link.principal && match(link.principal)) {
          forget(link);
          link.end(code, reason);
        }
      }
    },
    async close() {
      closed = true;
      await queue;
      unsubscribeFanOut();
      for (const link of [...links]) {
        links.delete(link);
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

// A peer of the conformance suite: one Transport driven with raw protocol frames, recording what
// it sent, what it received and each state it was told, for the checks and for failure reports.
import type { SequencedEvent } from '../protocol/events.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import type { ConnectionState, Transport } from '../transport/transport.js';

export type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

export interface Peer {
  name: string;
  transport: Transport;
  frames: ServerFrame[];
  sent: ClientFrame[];
  /** Every state the transport reported, in order. */
  states: ConnectionState[];
  send(frame: ClientFrame): void;
  next<T extends ServerFrame['type']>(type: T, match?: (frame: FrameOf<T>) => boolean): Promise<FrameOf<T>>;
  collect<T extends ServerFrame['type']>(
    type: T,
    match: (frame: FrameOf<T>) => boolean,
    count: number,
  ): Promise<FrameOf<T>[]>;
  waitFor(check: () => boolean, what: string): Promise<void>;
  events(): SequencedEvent[];
  seqs(): number[];
  texts(): string[];
}

export async function connectPeer(transport: Transport, name: string, timeoutMs: number): Promise<Peer> {
  const frames: ServerFrame[] = [];
  const sent: ClientFrame[] = [];
  const states: ConnectionState[] = [];
  const waiting = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of [...waiting]) wake();
  };
  transport.connect({
    frame(frame) {
      frames.push(frame);
      wakeAll();
    },
    state(next) {
      states.push(next);
      wakeAll();
    },
  });
  const waitFor = (check: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (check()) return resolve();
      const timer = setTimeout(() => {
        waiting.delete(wake);
        reject(new Error(`Conformance: timed out after ${timeoutMs} ms waiting for ${what} (${name})`));
      }, timeoutMs);
      const wake = () => {
        if (!check()) return;
        clearTimeout(timer);
        waiting.delete(wake);
        resolve();
      };
      waiting.add(wake);
    });
  await waitFor(() => states.at(-1) === 'online', 'the transport to come online');
  const events = () => frames.flatMap((frame) => (frame.type === 'events' ? frame.events : []));
  const matching = <T extends ServerFrame['type']>(type: T, match?: (frame: FrameOf<T>) => boolean) =>
    frames.filter((frame): frame is FrameOf<T> => frame.type === type && (!match || match(frame as FrameOf<T>)));
  return {
    name,
    transport,
    frames,
    sent,
    states,
    send(frame) {
      sent.push(frame);
      transport.send(frame);
    },
    async next(type, match) {
      await waitFor(() => matching(type, match).length > 0, `a ${type} frame`);
      return matching(type, match)[0];
    },
    async collect(type, match, count) {
      await waitFor(() => matching(type, match).length >= count, `${count} ${type} frames`);
      return matching(type, match).slice(0, count);
    },
    waitFor,
    events,
    seqs: () => events().map((event) => event.seq),
    texts: () =>
      events().flatMap((event) => (event.event.type === 'message.upserted' ? [event.event.message.text] : [])),
  };
}

/** What a peer sent and received, for a failure report: the last frames of each, shortened. */
export function transcript(peer: Peer, last = 12): string {
  const short = (frame: unknown) => {
    const text = JSON.stringify(frame);
    return text.length > 240 ? `${text.slice(0, 240)}… (${text.length} chars)` : text;
  };
  return [
    `  ${peer.name}: states ${peer.states.join(' → ') || '(none)'}`,
    `  ${peer.name} sent (${peer.sent.length}, last ${Math.min(last, peer.sent.length)}):`,
    ...peer.sent.slice(-last).map((frame) => `    → ${short(frame)}`),
    `  ${peer.name} received (${peer.frames.length}, last ${Math.min(last, peer.frames.length)}):`,
    ...peer.frames.slice(-last).map((frame) => `    ← ${short(frame)}`),
  ].join('\n');
}

/** The transport never says `online` twice without an `offline` between (a client would hello twice). */
export function checkStateOrder(peer: Peer): void {
  for (let i = 1; i < peer.states.length; i += 1)
    assert(
      !(peer.states[i] === 'online' && peer.states[i - 1] === 'online'),
      `${peer.name}'s transport never reports online twice in a row (states: ${peer.states.join(' → ')})`,
    );
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`Conformance: expected that ${message}`);
}

export function random(): string {
  return Math.random().toString(36).slice(2, 10);
}

export function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A new visitor (a hello with an empty token), welcomed and with its snapshot. */
export async function helloVisitor(open: () => Promise<Peer>): Promise<Peer> {
  const visitor = await open();
  visitor.send({ v: 1, type: 'hello', token: '' });
  const welcome = await visitor.next('welcome');
  assert(welcome.principal.kind === 'visitor', 'an empty token starts a visitor session');
  assert(
    typeof welcome.sessionToken === 'string' && welcome.sessionToken.length > 0,
    'a new visitor receives a session token',
  );
  await visitor.next('snapshot');
  return visitor;
}

/** The last sequence number a peer holds (its snapshot's or its last event's). */
export function lastSeq(peer: Peer): number {
  let seq = 0;
  for (const frame of peer.frames) {
    if (frame.type === 'snapshot') seq = Math.max(seq, frame.snapshot.seq);
    if (frame.type === 'events') for (const event of frame.events) seq = Math.max(seq, event.seq);
  }
  return seq;
}

/** Polls `check` (which may be async) until it holds. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Conformance: timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

// Test helper: a WebSocket client that keeps commands in flight, survives server restarts and
// re-sends what was never acknowledged with the same command ids, as a real client's outbox does.
import WebSocket from 'ws';
import type { Command, Message, ServerFrame } from '@confab/core';

/** A small seeded PRNG (mulberry32): the same seed gives the same schedule. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Resolves once `condition()` holds; polls, so it waits on state rather than on a guessed delay. */
export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export interface TrackedCommand {
  id: string;
  /** The message text the command creates: unique across the test. */
  text: string;
  command: Command;
  /** Times sent; more than one means it was re-sent after a reconnect. */
  sends: number;
  ack?: { seq: number; messageId?: string };
}

export interface LoadClientOptions {
  /** Reconnect with `resumeFrom` (the last sequence seen) instead of asking for a snapshot. */
  resume: boolean;
  /** Commands kept in flight. */
  window: number;
  /** The client sees every event (an agent without mentions), so sequence numbers must have no gaps. */
  seesEverything: boolean;
}

/**
 * One principal's client. It checks what it receives as it goes and collects broken promises in
 * `problems` (a socket handler must not throw): events shown twice or out of order, gaps, resyncs
 * after a crash, refusals, and re-sent commands answered differently from their stored outcome.
 */
export class LoadClient {
  readonly pending = new Map<string, TrackedCommand>();
  readonly acked = new Map<string, TrackedCommand>();
  readonly problems: string[] = [];
  /** The replica's messages: its last snapshot plus the events since. */
  readonly messages = new Map<string, Message>();
  /** Outcomes the server stored for commands whose ack the client never got: a re-send must get these back. */
  /** What a re-sent command must be answered with (`seq` only where the workspace's number is shown). */
  readonly expectedOutcomes = new Map<string, { seq?: number; messageId?: string }>();
  lastSeq = 0;
  resends = 0;
  resendsFromStoredOutcome = 0;
  snapshots = 0;
  private socket: WebSocket | null = null;
  private ready = false;
  private everReady = false;
  private generating = false;
  private counter = 0;

  constructor(
    readonly name: string,
    /** Empty for a new visitor: the welcome hands out the session token. */
    public token: string,
    /** How the server keys this principal's command outcomes (`visitor:<contactId>`, `agent:<agentId>`); set by the welcome. */
    public principalKey: string,
    private readonly makeCommand: (text: string) => Command,
    readonly options: LoadClientOptions,
  ) {}

  get connected(): boolean {
    return this.socket !== null;
  }

  /** A command acknowledged before this client existed (the chat the visitor started). */
  recordAcked(id: string, text: string, command: Command, ack: { seq: number; messageId?: string }): void {
    this.acked.set(id, { id, text, command, sends: 1, ack });
  }

  /** A command to send once connected (a new visitor's first chat). */
  queue(text: string, command: Command): void {
    const id = `${this.name}-c${this.counter++}`;
    this.pending.set(id, { id, text, command, sends: 0 });
  }

  /** Connects, says hello, waits for the catch-up, re-sends every unacknowledged command, then keeps sending. */
  async connect(wsUrl: string): Promise<void> {
    const socket = new WebSocket(wsUrl);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.on('error', () => undefined); // a killed server resets the socket; 'close' follows
    this.socket = socket;
    this.ready = false;
    socket.on('message', (data) => this.receive(JSON.parse(String(data)) as ServerFrame));
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
    });
    const resuming = this.options.resume && this.everReady;
    socket.send(
      JSON.stringify({ v: 1, type: 'hello', token: this.token, ...(resuming ? { resumeFrom: this.lastSeq } : {}) }),
    );
    await waitFor(() => this.ready || this.socket !== socket, 10_000, `${this.name}'s welcome`);
    if (this.socket !== socket) throw new Error(`${this.name}: the socket closed during hello`);
    this.everReady = true;
    // Same ids as before: the server must apply each at most once and answer from its stored outcome.
    for (const command of this.pending.values()) {
      if (command.sends > 0) this.resends++;
      command.sends++;
      this.send(command);
    }
    this.fill();
  }

  /** Start or stop creating new commands (re-sends go on regardless). */
  generate(on: boolean): void {
    this.generating = on;
    if (on) this.fill();
  }

  close(): void {
    this.generating = false;
    this.socket?.close();
  }

  private fill() {
    while (this.generating && this.socket?.readyState === WebSocket.OPEN && this.pending.size < this.options.window) {
      const n = this.counter++;
      const text = `${this.name}-m${n}`;
      const command: TrackedCommand = { id: `${this.name}-c${n}`, text, command: this.makeCommand(text), sends: 1 };
      this.pending.set(command.id, command);
      this.send(command);
    }
  }

  private send(command: TrackedCommand) {
    // A command sent into a dying socket stays pending and goes out again after the reconnect.
    if (this.socket?.readyState === WebSocket.OPEN)
      this.socket.send(JSON.stringify({ v: 1, type: 'command', id: command.id, command: command.command }));
  }

  private receive(frame: ServerFrame) {
    switch (frame.type) {
      case 'welcome':
        if (frame.sessionToken) this.token = frame.sessionToken;
        if (frame.principal.kind === 'visitor') this.principalKey = `visitor:${frame.principal.contactId}`;
        if (frame.seq < this.lastSeq)
          this.problems.push(`${this.name}: welcome at seq ${frame.seq}, but it had seen seq ${this.lastSeq}`);
        // Resuming: the catch-up events follow in the same turn, before any ack.
        if (this.options.resume && this.everReady) this.ready = true;
        return;
      case 'snapshot':
        this.snapshots++;
        if (frame.resync)
          this.problems.push(
            `${this.name}: resync snapshot at seq ${frame.snapshot.seq} (resumed from ${this.lastSeq})`,
          );
        this.messages.clear();
        for (const message of frame.snapshot.messages) this.messages.set(message.id, message);
        this.lastSeq = frame.snapshot.seq;
        this.ready = true;
        return;
      case 'events':
        for (const { seq, event } of frame.events) {
          if (seq <= this.lastSeq)
            this.problems.push(`${this.name}: event ${seq} after ${this.lastSeq} (shown twice?)`);
          else if (this.options.seesEverything && seq !== this.lastSeq + 1)
            this.problems.push(`${this.name}: gap from seq ${this.lastSeq} to ${seq}`);
          this.lastSeq = Math.max(this.lastSeq, seq);
          if (event.type === 'message.upserted') this.messages.set(event.message.id, event.message);
          else if (event.type === 'message.removed') this.messages.delete(event.messageId);
        }
        return;
      case 'ack': {
        const command = this.pending.get(frame.id);
        if (!command) {
          this.problems.push(`${this.name}: ack for ${frame.id}, which was not pending`);
          return;
        }
        this.pending.delete(frame.id);
        command.ack = { seq: frame.seq, ...(frame.result?.messageId ? { messageId: frame.result.messageId } : {}) };
        this.acked.set(command.id, command);
        const stored = this.expectedOutcomes.get(command.id);
        if (stored) {
          this.resendsFromStoredOutcome++;
          if (
            (stored.seq !== undefined && stored.seq !== command.ack.seq) ||
            stored.messageId !== command.ack.messageId
          )
            this.problems.push(
              `${this.name}: re-sent ${command.id} answered ${JSON.stringify(command.ack)}, stored ${JSON.stringify(stored)}`,
            );
        }
        this.fill();
        return;
      }
      case 'error':
        this.problems.push(`${this.name}: error ${JSON.stringify(frame)}`);
        if (frame.id) this.pending.delete(frame.id);
        return;
      default:
        return;
    }
  }
}

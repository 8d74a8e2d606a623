import { createBackend } from '../backend/backend.js';
import { errorOfClose, isFatalClose } from '../protocol/close-codes.js';
import { inOrderDelivery } from './in-order.js';
import type { Authenticator, Backend, BackendOptions } from '../backend/types.js';
import type { ConfabEvent } from '../protocol/events.js';
import type { ClientFrame, Principal, ServerFrame } from '../protocol/frames.js';
import type { ConnectionState, Transport, TransportListener } from './transport.js';

/** A Transport to an in-process backend, which tests can take offline and back. */
export interface MemoryTransport extends Transport {
  /** Drops the link (as a network failure would); it stays down until `goOnline()`. */
  goOffline(): void;
  /** Brings the link back; the client says hello again and resumes. */
  goOnline(): void;
  /**
   * Holds the backend's frames instead of delivering them, for tests of arrival order: `held()`
   * lists them, `deliverHeld(index)` delivers one now (out of order if asked), `release()`
   * delivers the rest in order and stops holding. Held frames die with their link, as in flight.
   */
  hold(): void;
  held(): readonly ServerFrame[];
  deliverHeld(index: number): void;
  release(): void;
}

export interface MemoryBackend {
  readonly backend: Backend;
  /** A new link to this backend, for one client. */
  transport(): MemoryTransport;
  /** A token that signs in as this agent. */
  agentToken(agentId: string): string;
  /** Moves the backend's clock (T11's 30 minutes in tests); returns the new time. */
  advanceClock(ms: number): number;
  now(): number;
}

export interface MemoryBackendOptions {
  /** Events to start from (e.g. `demoSeed(now)` from '@confab/core/testing'). */
  seed?: ConfabEvent[];
  /** Start time of the backend's clock. Default: Date.now(). The clock only moves by advanceClock. */
  startTime?: number;
  /** Round-trip delay each way, in ms (0: next macrotask). */
  latencyMs?: number;
  /** Identity tokens the backend accepts: token → identity. */
  identities?: Record<string, { email: string; name?: string }>;
  retention?: BackendOptions['retention'];
  /** The upload limit the welcome tells clients (a server's CONFAB_UPLOAD_MAX_BYTES); none by default. */
  uploadMaxBytes?: BackendOptions['uploadMaxBytes'];
}

/**
 * An in-process backend running the real engine behind the real hub, with the memory transport:
 * for tests, demos and docs. Frames cross as JSON text, exactly as over a socket.
 *
 * @example
 * const memory = createMemoryBackend({ seed: demoSeed(Date.now()) });
 * await memory.backend.ready;
 * const client = createInboxClient({ transport: memory.transport(), token: memory.agentToken('agent-1') });
 */
export function createMemoryBackend(options: MemoryBackendOptions = {}): MemoryBackend {
  let clock = options.startTime ?? Date.now();
  const tokens = new Map<string, Principal>();
  let tokenCounter = 0;
  const issue = (principal: Principal) => {
    tokenCounter += 1;
    const token = `memory-${tokenCounter}-${Math.random().toString(36).slice(2)}`;
    tokens.set(token, principal);
    return token;
  };
  const auth: Authenticator = {
    async verify(token) {
      return tokens.get(token) ?? null;
    },
    async issueVisitorSession(contactId) {
      return issue({ kind: 'visitor', contactId });
    },
    async verifyIdentity(identityToken) {
      return options.identities?.[identityToken] ?? null;
    },
  };
  const backend = createBackend({
    auth,
    now: () => clock,
    retention: options.retention,
    uploadMaxBytes: options.uploadMaxBytes,
  });
  if (options.seed?.length) void backend.append(options.seed);
  const latency = options.latencyMs ?? 0;

  return {
    backend,
    agentToken: (agentId) => issue({ kind: 'agent', agentId }),
    advanceClock(ms) {
      clock += ms;
      return clock;
    },
    now: () => clock,
    transport() {
      let listener: TransportListener | null = null;
      let connection: ReturnType<Backend['connect']> | null = null;
      let wanted = false;
      let networkUp = true;
      let state: ConnectionState = 'offline';
      /** Each link gets a generation; frames of an old link are dropped, as a dead socket's would be. */
      let generation = 0;
      let holding = false;
      let held: Array<{ frame: ServerFrame; generation: number }> = [];

      const setState = (next: ConnectionState) => {
        if (next === state) return;
        state = next;
        listener?.state(next);
      };
      const later = (fn: () => void) => setTimeout(fn, latency);
      // Frames each way arrive in the order sent, as on a socket.
      const toClient = inOrderDelivery(latency);
      const toServer = inOrderDelivery(latency);

      function open() {
        if (!wanted || !networkUp || connection) return;
        const current = ++generation;
        setState('connecting');
        later(() => {
          if (current !== generation || !wanted || !networkUp) return;
          connection = backend.connect(
            (frame: ServerFrame) => {
              const copy = JSON.parse(JSON.stringify(frame)) as ServerFrame;
              if (holding) held.push({ frame: copy, generation: current });
              else
                toClient(() => {
                  if (current === generation) listener?.frame(copy);
                });
            },
            (code, reason) => {
              if (current !== generation) return;
              drop();
              if (isFatalClose(code)) {
                wanted = false;
                // The error frame before the close died with the link; this one names the cause once.
                listener?.frame({ v: 1, type: 'error', error: { code: errorOfClose(code), message: reason } });
              } else later(open);
            },
          );
          setState('online');
        });
      }

      function drop() {
        generation += 1;
        held = [];
        connection?.close();
        connection = null;
        setState('offline');
      }

      return {
        connect(next) {
          listener = next;
          wanted = true;
          open();
        },
        send(frame: ClientFrame) {
          if (!connection || state !== 'online') return;
          const current = generation;
          const text = JSON.stringify(frame);
          toServer(() => {
            if (current === generation) connection?.receive(text);
          });
        },
        disconnect() {
          wanted = false;
          drop();
        },
        goOffline() {
          networkUp = false;
          drop();
        },
        goOnline() {
          networkUp = true;
          open();
        },
        hold() {
          holding = true;
        },
        held: () => held.map((entry) => entry.frame),
        deliverHeld(index) {
          const [entry] = held.splice(index, 1);
          if (entry && entry.generation === generation) listener?.frame(entry.frame);
        },
        release() {
          holding = false;
          for (const entry of held.splice(0)) if (entry.generation === generation) listener?.frame(entry.frame);
        },
      };
    },
  };
}

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Principal, SignalCommand } from '@confab/core';
import type { StoredEvent } from '@confab/core/backend';
import type { Logger } from '../logging.js';
import type { WindowCounter } from '../rate-limit.js';

/** What crosses the bus about one workspace. */
export type WorkspaceMessage =
  | { kind: 'events'; epoch: string; from: number; to: number; events: StoredEvent[] }
  | { kind: 'signal'; principal: Principal; command: SignalCommand }
  | { kind: 'disconnect'; principal: Principal; code: number; reason: string };

/** What a process does with another process's messages about a workspace it has loaded. */
export type WorkspaceListener = (message: WorkspaceMessage) => void;

/** Agent sessions ended (sign-out): every process closes their sockets. Not tied to a workspace. */
export interface SessionsEnded {
  tokenHashes: string[];
  code: number;
  reason: string;
}

export interface ClusterBus {
  /** Publishes to the other processes; never waits, never throws (a lost message costs latency only). */
  publish(workspaceId: string, message: WorkspaceMessage): void;
  publishSessionsEnded(ended: SessionsEnded): void;
  /** Receives the other processes' messages about a workspace while its hub is loaded; returns the unsubscribe. */
  follow(workspaceId: string, listener: WorkspaceListener): () => void;
  onSessionsEnded(listener: (ended: SessionsEnded) => void): void;
  /** Called each time the subscription (re)connects: messages may have been lost meanwhile. */
  onReconnect(listener: () => void): void;
  /** Rate-limit counters every process shares (SharedRateLimiter); rejects at once while Redis is down. */
  counter: WindowCounter;
  /** Whether both connections are up now (readiness). */
  connected(): boolean;
  close(): Promise<void>;
}

const PREFIX = 'confab:';
const workspaceChannel = (workspaceId: string) => `${PREFIX}workspace:${workspaceId}`;
const SESSIONS_CHANNEL = `${PREFIX}sessions`;

/**
 * Adds to a rate-limit window's counter and sets its expiry in one atomic step (a script runs
 * alone in Redis): no other process's increment comes between, and no counter outlives its window
 * by more than one window. KEYS[1] the counter, ARGV[1] the count, ARGV[2] its life in ms.
 */
const ADD_TO_WINDOW = `
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
if total == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return total`;

/**
 * Redis pub/sub between the processes of a cluster (CONFAB_REDIS_URL): it only wakes processes
 * and carries events and signals for speed. Pub/sub is at-most-once — a message published while a
 * connection is down is gone — so nothing depends on it: PostgreSQL is the log, a hub fills gaps
 * from it, and the head poll (head-poll.ts) catches up whatever the bus lost.
 *
 * @example
 * const bus = openRedisBus({ url: process.env.CONFAB_REDIS_URL, logger });
 * const stop = bus.follow('default', (message) => …);
 */
export function openRedisBus(options: { url: string; logger: Logger }): ClusterBus {
  const { logger } = options;
  /** Names this process on the bus: its own messages come back to it and are skipped. */
  const self = randomBytes(8).toString('hex');
  const retryStrategy = (times: number) => Math.min(50 * times, 1_000);
  // Publishing never queues: a message held while Redis is down would arrive late and in bulk,
  // after the poll already delivered what it carried.
  // Auto-pipelining: what is published in one turn (a batch's commits, several workspaces') leaves in one write.
  const publisher = new Redis(options.url, {
    retryStrategy,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    enableAutoPipelining: true,
  });
  const subscriber = new Redis(options.url, { retryStrategy, autoResubscribe: true });
  for (const [name, connection] of [
    ['publisher', publisher],
    ['subscriber', subscriber],
  ] as const)
    connection.on('error', (error: Error) =>
      logger.debug({ connection: name, err: error.message }, 'redis unreachable'),
    );

  const listeners = new Map<string, Set<WorkspaceListener>>();
  const sessionListeners = new Set<(ended: SessionsEnded) => void>();
  const reconnectListeners = new Set<() => void>();
  let everReady = false;
  subscriber.on('ready', () => {
    if (everReady) for (const listener of reconnectListeners) listener();
    everReady = true;
  });
  void subscriber.subscribe(SESSIONS_CHANNEL).catch(() => undefined);

  /** How this process's own messages begin (see send): they come back on every channel it follows. */
  const ownPrefix = JSON.stringify({ sender: self }).slice(0, -1) + ',';
  subscriber.on('message', (channel: string, text: string) => {
    // Skipped before parsing: every commit's events come back to their publisher.
    if (text.startsWith(ownPrefix)) return;
    let envelope: { sender: string; message: unknown };
    try {
      envelope = JSON.parse(text) as { sender: string; message: unknown };
    } catch {
      return;
    }
    if (envelope.sender === self) return;
    if (channel === SESSIONS_CHANNEL) {
      for (const listener of sessionListeners) listener(envelope.message as SessionsEnded);
      return;
    }
    const workspaceId = channel.slice(workspaceChannel('').length);
    for (const listener of listeners.get(workspaceId) ?? []) listener(envelope.message as WorkspaceMessage);
  });

  publisher.defineCommand('confabAddToWindow', { numberOfKeys: 1, lua: ADD_TO_WINDOW });
  const addToWindow = (
    publisher as unknown as Record<string, (...args: unknown[]) => Promise<number>>
  ).confabAddToWindow!.bind(publisher);

  function send(channel: string, message: unknown) {
    if (publisher.status !== 'ready') return;
    publisher.publish(channel, JSON.stringify({ sender: self, message })).catch(() => undefined);
  }

  return {
    publish(workspaceId, message) {
      send(workspaceChannel(workspaceId), message);
    },
    publishSessionsEnded(ended) {
      send(SESSIONS_CHANNEL, ended);
    },
    follow(workspaceId, listener) {
      let set = listeners.get(workspaceId);
      if (!set) {
        set = new Set();
        listeners.set(workspaceId, set);
        void subscriber.subscribe(workspaceChannel(workspaceId)).catch(() => undefined);
      }
      set.add(listener);
      return () => {
        const current = listeners.get(workspaceId);
        current?.delete(listener);
        if (current?.size === 0) {
          listeners.delete(workspaceId);
          void subscriber.unsubscribe(workspaceChannel(workspaceId)).catch(() => undefined);
        }
      };
    },
    onSessionsEnded(listener) {
      sessionListeners.add(listener);
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
    },
    counter: {
      add(key, count, windowMs, now) {
        if (publisher.status !== 'ready') return Promise.reject(new Error('Redis is not connected.'));
        const window = Math.floor(now / windowMs);
        return addToWindow(`${PREFIX}rate:${key}:${window}`, count, windowMs * 2).then(Number);
      },
    },
    connected() {
      return publisher.status === 'ready' && subscriber.status === 'ready';
    },
    async close() {
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

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

/** Sent on a workspace's channel by a process that starts following it (not passed to listeners). */
const FOLLOWING = 'following';

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

/** How often a process asks Redis which of its workspaces another process follows too (PUBSUB NUMSUB). */
const FOLLOWERS_CHECK_MS = 2_000;

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
 * from it, and the head poll (head-poll.ts) catches up whatever the bus lost. Nothing is published
 * about a workspace that no other process follows (with a front that keeps workspaces on one
 * process: nearly every commit); a process that starts following one says so on its channel.
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
  /**
   * Workspaces that no other process follows (Redis counts this process's subscriber alone):
   * publishing about them would reach nobody but this process. With a front that keeps each
   * workspace on one process, that is every commit. Unknown counts as followed.
   */
  const alone = new Set<string>();
  /** Followed workspaces whose subscription Redis confirmed: NUMSUB counts this process among theirs. */
  const subscribed = new Set<string>();
  /** Messages heard from other processes so far, and the count at the last message of each workspace. */
  let heard = 0;
  const lastHeard = new Map<string, number>();
  const sessionListeners = new Set<(ended: SessionsEnded) => void>();
  const reconnectListeners = new Set<() => void>();
  let everReady = false;
  subscriber.on('ready', () => {
    // Whoever follows what may have changed while the connection was down; and processes that
    // followed this one's workspaces alone meanwhile are told again that it follows them too.
    alone.clear();
    if (everReady) {
      subscribed.clear();
      for (const workspaceId of listeners.keys()) subscribe(workspaceId);
      for (const listener of reconnectListeners) listener();
    }
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
    // Another process follows this workspace: publish about it again.
    alone.delete(workspaceId);
    lastHeard.set(workspaceId, ++heard);
    if (envelope.message === FOLLOWING) return;
    for (const listener of listeners.get(workspaceId) ?? []) listener(envelope.message as WorkspaceMessage);
  });

  /**
   * Which followed workspaces no other process follows: those Redis counts one subscriber for.
   * A message from another process heard after the question was sent wins over the answer.
   */
  async function checkFollowers() {
    const channels = [...subscribed].map(workspaceChannel);
    if (!channels.length || publisher.status !== 'ready' || subscriber.status !== 'ready') return;
    const asked = heard;
    const counts = (await publisher.call('PUBSUB', 'NUMSUB', ...channels)) as (string | number)[];
    for (let index = 0; index < counts.length; index += 2) {
      const workspaceId = String(counts[index]).slice(workspaceChannel('').length);
      if (!subscribed.has(workspaceId) || (lastHeard.get(workspaceId) ?? 0) > asked) continue;
      if (Number(counts[index + 1]) <= 1) alone.add(workspaceId);
      else alone.delete(workspaceId);
    }
  }
  const followersCheck = setInterval(() => void checkFollowers().catch(() => undefined), FOLLOWERS_CHECK_MS);
  followersCheck.unref();

  publisher.defineCommand('confabAddToWindow', { numberOfKeys: 1, lua: ADD_TO_WINDOW });
  const addToWindow = (
    publisher as unknown as Record<string, (...args: unknown[]) => Promise<number>>
  ).confabAddToWindow!.bind(publisher);

  /**
   * Subscribes to a workspace's channel (again, after a reconnect); once Redis confirmed it, the
   * workspace counts in checkFollowers, and processes that followed it alone hear that this one does too.
   */
  function subscribe(workspaceId: string) {
    void subscriber
      .subscribe(workspaceChannel(workspaceId))
      .then(() => {
        if (!listeners.has(workspaceId)) return;
        subscribed.add(workspaceId);
        send(workspaceChannel(workspaceId), FOLLOWING);
      })
      .catch(() => undefined);
  }

  function send(channel: string, message: unknown) {
    if (publisher.status !== 'ready') return;
    publisher.publish(channel, JSON.stringify({ sender: self, message })).catch(() => undefined);
  }

  return {
    publish(workspaceId, message) {
      if (alone.has(workspaceId)) return;
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
        subscribe(workspaceId);
      }
      set.add(listener);
      return () => {
        const current = listeners.get(workspaceId);
        current?.delete(listener);
        if (current?.size === 0) {
          listeners.delete(workspaceId);
          alone.delete(workspaceId);
          subscribed.delete(workspaceId);
          lastHeard.delete(workspaceId);
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
      clearInterval(followersCheck);
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

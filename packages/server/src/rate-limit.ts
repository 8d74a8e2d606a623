/**
 * A token bucket: `capacity` tokens, refilled at `perSecond`. Each request takes one; an empty
 * bucket refuses. Cheap enough to keep one per connection, per IP and per visitor.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    now: number = Date.now(),
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  take(count = 1, now: number = Date.now()): boolean {
    this.refill(now);
    if (this.tokens < count) return false;
    this.tokens -= count;
    return true;
  }

  /** True when the bucket is full again: nothing to remember about this key. */
  idle(now: number = Date.now()): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }

  private refill(now: number) {
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.perSecond);
    this.updatedAt = now;
  }
}

/** Buckets by key (an IP, a visitor), forgetting keys whose bucket refilled. */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
  ) {}

  take(key: string, count = 1, now: number = Date.now()): boolean {
    if (!Number.isFinite(this.capacity)) return true;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.capacity, this.perSecond, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(count, now);
  }

  /** Drops full buckets; call now and then so that the map does not grow with every IP ever seen. */
  sweep(now: number = Date.now()): void {
    for (const [key, bucket] of this.buckets) if (bucket.idle(now)) this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** What the gateway and the HTTP routes ask: may `key` spend `count` now? Answers at once. */
export interface RateLimiter {
  take(key: string, count?: number, now?: number): boolean;
  /** Forgets what no longer limits anyone; called now and then. */
  sweep(now?: number): void;
}

/** Makes a limiter for one kind of traffic (`name`: 'ip-frames', 'http', …) with a bucket's burst and rate. */
export type RateLimiterFactory = (name: string, capacity: number, perSecond: number) => RateLimiter;

/** The in-process limiter: the default, and what every process keeps in front of a shared one. */
export const localRateLimiters: RateLimiterFactory = (_name, capacity, perSecond) =>
  new KeyedRateLimiter(capacity, perSecond);

/**
 * Counts shared by every process (Redis): adds `count` to `key`'s counter in the window that
 * `windowMs` long windows put `now` in, and resolves with the counter's new total; rejects when
 * the store cannot be reached.
 */
export interface WindowCounter {
  add(key: string, count: number, windowMs: number, now: number): Promise<number>;
}

/**
 * A limit shared by the processes of a cluster. Each process keeps its own token bucket, which
 * answers at once, and adds what it let through to a counter per key and fixed window in the
 * shared store; a key whose window total passes the burst is refused on this process until the
 * window ends. The window lasts as long as an empty bucket takes to fill (at least a second), so a
 * key gets the bucket's burst and its rate over time, whichever processes it hits. The shared
 * check never holds a request up: it answers for the next ones, so a key may pass the limit by
 * what it sends during one round trip to the store. When the store is unreachable each process
 * limits on its own (fail open to the in-process limit) and `onUnreachable` is called.
 */
export class SharedRateLimiter implements RateLimiter {
  private readonly local: KeyedRateLimiter;
  /** Keys over the shared limit, and when their window ends. */
  private readonly blocked = new Map<string, number>();
  readonly windowMs: number;

  constructor(
    private readonly name: string,
    private readonly capacity: number,
    perSecond: number,
    private readonly counter: WindowCounter,
    private readonly onUnreachable: (error: unknown) => void,
  ) {
    this.local = new KeyedRateLimiter(capacity, perSecond);
    this.windowMs = Math.max(1000, Math.ceil((capacity / perSecond) * 1000));
  }

  take(key: string, count = 1, now: number = Date.now()): boolean {
    if (!Number.isFinite(this.capacity)) return true;
    const until = this.blocked.get(key);
    if (until !== undefined && until > now) return false;
    if (!this.local.take(key, count, now)) return false;
    const windowEnd = (Math.floor(now / this.windowMs) + 1) * this.windowMs;
    this.counter.add(`${this.name}:${key}`, count, this.windowMs, now).then(
      (total) => {
        if (total > this.capacity) this.blocked.set(key, windowEnd);
      },
      (error: unknown) => this.onUnreachable(error),
    );
    return true;
  }

  sweep(now: number = Date.now()): void {
    this.local.sweep(now);
    for (const [key, until] of this.blocked) if (until <= now) this.blocked.delete(key);
  }
}

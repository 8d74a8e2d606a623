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

/**
 * Failed sign-ins slow down, then lock (per account and per client address). The first
 * `freeFailures` cost nothing; each later failure makes the next attempt wait twice as long as the
 * previous one (from `baseDelayMs`, at most `maxDelayMs`); at `lockAfter` failures the key is locked
 * for `lockMs`. A key forgets its failures `forgetAfterMs` after the last one; a success clears it.
 */
export interface ThrottlePolicy {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  lockAfter: number;
  lockMs: number;
  forgetAfterMs: number;
}

const MINUTE = 60_000;

/**
 * Per account (the email as typed, case-folded, whether or not an account has it): 5 free
 * failures, then 1, 2, 4, 8 s, and the 10th failure locks it for 15 minutes.
 */
export const ACCOUNT_THROTTLE: ThrottlePolicy = {
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  lockAfter: 10,
  lockMs: 15 * MINUTE,
  forgetAfterMs: 15 * MINUTE,
};

/** Per client address: an office behind one NAT gets 20 free failures, then backoff; 100 lock it for 15 minutes. */
export const IP_THROTTLE: ThrottlePolicy = {
  freeFailures: 20,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  lockAfter: 100,
  lockMs: 15 * MINUTE,
  forgetAfterMs: 15 * MINUTE,
};

/** Why an attempt must wait: a backoff between failures, or a lock after too many. */
export interface ThrottleRefusal {
  code: 'sign-in-backoff' | 'sign-in-locked';
  retryAfterMs: number;
}

interface Failures {
  count: number;
  lastAt: number;
  lockedUntil: number;
}

export class SignInThrottle {
  private readonly keys = new Map<string, Failures>();

  constructor(private readonly policy: ThrottlePolicy) {}

  /** Null when `key` may try now. */
  check(key: string, now: number): ThrottleRefusal | null {
    const entry = this.current(key, now);
    if (!entry) return null;
    if (entry.lockedUntil > now) return { code: 'sign-in-locked', retryAfterMs: entry.lockedUntil - now };
    if (entry.count < this.policy.freeFailures) return null;
    const delay = Math.min(
      this.policy.maxDelayMs,
      this.policy.baseDelayMs * 2 ** (entry.count - this.policy.freeFailures),
    );
    const allowedAt = entry.lastAt + delay;
    return allowedAt > now ? { code: 'sign-in-backoff', retryAfterMs: allowedAt - now } : null;
  }

  fail(key: string, now: number): void {
    const entry = this.current(key, now) ?? { count: 0, lastAt: now, lockedUntil: 0 };
    entry.count += 1;
    entry.lastAt = now;
    if (entry.count >= this.policy.lockAfter) {
      entry.lockedUntil = now + this.policy.lockMs;
      // After the lock, the key starts over (with backoff again after its free failures).
      entry.count = 0;
    }
    this.keys.set(key, entry);
  }

  succeed(key: string): void {
    this.keys.delete(key);
  }

  /** Drops keys whose failures are forgotten (bounded memory under a spray of emails). */
  sweep(now: number): void {
    for (const key of [...this.keys.keys()]) this.current(key, now);
  }

  private current(key: string, now: number): Failures | undefined {
    const entry = this.keys.get(key);
    if (!entry) return undefined;
    if (entry.lockedUntil <= now && now - entry.lastAt > this.policy.forgetAfterMs) {
      this.keys.delete(key);
      return undefined;
    }
    return entry;
  }
}

/**
 * The server's sign-in throttles, one for all its workspaces (issue 19). Accounts are counted per
 * workspace and email: failures against an email in one workspace never slow or lock the same
 * email in another (two accounts). Client addresses are counted across workspaces: an attacker
 * gets no more tries by spreading them over workspaces. Outlives a workspace's hub being evicted.
 */
export class SignInThrottles {
  readonly account: SignInThrottle;
  readonly ip: SignInThrottle;

  constructor(policies: { account?: ThrottlePolicy; ip?: ThrottlePolicy } = {}) {
    this.account = new SignInThrottle(policies.account ?? ACCOUNT_THROTTLE);
    this.ip = new SignInThrottle(policies.ip ?? IP_THROTTLE);
  }

  /** The account key: the workspace, and the email as typed (case-folded by the caller). */
  static accountKey(workspaceId: string, email: string): string {
    return `${workspaceId}\n${email}`;
  }

  sweep(now: number): void {
    this.account.sweep(now);
    this.ip.sweep(now);
  }
}

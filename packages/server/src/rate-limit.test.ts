import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedRateLimiter, TokenBucket } from './rate-limit.js';

test('rate limit: a bucket allows its burst, refuses the next, and refills over time', () => {
  const bucket = new TokenBucket(3, 2, 0);
  assert.equal(bucket.take(1, 0), true);
  assert.equal(bucket.take(1, 0), true);
  assert.equal(bucket.take(1, 0), true);
  assert.equal(bucket.take(1, 0), false);
  assert.equal(bucket.take(1, 499), false);
  assert.equal(bucket.take(1, 500), true);
  assert.equal(bucket.idle(10_000), true);
});

test('rate limit: keys have separate buckets and refilled keys are forgotten', () => {
  const limiter = new KeyedRateLimiter(1, 1);
  assert.equal(limiter.take('a', 1, 0), true);
  assert.equal(limiter.take('a', 1, 0), false);
  assert.equal(limiter.take('b', 1, 0), true);
  assert.equal(limiter.size, 2);
  limiter.sweep(5_000);
  assert.equal(limiter.size, 0);
  const unlimited = new KeyedRateLimiter(Infinity, 1);
  for (let i = 0; i < 1000; i++) assert.equal(unlimited.take('x'), true);
});

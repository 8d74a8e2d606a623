import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT_THROTTLE, SignInThrottle } from './throttle.js';

describe('sign-in throttle', () => {
  test('5 free failures, then 1, 2, 4, 8 s of backoff, then a 15 minute lock at the 10th', () => {
    const throttle = new SignInThrottle(ACCOUNT_THROTTLE);
    let now = 1_000_000;
    for (let i = 0; i < 5; i++) {
      assert.equal(throttle.check('a@x', now), null, `failure ${i + 1} is free`);
      throttle.fail('a@x', now);
    }
    for (const waitMs of [1000, 2000, 4000, 8000]) {
      assert.deepEqual(throttle.check('a@x', now), { code: 'sign-in-backoff', retryAfterMs: waitMs });
      assert.deepEqual(throttle.check('a@x', now + waitMs - 1), { code: 'sign-in-backoff', retryAfterMs: 1 });
      now += waitMs;
      assert.equal(throttle.check('a@x', now), null);
      throttle.fail('a@x', now);
    }
    assert.equal(throttle.check('a@x', now)?.code, 'sign-in-backoff');
    now += 16_000;
    throttle.fail('a@x', now); // the 10th
    assert.deepEqual(throttle.check('a@x', now), { code: 'sign-in-locked', retryAfterMs: 15 * 60_000 });
    assert.equal(throttle.check('a@x', now + 15 * 60_000 - 1)?.code, 'sign-in-locked');
    assert.equal(throttle.check('a@x', now + 15 * 60_000), null, 'the lock ends');
    assert.equal(throttle.check('b@x', now), null, 'other keys are not affected');
  });

  test('a success clears the failures; failures are forgotten 15 minutes after the last', () => {
    const throttle = new SignInThrottle(ACCOUNT_THROTTLE);
    for (let i = 0; i < 6; i++) throttle.fail('a@x', 0);
    assert.equal(throttle.check('a@x', 0)?.code, 'sign-in-backoff');
    throttle.succeed('a@x');
    assert.equal(throttle.check('a@x', 0), null);
    for (let i = 0; i < 6; i++) throttle.fail('b@x', 0);
    throttle.sweep(15 * 60_000 + 1);
    assert.equal(throttle.check('b@x', 15 * 60_000 + 1), null);
  });
});

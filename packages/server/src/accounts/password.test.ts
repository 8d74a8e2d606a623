import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SCRYPT_PARAMS, hashPassword, verifyPassword } from './password.js';

describe('password hashing', () => {
  test('hashes with scrypt N=2^15, r=8, p=1, a 16-byte salt and a 32-byte key, stored with its parameters', async () => {
    assert.deepEqual(SCRYPT_PARAMS, { N: 32768, r: 8, p: 1 });
    const hash = await hashPassword('correct horse battery');
    const [scheme, N, r, p, salt, key] = hash.split('$');
    assert.deepEqual([scheme, N, r, p], ['scrypt', '32768', '8', '1']);
    assert.equal(Buffer.from(salt!, 'base64url').length, 16);
    assert.equal(Buffer.from(key!, 'base64url').length, 32);
    assert.notEqual(await hashPassword('correct horse battery'), hash, 'a fresh salt each time');
  });

  test('accepts the password, refuses any other and any malformed hash', async () => {
    const hash = await hashPassword('correct horse battery');
    assert.equal(await verifyPassword('correct horse battery', hash), true);
    assert.equal(await verifyPassword('correct horse batterY', hash), false);
    assert.equal(await verifyPassword('', hash), false);
    assert.equal(await verifyPassword('correct horse battery', 'scrypt$x$8$1$aa$bb'), false);
    assert.equal(await verifyPassword('correct horse battery', 'plain'), false);
  });

  test('verifies a hash made with other parameters (they travel with the hash)', async () => {
    const hash = await hashPassword('old password');
    const weaker = hash.replace('scrypt$32768$', 'scrypt$16384$');
    // Same salt, other N: a different key, so the password no longer matches this edited record…
    assert.equal(await verifyPassword('old password', weaker), false);
    // …while an untouched record keeps working.
    assert.equal(await verifyPassword('old password', hash), true);
  });

  test('reports the time of one password check on this machine', async (t) => {
    const hash = await hashPassword('measure me please');
    const runs = 5;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      assert.equal(await verifyPassword('measure me please', hash), true);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    t.diagnostic(
      `one password check: median ${times[2]!.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times[4]!.toFixed(1)})`,
    );
    assert.ok(times[0]! > 5, 'scrypt at these parameters is not instant');
  });
});

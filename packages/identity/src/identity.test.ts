import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createIdentityToken, IdentityTokenError, verifyIdentityToken, type IdentityTokenErrorCode } from './index.js';

const secret = 'site-secret-0123456789-0123456789';
const audience = 'shop.example.com';
const now = Date.UTC(2026, 0, 1);
const nowS = now / 1000;

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT made by hand with node's crypto, as any language's JWT library makes one. */
function handMadeJwt(header: object, payload: object, key = secret): string {
  const signingInput = `${part(header)}.${part(payload)}`;
  return `${signingInput}.${createHmac('sha256', key).update(signingInput).digest('base64url')}`;
}
const decode = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));

async function refusalOf(promise: Promise<unknown>): Promise<IdentityTokenErrorCode> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof IdentityTokenError, `a typed error, not ${String(error)}`);
    return error.code;
  }
  assert.fail('the token was accepted');
}

describe('identity tokens are standard HS256 JWTs', () => {
  it('signs the identity as sub, email and name with aud, iat and exp, in an HS256 JWT with its kid', async () => {
    const token = await createIdentityToken(
      { email: 'ann@example.com', name: 'Ann' },
      { id: 'k2026', secret },
      { audience, expiresIn: 600, now },
    );
    const [header, payload, signature] = token.split('.') as [string, string, string];
    assert.deepEqual(decode(header), { alg: 'HS256', typ: 'JWT', kid: 'k2026' });
    assert.deepEqual(decode(payload), {
      email: 'ann@example.com',
      name: 'Ann',
      sub: 'ann@example.com',
      aud: audience,
      iat: nowS,
      exp: nowS + 600,
    });
    const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
    assert.equal(signature, expected, 'the signature is HMAC-SHA256 over header.payload, base64url without padding');
  });

  it('verifies a token made by hand with node:crypto, as any JWT library makes one', async () => {
    const token = handMadeJwt(
      { alg: 'HS256', typ: 'JWT' },
      { email: 'ann@example.com', name: 'Ann', aud: audience, iat: nowS, exp: nowS + 60 },
    );
    assert.deepEqual(await verifyIdentityToken(token, secret, { audience, now }), {
      email: 'ann@example.com',
      name: 'Ann',
    });
  });

  it('accepts either key during a rotation, each checking the tokens of its own kid', async () => {
    const keys = [
      { id: 'new', secret: 'the-new-secret-0123456789' },
      { id: 'old', secret: 'the-old-secret-0123456789' },
    ];
    for (const key of keys) {
      const token = await createIdentityToken({ email: 'ann@example.com' }, key, { audience, now });
      assert.deepEqual(await verifyIdentityToken(token, keys, { audience, now }), { email: 'ann@example.com' });
    }
    const retired = await createIdentityToken({ email: 'ann@example.com' }, { id: 'older', secret }, { audience, now });
    assert.equal(await refusalOf(verifyIdentityToken(retired, keys, { audience, now })), 'unknown-key');
    const withoutKid = await createIdentityToken({ email: 'ann@example.com' }, secret, { audience, now });
    assert.equal(await refusalOf(verifyIdentityToken(withoutKid, keys, { audience, now })), 'unknown-key');
    const swapped = await createIdentityToken(
      { email: 'ann@example.com' },
      { id: 'new', secret: keys[1]!.secret },
      { audience, now },
    );
    assert.equal(await refusalOf(verifyIdentityToken(swapped, keys, { audience, now })), 'bad-signature');
  });

  it('allows 60 seconds of clock skew at expiry and no more', async () => {
    const token = await createIdentityToken({ email: 'ann@example.com' }, secret, { audience, expiresIn: 60, now });
    const expiry = now + 60_000;
    assert.ok(await verifyIdentityToken(token, secret, { audience, now: expiry + 59_000 }));
    assert.equal(await refusalOf(verifyIdentityToken(token, secret, { audience, now: expiry + 60_000 })), 'expired');
    assert.equal(
      await refusalOf(verifyIdentityToken(token, secret, { audience, now: expiry + 1000, clockToleranceSeconds: 0 })),
      'expired',
    );
  });

  it('refuses a token not valid before a time more than the skew away', async () => {
    const token = handMadeJwt(
      { alg: 'HS256' },
      { email: 'ann@example.com', aud: audience, nbf: nowS + 120, exp: nowS + 600 },
    );
    assert.equal(await refusalOf(verifyIdentityToken(token, secret, { audience, now })), 'not-yet-valid');
    assert.ok(await verifyIdentityToken(token, secret, { audience, now: now + 61_000 }));
  });

  it('refuses another audience, another secret and a changed payload', async () => {
    const other = await createIdentityToken({ email: 'ann@example.com' }, secret, { audience: 'other.example', now });
    assert.equal(await refusalOf(verifyIdentityToken(other, secret, { audience, now })), 'wrong-audience');
    const guessed = await createIdentityToken({ email: 'ann@example.com' }, 'guessed', { audience, now });
    assert.equal(await refusalOf(verifyIdentityToken(guessed, secret, { audience, now })), 'bad-signature');
    const good = await createIdentityToken({ email: 'ann@example.com' }, secret, { audience, now });
    const [header, , signature] = good.split('.');
    const forged = `${header}.${part({ email: 'boss@example.com', aud: audience, exp: nowS + 600 })}.${signature}`;
    assert.equal(await refusalOf(verifyIdentityToken(forged, secret, { audience, now })), 'bad-signature');
  });

  it('refuses alg none and every algorithm but HS256', async () => {
    const payload = { email: 'boss@example.com', aud: audience, exp: nowS + 600 };
    const unsigned = `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
    assert.equal(await refusalOf(verifyIdentityToken(unsigned, secret, { audience, now })), 'algorithm');
    for (const alg of ['HS512', 'HS384', 'RS256', 'ES256']) {
      const token = handMadeJwt({ alg, typ: 'JWT' }, payload);
      assert.equal(await refusalOf(verifyIdentityToken(token, secret, { audience, now })), 'algorithm', alg);
    }
  });

  it('refuses a token without email or expiry, or with claims of the wrong type', async () => {
    const claims = { email: 'ann@example.com', aud: audience, exp: nowS + 600 };
    for (const payload of [
      { aud: audience, exp: nowS + 600 },
      { email: 'ann@example.com', aud: audience },
      { ...claims, email: '' },
      { ...claims, email: 42 },
      { ...claims, name: { first: 'Ann' } },
      { ...claims, exp: 'tomorrow' },
    ]) {
      const token = handMadeJwt({ alg: 'HS256' }, payload);
      assert.equal(
        await refusalOf(verifyIdentityToken(token, secret, { audience, now })),
        'bad-claims',
        JSON.stringify(payload),
      );
    }
  });

  it('refuses empty, malformed and oversized tokens, and verifies nothing with an empty secret', async () => {
    const good = await createIdentityToken({ email: 'ann@example.com' }, secret, { audience, now });
    for (const bad of ['', '.', 'abc', 'a.b', 'a.b.c', `${good}.x`, '!!!.???.***', `${good}${'a'.repeat(5000)}`])
      assert.equal(await refusalOf(verifyIdentityToken(bad, secret, { audience, now })), 'malformed', bad.slice(0, 20));
    assert.equal(await refusalOf(verifyIdentityToken(good, '', { audience, now })), 'unknown-key');
    assert.equal(
      await refusalOf(verifyIdentityToken(undefined as unknown as string, secret, { audience, now })),
      'malformed',
    );
  });

  it('refuses to sign without a secret, an audience or an email', async () => {
    await assert.rejects(createIdentityToken({ email: 'ann@example.com' }, '', { audience }), /secret/);
    await assert.rejects(createIdentityToken({ email: 'ann@example.com' }, secret, { audience: '' }), /audience/);
    await assert.rejects(createIdentityToken({ email: '' }, secret, { audience }), /email/);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIdentityToken, verifyIdentityToken } from './identity.js';

const secret = 'site-secret-0123456789';
const audience = 'shop.example.com';
const now = Date.UTC(2025, 0, 1);

test('identity: a token signed with the secret for this audience verifies to its email and name', () => {
  const token = createIdentityToken({ email: 'ann@example.com', name: 'Ann' }, secret, {
    audience,
    expiresIn: 600,
    now,
  });
  assert.deepEqual(verifyIdentityToken(token, secret, { audience, now: now + 1000 }), {
    email: 'ann@example.com',
    name: 'Ann',
  });
  assert.equal(token.includes('='), false, 'base64url without padding');
});

test('identity: a token signed with another secret is refused', () => {
  const token = createIdentityToken({ email: 'ann@example.com' }, 'another-secret', { audience, now });
  assert.equal(verifyIdentityToken(token, secret, { audience, now }), null);
});

test('identity: a tampered payload is refused', () => {
  const token = createIdentityToken({ email: 'ann@example.com' }, secret, { audience, now });
  const [, signature] = token.split('.');
  const forged = Buffer.from(
    JSON.stringify({ email: 'boss@example.com', aud: audience, iat: now / 1000, exp: now / 1000 + 600 }),
  ).toString('base64url');
  assert.equal(verifyIdentityToken(`${forged}.${signature}`, secret, { audience, now }), null);
});

test('identity: an expired token is refused', () => {
  const token = createIdentityToken({ email: 'ann@example.com' }, secret, { audience, expiresIn: 60, now });
  assert.notEqual(verifyIdentityToken(token, secret, { audience, now: now + 59_000 }), null);
  assert.equal(verifyIdentityToken(token, secret, { audience, now: now + 60_000 }), null);
});

test('identity: a token for another site (audience) is refused', () => {
  const token = createIdentityToken({ email: 'ann@example.com' }, secret, { audience: 'other.example.com', now });
  assert.equal(verifyIdentityToken(token, secret, { audience, now }), null);
});

test('identity: empty, malformed and oversized tokens are refused, and an empty secret verifies nothing', () => {
  const good = createIdentityToken({ email: 'ann@example.com' }, secret, { audience, now });
  for (const bad of [
    '',
    '.',
    'abc',
    'a.b.c',
    `${good}x`,
    `${good.split('.')[0]}.`,
    'a'.repeat(10_000) + '.b',
    '!!!.???',
  ]) {
    assert.equal(verifyIdentityToken(bad, secret, { audience, now }), null, bad.slice(0, 20));
  }
  assert.equal(verifyIdentityToken(good, '', { audience, now }), null);
  assert.equal(verifyIdentityToken(undefined as unknown as string, secret, { audience, now }), null);
  assert.throws(() => createIdentityToken({ email: 'ann@example.com' }, '', { audience }));
});

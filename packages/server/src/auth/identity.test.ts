// The token format itself is tested in packages/identity; here: what the server adds (the engine's
// address rule) and how its keys are configured.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { identityFromEnv } from '../config.js';
import { createIdentityToken, IdentityTokenError, verifyVisitorIdentity } from './identity.js';

const audience = 'shop.example.com';
const now = Date.UTC(2026, 0, 1);

describe('the server verifying identity tokens', () => {
  it('accepts a token of either configured key and refuses one of a key no longer listed', async () => {
    const settings = identityFromEnv({
      CONFAB_IDENTITY_KEYS: 'k2:new-secret-0123456789, k1:old-secret-0123456789',
      CONFAB_IDENTITY_AUDIENCE: audience,
    })!;
    for (const key of settings.keys) {
      const token = await createIdentityToken({ email: 'ann@example.com', name: 'Ann' }, key, { audience, now });
      assert.deepEqual(await verifyVisitorIdentity(token, settings, now), { email: 'ann@example.com', name: 'Ann' });
    }
    const rotatedOut = identityFromEnv({
      CONFAB_IDENTITY_KEYS: 'k2:new-secret-0123456789',
      CONFAB_IDENTITY_AUDIENCE: audience,
    })!;
    const old = await createIdentityToken({ email: 'ann@example.com' }, settings.keys[1]!, { audience, now });
    await assert.rejects(verifyVisitorIdentity(old, rotatedOut, now), {
      name: 'IdentityTokenError',
      code: 'unknown-key',
    });
  });

  it('refuses a correctly signed token that names something other than an email address', async () => {
    const settings = { keys: [{ secret: 's3cret-0123456789' }], audience };
    for (const email of ['not-an-email', 'a@b', 'x y@example.com']) {
      const token = await createIdentityToken({ email }, 's3cret-0123456789', { audience, now });
      await assert.rejects(verifyVisitorIdentity(token, settings, now), (error: unknown) => {
        assert.ok(error instanceof IdentityTokenError);
        assert.equal(error.code, 'bad-claims', email);
        return true;
      });
    }
  });
});

describe('identity keys from the environment', () => {
  it('is off when no key is set', () => {
    assert.equal(identityFromEnv({}), undefined);
    assert.equal(identityFromEnv({ CONFAB_IDENTITY_KEYS: ' ' }), undefined);
    // An audience alone is kept: the workspaces' own keys (the admin API) name it.
    assert.deepEqual(identityFromEnv({ CONFAB_IDENTITY_AUDIENCE: audience, CONFAB_IDENTITY_KEYS: ' ' }), {
      keys: [],
      audience,
    });
  });

  it('reads CONFAB_IDENTITY_SECRET as a key without id, beside the keys of CONFAB_IDENTITY_KEYS', () => {
    assert.deepEqual(identityFromEnv({ CONFAB_IDENTITY_SECRET: 'only' }), {
      keys: [{ secret: 'only' }],
      audience: 'confab',
    });
    assert.deepEqual(
      identityFromEnv({
        CONFAB_IDENTITY_KEYS: 'a:one,b:t:w:o',
        CONFAB_IDENTITY_SECRET: 'three',
        CONFAB_IDENTITY_AUDIENCE: audience,
      }),
      { keys: [{ id: 'a', secret: 'one' }, { id: 'b', secret: 't:w:o' }, { secret: 'three' }], audience },
    );
  });

  it('refuses an entry that is not kid:secret, and a kid named twice, without repeating a secret', () => {
    for (const keys of ['secretwithoutid', ':nokid', 'k1:', 'k1:a,k2']) {
      assert.throws(
        () => identityFromEnv({ CONFAB_IDENTITY_KEYS: keys }),
        (error: Error) => {
          assert.match(error.message, /CONFAB_IDENTITY_KEYS entry \d is not kid:secret/);
          assert.ok(!error.message.includes('secretwithoutid'), 'the value stays out of the message');
          return true;
        },
      );
    }
    assert.throws(() => identityFromEnv({ CONFAB_IDENTITY_KEYS: 'k1:a,k1:b' }), /k1 twice/);
  });
});

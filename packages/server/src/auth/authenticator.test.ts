import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteStorage } from '../storage/sqlite-storage.js';
import { createServerAuthenticator, hashToken } from './authenticator.js';
import { createIdentityToken } from './identity.js';

async function withAuth(
  fn: (auth: ReturnType<typeof createServerAuthenticator>, file: string) => Promise<void>,
  active = () => true,
) {
  const dir = mkdtempSync(join(tmpdir(), 'confab-auth-'));
  const storage = createSqliteStorage(dir);
  try {
    await fn(
      createServerAuthenticator({
        store: storage,
        identity: { keys: [{ secret: 's3cret' }], audience: 'site.example' },
        isAgentActive: active,
      }),
      storage.file,
    );
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('auth: an issued agent token verifies to its agent, and only a hash of it is stored', () =>
  withAuth(async (auth, file) => {
    const { token } = await auth.issueAgentToken('agent-1', 'laptop');
    assert.match(token, /^cfa_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(await auth.verify(token), { kind: 'agent', agentId: 'agent-1' });
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT token_hash FROM agent_tokens').all() as { token_hash: string }[];
    db.close();
    assert.deepEqual(rows, [{ token_hash: hashToken(token) }]);
  }));

test('auth: a visitor session verifies to its contact; sessions are stored hashed and can be revoked', () =>
  withAuth(async (auth, file) => {
    const token = await auth.issueVisitorSession('contact-9');
    assert.match(token, /^cfv_/);
    assert.deepEqual(await auth.verify(token), { kind: 'visitor', contactId: 'contact-9' });
    const db = new Database(file, { readonly: true });
    const stored = JSON.stringify(db.prepare('SELECT * FROM visitor_sessions').all());
    db.close();
    assert.equal(stored.includes(token), false);
    assert.equal(await auth.revokeVisitorSessions('contact-9'), 1);
    assert.equal(await auth.verify(token), null);
  }));

test('auth: wrong, empty, unknown-kind and oversized tokens verify to nobody', () =>
  withAuth(async (auth) => {
    const { token } = await auth.issueAgentToken('agent-1');
    for (const bad of ['', 'cfa_x', token + 'x', token.replace('cfa_', 'cfv_'), 'Bearer ' + token, 'x'.repeat(1000)]) {
      assert.equal(await auth.verify(bad), null, bad.slice(0, 12));
    }
    assert.equal(auth.claimedKind(''), 'visitor');
    assert.equal(auth.claimedKind(token), 'agent');
    assert.equal(auth.claimedKind('zzz'), 'unknown');
  }));

test('auth: a revoked agent token and an agent the engine does not allow (disabled, unknown) are refused', async () => {
  let active = true;
  await withAuth(
    async (auth) => {
      const first = await auth.issueAgentToken('agent-1');
      const second = await auth.issueAgentToken('agent-1');
      assert.equal((await auth.revokeAgentToken(first.id))?.agentId, 'agent-1');
      assert.equal(await auth.revokeAgentToken(first.id), null);
      assert.equal(await auth.verify(first.token), null);
      assert.notEqual(await auth.verify(second.token), null);
      active = false;
      assert.equal(await auth.verify(second.token), null);
    },
    () => active,
  );
});

test('auth: identity tokens verify only with the configured secret and audience', () =>
  withAuth(async (auth) => {
    assert.deepEqual(
      await auth.verifyIdentity!(
        await createIdentityToken({ email: 'a@b.example' }, 's3cret', { audience: 'site.example' }),
      ),
      { email: 'a@b.example' },
    );
    assert.equal(
      await auth.verifyIdentity!(
        await createIdentityToken({ email: 'a@b.example' }, 's3cret', { audience: 'evil.example' }),
      ),
      null,
    );
    assert.equal(await auth.verifyIdentity!(''), null);
  }));

test('auth: a visitor hello stores the session’s last use again only once it is an hour old', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confab-auth-'));
  const storage = createSqliteStorage(dir);
  let clock = 1_000_000;
  const touches: number[] = [];
  const store = Object.assign(Object.create(storage) as typeof storage, {
    touchVisitorSession(tokenHash: string, usedAt: number) {
      touches.push(usedAt);
      return storage.touchVisitorSession(tokenHash, usedAt);
    },
  });
  try {
    const auth = createServerAuthenticator({ store, now: () => clock });
    const token = await auth.issueVisitorSession('contact-1');
    for (let hello = 0; hello < 5; hello++) {
      clock += 10 * 60 * 1000;
      assert.deepEqual(await auth.verify(token), { kind: 'visitor', contactId: 'contact-1' });
    }
    // Hellos at 10, 20, …, 50 minutes: none stored (the last use is under an hour old).
    assert.deepEqual(touches, []);
    clock += 10 * 60 * 1000;
    await auth.verify(token);
    assert.deepEqual(touches, [clock]);
    assert.equal((await storage.findVisitorSession(hashToken(token)))?.lastUsedAt, clock);
    clock += 30 * 60 * 1000;
    await auth.verify(token);
    assert.deepEqual(touches, [clock - 30 * 60 * 1000]);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

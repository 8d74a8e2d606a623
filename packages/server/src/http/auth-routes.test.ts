import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSE_UNAUTHENTICATED } from '../ws/gateway.js';
import { Peer } from '../testing/harness.test-util.js';
import { ADMIN, call, signIn, startAccountsServer, type AccountsServer } from '../testing/accounts.test-util.js';

const DAY = 24 * 60 * 60 * 1000;

/** A socket of the inbox page: same-origin upgrade with the cookie, hello with the cookie marker. */
async function cookieSocket(t: AccountsServer, cookie: string | null, origin = t.url) {
  const peer = await Peer.open(t.wsUrl, { origin, ...(cookie ? { cookie } : {}) });
  peer.send({ v: 1, type: 'hello', token: 'confab-session-cookie' });
  return peer;
}

describe('sign-in and sessions', () => {
  let t: AccountsServer;
  before(async () => {
    t = await startAccountsServer();
  });
  after(() => t.close());

  test('signs in with email (any case) and password: an HttpOnly SameSite=Strict cookie, who-am-I answers', async () => {
    const answer = await call(t.url, '/api/auth/sign-in', {
      body: { email: 'ADA@Team.example', password: ADMIN.password },
    });
    assert.equal(answer.status, 200);
    const setCookie = answer.headers.get('set-cookie')!;
    assert.match(
      setCookie,
      /^confab_session=cfs_[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=2592000$/,
    );
    assert.doesNotMatch(setCookie, /Secure/, 'plain HTTP without a trusted proxy: no Secure');
    assert.equal(JSON.stringify(answer.body).includes('cfs_'), false, 'the token is never in the body');
    const me = await call(t.url, '/api/auth/session', { method: 'GET', cookie: answer.cookie });
    assert.deepEqual(me.body, {
      signedIn: true,
      agent: { id: t.adminId, name: ADMIN.name, email: ADMIN.email, role: 'admin' },
    });
    assert.notEqual(t.server.backend.state.agents.get(t.adminId)!.lastSeenAt, null, 'agent.signedIn recorded');
    const anonymous = await call(t.url, '/api/auth/session', { method: 'GET' });
    assert.deepEqual(anonymous.body, { signedIn: false, setupNeeded: false, demo: false });
  });

  test('the session is stored hashed: the database holds no session token', async () => {
    const cookie = await signIn(t.url, ADMIN.email, ADMIN.password);
    const token = cookie.split('=')[1]!;
    const { readFileSync } = await import('node:fs');
    const file = t.server.storage.file;
    const bytes = readFileSync(file).toString('latin1') + readFileSync(`${file}-wal`).toString('latin1');
    assert.equal(bytes.includes(token), false);
  });

  test('a session ends after 7 idle days, and after 30 days however much it is used', async () => {
    const idle = await signIn(t.url, ADMIN.email, ADMIN.password);
    const busy = await signIn(t.url, ADMIN.email, ADMIN.password);
    const alive = async (cookie: string) =>
      (await call(t.url, '/api/auth/session', { method: 'GET', cookie })).body.signedIn as boolean;
    for (let day = 6; day <= 24; day += 6) {
      t.advance(6 * DAY);
      assert.equal(await alive(busy), true, `used every 6 days: alive on day ${day}`);
    }
    assert.equal(await alive(idle), false, 'not used for 7 days: ended');
    t.advance(6 * DAY - 10_000); // just before day 30 (real time passes too)
    assert.equal(await alive(busy), true);
    t.advance(10_000); // past 30 days since sign-in
    assert.equal(await alive(busy), false);
  });

  test('sign out ends this session and closes its socket; sign out everywhere ends all of them', async () => {
    const first = await signIn(t.url, ADMIN.email, ADMIN.password);
    const second = await signIn(t.url, ADMIN.email, ADMIN.password);
    const third = await signIn(t.url, ADMIN.email, ADMIN.password);
    const firstSocket = await cookieSocket(t, first);
    const welcome = await firstSocket.next('welcome');
    assert.deepEqual(welcome.principal, { kind: 'agent', agentId: t.adminId });
    const out = await call(t.url, '/api/auth/sign-out', { cookie: first });
    assert.equal(out.status, 200);
    assert.match(out.headers.get('set-cookie')!, /^confab_session=; .*Max-Age=0/);
    assert.equal((await firstSocket.closed).code, CLOSE_UNAUTHENTICATED);
    assert.equal((await call(t.url, '/api/auth/session', { method: 'GET', cookie: first })).body.signedIn, false);
    const reconnect = await cookieSocket(t, first);
    assert.equal((await reconnect.closed).code, CLOSE_UNAUTHENTICATED, 'a signed-out cookie opens nothing');

    const secondSocket = await cookieSocket(t, second);
    await secondSocket.next('welcome');
    const everywhere = await call(t.url, '/api/auth/sign-out-everywhere', { cookie: third });
    assert.equal(everywhere.status, 200);
    assert.equal((await secondSocket.closed).code, CLOSE_UNAUTHENTICATED);
    for (const cookie of [second, third])
      assert.equal((await call(t.url, '/api/auth/session', { method: 'GET', cookie })).body.signedIn, false);
  });

  test('the socket takes the cookie only from a page of this server, and reconnects while the session lives', async () => {
    const cookie = await signIn(t.url, ADMIN.email, ADMIN.password);
    for (let i = 0; i < 3; i++) {
      const peer = await cookieSocket(t, cookie);
      assert.equal((await peer.next('welcome')).principal.kind, 'agent');
      peer.close();
      await peer.closed;
    }
    const foreign = await cookieSocket(t, cookie, 'https://evil.example');
    assert.equal((await foreign.closed).code, CLOSE_UNAUTHENTICATED, 'cross-site WebSocket hijacking gets nothing');
    const noCookie = await cookieSocket(t, null);
    assert.equal((await noCookie.closed).code, CLOSE_UNAUTHENTICATED);
  });

  test('an open socket whose session ran out is told session-expired and closed at the next heartbeat (4401)', async () => {
    const quick = await startAccountsServer({ heartbeatMs: 100 });
    try {
      const cookie = await signIn(quick.url, ADMIN.email, ADMIN.password);
      const socket = await cookieSocket(quick, cookie);
      await socket.next('welcome');
      quick.advance(31 * DAY);
      // Named first, so the inbox says "your session has ended" (issue 21, item 2).
      const expired = await socket.next('error');
      assert.equal(expired.error.code, 'session-expired');
      const closed = await socket.closed;
      assert.equal(closed.code, CLOSE_UNAUTHENTICATED);
      assert.match(closed.reason, /session ended/);
    } finally {
      await quick.close();
    }
  });

  test('a Secure cookie behind a trusted TLS proxy', async () => {
    const proxied = await startAccountsServer({ trustProxy: true });
    try {
      const response = await fetch(`${proxied.url}/api/auth/sign-in`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: 'https://' + new URL(proxied.url).host,
          'x-forwarded-proto': 'https',
        },
        body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
      });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('set-cookie')!, /; Secure$/);
    } finally {
      await proxied.close();
    }
  });
});

describe('CSRF: every state-changing auth route checks Origin', () => {
  let t: AccountsServer;
  before(async () => {
    t = await startAccountsServer();
  });
  after(() => t.close());

  for (const path of [
    '/api/auth/sign-in',
    '/api/auth/sign-out',
    '/api/auth/sign-out-everywhere',
    '/api/auth/set-password',
    '/api/auth/forgot-password',
    '/api/auth/invites',
  ]) {
    test(`${path} refuses another origin and a missing Origin with 403 cross-origin, changing nothing`, async () => {
      const cookie = await signIn(t.url, ADMIN.email, ADMIN.password);
      for (const origin of ['https://evil.example', null, 'null']) {
        const answer = await call(t.url, path, {
          body: { email: ADMIN.email, password: ADMIN.password },
          cookie,
          origin,
        });
        assert.equal(answer.status, 403);
        assert.equal(answer.body.error!.code, 'cross-origin');
        assert.equal(answer.cookie, null);
      }
      assert.equal((await call(t.url, '/api/auth/session', { method: 'GET', cookie })).body.signedIn, true);
    });
  }
});

describe('brute force: backoff, lock, and no account enumeration', () => {
  let t: AccountsServer;
  before(async () => {
    // Backoff windows are 1 s: a sign-in (a password check) on a busy machine may take longer.
    t = await startAccountsServer({}, { manualClock: true });
  });
  after(() => t.close());

  test('a wrong password and an unknown email get the same status and body, and both cost a password check', async () => {
    const timed = async (email: string) => {
      const start = performance.now();
      const answer = await call(t.url, '/api/auth/sign-in', { body: { email, password: 'wrong-password' } });
      return { answer, ms: performance.now() - start };
    };
    const known = await timed(ADMIN.email);
    const unknown = await timed('nobody@team.example');
    assert.equal(known.answer.status, 401);
    assert.equal(unknown.answer.status, known.answer.status);
    assert.deepEqual(unknown.answer.body, known.answer.body);
    assert.deepEqual(known.answer.body, {
      error: { code: 'invalid-credentials', message: 'The email or password is not right.' },
    });
    // The unknown email is checked against a decoy hash: at least most of one scrypt check.
    const { verifyPassword, hashPassword } = await import('../accounts/password.js');
    const hash = await hashPassword('x-password');
    const checkStart = performance.now();
    await verifyPassword('y-password', hash);
    const checkMs = performance.now() - checkStart;
    assert.ok(
      unknown.ms > checkMs * 0.5,
      `unknown email took ${unknown.ms.toFixed(0)} ms, one check ${checkMs.toFixed(0)} ms`,
    );
  });

  test('after 5 failures each email waits (429 sign-in-backoff, Retry-After), alike for known and unknown emails; the 10th locks', async () => {
    for (const email of ['ada@team.example', 'ghost@team.example']) {
      // Both addresses already have 0 or 1 failure from the previous test; start from a clean slate.
      t.advance(16 * 60_000);
      for (let i = 0; i < 5; i++) {
        const answer = await call(t.url, '/api/auth/sign-in', { body: { email, password: `wrong-${i}` } });
        assert.equal(answer.status, 401, `failure ${i + 1} of ${email} is answered normally`);
      }
      const waiting = await call(t.url, '/api/auth/sign-in', { body: { email, password: ADMIN.password } });
      assert.equal(waiting.status, 429);
      assert.equal(waiting.body.error!.code, 'sign-in-backoff');
      assert.equal(waiting.headers.get('retry-after'), '1');
      for (const waitMs of [1000, 2000, 4000, 8000]) {
        t.advance(waitMs);
        assert.equal((await call(t.url, '/api/auth/sign-in', { body: { email, password: 'wrong' } })).status, 401);
      }
      t.advance(16_000);
      const tenth = await call(t.url, '/api/auth/sign-in', { body: { email, password: 'wrong' } });
      assert.equal(tenth.status, 401);
      const locked = await call(t.url, '/api/auth/sign-in', { body: { email, password: ADMIN.password } });
      assert.equal(locked.status, 429);
      assert.equal(locked.body.error!.code, 'sign-in-locked', 'even the right password waits out the lock');
      const retryAfter = Number(locked.headers.get('retry-after'));
      assert.ok(retryAfter > 890 && retryAfter <= 900, `a 15 minute lock, Retry-After ${retryAfter}`);
    }
    t.advance(15 * 60_000);
    assert.equal(
      (await call(t.url, '/api/auth/sign-in', { body: { email: ADMIN.email, password: ADMIN.password } })).status,
      200,
    );
  });

  test('one address spraying many emails is slowed after 20 failures', async () => {
    t.advance(16 * 60_000);
    for (let i = 0; i < 20; i++)
      assert.equal(
        (await call(t.url, '/api/auth/sign-in', { body: { email: `user${i}@spray.example`, password: 'x' } })).status,
        401,
      );
    const next = await call(t.url, '/api/auth/sign-in', { body: { email: 'fresh@spray.example', password: 'x' } });
    assert.equal(next.status, 429);
    assert.equal(next.body.error!.code, 'sign-in-backoff');
    t.advance(16 * 60_000);
  });
});

describe('production mode', () => {
  test('a fresh server has no demo data and no demo sign-in, and /inbox/ is told to explain create-agent', async () => {
    const { startServer } = await import('../server.js');
    const { tempDataDir } = await import('../testing/harness.test-util.js');
    const server = await startServer({ port: 0, host: '127.0.0.1', dataDir: tempDataDir() });
    try {
      assert.equal(server.backend.seq, 0, 'no demo data');
      assert.equal((await fetch(`${server.url}/api/demo/session`)).status, 404);
      const status = (await (await fetch(`${server.url}/api/auth/session`)).json()) as Record<string, unknown>;
      assert.deepEqual(status, { signedIn: false, setupNeeded: true, demo: false });
    } finally {
      await server.close();
    }
  });
});

describe('sign-in throttle per workspace and email (issue 19)', () => {
  let t: AccountsServer;
  const BRAVO_PASSWORD = 'bravo-password-2';
  before(async () => {
    t = await startAccountsServer();
    await t.server.store.directory.createWorkspace({ id: 'bravo', name: 'Bravo', createdAt: Date.now() });
    const bravo = await t.server.workspaces.get('bravo');
    // The same email is a second account, in the other workspace, with a password of its own.
    await bravo.accounts.createAgent({
      email: ADMIN.email,
      name: 'Ada in Bravo',
      role: 'admin',
      password: BRAVO_PASSWORD,
    });
  });
  after(() => t.close());

  /** Ten failures for an email in a workspace (waiting out each backoff): the 10th locks the key. */
  async function lockOut(workspace: string | undefined) {
    for (let failure = 1; failure <= 10; failure++) {
      const answer = await call(t.url, '/api/auth/sign-in', {
        body: { email: ADMIN.email, password: 'wrong-password', ...(workspace ? { workspace } : {}) },
      });
      assert.equal(answer.status, 401, `failure ${failure}: ${JSON.stringify(answer.body)}`);
      t.advance(60_000);
    }
  }
  const signInTo = (workspace: string | undefined, password: string) =>
    call(t.url, '/api/auth/sign-in', {
      body: { email: ADMIN.email, password, ...(workspace ? { workspace } : {}) },
    });

  test("failures against an email in one workspace lock it there only: the same email's account in another still signs in", async () => {
    await lockOut(undefined);
    const locked = await signInTo(undefined, ADMIN.password);
    assert.deepEqual([locked.status, locked.body.error?.code], [429, 'sign-in-locked']);
    assert.equal((await signInTo('bravo', BRAVO_PASSWORD)).status, 200, "the default workspace's lock is not Bravo's");
    t.advance(16 * 60_000);
    assert.equal((await signInTo(undefined, ADMIN.password)).status, 200);
  });

  test('failures naming a workspace that does not exist lock nothing of a real one', async () => {
    t.advance(16 * 60_000);
    await lockOut('no-such-workspace');
    const stillLocked = await signInTo('no-such-workspace', ADMIN.password);
    assert.deepEqual([stillLocked.status, stillLocked.body.error?.code], [429, 'sign-in-locked']);
    assert.equal((await signInTo(undefined, ADMIN.password)).status, 200, 'the default workspace is not locked');
    assert.equal((await signInTo('bravo', BRAVO_PASSWORD)).status, 200, 'Bravo is not locked');
  });
});

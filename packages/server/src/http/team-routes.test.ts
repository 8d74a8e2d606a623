import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED } from '../ws/gateway.js';
import { Peer } from '../testing/harness.test-util.js';
import { ADMIN, call, signIn, startAccountsServer, type AccountsServer } from '../testing/accounts.test-util.js';
import { mailText, smtpSink } from '../testing/smtp-sink.test-util.js';

const HOUR = 60 * 60 * 1000;

/** The inbox page's socket: hello with the cookie marker, welcome and snapshot taken. */
async function inboxSocket(t: AccountsServer, cookie: string) {
  const peer = await Peer.open(t.wsUrl, { origin: t.url, cookie });
  peer.send({ v: 1, type: 'hello', token: 'confab-session-cookie' });
  await peer.next('welcome');
  await peer.next('snapshot');
  return peer;
}

let commandCount = 0;
/** Sends a command over the socket; resolves with its ack or error frame. */
async function command(peer: Peer, body: Record<string, unknown>) {
  const id = `cmd-${++commandCount}`;
  peer.send({ v: 1, type: 'command', id, command: body });
  const frame = await Promise.race([
    peer.next('ack', (ack) => ack.id === id),
    peer.next('error', (error) => error.id === id),
  ]);
  return frame;
}

/** Polls until `find` returns something (mail is sent after the answer). */
async function waitFor<T>(find: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function linkToken(link: string): string {
  return /#(?:invite|reset)=(cfl_[A-Za-z0-9_-]+)$/.exec(link)![1]!;
}

describe('invitations', () => {
  let t: AccountsServer;
  let admin: string;
  before(async () => {
    t = await startAccountsServer();
    admin = await signIn(t.url, ADMIN.email, ADMIN.password);
  });
  after(() => t.close());

  test('without SMTP an admin gets the one-time link; a new one voids the old; it works once and signs the invitee in', async () => {
    const socket = await inboxSocket(t, admin);
    const invited = await command(socket, {
      type: 'agent.invite',
      email: 'Ben@Team.example',
      name: 'Ben',
      role: 'agent',
    });
    assert.equal(invited.type, 'ack');
    const agentId = (invited as { result?: Record<string, string> }).result!.agentId!;

    const first = await call(t.url, '/api/auth/invites', { body: { agentId }, cookie: admin });
    assert.equal(first.status, 200);
    assert.equal(first.body.sent, false);
    assert.equal(first.body.reason, 'no-smtp');
    assert.match(first.body.link as string, new RegExp(`^${t.url}/inbox/#invite=cfl_`));
    const second = await call(t.url, '/api/auth/invites', { body: { agentId }, cookie: admin });
    const voided = await call(t.url, '/api/auth/set-password', {
      body: { token: linkToken(first.body.link as string), password: 'ben-password-1' },
    });
    assert.equal(voided.status, 400);
    assert.equal(voided.body.error!.code, 'invalid-link');

    const token = linkToken(second.body.link as string);
    const weak = await call(t.url, '/api/auth/set-password', { body: { token, password: 'short' } });
    assert.equal(weak.body.error!.code, 'weak-password', 'a refused password leaves the link working');
    assert.equal(
      (await call(t.url, '/api/auth/sign-in', { body: { email: 'ben@team.example', password: 'ben-password-1' } }))
        .status,
      401,
    );
    const set = await call(t.url, '/api/auth/set-password', { body: { token, password: 'ben-password-1' } });
    assert.equal(set.status, 200);
    assert.ok(set.cookie, 'signed in');
    assert.equal(t.server.backend.state.agents.get(agentId)!.invitePending, false, 'agent.activate ran');
    const again = await call(t.url, '/api/auth/set-password', { body: { token, password: 'other-password-2' } });
    assert.equal(again.body.error!.code, 'invalid-link', 'works once');
    await signIn(t.url, 'ben@team.example', 'ben-password-1');
    socket.close();
  });

  test('an invitation link expires after 72 hours', async () => {
    const agentId = (
      await t.server.backend.execute(
        { kind: 'system' },
        { type: 'agent.invite', email: 'cy@team.example', name: 'Cy', role: 'agent' },
      )
    ).result!.agentId!;
    const { link } = (await call(t.url, '/api/auth/invites', { body: { agentId }, cookie: admin })).body as {
      link: string;
    };
    t.advance(72 * HOUR + 1);
    admin = await signIn(t.url, ADMIN.email, ADMIN.password);
    const late = await call(t.url, '/api/auth/set-password', {
      body: { token: linkToken(link), password: 'cy-password-1' },
    });
    assert.equal(late.body.error!.code, 'invalid-link');
  });

  test('only a signed-in admin may send invitations, and only for a pending invitee', async () => {
    await t.createAgent('dee@team.example', 'Dee', 'agent', 'dee-password-1');
    const dee = await signIn(t.url, 'dee@team.example', 'dee-password-1');
    const pending = (
      await t.server.backend.execute(
        { kind: 'system' },
        { type: 'agent.invite', email: 'eve@team.example', name: 'Eve', role: 'agent' },
      )
    ).result!.agentId!;
    const byAgent = await call(t.url, '/api/auth/invites', { body: { agentId: pending }, cookie: dee });
    assert.equal(byAgent.status, 403);
    assert.equal(byAgent.body.error!.code, 'forbidden');
    const anonymous = await call(t.url, '/api/auth/invites', { body: { agentId: pending } });
    assert.equal(anonymous.status, 401);
    const active = await call(t.url, '/api/auth/invites', { body: { agentId: t.adminId }, cookie: admin });
    assert.equal(active.status, 409);
    const unknown = await call(t.url, '/api/auth/invites', { body: { agentId: 'nobody' }, cookie: admin });
    assert.equal(unknown.status, 404);
  });

  test('an agent (not an admin) is refused every team and settings command over the socket', async () => {
    const dee = await signIn(t.url, 'dee@team.example', 'dee-password-1');
    const socket = await inboxSocket(t, dee);
    for (const body of [
      { type: 'settings.update', patch: { email: { address: 'hijack@evil.example' } } },
      { type: 'agent.invite', email: 'mallory@evil.example', name: 'Mallory', role: 'admin' },
      { type: 'agent.setRole', agentId: t.adminId, role: 'agent' },
      { type: 'agent.disable', agentId: t.adminId },
      { type: 'agent.enable', agentId: t.adminId },
    ]) {
      const answer = await command(socket, body);
      assert.equal(answer.type, 'error', `${body.type} refused`);
      assert.equal((answer as { error: { code: string } }).error.code, 'forbidden', body.type);
    }
    assert.equal(t.server.backend.state.settings.email.address, 'support@confab.example');
    socket.close();
  });
});

describe('invitations with SMTP', () => {
  test('the invitee receives the link by email, and it works', async () => {
    const sink = await smtpSink();
    const t = await startAccountsServer({ smtpUrl: `smtp://127.0.0.1:${sink.port}?ignoreTLS=true` });
    try {
      const admin = await signIn(t.url, ADMIN.email, ADMIN.password);
      const agentId = (
        await t.server.backend.execute(
          { kind: 'system' },
          { type: 'agent.invite', email: 'fay@team.example', name: 'Fay', role: 'agent' },
        )
      ).result!.agentId!;
      const sent = await call(t.url, '/api/auth/invites', { body: { agentId }, cookie: admin });
      assert.deepEqual(sent.body, { sent: true });
      assert.equal(sink.messages.length, 1);
      assert.deepEqual(sink.messages[0]!.to, ['fay@team.example']);
      const link = /http:\/\/\S+#invite=(cfl_[A-Za-z0-9_-]+)/.exec(mailText(sink.messages[0]!.data))!;
      const set = await call(t.url, '/api/auth/set-password', { body: { token: link[1], password: 'fay-password-1' } });
      assert.equal(set.status, 200);

      // Forgot password: the same answer for an account and for no account; one mail, to the account.
      const old = await signIn(t.url, 'fay@team.example', 'fay-password-1');
      const known = await call(t.url, '/api/auth/forgot-password', { body: { email: 'FAY@team.example' } });
      const unknown = await call(t.url, '/api/auth/forgot-password', { body: { email: 'nobody@team.example' } });
      assert.equal(known.status, 200);
      assert.deepEqual(unknown.body, known.body);
      assert.deepEqual(known.body, { ok: true, mail: true });
      await call(t.url, '/api/auth/forgot-password', { body: { email: 'fay@team.example' } }); // within a minute: no second mail
      const resetMail = await waitFor(() =>
        sink.messages.find((message) => message.data.includes('Reset your Confab password')),
      );
      const reset = /#reset=(cfl_[A-Za-z0-9_-]+)/.exec(mailText(resetMail.data))!;
      const changed = await call(t.url, '/api/auth/set-password', {
        body: { token: reset[1], password: 'fay-password-2' },
      });
      assert.equal(changed.status, 200);
      assert.equal(
        (await call(t.url, '/api/auth/session', { method: 'GET', cookie: old })).body.signedIn,
        false,
        'a reset ends earlier sessions',
      );
      await signIn(t.url, 'fay@team.example', 'fay-password-2');
      assert.equal(sink.messages.filter((message) => message.data.includes('Reset your Confab password')).length, 1);
    } finally {
      await t.close();
      await sink.close();
    }
  });
});

describe('admin API (products with their own sign-in)', () => {
  let t: AccountsServer;
  before(async () => {
    t = await startAccountsServer();
  });
  after(() => t.close());
  const admin = (path: string, body?: unknown) =>
    fetch(`${t.url}/api/admin${path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin', 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  test('creates an agent through the engine, issues a token, changes the role; refuses a taken email and the last admin', async () => {
    const created = await admin('/agents', { email: 'gus@product.example', name: 'Gus', role: 'agent' });
    assert.equal(created.status, 201);
    const { agentId } = (await created.json()) as { agentId: string };
    const agent = t.server.backend.state.agents.get(agentId)!;
    assert.deepEqual([agent.role, agent.invitePending, agent.disabled], ['agent', false, false]);
    const taken = await admin('/agents', { email: 'GUS@product.example', name: 'Gus again', role: 'agent' });
    assert.equal(taken.status, 409);
    const bad = await admin('/agents', { email: 'not an address', name: 'X', role: 'agent' });
    assert.equal(bad.status, 400);

    const issued = await admin(`/agents/${agentId}/tokens`, { label: 'product' });
    assert.equal(issued.status, 201);
    const { token } = (await issued.json()) as { token: string };
    const peer = await Peer.open(t.wsUrl);
    peer.send({ v: 1, type: 'hello', token });
    assert.deepEqual((await peer.next('welcome')).principal, { kind: 'agent', agentId });
    peer.close();

    assert.equal((await admin(`/agents/${agentId}/role`, { role: 'admin' })).status, 200);
    assert.equal(t.server.backend.state.agents.get(agentId)!.role, 'admin');
    assert.equal((await admin(`/agents/${agentId}/role`, { role: 'agent' })).status, 200);
    const lastAdmin = await admin(`/agents/${t.adminId}/role`, { role: 'agent' });
    assert.equal(lastAdmin.status, 409, 'the last active admin cannot be demoted');
    assert.equal((await admin(`/agents/${t.adminId}/disable`)).status, 409, 'nor disabled');
  });

  test('disabling closes every socket of the agent at once (4403), refuses sign-in; enabling restores it', async () => {
    const agentId = await t.createAgent('hal@team.example', 'Hal', 'agent', 'hal-password-1');
    const cookie = await signIn(t.url, 'hal@team.example', 'hal-password-1');
    const socket = await inboxSocket(t, cookie);
    const started = Date.now();
    assert.equal((await admin(`/agents/${agentId}/disable`)).status, 200);
    const closed = await socket.closed;
    assert.equal(closed.code, CLOSE_FORBIDDEN);
    assert.ok(Date.now() - started < 5000);
    assert.equal(t.server.backend.state.agents.get(agentId)!.disabled, true);
    const refused = await Peer.open(t.wsUrl, { origin: t.url, cookie });
    refused.send({ v: 1, type: 'hello', token: 'confab-session-cookie' });
    assert.equal((await refused.closed).code, CLOSE_UNAUTHENTICATED);
    assert.equal(
      (await call(t.url, '/api/auth/sign-in', { body: { email: 'hal@team.example', password: 'hal-password-1' } }))
        .status,
      401,
    );

    assert.equal((await admin(`/agents/${agentId}/enable`)).status, 200);
    const back = await inboxSocket(t, cookie);
    back.close();
    await signIn(t.url, 'hal@team.example', 'hal-password-1');
  });
});

describe('upgrade from the token-store disable', () => {
  test('an agent an earlier version disabled in the token store is disabled in the engine at start', async () => {
    const { default: Database } = await import('better-sqlite3');
    const { startServer } = await import('../server.js');
    const { AGENTS, tempDataDir } = await import('../testing/harness.test-util.js');
    const dataDir = tempDataDir();
    const first = await startServer({ port: 0, host: '127.0.0.1', dataDir });
    await first.backend.append(AGENTS.map((agent) => ({ type: 'agent.upserted' as const, agent })));
    await first.close();
    const db = new Database(`${dataDir}/confab.sqlite`);
    db.prepare('INSERT INTO agent_access (agent_id, disabled) VALUES (?, 1)').run(AGENTS[1]!.id);
    db.close();
    const second = await startServer({ port: 0, host: '127.0.0.1', dataDir });
    try {
      assert.equal(second.backend.state.agents.get(AGENTS[1]!.id)!.disabled, true);
      assert.equal(second.backend.state.agents.get(AGENTS[0]!.id)!.disabled, false);
      assert.deepEqual(second.storage.takeLegacyDisabledAgents(), [], 'the rows are gone: the engine holds it now');
    } finally {
      await second.close();
    }
  });
});

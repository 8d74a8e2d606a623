// One contract for the stores beside the log — directory, tokens, accounts, deliveries — run
// against SQLite and PostgreSQL alike: a server behaves the same on either.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tempDataDir } from '../testing/harness.test-util.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../testing/postgres.test-util.js';
import { openServerStore, type ServerStore } from './open-storage.js';
import { DEFAULT_WORKSPACE, PageTakenError } from './workspace-directory.js';

let postgres: ThrowawayPostgres;
before(async () => {
  postgres = await startThrowawayPostgres();
});
after(() => postgres.stop());

const BACKENDS: { name: string; open(dataDir: string): Promise<ServerStore> }[] = [
  { name: 'SQLite', open: (dataDir) => openServerStore({ dataDir }) },
  {
    name: 'PostgreSQL',
    open: async (dataDir) => openServerStore({ dataDir, databaseUrl: await postgres.createDatabase(), poolSize: 3 }),
  },
];

/** A fresh store of one kind, closed and removed after the test. */
async function fresh(backend: (typeof BACKENDS)[number], t: { after(fn: () => Promise<void>): void }) {
  const dir = tempDataDir('confab-stores-');
  const store = await backend.open(dir);
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

for (const backend of BACKENDS) {
  describe(`stores contract: ${backend.name}`, () => {
    test('the directory: workspaces, sites and workspace tokens, and which workspace a credential names', async (t) => {
      const store = await fresh(backend, t);
      const { directory } = store;
      assert.deepEqual(
        (await directory.listWorkspaces()).map((workspace) => workspace.id),
        [DEFAULT_WORKSPACE],
      );
      await directory.createWorkspace({ id: 'harbour', name: 'Harbour', createdAt: 10 });
      await assert.rejects(directory.createWorkspace({ id: 'harbour', name: 'Again', createdAt: 11 }), RangeError);
      await assert.rejects(directory.createWorkspace({ id: 'Not Valid', name: 'x', createdAt: 11 }), RangeError);
      assert.deepEqual(await directory.workspace('harbour'), { id: 'harbour', name: 'Harbour', createdAt: 10 });
      assert.equal(await directory.workspace('nowhere'), null);

      const site = await directory.createSite('harbour', ['https://harbour.example'], 12);
      assert.match(site.siteKey, /^site_/);
      assert.deepEqual(await directory.site(site.siteKey), site);
      assert.deepEqual(await directory.listSites('harbour'), [site]);
      assert.equal(await directory.site('site_unknown'), null);

      await directory.saveWorkspaceToken({
        tokenHash: 'h-ingest',
        workspaceId: 'harbour',
        purpose: 'ingest',
        label: 'mail',
        createdAt: 13,
      });
      assert.equal(await directory.workspaceOfToken('ingest', 'h-ingest'), 'harbour');
      assert.equal(await directory.workspaceOfToken('admin', 'h-ingest'), null, 'a token opens its purpose only');

      const harbour = await store.forWorkspace('harbour');
      await harbour.saveVisitorSession('h-visitor', 'contact-1', 14);
      assert.equal(await directory.workspaceOfCredential('visitor-session', 'h-visitor'), 'harbour');
      assert.equal(await directory.workspaceOfCredential('agent-token', 'h-visitor'), null);
      await harbour.close();
    });

    test("Messenger pages and identity keys: one workspace a page, a page's token replaced by its own workspace only", async (t) => {
      const store = await fresh(backend, t);
      const { directory } = store;
      await directory.createWorkspace({ id: 'alpha', name: 'Alpha', createdAt: 1 });
      await directory.createWorkspace({ id: 'bravo', name: 'Bravo', createdAt: 2 });
      const page = { pageId: '1001', workspaceId: 'alpha', pageToken: 'token-a1', createdAt: 10 };
      assert.deepEqual(await directory.addMessengerPage(page), page);
      assert.deepEqual(await directory.addMessengerPage({ ...page, pageToken: 'token-a2', createdAt: 11 }), {
        ...page,
        pageToken: 'token-a2',
      });
      await assert.rejects(
        directory.addMessengerPage({ pageId: '1001', workspaceId: 'bravo', pageToken: 'steal', createdAt: 12 }),
        PageTakenError,
      );
      assert.equal((await directory.messengerPage('1001'))?.pageToken, 'token-a2', "bravo's try changed nothing");
      assert.equal(await directory.messengerPage('9999'), null);
      assert.deepEqual(await directory.listMessengerPages('bravo'), []);
      assert.equal(await directory.removeMessengerPage('bravo', '1001'), false, "bravo cannot remove alpha's page");
      assert.equal((await directory.listMessengerPages('alpha')).length, 1);
      assert.equal(await directory.removeMessengerPage('alpha', '1001'), true);
      assert.equal(await directory.messengerPage('1001'), null);

      await directory.addIdentityKey({ id: 'kid-1', workspaceId: 'alpha', secret: 's1', createdAt: 20 });
      await directory.addIdentityKey({ id: 'kid-2', workspaceId: 'alpha', secret: 's2', createdAt: 21 });
      assert.deepEqual(
        (await directory.identityKeys('alpha')).map((key) => [key.id, key.secret]),
        [
          ['kid-1', 's1'],
          ['kid-2', 's2'],
        ],
      );
      assert.deepEqual(await directory.identityKeys('bravo'), []);
      assert.equal(await directory.removeIdentityKey('bravo', 'kid-1'), false);
      assert.equal(await directory.removeIdentityKey('alpha', 'kid-1'), true);
      assert.deepEqual(
        (await directory.identityKeys('alpha')).map((key) => key.id),
        ['kid-2'],
      );
    });

    test('tokens: a session found while routing a hello reads the same in its hub, revoked or not, and in no other workspace', async (t) => {
      const store = await fresh(backend, t);
      await store.directory.createWorkspace({ id: 'other', name: 'Other', createdAt: 1 });
      const mine = await store.forWorkspace(DEFAULT_WORKSPACE);
      const other = await store.forWorkspace('other');
      await mine.saveVisitorSession('h1', 'contact-1', 100);
      await mine.touchVisitorSession('h1', 150);
      assert.equal(await store.directory.workspaceOfCredential('visitor-session', 'h1'), DEFAULT_WORKSPACE);
      assert.equal(await other.findVisitorSession('h1'), null, 'another workspace finds nothing');
      assert.equal(await store.directory.workspaceOfCredential('visitor-session', 'h1'), DEFAULT_WORKSPACE);
      assert.deepEqual(await mine.findVisitorSession('h1'), {
        contactId: 'contact-1',
        createdAt: 100,
        lastUsedAt: 150,
      });
      await mine.revokeVisitorSessions('contact-1', 160);
      // Routing still names the workspace of a revoked session: its hub refuses it.
      assert.equal(await store.directory.workspaceOfCredential('visitor-session', 'h1'), DEFAULT_WORKSPACE);
      assert.equal(await mine.findVisitorSession('h1'), null);
      assert.equal(await store.directory.workspaceOfCredential('visitor-session', 'nobody'), null);
    });

    test('tokens: visitor sessions and agent tokens are found, touched and revoked in their workspace only', async (t) => {
      const store = await fresh(backend, t);
      await store.directory.createWorkspace({ id: 'other', name: 'Other', createdAt: 1 });
      const mine = await store.forWorkspace(DEFAULT_WORKSPACE);
      const other = await store.forWorkspace('other');
      await mine.saveVisitorSession('h1', 'contact-1', 100);
      assert.deepEqual(await mine.findVisitorSession('h1'), {
        contactId: 'contact-1',
        createdAt: 100,
        lastUsedAt: 100,
      });
      assert.equal(await other.findVisitorSession('h1'), null, 'another workspace finds nothing');
      await mine.touchVisitorSession('h1', 150);
      assert.equal((await mine.findVisitorSession('h1'))?.lastUsedAt, 150);
      assert.equal(await other.revokeVisitorSessions('contact-1', 160), 0);
      assert.equal(await mine.revokeVisitorSessions('contact-1', 160), 1);
      assert.equal(await mine.findVisitorSession('h1'), null);

      await mine.saveAgentToken({ id: 'tok_1', tokenHash: 'ht1', agentId: 'agent-1', label: 'laptop', createdAt: 200 });
      await mine.saveAgentToken({ id: 'tok_2', tokenHash: 'ht2', agentId: 'agent-2', label: '', createdAt: 201 });
      assert.deepEqual(await mine.findAgentToken('ht1'), { id: 'tok_1', agentId: 'agent-1' });
      assert.equal(await other.findAgentToken('ht1'), null);
      assert.deepEqual(
        (await mine.listAgentTokens('agent-1')).map((token) => token.id),
        ['tok_1'],
      );
      assert.equal(await other.revokeAgentToken('tok_1', 300), null);
      assert.deepEqual(
        await mine.revokeAgentToken('tok_1', 300),
        { agentId: 'agent-1', tokenHash: 'ht1' },
        'whose it was, and its hash (to close its sockets)',
      );
      assert.equal(await mine.revokeAgentToken('tok_1', 301), null, 'revoked once');
      assert.equal(await mine.findAgentToken('ht1'), null);
      assert.deepEqual(
        (await mine.listAgentTokens()).map((token) => [token.id, token.revokedAt]),
        [
          ['tok_1', 300],
          ['tok_2', null],
        ],
      );
      await mine.close();
      await other.close();
    });

    test('accounts: passwords, sessions, and one-time links that work once', async (t) => {
      const store = await fresh(backend, t);
      const accounts = await store.forWorkspace(DEFAULT_WORKSPACE);
      assert.equal(await accounts.countPasswords(), 0);
      await accounts.setPasswordHash('agent-1', 'hash-a', 1);
      await accounts.setPasswordHash('agent-1', 'hash-b', 2);
      assert.equal(await accounts.passwordHash('agent-1'), 'hash-b');
      assert.equal(await accounts.countPasswords(), 1);

      await accounts.saveAgentSession({ tokenHash: 's1', agentId: 'agent-1', createdAt: 10 });
      await accounts.saveAgentSession({ tokenHash: 's2', agentId: 'agent-1', createdAt: 11 });
      await accounts.touchAgentSession('s1', 20);
      assert.deepEqual(await accounts.findAgentSession('s1'), {
        tokenHash: 's1',
        agentId: 'agent-1',
        createdAt: 10,
        lastUsedAt: 20,
      });
      assert.equal(await accounts.revokeAgentSession('s1', 30), 'agent-1');
      assert.equal(await accounts.revokeAgentSession('s1', 31), null);
      assert.deepEqual(await accounts.revokeAgentSessions('agent-1', 32), ['s2']);

      const link = { agentId: 'agent-1', purpose: 'reset' as const, createdAt: 100, expiresAt: 200 };
      await accounts.saveAuthLink({ ...link, tokenHash: 'l1' });
      await accounts.saveAuthLink({ ...link, tokenHash: 'l2' });
      assert.equal(await accounts.consumeAuthLink('l1', 150), null, 'a newer link voids the older one');
      assert.equal(await accounts.consumeAuthLink('l2', 250), null, 'an expired link does nothing');
      await accounts.saveAuthLink({ ...link, tokenHash: 'l3', createdAt: 300, expiresAt: 400 });
      const uses = await Promise.all([accounts.consumeAuthLink('l3', 350), accounts.consumeAuthLink('l3', 350)]);
      assert.deepEqual(
        uses.filter((use) => use !== null),
        [{ agentId: 'agent-1', purpose: 'reset' }],
        'two uses at once: one succeeds',
      );
      await accounts.close();
    });

    test('deliveries: one claim per attempt, a dead sender’s claim is taken over after its lease, sent is final', async (t) => {
      const store = await fresh(backend, t);
      const deliveries = await store.forWorkspace(DEFAULT_WORKSPACE);
      const first = await Promise.all([
        deliveries.claimAttempt('m1', 0, 1_000),
        deliveries.claimAttempt('m1', 0, 1_000),
      ]);
      assert.deepEqual(first.sort(), [false, true], 'two senders, one first attempt');
      assert.equal((await deliveries.delivery('m1'))?.state, 'sending');
      assert.equal(await deliveries.claimAttempt('m1', 1, 2_000), false, 'held while its sender may be sending');
      assert.equal(await deliveries.claimAttempt('m1', 1, 1_000 + 6 * 60_000), true, 'taken over after the lease');
      assert.equal((await deliveries.delivery('m1'))?.attempts, 2);
      await deliveries.recordDelivery({ messageId: 'm1', state: 'sent', attempts: 2, lastError: null, updatedAt: 3 });
      assert.equal(await deliveries.claimAttempt('m1', 2, 10_000_000), false, 'sent is final');
      await deliveries.recordDelivery({
        messageId: 'm2',
        state: 'queued',
        attempts: 3,
        lastError: 'busy',
        updatedAt: 4,
      });
      assert.equal(await deliveries.claimAttempt('m2', 2, 5), false, 'a stale count claims nothing');
      assert.equal(await deliveries.claimAttempt('m2', 3, 5), true);
      await deliveries.close();
    });
  });
}

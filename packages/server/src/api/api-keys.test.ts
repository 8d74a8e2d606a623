// The API key store on SQLite and PostgreSQL: hashes only, per workspace, revocable.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { openServerStore, type ServerStore } from '../storage/open-storage.js';
import { tempDataDir } from '../testing/harness.test-util.js';
import { startThrowawayPostgres } from '../testing/postgres.test-util.js';

const cluster = await startThrowawayPostgres();
after(() => cluster.stop());

for (const kind of ['sqlite', 'postgres'] as const) {
  test(`${kind}: a key is found by its hash until revoked, and listed only in its workspace`, async () => {
    const dataDir = tempDataDir();
    let store: ServerStore | null = null;
    try {
      store = await openServerStore({
        dataDir,
        ...(kind === 'postgres' ? { databaseUrl: await cluster.createDatabase() } : {}),
      });
      await store.directory.createWorkspace({ id: 'other', name: 'Other', createdAt: 1 });
      const key = {
        id: 'key_1',
        workspaceId: 'default',
        agentId: 'a1',
        label: 'backend',
        scope: 'write' as const,
        createdAt: 10,
        revokedAt: null,
      };
      await store.apiKeys.saveApiKey(key, 'hash-1');
      assert.deepEqual(await store.apiKeys.apiKeyByHash('hash-1'), key);
      assert.equal(await store.apiKeys.apiKeyByHash('hash-2'), null);
      assert.deepEqual(await store.apiKeys.listApiKeys('other'), []);
      assert.equal(await store.apiKeys.revokeApiKey('other', 'key_1', 20), false, 'not another workspace’s to revoke');
      assert.equal(await store.apiKeys.revokeApiKey('default', 'key_1', 20), true);
      assert.equal(await store.apiKeys.apiKeyByHash('hash-1'), null);
      assert.deepEqual(await store.apiKeys.listApiKeys('default'), [{ ...key, revokedAt: 20 }]);
      await assert.rejects(store.apiKeys.saveApiKey({ ...key, id: 'key_2' }, 'hash-1'), 'a hash is unique');
    } finally {
      await store?.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

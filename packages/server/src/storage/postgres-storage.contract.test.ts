// The storage contract against PostgresStorage on a throwaway PostgreSQL: a database per test.
import { after, before } from 'node:test';
import type { BackendStorage } from '@confab/core/backend';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../testing/postgres.test-util.js';
import { openPostgresStorage } from './postgres-storage.js';
import { storageContract } from './storage-contract.test-util.js';

let cluster: ThrowawayPostgres;
before(async () => {
  cluster = await startThrowawayPostgres();
});
after(() => cluster.stop());

storageContract('PostgreSQL storage', {
  async fresh() {
    const url = await cluster.createDatabase();
    const opened: BackendStorage[] = [];
    const open = async () => {
      const storage = await openPostgresStorage({ url, workspaceId: 'default' });
      opened.push(storage);
      return storage;
    };
    return {
      storage: await open(),
      reopen: open,
      another: open,
      async dispose() {
        for (const storage of opened) await storage.close();
      },
    };
  },
  promises: { durable: true, sharedHandles: true, refusesOverlap: true, typedRefusals: true },
});

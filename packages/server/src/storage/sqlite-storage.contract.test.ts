// The storage contract against the embedded default: SQLite in a temporary data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendStorage } from '@confab/core/backend';
import { createSqliteStorage } from './sqlite-storage.js';
import { storageContract } from './storage-contract.test-util.js';

storageContract('SQLite storage', {
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'confab-contract-'));
    const opened: BackendStorage[] = [];
    const open = async () => {
      const storage = createSqliteStorage(dir);
      opened.push(storage);
      return storage;
    };
    return {
      storage: await open(),
      reopen: open,
      another: open,
      async dispose() {
        for (const storage of opened) await storage.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  // SQLite refuses a seq stored already (its primary key) but takes a gap: the hub is its one writer.
  promises: { durable: true, sharedHandles: true, refusesOverlap: true, typedRefusals: false },
});

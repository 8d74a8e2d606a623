// `/ready` on PostgreSQL: ready while the database takes writes, not ready once it is gone, so a
// load balancer moves traffic to a process that still has its database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer } from '../server.js';
import { tempDataDir } from '../testing/harness.test-util.js';
import { startThrowawayPostgres } from '../testing/postgres.test-util.js';

async function readiness(url: string) {
  const response = await fetch(`${url}/ready`);
  return { status: response.status, body: (await response.json()) as { ready: boolean; storage: boolean } };
}

test('/ready reports the PostgreSQL database: 200 while it takes writes, 503 once it is gone', async (t) => {
  const postgres = await startThrowawayPostgres();
  t.after(() => postgres.stop());
  const dataDir = tempDataDir('confab-ready-');
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    databaseUrl: await postgres.createDatabase(),
  });
  t.after(() => server.close());
  assert.equal(server.store.kind, 'postgres');
  const up = await readiness(server.url);
  assert.equal(up.status, 200);
  assert.equal(up.body.storage, true);

  await postgres.stop();
  // The probe runs in the background at most every 2 s: the answer changes at the next one.
  let down = up;
  const deadline = Date.now() + 15_000;
  while (down.status !== 503 && Date.now() < deadline) {
    down = await readiness(server.url);
    if (down.status !== 503) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(down.status, 503);
  assert.deepEqual({ ready: down.body.ready, storage: down.body.storage }, { ready: false, storage: false });
});

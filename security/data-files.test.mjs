// Issue 20 item 8 (DESIGN §5): the data directory holds every message, contact and token hash; no
// other account on the machine may read it. The server creates the directory 0700 and the SQLite
// files (database, write-ahead log, shared memory) and its control file 0600, whatever the umask,
// and tightens a database an older version left world-readable.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@confab/server';

const modeOf = (path) => statSync(path).mode & 0o777;
const octal = (mode) => `0${mode.toString(8)}`;

describe('data files are private to the server', () => {
  let parent;
  let umaskBefore;
  before(() => {
    // The usual umask, which leaves new directories 0755 and files 0644 unless asked otherwise.
    umaskBefore = process.umask(0o022);
    parent = mkdtempSync(join(tmpdir(), 'confab-data-files-'));
  });
  after(() => {
    process.umask(umaskBefore);
    rmSync(parent, { recursive: true, force: true });
  });

  /** Starts the real server on `dataDir`; the demo seed writes, so the log and shared memory exist. */
  const start = (dataDir) => startServer({ port: 0, host: '127.0.0.1', dataDir, demo: true });

  function assertPrivate(dataDir) {
    assert.equal(octal(modeOf(dataDir)), '0700', 'the data directory');
    const files = readdirSync(dataDir).sort();
    // control.json: the running server's URL and control token for `confab-server create-agent`.
    assert.deepEqual(files, ['confab.sqlite', 'confab.sqlite-shm', 'confab.sqlite-wal', 'control.json']);
    for (const file of files) assert.equal(octal(modeOf(join(dataDir, file))), '0600', file);
  }

  test('a new data directory is 0700 and its SQLite files 0600', async () => {
    const dataDir = join(parent, 'new', 'data');
    const server = await start(dataDir);
    try {
      assertPrivate(dataDir);
    } finally {
      await server.close();
    }
  });

  test('a world-readable database from an older version is made 0600 when the server opens it', async () => {
    const dataDir = join(parent, 'old');
    const first = await start(dataDir);
    await first.close();
    chmodSync(dataDir, 0o700);
    for (const file of readdirSync(dataDir)) chmodSync(join(dataDir, file), 0o644);
    const second = await start(dataDir);
    try {
      assertPrivate(dataDir);
    } finally {
      await second.close();
    }
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hello, tempDataDir, visitorWithChat } from '../testing/harness.test-util.js';
import { spawnServer, type ChildServer } from '../testing/child-server.test-util.js';
import { databaseFile } from './sqlite-storage.js';

const BIN = fileURLToPath(new URL('../bin/confab-server.js', import.meta.url));
const run = promisify(execFile);

test(
  'confab-server backup copies the store while the server takes messages; the restored copy has every message acknowledged before the backup began',
  { timeout: 60_000 },
  async () => {
    const dataDir = tempDataDir('confab-backup-');
    const backups = tempDataDir('confab-backups-');
    const restoredDir = tempDataDir('confab-restored-');
    let running: ChildServer | null = null;
    try {
      const server = await spawnServer(dataDir);
      running = server;
      const visitors = await Promise.all([0, 1, 2].map((index) => visitorWithChat(server.wsUrl, `start ${index}`)));
      const acknowledged: { token: string; text: string }[] = [];
      let stop = false;
      const traffic = visitors.map(async (visitor, visitorIndex) => {
        for (let counter = 0; !stop; counter++) {
          const text = `v${visitorIndex}-m${counter}`;
          visitor.peer.send({
            v: 1,
            type: 'command',
            id: `cmd-${text}`,
            command: { type: 'visitor.message', conversationId: visitor.conversationId, text },
          });
          await visitor.peer.next('ack', (frame) => frame.id === `cmd-${text}`, 10_000);
          acknowledged.push({ token: visitor.sessionToken, text });
        }
      });
      while (acknowledged.length < 60) await new Promise((resolve) => setTimeout(resolve, 5));

      // Messages keep being sent and acknowledged while the backup runs.
      const ackedBefore = [...acknowledged];
      const file = join(backups, 'confab-backup.sqlite');
      const { stdout } = await run(process.execPath, [BIN, 'backup', file], {
        env: { ...process.env, CONFAB_DATA_DIR: dataDir },
      });
      stop = true;
      await Promise.all(traffic);
      const result = JSON.parse(stdout) as { file: string; bytes: number; events: number; schema: number };
      assert.equal(result.file, file);
      assert.ok(result.events > ackedBefore.length, `${result.events} events in the copy`);
      assert.equal(statSync(file).mode & 0o777, 0o600, 'the copy is private');

      // A backup never overwrites a file.
      writeFileSync(join(backups, 'taken'), 'keep me');
      await assert.rejects(
        run(process.execPath, [BIN, 'backup', join(backups, 'taken')], {
          env: { ...process.env, CONFAB_DATA_DIR: dataDir },
        }),
        /exists; a backup never overwrites a file/,
      );
      assert.equal(readFileSync(join(backups, 'taken'), 'utf8'), 'keep me');

      // Restore (README "Backups"): the copy becomes confab.sqlite of a data directory, private.
      mkdirSync(restoredDir, { recursive: true });
      copyFileSync(file, databaseFile(restoredDir));
      const restored = await spawnServer(restoredDir);
      for (const visitor of visitors) {
        const { peer } = await hello(restored.wsUrl, visitor.sessionToken);
        const texts = new Set((await peer.next('snapshot')).snapshot.messages.map((message) => message.text));
        for (const { token, text } of ackedBefore)
          if (token === visitor.sessionToken) assert.ok(texts.has(text), `acknowledged ${text} restored`);
        peer.close();
      }
      await restored.kill();
    } finally {
      await running?.kill();
      for (const dir of [dataDir, backups, restoredDir]) rmSync(dir, { recursive: true, force: true });
    }
  },
);

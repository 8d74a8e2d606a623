import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { PRIVATE_FILE_MODE, databaseFile } from './sqlite-storage.js';
import { SCHEMA_VERSION, schemaVersion } from './migrations.js';

export interface BackupResult {
  file: string;
  bytes: number;
  events: number;
  schema: number;
  ms: number;
}

/**
 * Copies the data directory's database into `target` with SQLite's online backup, safe while a
 * server writes to it: the copy is one read transaction (WAL lets commits go on meanwhile), so it
 * holds every commit acknowledged before it began. The copy is created 0600 and never overwrites
 * a file; it is checked (quick_check, schema) before this resolves, and removed if it fails.
 *
 * @example
 * const { file, events } = await backupDatabase('/var/lib/confab', '/backups/confab-2026-12-03.sqlite');
 */
export async function backupDatabase(dataDir: string, target: string): Promise<BackupResult> {
  const started = performance.now();
  const source = databaseFile(dataDir);
  if (!existsSync(source)) throw new Error(`No database at ${source} (is CONFAB_DATA_DIR right?)`);
  const file = resolve(target);
  if (existsSync(file)) throw new Error(`${file} exists; a backup never overwrites a file`);
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const schema = schemaVersion(db);
    if (schema > SCHEMA_VERSION)
      throw new Error(`The database has schema ${schema}, newer than this confab-server knows (${SCHEMA_VERSION}).`);
    // Created first, private and exclusive: a backup holds every message and token hash.
    closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE));
    try {
      // All pages in one step: another connection's commit between steps would restart the copy.
      await db.backup(file, { progress: () => 0x7fffffff });
      const copy = new Database(file, { fileMustExist: true });
      try {
        // One self-contained file: no write-ahead log beside it to forget when copying it on.
        copy.pragma('journal_mode = DELETE');
        // Put in place of the database, the copy is an older history than clients saw: a new epoch then.
        copy.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('restored', '1')").run();
        const check = copy.pragma('quick_check', { simple: true });
        if (check !== 'ok') throw new Error(`The copy failed its check: ${String(check)}`);
        const events = (copy.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
        return {
          file,
          bytes: statSync(file).size,
          events,
          schema: schemaVersion(copy),
          ms: Math.round(performance.now() - started),
        };
      } finally {
        copy.close();
      }
    } catch (error) {
      rmSync(file, { force: true });
      throw error;
    }
  } finally {
    db.close();
  }
}

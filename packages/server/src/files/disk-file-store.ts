import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileStore, StoredFile } from './file-store.js';

/** File ids as issued (file-routes.ts); anything else never reaches the disk as a path. */
const SAFE_ID = /^fil_[A-Za-z0-9_-]{22}$/;

/** Writes through a temporary name, so a crash never leaves half a file under the real one. */
async function writeAtomically(path: string, content: Buffer | string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}

/**
 * A workspace's files on disk, under `<dataDir>/files/<workspace>/`: the content once per SHA-256
 * in `blobs/`, one JSON record per file in `records/`. Content-addressed per workspace, so that
 * deleting one workspace's file never touches another's.
 */
export function createDiskFileStore(dataDir: string, workspaceId: string): FileStore {
  const root = join(dataDir, 'files', workspaceId);
  const blobs = join(root, 'blobs');
  const records = join(root, 'records');
  const recordPath = (id: string) => join(records, `${id}.json`);
  let made: Promise<unknown> | null = null;
  const ensureDirs = () =>
    (made ??= Promise.all([mkdir(blobs, { recursive: true }), mkdir(records, { recursive: true })]));

  async function find(id: string): Promise<StoredFile | null> {
    if (!SAFE_ID.test(id)) return null;
    try {
      return JSON.parse(await readFile(recordPath(id), 'utf8')) as StoredFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async function allRecords(): Promise<StoredFile[]> {
    let names: string[];
    try {
      names = await readdir(records);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const found = await Promise.all(
      names.filter((name) => name.endsWith('.json')).map((name) => find(name.slice(0, -'.json'.length))),
    );
    return found.filter((file) => file !== null);
  }

  return {
    async save(file, content) {
      await ensureDirs();
      // The content first: a record never names a blob that is not there.
      await writeAtomically(join(blobs, file.sha256), content);
      await writeAtomically(recordPath(file.id), JSON.stringify(file));
    },
    find,
    async read(id) {
      const file = await find(id);
      if (!file) return null;
      return readFile(join(blobs, file.sha256));
    },
    async attach(id, conversationId) {
      const file = await find(id);
      if (!file || file.conversationId !== null) return;
      await writeAtomically(recordPath(id), JSON.stringify({ ...file, conversationId }));
    },
    async deleteOfConversations(conversationIds) {
      const doomed = new Set(conversationIds);
      const all = await allRecords();
      const deleted = all.filter((file) => file.conversationId !== null && doomed.has(file.conversationId));
      for (const file of deleted) await rm(recordPath(file.id), { force: true });
      // A blob goes with its last record (the same content may have been uploaded twice).
      const kept = new Set(all.filter((file) => !deleted.includes(file)).map((file) => file.sha256));
      for (const sha256 of new Set(deleted.map((file) => file.sha256)))
        if (!kept.has(sha256)) await rm(join(blobs, sha256), { force: true });
      return deleted.length;
    },
  };
}

/**
 * Files that wait in the outbox with their message (issue 16), uploaded when the client is back
 * online. The client loads this on first need: one that never meets such a file never loads it.
 */
import type { Outbox, StoredCommand } from '../client/outbox.js';
import { RETRY_DELAY_MS } from '../client/outbox.js';
import type { Session } from '../client/session.js';
import type { Attachment } from '../model/model.js';
import { ConfabError } from '../protocol/errors.js';
import { httpUploadSender, UploadError, type PickedFile } from './uploads.js';

export interface WaitingFiles {
  outbox: Outbox;
  /** The command whose files go up. */
  id: string;
  /** Where files are uploaded; default `/api/files` of the page. */
  url: string | undefined;
  /** A visitor's session (its token goes as a bearer token); null: the page's cookie (an agent). */
  session: Session | null;
  /** Sends the command (once it has no files left), as the client does. */
  transmit(id: string): void;
  /** Fails the command with a refusal, as the client does. */
  fail(id: string, error: ConfabError): void;
}

/** Files as the outbox stores them: bytes, which every browser's IndexedDB keeps (a Blob not always). */
export function storedFiles(files: readonly PickedFile[]): Promise<NonNullable<StoredCommand['files']>> {
  return Promise.all(
    files.map(async (file) => ({ name: file.name, type: file.type, bytes: await file.arrayBuffer() })),
  );
}

/** Commands whose files are going up now, per outbox: a reconnect during an upload starts none again. */
const running = new WeakMap<Outbox, Set<string>>();

/**
 * Uploads the files a command waits for, one after another, then sends it. Each upload's result
 * is stored with the command before the next starts, so a reload uploads only what was not stored
 * yet (a file whose answer was lost uploads again: the server keeps its bytes once, by their hash).
 * Offline or signed out, it tries again later; a refused file fails the command.
 */
export async function uploadWaiting(task: WaitingFiles): Promise<void> {
  const { outbox, id } = task;
  const ids = running.get(outbox) ?? new Set<string>();
  running.set(outbox, ids);
  if (ids.has(id)) return;
  ids.add(id);
  const send = httpUploadSender({ url: task.url ?? '/api/files', token: () => task.session?.token });
  try {
    for (let file = outbox.get(id)?.files?.[0]; file; file = outbox.get(id)?.files?.[0]) {
      let attachment: Attachment;
      try {
        attachment = await send(file, () => undefined);
      } catch (error) {
        const code = error instanceof UploadError ? error.code : 'network';
        if (code !== 'network' && code !== 'unauthenticated')
          return task.fail(
            id,
            new ConfabError('invalid', `The file ${file.name} was refused: ${code}.`, { path: 'attachments' }),
          );
        setTimeout(() => task.transmit(id), RETRY_DELAY_MS);
        return;
      }
      outbox.update(id, ({ files, ...entry }) => {
        const command = entry.command as { attachments?: Attachment[] };
        const rest = files!.slice(1);
        return {
          ...entry,
          command: { ...entry.command, attachments: [...(command.attachments ?? []), attachment] },
          ...(rest.length && { files: rest }),
        } as typeof entry;
      });
      await outbox.save(id, 'replace');
    }
  } finally {
    ids.delete(id);
  }
  task.transmit(id);
}

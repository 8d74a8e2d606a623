import { ConfabError, type Attachment, type Command, type Principal } from '@confab/core';
import { principalKey, type StoredEvent } from '@confab/core/backend';
import type { Logger } from '../logging.js';
import type { FileStore } from './file-store.js';

/**
 * Checks the files a message names before the engine decides it (BackendOptions.admitAttachments):
 * each is a file this principal uploaded in this workspace, named once, not attached in another
 * conversation; the message carries them as stored (name, type and size as measured), whatever
 * the client claimed. A file of another workspace or another principal is not found.
 */
export function createAttachmentAdmission(files: FileStore, conversationExists: (id: string) => boolean) {
  return async (principal: Principal, command: Command, refs: readonly Attachment[]): Promise<Attachment[]> => {
    const conversationId = 'conversationId' in command ? command.conversationId : null;
    const uploader = principalKey(principal);
    const admitted: Attachment[] = [];
    for (const [index, ref] of refs.entries()) {
      const path = `attachments.${index}`;
      const file = await files.find(ref.id);
      if (!file || file.uploader !== uploader) throw new ConfabError('not-found', `No file ${ref.id}.`, { path });
      if (admitted.some((attachment) => attachment.id === file.id))
        throw new ConfabError('invalid', `${path} names a file twice.`, { path });
      // A chat's start names no conversation: sent again (the same command id, after a reconnect)
      // its file is already noted in the chat it started, and the outcome stored answers it.
      if (conversationId !== null && file.conversationId !== null && file.conversationId !== conversationId)
        throw new ConfabError('invalid', `${path} is attached in another conversation: upload it again.`, { path });
      admitted.push({ id: file.id, name: file.name, type: file.type, size: file.size });
    }
    // Noted now, so the file is served as soon as the message is acknowledged.
    if (conversationId !== null && conversationExists(conversationId))
      for (const attachment of admitted) await files.attach(attachment.id, conversationId);
    return admitted;
  };
}

/**
 * What committed events mean for the files (BackendOptions.onCommitted, on the process that
 * committed them): a message notes the conversation of its files (a chat started with a file
 * learns its id only now); "Delete forever" deletes the files of the conversations it removed.
 */
export function followFileEvents(files: FileStore, logger: Logger) {
  return (events: readonly StoredEvent[]): void => {
    const removed: string[] = [];
    const attached: [string, string][] = [];
    for (const { event } of events) {
      if (event.type === 'conversation.removed') removed.push(event.conversationId);
      else if (event.type === 'message.upserted')
        for (const attachment of event.message.attachments)
          attached.push([attachment.id, event.message.conversationId]);
    }
    if (!removed.length && !attached.length) return;
    void (async () => {
      for (const [fileId, conversationId] of attached) await files.attach(fileId, conversationId);
      if (removed.length) {
        const deleted = await files.deleteOfConversations(removed);
        if (deleted) logger.info({ files: deleted }, 'files deleted with their conversations');
      }
    })().catch((error: unknown) => logger.error({ err: error }, 'updating files failed'));
  };
}

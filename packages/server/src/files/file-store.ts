/** One stored file of a workspace: what was uploaded, by whom, and where it is attached. */
export interface StoredFile {
  id: string;
  /** SHA-256 of the content, hex: the disk store keeps one copy per workspace and content. */
  sha256: string;
  name: string;
  type: string;
  size: number;
  /** The principal that uploaded it (`agent:<id>` or `visitor:<contactId>`, see principalKey). */
  uploader: string;
  /** The conversation of the message that carries it; null until one does. */
  conversationId: string | null;
  createdAt: number;
}

/**
 * A workspace's files behind one interface, whichever store holds them: content-addressed on
 * disk under the data directory (the embedded server), or in PostgreSQL when the server runs on
 * it. A store answers only for its own workspace: another workspace's id is not found.
 */
export interface FileStore {
  save(file: StoredFile, content: Buffer): Promise<void>;
  /** The record of a file of this workspace, or null. */
  find(id: string): Promise<StoredFile | null>;
  /** The content of a file of this workspace, or null. */
  read(id: string): Promise<Buffer | null>;
  /** Notes the conversation whose message carries the file (the first one to do so keeps it). */
  attach(id: string, conversationId: string): Promise<void>;
  /** Deletes the files attached to these conversations ("Delete forever"); resolves with how many. */
  deleteOfConversations(conversationIds: readonly string[]): Promise<number>;
}

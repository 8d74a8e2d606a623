import type { ConversationId } from '../model/model.js';
import type { DraftField, Drafts } from './types.js';

/** Quiet time before drafts are written: typing writes once per pause, not per key. */
const DRAFT_WRITE_DELAY_MS = 300;

/** Drafts per conversation (R1), written to storage a moment after the last change. */
export interface DraftStore extends Drafts {
  /** Takes back drafts read from storage at start-up. */
  load(saved: Record<string, string> | undefined): void;
  /** Writes a change still waiting for its pause, now (the client is closing). */
  flush(): void;
  /** Forgets every draft, and any write still waiting. */
  clear(): void;
}

/** A field's key beside the conversation's text: the stored form stays one string per key. */
const keyOf = (conversationId: ConversationId, field?: DraftField) =>
  field ? `${conversationId}\u0000${field}` : conversationId;

export function createDrafts(write: (drafts: Record<string, string>) => void): DraftStore {
  const drafts = new Map<string, string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    clearTimeout(timer);
    const waiting = timer !== undefined;
    timer = undefined;
    return waiting;
  };
  return {
    get: (conversationId, field) => drafts.get(keyOf(conversationId, field)) ?? '',
    set(conversationId, text, field) {
      const key = keyOf(conversationId, field);
      if (text) drafts.set(key, text);
      else drafts.delete(key);
      cancel();
      timer = setTimeout(() => {
        timer = undefined;
        write(Object.fromEntries(drafts));
      }, DRAFT_WRITE_DELAY_MS);
    },
    load(saved) {
      for (const [conversationId, text] of Object.entries(saved ?? {})) drafts.set(conversationId, text);
    },
    flush() {
      if (cancel()) write(Object.fromEntries(drafts));
    },
    clear() {
      cancel();
      drafts.clear();
    },
  };
}

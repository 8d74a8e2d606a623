import type { ConversationId } from '../model/model.js';
import type { Drafts } from './types.js';

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
    get: (conversationId: ConversationId) => drafts.get(conversationId) ?? '',
    set(conversationId, text) {
      if (text) drafts.set(conversationId, text);
      else drafts.delete(conversationId);
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

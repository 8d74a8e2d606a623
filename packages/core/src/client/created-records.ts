import type { EngineState } from '../engine/state.js';
import type { SequencedEvent } from '../protocol/events.js';

/** Ids of the records a command's events create (absent from the replica before), by kind, in order. */
export interface CreatedRecords {
  conversations: string[];
  messages: string[];
}

/** The records a batch of a command's events creates: call it before the batch is applied. */
export function newRecordIds(state: EngineState, batch: SequencedEvent[]): CreatedRecords {
  const created: CreatedRecords = { conversations: [], messages: [] };
  for (const { event } of batch) {
    if (event.type === 'conversation.upserted') {
      const id = event.conversation.id;
      if (!state.conversations.has(id) && !created.conversations.includes(id)) created.conversations.push(id);
    } else if (event.type === 'message.upserted') {
      const { id, conversationId } = event.message;
      const known = state.messages.get(conversationId)?.some((message) => message.id === id);
      if (!known && !created.messages.includes(id)) created.messages.push(id);
    }
  }
  return created;
}

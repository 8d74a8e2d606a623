import type { Command } from '../protocol/commands.js';

/** Records shown before the server confirmed them carry ids with this prefix. */
export const PENDING_ID_PREFIX = 'pending:';

/** True for a record created optimistically by a command the server has not confirmed yet. */
export function isPendingRecord(id: string): boolean {
  return id.startsWith(PENDING_ID_PREFIX);
}

/** The command id behind a pending record's id, or null for a confirmed record. */
export function commandIdOf(recordId: string): string | null {
  if (!isPendingRecord(recordId)) return null;
  return recordId.slice(PENDING_ID_PREFIX.length, recordId.lastIndexOf(':'));
}

/**
 * Names the conversation a pending `visitor.startChat` will create, before anyone knows its id: a
 * `visitor.message` may name it, waits in the outbox, and is sent with the real id once the start
 * is confirmed (the server never sees this name). It works offline and before the visitor has a
 * session, when nothing can be drawn early.
 *
 * @example
 * const start = client.send({ type: 'visitor.startChat', text: 'Hello' });
 * client.send({ type: 'visitor.message', conversationId: startedConversation(startId), text: 'Still there?' });
 */
export function startedConversation(startCommandId: string): string {
  return `${PENDING_ID_PREFIX}${startCommandId}:conversation`;
}

/** True when a command names a record that exists only optimistically (created by a pending command). */
export function referencesPending(command: Command): boolean {
  return pendingReferences(command).length > 0;
}

/** The pending record ids a command names. */
export function pendingReferences(command: Command): string[] {
  const ids: string[] = [];
  for (const value of Object.values(command)) {
    for (const item of Array.isArray(value) ? value : [value])
      if (typeof item === 'string' && isPendingRecord(item)) ids.push(item);
  }
  return ids;
}

/** The command with every id `resolved` knows replaced by its resolution (the same object when none is). */
export function rewriteIds<C extends Command>(command: C, resolved: ReadonlyMap<string, string>): C {
  let changed = false;
  const swap = (value: unknown) => {
    const next = typeof value === 'string' ? resolved.get(value) : undefined;
    if (next === undefined) return value;
    changed = true;
    return next;
  };
  const rewritten: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(command))
    rewritten[key] = Array.isArray(value) ? value.map(swap) : swap(value);
  return changed ? (rewritten as C) : command;
}

import type { Message } from '@confab/core';

/**
 * Finds the team messages that arrived since the last call, for announcing them. The first call
 * with state there only learns what is there: a reload must not announce the whole history again.
 */
export class NewMessages {
  private known: Set<string> | null = null;

  /** Of `messages` (a value of the `teamMessages` selector, oldest first), those not seen before. */
  take(messages: readonly Message[], ready: boolean): Message[] {
    if (!ready) return [];
    const first = this.known === null;
    const known = (this.known ??= new Set());
    const fresh: Message[] = [];
    for (const message of messages) {
      if (known.has(message.id)) continue;
      known.add(message.id);
      if (!first) fresh.push(message);
    }
    return fresh;
  }
}

/**
 * Finds the team messages that arrived since the last call, for announcing them. The first call
 * with state there only learns what is there: a reload must not announce the whole history again.
 * Going on from someone who announced up to `announcedUpTo` (the worker the page takes over
 * from), that first call finds the messages written after it.
 */
export class NewMessages {
  private known: Set<string> | null = null;

  constructor(private readonly announcedUpTo = Infinity) {}

  /** Of `messages` (the team's, oldest first), those not seen before. */
  take<M extends { id: string; createdAt: number }>(messages: readonly M[], ready: boolean): M[] {
    if (!ready) return [];
    const first = this.known === null;
    const known = (this.known ??= new Set());
    const fresh: M[] = [];
    for (const message of messages) {
      if (known.has(message.id)) continue;
      known.add(message.id);
      if (!first || message.createdAt > this.announcedUpTo) fresh.push(message);
    }
    return fresh;
  }
}

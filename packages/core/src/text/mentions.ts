/** Someone a comment can mention: an agent's id and display name. */
export interface Mentionable {
  id: string;
  name: string;
}

const WORD_CHARACTER = /[\p{L}\p{N}_]/u;

/**
 * The ids of the agents that `text` mentions as `@Name` (SPEC C3), in the order they are first
 * mentioned. A name counts only as a whole: "@Ann" does not mention Anna in "@Anna", an address
 * like "ops@Ann" mentions no one, and where two names start at one `@` ("@Ann Lee", "@Ann") the
 * longer one wins.
 */
export function mentionedIds(text: string, agents: readonly Mentionable[]): string[] {
  const byLength = agents.filter((agent) => agent.name).sort((a, b) => b.name.length - a.name.length);
  const taken = new Map<number, string>(); // index of an `@` → the agent it mentions
  for (const agent of byLength) {
    const needle = `@${agent.name}`;
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
      const before = text[at - 1];
      const after = text.slice(at + needle.length, at + needle.length + 2);
      if (taken.has(at) || (before && WORD_CHARACTER.test(before))) continue;
      if (after && WORD_CHARACTER.test([...after][0]!)) continue;
      taken.set(at, agent.id);
    }
  }
  const ids = [...taken.entries()].sort(([a], [b]) => a - b).map(([, id]) => id);
  return [...new Set(ids)];
}

/**
 * The teammates offered while `@query` is being typed (C3): those whose name, or a word of it,
 * starts with the query, ignoring case, in the order given; at most `limit`.
 */
export function mentionSuggestions<T extends Mentionable>(agents: readonly T[], query: string, limit = 6): T[] {
  const wanted = query.toLowerCase();
  const offered = (agent: T) => {
    const name = agent.name.toLowerCase();
    return name.startsWith(wanted) || name.split(/\s+/).some((word) => word.startsWith(wanted));
  };
  return agents.filter(offered).slice(0, limit);
}

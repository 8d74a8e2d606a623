import type { Agent } from '../model/model.js';
import type { ConfabEvent } from '../protocol/events.js';
import type { EngineState } from './state.js';
import { isOpenAt } from './hours.js';
import { isAssignable } from './team.js';

/** Whether routing may choose the agent (G1), which also makes the team available to visitors (S2, W4). */
export function isRoutable(agent: Agent): boolean {
  return agent.availability === 'available' && isAssignable(agent);
}

/** Agents routing may choose (G1, S2): available and assignable, in a stable order by id. */
export function routableAgents(state: EngineState): Agent[] {
  return [...state.agents.values()].filter(isRoutable).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Open conversations an agent owns that count as their load (least-open routing). */
export function openLoad(state: EngineState, agentId: string): number {
  let count = 0;
  for (const conversation of state.conversations.values()) {
    if (
      conversation.assigneeId === agentId &&
      conversation.status === 'open' &&
      conversation.trashedAt === null &&
      conversation.filtered === null
    ) {
      count += 1;
    }
  }
  return count;
}

/**
 * G1: who gets a new chat. Round robin takes the next routable agent after the last one chosen
 * (by id, wrapping) and records the choice with `routing.advanced`; least-open takes the routable
 * agent with the fewest open conversations (ties by id). Routing off, nobody available, or outside
 * business hours (issue 17: the chat waits unassigned until `routing.routeWaiting` at the opening): no one.
 */
export function route(state: EngineState, now: number): { assigneeId: string | null; events: ConfabEvent[] } {
  const mode = state.settings.routing.mode;
  const candidates = isOpenAt(state.settings.hours, now) ? routableAgents(state) : [];
  if (mode === 'off' || candidates.length === 0) return { assigneeId: null, events: [] };
  if (mode === 'least-open') {
    let best = candidates[0]!;
    let bestLoad = openLoad(state, best.id);
    for (const agent of candidates.slice(1)) {
      const load = openLoad(state, agent.id);
      if (load < bestLoad) {
        best = agent;
        bestLoad = load;
      }
    }
    return { assigneeId: best.id, events: [] };
  }
  const last = state.lastRoutedAgentId;
  const next = (last === null ? undefined : candidates.find((agent) => agent.id > last)) ?? candidates[0]!;
  return { assigneeId: next.id, events: [{ type: 'routing.advanced', agentId: next.id }] };
}

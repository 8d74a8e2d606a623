import type { Agent, AgentId, AgentRole, Conversation } from '../model/model.js';
import type { EngineState } from './state.js';

/**
 * The team's rules as questions (issue 12): who may be assigned, who may manage the team and the
 * settings, and what state each member is in. The team commands use them, and so do the inbox's
 * menus and Team section, so a rule is written once.
 */

/** Refusal rule names of the team commands, for a UI that explains them. */
export const TEAM_RULES = {
  /** Disabling or demoting the only active admin would leave nobody to manage the team. */
  lastAdmin: 'last-admin',
  /** Another agent already has this address. */
  emailTaken: 'email-taken',
} as const;

/** A member as the Team section shows them. `disabled` wins over `invited`. */
export type MemberState = 'invited' | 'active' | 'disabled';

export interface TeamMember {
  agent: Agent;
  state: MemberState;
  role: AgentRole;
  lastSeenAt: number | null;
}

/**
 * An agent record stored before roles existed has no role, pending flag or last-seen time. Every
 * agent could change the settings then, so each stays an admin (an upgrade takes no one's rights
 * away); none is pending; none was seen.
 */
export function withTeamFields(agent: Agent): Agent {
  const stored = agent as Partial<Pick<Agent, 'role' | 'invitePending' | 'lastSeenAt'>> & Agent;
  if (stored.role !== undefined && stored.invitePending !== undefined && stored.lastSeenAt !== undefined) return agent;
  return {
    ...agent,
    role: stored.role ?? 'admin',
    invitePending: stored.invitePending ?? false,
    lastSeenAt: stored.lastSeenAt ?? null,
  };
}

export function memberState(agent: Agent): MemberState {
  if (agent.disabled) return 'disabled';
  return agent.invitePending ? 'invited' : 'active';
}

/** T2, G1: a disabled agent or one whose invite is pending gets no conversations. */
export function isAssignable(agent: Agent): boolean {
  return !agent.disabled && !agent.invitePending;
}

/** The agents a conversation may be assigned to (T2) or a filter may name (F2), in team order. */
export function assignableAgents(state: EngineState): Agent[] {
  return [...state.agents.values()].filter(isAssignable);
}

/** One entry of an Assignee menu (T2). */
export interface AssigneeOption {
  agent: Agent;
  /** False for a current assignee who is disabled (or pending): shown, marked, not choosable. */
  assignable: boolean;
}

/**
 * The Assignee menu of a conversation (T2): the assignable agents, plus its current assignee when
 * they are not assignable any more (disabled), so the menu still says who has it until someone
 * reassigns it.
 */
export function assigneeOptions(state: EngineState, conversation: Conversation | undefined): AssigneeOption[] {
  const options = assignableAgents(state).map((agent) => ({ agent, assignable: true }));
  const current = conversation?.assigneeId ? state.agents.get(conversation.assigneeId) : undefined;
  if (current && !isAssignable(current)) options.push({ agent: current, assignable: false });
  return options;
}

/** An admin who can act now: enabled and past their invite. */
export function isActiveAdmin(agent: Agent): boolean {
  return agent.role === 'admin' && !agent.disabled && !agent.invitePending;
}

/** Whether this agent may manage the team (invite, disable, enable, roles) and change settings (I1). */
export function canManageTeam(state: EngineState, agentId: AgentId | null): boolean {
  const agent = agentId === null ? undefined : state.agents.get(agentId);
  return agent !== undefined && isActiveAdmin(agent);
}

/**
 * True when the agent is the only active admin: disabling or demoting them would leave nobody to
 * manage the team, so the team commands refuse it (rule `last-admin`).
 */
export function isLastActiveAdmin(state: EngineState, agentId: AgentId): boolean {
  const agent = state.agents.get(agentId);
  if (!agent || !isActiveAdmin(agent)) return false;
  for (const other of state.agents.values()) if (other.id !== agentId && isActiveAdmin(other)) return false;
  return true;
}

/** The Team section's list: everyone, by name (then id, so the order is stable). */
export function teamMembers(state: EngineState): TeamMember[] {
  return [...state.agents.values()]
    .sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((agent) => ({ agent, state: memberState(agent), role: agent.role, lastSeenAt: agent.lastSeenAt }));
}

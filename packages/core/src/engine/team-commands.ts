import type { Agent, AgentRole } from '../model/model.js';
import type * as C from '../protocol/commands.js';
import { ConfabError, ruleError } from '../protocol/errors.js';
import type { Decision } from './decision.js';
import { emailKey } from './email.js';
import { isLastActiveAdmin, TEAM_RULES } from './team.js';

type Result = Record<string, string> | void;

function member(decision: Decision, agentId: string): Agent {
  const agent = decision.state.agents.get(agentId);
  if (!agent) throw new ConfabError('not-found', `No team member ${agentId}`);
  return agent;
}

function guardLastAdmin(decision: Decision, agent: Agent, action: 'demoted' | 'disabled'): void {
  if (isLastActiveAdmin(decision.state, agent.id)) {
    throw ruleError(
      TEAM_RULES.lastAdmin,
      `last-admin-${action}`,
      `${agent.name} is the only active admin and cannot be ${action}: make another team member an admin first`,
      { name: agent.name },
    );
  }
}

/** A new agent record; the address must be free in the team (compared as `emailKey` does). */
function newAgent(
  decision: Decision,
  fields: { email: string; name: string; role: AgentRole; pending: boolean },
): Agent {
  const email = emailKey(fields.email);
  for (const agent of decision.state.agents.values()) {
    if (emailKey(agent.email) === email)
      throw ruleError(TEAM_RULES.emailTaken, 'email-taken', `A team member with the address ${email} already exists`, {
        email,
      });
  }
  return {
    id: decision.newId(),
    name: fields.name.trim(),
    email,
    // Nobody is routed chats before they have signed in and said they are available (S1, S2).
    availability: 'away',
    role: fields.role,
    invitePending: fields.pending,
    lastSeenAt: null,
    disabled: false,
  };
}

function upsertAgent(decision: Decision, agent: Agent): void {
  decision.emit({ type: 'agent.upserted', agent });
}

/**
 * Team management (issue 12): given by an admin in the inbox, or by the system principal for the
 * server's admin API. Who may give them is checked in dispatch; the rules are here.
 */
export const teamHandlers = {
  'agent.invite'(decision: Decision, command: C.InviteAgentCommand): Result {
    const agent = newAgent(decision, { ...command, pending: true });
    upsertAgent(decision, agent);
    return { agentId: agent.id };
  },

  'agent.setRole'(decision: Decision, command: C.SetAgentRoleCommand): Result {
    const agent = member(decision, command.agentId);
    if (agent.role === command.role) return;
    if (command.role !== 'admin') guardLastAdmin(decision, agent, 'demoted');
    upsertAgent(decision, { ...agent, role: command.role });
  },

  'agent.disable'(decision: Decision, command: C.DisableAgentCommand): Result {
    const agent = member(decision, command.agentId);
    if (agent.disabled) return;
    guardLastAdmin(decision, agent, 'disabled');
    // Their conversations keep them as assignee (shown as disabled, T2) until someone reassigns.
    upsertAgent(decision, { ...agent, disabled: true });
  },

  'agent.enable'(decision: Decision, command: C.EnableAgentCommand): Result {
    const agent = member(decision, command.agentId);
    if (!agent.disabled) return;
    upsertAgent(decision, { ...agent, disabled: false });
  },

  'agent.create'(decision: Decision, command: C.CreateAgentCommand): Result {
    const agent = newAgent(decision, { ...command, pending: false });
    upsertAgent(decision, agent);
    return { agentId: agent.id };
  },

  'agent.activate'(decision: Decision, command: C.ActivateAgentCommand): Result {
    const agent = member(decision, command.agentId);
    if (!agent.invitePending) return;
    upsertAgent(decision, { ...agent, invitePending: false });
  },

  'agent.signedIn'(decision: Decision, command: C.AgentSignedInCommand): Result {
    const agent = member(decision, command.agentId);
    if (agent.disabled)
      throw new ConfabError('forbidden', `${agent.name} is disabled and cannot sign in`, {
        reason: 'member-disabled',
        params: { name: agent.name },
      });
    upsertAgent(decision, { ...agent, lastSeenAt: decision.now });
  },
};

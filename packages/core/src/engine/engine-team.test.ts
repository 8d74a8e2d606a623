import { expect } from '@open-wc/testing';
import type { Agent } from '../model/model.js';
import type { ConfabEvent } from '../protocol/events.js';
import { demoSeed } from '../testing/demo-data.js';
import { applyEvent, projectEvent } from './engine.js';
import { asAgent, asVisitor, Inbox, MINUTE, SYSTEM, T0 } from './engine-harness.test-util.js';
import { routableAgents } from './routing.js';
import { createEngineState } from './state.js';
import {
  assignableAgents,
  assigneeOptions,
  canManageTeam,
  isLastActiveAdmin,
  TEAM_RULES,
  teamMembers,
} from './team.js';

/** Anna is the admin, Ben an agent; a visitor's chat was routed to Ben. */
function team(): { inbox: Inbox; chat: string } {
  const inbox = new Inbox();
  inbox.addAgent('anna', { role: 'admin' });
  inbox.addAgent('ben', { role: 'agent' });
  inbox.run(asAgent('anna'), { type: 'settings.update', patch: { routing: { mode: 'least-open' } } });
  inbox.run(asAgent('anna'), { type: 'agent.setAvailability', availability: 'away' });
  const chat = inbox.startChat(inbox.addVisitor('Emma'));
  return { inbox, chat };
}

function invite(inbox: Inbox, email: string, role: 'admin' | 'agent' = 'agent'): string {
  return inbox.run(asAgent('anna'), { type: 'agent.invite', email, name: 'New Person', role }).result!['agentId']!;
}

const agentOf = (inbox: Inbox, id: string): Agent => inbox.state.agents.get(id)!;

describe('engine: team and roles (issue 12)', () => {
  it('an agent stored before roles existed loads as an active admin, never seen (an upgrade takes no rights away)', () => {
    const state = createEngineState();
    const before = {
      id: 'agent-old',
      name: 'Old',
      email: 'old@team.example',
      availability: 'available',
      disabled: false,
    };
    applyEvent(state, { type: 'agent.upserted', agent: before as unknown as Agent });
    expect(state.agents.get('agent-old')).to.deep.include({ role: 'admin', invitePending: false, lastSeenAt: null });
  });

  it('an admin invites a teammate: a pending agent, away, never routed to or assignable', () => {
    const { inbox, chat } = team();
    const { events, result } = inbox.run(asAgent('anna'), {
      type: 'agent.invite',
      email: ' Dora@Team.Example ',
      name: ' Dora ',
      role: 'agent',
    });
    const dora = agentOf(inbox, result!['agentId']!);
    expect(dora).to.deep.include({
      name: 'Dora',
      email: 'dora@team.example',
      role: 'agent',
      invitePending: true,
      availability: 'away',
      lastSeenAt: null,
      disabled: false,
    });
    expect(events.map((event) => event.type)).to.deep.equal(['agent.upserted']);
    expect(routableAgents(inbox.state).map((agent) => agent.id)).to.not.include(dora.id);
    expect(assignableAgents(inbox.state).map((agent) => agent.id)).to.deep.equal(['anna', 'ben']);
    const refusal = inbox.refuse(asAgent('anna'), {
      type: 'conversation.assign',
      conversationId: chat,
      assigneeId: dora.id,
    });
    expect(refusal).to.include({ code: 'rule', rule: 'T2' });
  });

  it('an invitee who set a password (agent.activate) becomes active and assignable; signing in records lastSeenAt', () => {
    const { inbox, chat } = team();
    const dora = invite(inbox, 'dora@team.example');
    expect(inbox.refuse(asAgent(dora), { type: 'agent.setAvailability', availability: 'available' }).code).to.equal(
      'forbidden',
    );
    inbox.run(SYSTEM, { type: 'agent.activate', agentId: dora });
    expect(agentOf(inbox, dora).invitePending).to.equal(false);
    inbox.advance(5 * MINUTE);
    inbox.run(SYSTEM, { type: 'agent.signedIn', agentId: dora });
    expect(agentOf(inbox, dora).lastSeenAt).to.equal(T0 + 5 * MINUTE);
    inbox.run(asAgent('ben'), { type: 'conversation.assign', conversationId: chat, assigneeId: dora });
    expect(inbox.conversation(chat).assigneeId).to.equal(dora);
    expect(teamMembers(inbox.state).find((member) => member.agent.id === dora)).to.deep.include({
      state: 'active',
      role: 'agent',
      lastSeenAt: T0 + 5 * MINUTE,
    });
  });

  it('refuses an invite of a non-address (invalid) and of an address a teammate has, compared as emailKey does', () => {
    const { inbox } = team();
    const bad = inbox.refuse(asAgent('anna'), {
      type: 'agent.invite',
      email: 'not an address',
      name: 'X',
      role: 'agent',
    });
    expect(bad).to.include({ code: 'invalid', path: 'email' });
    const taken = inbox.refuse(asAgent('anna'), {
      type: 'agent.invite',
      email: 'BEN@team.example',
      name: 'Ben again',
      role: 'agent',
    });
    expect(taken).to.include({ code: 'rule', rule: TEAM_RULES.emailTaken });
    expect(
      inbox.refuse(SYSTEM, { type: 'agent.create', email: 'ben@team.example', name: 'B', role: 'admin' }).rule,
    ).to.equal(TEAM_RULES.emailTaken);
    expect(
      inbox.refuse(asAgent('anna'), { type: 'agent.invite', email: 'x@team.example', name: 'X', role: 'owner' }),
    ).to.include({ code: 'invalid', path: 'role' });
    expect(
      inbox.refuse(asAgent('anna'), { type: 'agent.invite', email: 'x@team.example', name: ' ', role: 'agent' }),
    ).to.include({ code: 'invalid', path: 'name' });
  });

  it('an agent who is not an admin is refused every team and settings command with forbidden', () => {
    const { inbox } = team();
    const dora = invite(inbox, 'dora@team.example');
    const commands = [
      { type: 'agent.invite', email: 'x@team.example', name: 'X', role: 'agent' },
      { type: 'agent.setRole', agentId: 'ben', role: 'admin' },
      { type: 'agent.disable', agentId: 'anna' },
      { type: 'agent.enable', agentId: 'anna' },
      { type: 'settings.update', patch: { routing: { mode: 'off' } } },
      { type: 'settings.update', patch: { widget: { title: 'Mine now' } } },
      { type: 'settings.update', patch: { bot: { enabled: true } } },
      { type: 'settings.update', patch: { email: { address: 'me@team.example' } } },
      { type: 'settings.update', patch: { ticketProperties: ['status'] } },
    ];
    for (const command of commands) {
      const refusal = inbox.refuse(asAgent('ben'), command);
      expect(refusal.code, command.type).to.equal('forbidden');
    }
    // A pending admin cannot act at all until they set a password.
    inbox.run(asAgent('anna'), { type: 'agent.setRole', agentId: dora, role: 'admin' });
    expect(inbox.refuse(asAgent(dora), commands[0]!).code).to.equal('forbidden');
  });

  it('the account commands are the system principal’s alone; the team commands are the system’s too', () => {
    const { inbox } = team();
    for (const command of [
      { type: 'agent.create', email: 'x@team.example', name: 'X', role: 'agent' },
      { type: 'agent.activate', agentId: 'ben' },
      { type: 'agent.signedIn', agentId: 'ben' },
    ]) {
      expect(inbox.refuse(asAgent('anna'), command).code, command.type).to.equal('forbidden');
    }
    const visitor = inbox.addVisitor();
    expect(inbox.refuse(asVisitor(visitor), { type: 'agent.disable', agentId: 'ben' }).code).to.equal('forbidden');
    const created = inbox.run(SYSTEM, { type: 'agent.create', email: 'Cleo@team.example', name: 'Cleo', role: 'admin' })
      .result!['agentId']!;
    expect(agentOf(inbox, created)).to.deep.include({
      email: 'cleo@team.example',
      role: 'admin',
      invitePending: false,
      disabled: false,
      availability: 'away',
    });
    inbox.run(SYSTEM, { type: 'agent.disable', agentId: 'ben' });
    inbox.run(SYSTEM, { type: 'agent.setRole', agentId: created, role: 'agent' });
    expect(agentOf(inbox, 'ben').disabled).to.equal(true);
    expect(agentOf(inbox, created).role).to.equal('agent');
  });

  it('the last active admin can be neither disabled nor demoted, by anyone (rule last-admin)', () => {
    const { inbox } = team();
    expect(isLastActiveAdmin(inbox.state, 'anna')).to.equal(true);
    for (const principal of [asAgent('anna'), SYSTEM]) {
      const disable = inbox.refuse(principal, { type: 'agent.disable', agentId: 'anna' });
      expect(disable).to.include({ code: 'rule', rule: TEAM_RULES.lastAdmin });
      expect(disable.message).to.contain('only active admin');
      const demote = inbox.refuse(principal, { type: 'agent.setRole', agentId: 'anna', role: 'agent' });
      expect(demote).to.include({ code: 'rule', rule: TEAM_RULES.lastAdmin });
    }
    // An invited admin does not count until they set a password, nor does a disabled one.
    const dora = invite(inbox, 'dora@team.example', 'admin');
    inbox.run(asAgent('anna'), { type: 'agent.setRole', agentId: 'ben', role: 'admin' });
    inbox.run(asAgent('anna'), { type: 'agent.disable', agentId: 'ben' });
    expect(inbox.refuse(asAgent('anna'), { type: 'agent.disable', agentId: 'anna' }).rule).to.equal(
      TEAM_RULES.lastAdmin,
    );
    inbox.run(SYSTEM, { type: 'agent.activate', agentId: dora });
    inbox.run(asAgent('anna'), { type: 'agent.setRole', agentId: 'anna', role: 'agent' });
    expect(agentOf(inbox, 'anna').role).to.equal('agent');
    expect(canManageTeam(inbox.state, 'anna')).to.equal(false);
    expect(canManageTeam(inbox.state, dora)).to.equal(true);
  });

  it('disabling keeps the agent’s conversations assigned, takes them out of routing and menus; enabling restores them', () => {
    const { inbox, chat } = team();
    expect(inbox.conversation(chat).assigneeId).to.equal('ben');
    const { events } = inbox.run(asAgent('anna'), { type: 'agent.disable', agentId: 'ben' });
    expect(events).to.have.length(1);
    expect(events[0]).to.deep.include({ type: 'agent.upserted' });
    expect(agentOf(inbox, 'ben').disabled).to.equal(true);
    expect(inbox.conversation(chat).assigneeId).to.equal('ben');
    expect(routableAgents(inbox.state)).to.deep.equal([]);
    expect(assignableAgents(inbox.state).map((agent) => agent.id)).to.deep.equal(['anna']);
    // T2: the menu still names Ben for his conversation, not choosable, until someone reassigns it.
    expect(assigneeOptions(inbox.state, inbox.conversation(chat)).map((o) => [o.agent.id, o.assignable])).to.deep.equal(
      [
        ['anna', true],
        ['ben', false],
      ],
    );
    expect(
      inbox.refuse(asAgent('anna'), { type: 'conversation.assign', conversationId: chat, assigneeId: 'ben' }).rule,
    ).to.equal('T2');
    expect(inbox.refuse(asAgent('ben'), { type: 'agent.setAvailability', availability: 'away' }).code).to.equal(
      'forbidden',
    );
    expect(teamMembers(inbox.state).map((member) => [member.agent.id, member.state])).to.deep.equal([
      ['anna', 'active'],
      ['ben', 'disabled'],
    ]);
    const second = inbox.startChat(inbox.addVisitor('Finn'));
    expect(inbox.conversation(second).assigneeId).to.equal(null);

    inbox.run(asAgent('anna'), { type: 'conversation.assign', conversationId: chat, assigneeId: 'anna' });
    expect(assigneeOptions(inbox.state, inbox.conversation(chat)).map((o) => o.agent.id)).to.deep.equal(['anna']);

    inbox.run(asAgent('anna'), { type: 'agent.enable', agentId: 'ben' });
    expect(routableAgents(inbox.state).map((agent) => agent.id)).to.deep.equal(['ben']);
    const third = inbox.startChat(inbox.addVisitor('Gus'));
    expect(inbox.conversation(third).assigneeId).to.equal('ben');
  });

  it('team commands that change nothing give no events; one naming a missing agent is not-found', () => {
    const { inbox } = team();
    expect(inbox.run(asAgent('anna'), { type: 'agent.enable', agentId: 'ben' }).events).to.deep.equal([]);
    expect(inbox.run(asAgent('anna'), { type: 'agent.setRole', agentId: 'ben', role: 'agent' }).events).to.deep.equal(
      [],
    );
    expect(inbox.run(SYSTEM, { type: 'agent.activate', agentId: 'ben' }).events).to.deep.equal([]);
    expect(inbox.refuse(asAgent('anna'), { type: 'agent.disable', agentId: 'nobody' }).code).to.equal('not-found');
    inbox.run(asAgent('anna'), { type: 'agent.disable', agentId: 'ben' });
    expect(inbox.refuse(SYSTEM, { type: 'agent.signedIn', agentId: 'ben' }).code).to.equal('forbidden');
  });

  it('the Team list shows every member by name with state, role and last seen', () => {
    const { inbox } = team();
    const dora = invite(inbox, 'dora@team.example', 'admin');
    inbox.run(asAgent('anna'), { type: 'agent.disable', agentId: 'ben' });
    expect(
      teamMembers(inbox.state).map(({ agent, state, role, lastSeenAt }) => [agent.id, state, role, lastSeenAt]),
    ).to.deep.equal([
      ['anna', 'active', 'admin', null],
      ['ben', 'disabled', 'agent', null],
      [dora, 'invited', 'admin', null],
    ]);
    expect(canManageTeam(inbox.state, 'anna')).to.equal(true);
    expect(canManageTeam(inbox.state, 'ben')).to.equal(false);
    expect(canManageTeam(inbox.state, null)).to.equal(false);
  });

  it('a visitor learns nothing of roles, invites or sign-ins', () => {
    const { inbox } = team();
    inbox.run(SYSTEM, { type: 'agent.signedIn', agentId: 'anna' });
    const visitor = inbox.addVisitor();
    const event: ConfabEvent = { type: 'agent.upserted', agent: agentOf(inbox, 'anna') };
    const projected = projectEvent(inbox.state, asVisitor(visitor), event);
    expect(projected).to.deep.include({ type: 'agent.upserted' });
    if (projected?.type !== 'agent.upserted') throw new Error('not projected');
    expect(projected.agent).to.deep.include({ role: 'agent', invitePending: false, lastSeenAt: null, email: '' });
  });

  it('the demo team has one admin, the first demo agent, and the others are agents', () => {
    const state = createEngineState();
    for (const event of demoSeed(T0)) applyEvent(state, event);
    const roles = [...state.agents.values()].map((agent) => [agent.id, agent.role]);
    expect(roles[0]).to.deep.equal(['agent-anna', 'admin']);
    expect(roles.slice(1).every(([, role]) => role === 'agent')).to.equal(true);
    expect([...state.agents.values()].every((agent) => !agent.invitePending && !agent.disabled)).to.equal(true);
  });
});

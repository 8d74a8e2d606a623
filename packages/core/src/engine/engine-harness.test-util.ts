import { expect } from '@open-wc/testing';
import type { Agent, Conversation, Message } from '../model/model.js';
import type { Command } from '../protocol/commands.js';
import { ConfabError } from '../protocol/errors.js';
import type { ConfabEvent } from '../protocol/events.js';
import type { Principal } from '../protocol/frames.js';
import { applyEvent, execute, type ExecuteResult } from './engine.js';
import { createEngineState, type EngineState } from './state.js';
import { BUILT_IN_VIEWS, matchesFilter } from './views.js';

/** A fixed start of the clock: Monday 5 January 2026, 09:00 UTC. */
export const T0 = Date.UTC(2026, 0, 5, 9, 0);
export const MINUTE = 60_000;

export const SYSTEM: Principal = { kind: 'system' };
export const asAgent = (agentId: string): Principal => ({ kind: 'agent', agentId });
export const asVisitor = (contactId: string): Principal => ({ kind: 'visitor', contactId });

/**
 * A deterministic inbox for engine tests: fixed clock, counter ids, and every command checked to
 * leave the state untouched until its events are applied.
 */
export class Inbox {
  state: EngineState = createEngineState();
  now = T0;
  private counter = 0;
  readonly newId = (): string => `id${String(++this.counter).padStart(4, '0')}`;

  /** Runs a command and applies its events; asserts that execute itself wrote nothing. */
  run(principal: Principal, command: object): ExecuteResult {
    const before = structuredClone(this.state);
    const outcome = execute(this.state, principal, command as Command, { now: this.now, newId: this.newId });
    expect(this.state).to.deep.equal(before, 'execute must not write the state');
    for (const event of outcome.events) applyEvent(this.state, event);
    return outcome;
  }

  /** Runs a command that must be refused; asserts the refusal is a ConfabError and changed nothing. */
  refuse(principal: Principal, command: object): ConfabError {
    const before = structuredClone(this.state);
    let error: unknown;
    try {
      execute(this.state, principal, command as Command, { now: this.now, newId: this.newId });
    } catch (caught) {
      error = caught;
    }
    expect(error, 'the command should be refused').to.be.instanceOf(ConfabError);
    expect(this.state).to.deep.equal(before, 'a refusal changes nothing');
    return error as ConfabError;
  }

  apply(...events: ConfabEvent[]): void {
    for (const event of events) applyEvent(this.state, event);
  }

  advance(ms: number): void {
    this.now += ms;
  }

  /** An agent; an admin unless `patch` says otherwise (settings commands need one). */
  addAgent(id: string, patch: Partial<Agent> = {}): Agent {
    const agent: Agent = {
      id,
      name: id.charAt(0).toUpperCase() + id.slice(1),
      email: `${id}@team.example`,
      availability: 'available',
      role: 'admin',
      invitePending: false,
      lastSeenAt: null,
      disabled: false,
      ...patch,
    };
    this.apply({ type: 'agent.upserted', agent });
    return agent;
  }

  /** A new visitor (the backend's visitor.create). */
  addVisitor(name = 'Visitor'): string {
    return this.run(SYSTEM, { type: 'visitor.create', name }).result!['contactId']!;
  }

  /** A visitor starts a chat; returns the conversation id. */
  startChat(contactId: string, text = 'Hello, I have a question'): string {
    return this.run(asVisitor(contactId), { type: 'visitor.startChat', text }).result!['conversationId']!;
  }

  /** An inbound email; returns the conversation id. */
  receiveEmail(fields: Partial<Record<string, unknown>> & { from: string; messageId: string }): string {
    const command = {
      type: 'inbound.email',
      to: ['support@confab.example'],
      subject: 'Question',
      text: 'Hi there',
      ...fields,
    };
    return this.run(SYSTEM, command).result!['conversationId']!;
  }

  conversation(id: string): Conversation {
    const conversation = this.state.conversations.get(id);
    if (!conversation) throw new Error(`no conversation ${id}`);
    return conversation;
  }

  messages(conversationId: string): Message[] {
    return this.state.messages.get(conversationId) ?? [];
  }
}

/** Whether a conversation is in a built-in view (V1–V12) for agent `me`. */
export function inView(conversation: Conversation, viewId: string, me: string | null = null): boolean {
  const view = BUILT_IN_VIEWS.find((candidate) => candidate.id === viewId);
  if (!view) throw new Error(`no view ${viewId}`);
  return matchesFilter(conversation, view.filter, me);
}

/** The ids of the built-in views a conversation is in. */
export function viewsOf(conversation: Conversation, me: string | null = null): string[] {
  return BUILT_IN_VIEWS.filter((view) => matchesFilter(conversation, view.filter, me)).map((view) => view.id);
}

import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import type { Command } from '../protocol/commands.js';
import { ConfabError } from '../protocol/errors.js';
import type { Principal } from '../protocol/frames.js';
import { validateCommand } from '../protocol/validate.js';
import { DEMO_AGENT_IDS, demoSeed } from '../testing/demo-data.js';
import { applyEvent, execute, projectEvent, snapshotFor } from './engine.js';
import { MINUTE, T0 } from './engine-harness.test-util.js';
import { previewOf } from './records.js';
import { createEngineState, type EngineState } from './state.js';

const COMMAND_TYPES = [
  'conversation.assign',
  'conversation.setStatus',
  'conversation.trash',
  'conversation.restore',
  'conversation.deleteForever',
  'conversation.blockSender',
  'contact.unblock',
  'conversation.markSpam',
  'conversation.unfilter',
  'message.reply',
  'message.comment',
  'email.compose',
  'conversation.forward',
  'conversation.sendTranscript',
  'conversation.detachContact',
  'ticket.create',
  'ticket.update',
  'contact.update',
  'deal.create',
  'agent.setAvailability',
  'settings.update',
  'view.save',
  'view.delete',
  'typing',
  'visitor.startChat',
  'visitor.message',
  'visitor.requestHuman',
  'visitor.setProfile',
  'inbound.email',
  'inbound.messenger',
  'inbound.form',
  'visitor.create',
  'visitor.verify',
  'agent.invite',
  'agent.setRole',
  'agent.disable',
  'agent.enable',
  'agent.create',
  'agent.activate',
  'agent.signedIn',
];

/** One random step, interpreted against the state at the time it runs. */
interface Step {
  op: number;
  pick: number;
  other: number;
  text: string;
  flag: boolean;
}

const stepArbitrary: fc.Arbitrary<Step> = fc.record({
  op: fc.nat(15),
  pick: fc.nat(1000),
  other: fc.nat(1000),
  text: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('Talk to a person', 'hello', 'Pricing')),
  flag: fc.boolean(),
});

function at<T>(list: readonly T[], index: number): T | undefined {
  return list.length === 0 ? undefined : list[index % list.length];
}

function commandFor(state: EngineState, step: Step): { principal: Principal; command: Command } | null {
  const conversations = [...state.conversations.values()];
  const conversation = at(conversations, step.pick);
  const agentId = at(DEMO_AGENT_IDS, step.other)!;
  const agent: Principal = { kind: 'agent', agentId };
  const text = step.text.trim() === '' ? 'hi' : step.text;
  const ownerOf = (id: string | null | undefined): Principal | null => (id ? { kind: 'visitor', contactId: id } : null);
  switch (step.op) {
    case 0: {
      const contacts = [...state.contacts.keys()];
      const contactId = at(contacts, step.pick)!;
      return { principal: { kind: 'visitor', contactId }, command: { type: 'visitor.startChat', text } };
    }
    case 1: {
      const owner = ownerOf(conversation?.contactId);
      return owner && conversation
        ? { principal: owner, command: { type: 'visitor.message', conversationId: conversation.id, text } }
        : null;
    }
    case 2:
      return conversation
        ? { principal: agent, command: { type: 'message.reply', conversationId: conversation.id, text } }
        : null;
    case 3:
      return conversation
        ? {
            principal: agent,
            command: {
              type: 'message.comment',
              conversationId: conversation.id,
              text: 'SECRET-COMMENT',
              mentions: step.flag ? [agentId] : [],
            },
          }
        : null;
    case 4:
      return conversation
        ? {
            principal: agent,
            command: {
              type: 'conversation.setStatus',
              conversationIds: [conversation.id],
              status: step.flag ? 'closed' : 'open',
            },
          }
        : null;
    case 5:
      return conversation
        ? {
            principal: agent,
            command: {
              type: step.flag ? 'conversation.trash' : 'conversation.restore',
              conversationIds: [conversation.id],
            },
          }
        : null;
    case 6:
      return conversation
        ? { principal: agent, command: { type: 'conversation.deleteForever', conversationIds: [conversation.id] } }
        : null;
    case 7:
      return conversation
        ? {
            principal: agent,
            command: step.flag
              ? { type: 'conversation.blockSender', conversationId: conversation.id }
              : { type: 'contact.unblock', contactId: conversation.contactId ?? 'none' },
          }
        : null;
    case 8:
      return conversation
        ? {
            principal: agent,
            command: {
              type: step.flag ? 'conversation.markSpam' : 'conversation.unfilter',
              conversationId: conversation.id,
            },
          }
        : null;
    case 9:
      return conversation
        ? {
            principal: agent,
            command: {
              type: 'conversation.assign',
              conversationId: conversation.id,
              assigneeId: step.flag ? at(DEMO_AGENT_IDS, step.pick)! : null,
            },
          }
        : null;
    case 10:
      return {
        principal: agent,
        command: { type: 'agent.setAvailability', availability: step.flag ? 'away' : 'available' },
      };
    case 11: {
      const previous = conversation?.emailMessageIds[0];
      return {
        principal: { kind: 'system' },
        command: {
          type: 'inbound.email',
          from: `person${step.other % 7}@example.com`,
          to: ['support@confab.example'],
          subject: 'Hello',
          text,
          messageId: `<m${step.pick}-${step.other}@example.com>`,
          ...(step.flag && previous ? { inReplyTo: previous } : {}),
        },
      };
    }
    case 12:
      return { principal: agent, command: { type: 'settings.update', patch: { bot: { enabled: step.flag } } } };
    case 13: {
      const owner = ownerOf(conversation?.contactId);
      return owner && conversation
        ? { principal: owner, command: { type: 'visitor.requestHuman', conversationId: conversation.id } }
        : null;
    }
    case 14:
      return conversation
        ? {
            principal: agent,
            command: { type: 'conversation.sendTranscript', conversationId: conversation.id, to: 'copy@example.com' },
          }
        : null;
    default:
      return conversation
        ? { principal: agent, command: { type: 'conversation.detachContact', conversationId: conversation.id } }
        : null;
  }
}

/** The L2 fields every conversation must agree with its messages on, whatever happened. */
function checkInvariants(state: EngineState): void {
  for (const conversation of state.conversations.values()) {
    const visible = (state.messages.get(conversation.id) ?? []).filter((m) => !m.suppressed);
    const replies = visible.filter((m) => m.kind === 'reply');
    expect(conversation.messageCount, conversation.id).to.equal(replies.length);
    expect(conversation.preview, conversation.id).to.equal(replies.length ? previewOf(replies.at(-1)!.text) : '');
    const fromPeople = replies.filter((m) => m.authorType !== 'bot');
    expect(conversation.needsReply, conversation.id).to.equal(
      fromPeople.length ? fromPeople.at(-1)!.direction === 'inbound' : false,
    );
    expect(conversation.lastReceivedAt).to.be.at.least(conversation.startedAt);
    if (conversation.filtered === null && conversation.contactId !== null) {
      // A blocked contact's conversations are all in Filtered (T5) unless unblocked since.
      expect(state.contacts.get(conversation.contactId)?.blocked ?? false, conversation.id).to.equal(false);
    }
  }
  for (const [conversationId, list] of state.messages) {
    expect(state.conversations.has(conversationId)).to.equal(true);
    for (let index = 1; index < list.length; index += 1) {
      expect(list[index - 1]!.createdAt).to.be.at.most(list[index]!.createdAt);
    }
  }
}

describe('engine: properties', () => {
  it('validateCommand answers any value with a command or a ConfabError, never anything else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc
            .record({ type: fc.constantFrom(...COMMAND_TYPES) }, { requiredKeys: ['type'] })
            .chain((base) =>
              fc.dictionary(fc.string({ maxLength: 12 }), fc.anything()).map((extra) => ({ ...extra, ...base })),
            ),
        ),
        (value) => {
          try {
            const command = validateCommand(value);
            expect(COMMAND_TYPES).to.include(command.type);
          } catch (error) {
            expect(error).to.be.instanceOf(ConfabError);
          }
        },
      ),
      { numRuns: 500, seed: 42 },
    );
  });

  it('L2 random command sequences keep every conversation consistent with its messages, and R2 holds for visitors', () => {
    fc.assert(
      fc.property(fc.array(stepArbitrary, { minLength: 1, maxLength: 40 }), (steps) => {
        const state = createEngineState();
        for (const event of demoSeed(T0)) applyEvent(state, event);
        let now = T0;
        let counter = 0;
        for (const step of steps) {
          now += step.flag ? 31 * MINUTE : MINUTE;
          const next = commandFor(state, step);
          if (!next) continue;
          let events;
          const before = structuredClone(state);
          try {
            events = execute(state, next.principal, next.command, { now, newId: () => `p${++counter}` }).events;
          } catch (error) {
            expect(error).to.be.instanceOf(ConfabError);
            expect(state).to.deep.equal(before);
            continue;
          }
          for (const event of events) applyEvent(state, event);
          for (const event of events) {
            if (next.principal.kind !== 'visitor') continue;
            const projected = projectEvent(state, next.principal, event);
            expect(JSON.stringify(projected ?? null)).to.not.contain('SECRET-COMMENT');
          }
        }
        checkInvariants(state);
        for (const contactId of state.contacts.keys()) {
          expect(JSON.stringify(snapshotFor(state, { kind: 'visitor', contactId }, 1))).to.not.contain(
            'SECRET-COMMENT',
          );
        }
        expect(
          snapshotFor(state, { kind: 'agent', agentId: 'agent-anna' }, 1).messages.some((m) => m.suppressed),
        ).to.equal(false);
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});

// Random command sequences for property tests: each step is interpreted against the state at
// the time it runs (engine-property.test, backend/snapshot-replay.test).
import fc from 'fast-check';
import type { Command } from '../protocol/commands.js';
import type { Principal } from '../protocol/frames.js';
import { DEMO_AGENT_IDS } from '../testing/demo-data.js';
import type { EngineState } from './state.js';

/** One random step, interpreted against the state at the time it runs. */
export interface Step {
  op: number;
  pick: number;
  other: number;
  text: string;
  flag: boolean;
}

export const stepArbitrary: fc.Arbitrary<Step> = fc.record({
  op: fc.nat(18),
  pick: fc.nat(1000),
  other: fc.nat(1000),
  text: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('Talk to a person', 'hello', 'Pricing')),
  flag: fc.boolean(),
});

function at<T>(list: readonly T[], index: number): T | undefined {
  return list.length === 0 ? undefined : list[index % list.length];
}

export function commandFor(state: EngineState, step: Step): { principal: Principal; command: Command } | null {
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
      // With a blind copy now and then (issue 17): refused outside email, never shown to a visitor.
      return conversation
        ? {
            principal: agent,
            command: {
              type: 'message.reply',
              conversationId: conversation.id,
              text,
              ...(step.flag && step.other % 3 === 0 ? { bcc: ['secret-bcc@example.com'] } : {}),
            },
          }
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
        command:
          step.other % 4 === 0
            ? { type: 'agent.setSignature', signature: step.flag ? `${text}\nSupport` : '' }
            : { type: 'agent.setAvailability', availability: step.flag ? 'away' : 'available' },
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
    case 16: {
      // Team labels (issue 16): created by whoever the step picks (admins only succeed), put on and taken off.
      if (step.flag)
        return {
          principal: agent,
          command: { type: 'label.create', name: `SECRET-LABEL ${step.pick % 3}`, color: '#0366d6' },
        };
      const label = at(state.settings.labels ?? [], step.pick);
      if (!label || !conversation) return null;
      if (step.other % 5 === 0) return { principal: agent, command: { type: 'label.delete', labelId: label.id } };
      const type = step.other % 2 ? 'conversation.addLabel' : 'conversation.removeLabel';
      return { principal: agent, command: { type, conversationIds: [conversation.id], labelId: label.id } };
    }
    case 17: {
      // Issue 17: the owner rates (refused unless ratings are on and the chat is closed, once).
      const owner = ownerOf(conversation?.contactId);
      return owner && conversation
        ? {
            principal: owner,
            command: {
              type: 'visitor.rate',
              conversationId: conversation.id,
              score: (step.pick % 5) + 1,
              comment: text,
            },
          }
        : null;
    }
    case 18:
      // Issue 17: ratings and business hours switched on and off; the opening routes waiting chats.
      if (step.other % 3 === 0) return { principal: { kind: 'system' }, command: { type: 'routing.routeWaiting' } };
      // T11: the backend records a visitor's typing in a bot chat.
      if (step.other % 5 === 1 && conversation)
        return { principal: { kind: 'system' }, command: { type: 'visitor.typed', conversationId: conversation.id } };
      return {
        principal: agent,
        command: {
          type: 'settings.update',
          patch:
            step.other % 3 === 1
              ? { satisfaction: { enabled: step.flag } }
              : { hours: { enabled: step.flag, timeZone: 'Europe/Amsterdam' } },
        },
      };
    default:
      return conversation
        ? { principal: agent, command: { type: 'conversation.detachContact', conversationId: conversation.id } }
        : null;
  }
}

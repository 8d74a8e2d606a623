import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { ConfabError } from '../protocol/errors.js';
import { validateCommand } from '../protocol/validate.js';
import { demoSeed } from '../testing/demo-data.js';
import { applyEvent, execute, projectEvent, snapshotFor } from './engine.js';
import { MINUTE, T0 } from './engine-harness.test-util.js';
import { previewOf } from './records.js';
import { createEngineState, type EngineState } from './state.js';
import { commandFor, stepArbitrary } from './random-commands.test-util.js';

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
  'agent.setSignature',
  'settings.update',
  'view.save',
  'view.delete',
  'view.rename',
  'label.create',
  'label.update',
  'label.delete',
  'conversation.addLabel',
  'conversation.removeLabel',
  'typing',
  'viewing',
  'visitor.startChat',
  'visitor.message',
  'visitor.requestHuman',
  'visitor.rate',
  'visitor.setProfile',
  'routing.routeWaiting',
  'visitor.typed',
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
          for (const event of events) {
            // applyEvent finds a stored message where its createdAt puts it: an update keeps it.
            if (event.type !== 'message.upserted') continue;
            const stored = state.messages.get(event.message.conversationId)?.find((m) => m.id === event.message.id);
            if (stored) expect(event.message.createdAt).to.equal(stored.createdAt);
          }
          for (const event of events) applyEvent(state, event);
          for (const thread of state.messages.values())
            expect(new Set(thread.map((m) => m.id)).size).to.equal(thread.length, 'each message once in its thread');
          for (const event of events) {
            if (next.principal.kind !== 'visitor') continue;
            const projected = projectEvent(state, next.principal, event);
            expect(JSON.stringify(projected ?? null)).to.not.contain('SECRET-COMMENT');
            expect(JSON.stringify(projected ?? null)).to.not.contain('SECRET-LABEL');
            expect(JSON.stringify(projected ?? null)).to.not.contain('secret-bcc');
          }
        }
        checkInvariants(state);
        for (const contactId of state.contacts.keys()) {
          const seen = JSON.stringify(snapshotFor(state, { kind: 'visitor', contactId }, 1));
          expect(seen).to.not.contain('SECRET-COMMENT');
          expect(seen).to.not.contain('SECRET-LABEL');
          expect(seen).to.not.contain('secret-bcc');
        }
        expect(
          snapshotFor(state, { kind: 'agent', agentId: 'agent-anna' }, 1).messages.some((m) => m.suppressed),
        ).to.equal(false);
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});

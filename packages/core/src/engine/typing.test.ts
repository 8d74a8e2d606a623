import { expect } from '@open-wc/testing';
import { applyEvent } from './engine.js';
import { projectTyping } from './projection.js';
import { createEngineState } from './state.js';
import { contact, conversation } from '../store/store-fixtures.test-util.js';
import type { Principal } from '../protocol/frames.js';

function inbox(blocked = false) {
  const state = createEngineState();
  applyEvent(state, {
    type: 'agent.upserted',
    agent: {
      id: 'ann',
      name: 'Ann',
      email: 'ann@team.example',
      availability: 'available',
      role: 'admin',
      invitePending: false,
      lastSeenAt: null,
      disabled: false,
    },
  });
  applyEvent(state, {
    type: 'agent.upserted',
    agent: {
      id: 'bo',
      name: 'Bo',
      email: 'bo@team.example',
      availability: 'available',
      role: 'admin',
      invitePending: false,
      lastSeenAt: null,
      disabled: false,
    },
  });
  for (const id of ['eve', 'max']) {
    applyEvent(state, {
      type: 'contact.upserted',
      contact: { ...contact(id, id.toUpperCase(), ''), blocked: blocked && id === 'eve' },
    });
  }
  applyEvent(state, {
    type: 'conversation.upserted',
    conversation: conversation('c1', { contactId: 'eve', participantIds: ['eve'] }),
  });
  return state;
}

const ann: Principal = { kind: 'agent', agentId: 'ann' };
const bo: Principal = { kind: 'agent', agentId: 'bo' };
const eve: Principal = { kind: 'visitor', contactId: 'eve' };
const max: Principal = { kind: 'visitor', contactId: 'max' };

describe('engine: who sees typing', () => {
  it('W1 agents see the visitor type; the visitor sees the team type in their own chat only', () => {
    const state = inbox();
    expect(projectTyping(state, eve, ann, 'c1', true)).to.deep.equal({
      conversationId: 'c1',
      who: 'contact',
      name: 'EVE',
      typing: true,
    });
    expect(projectTyping(state, eve, max, 'c1', true), 'another visitor').to.equal(null);
    expect(projectTyping(state, ann, eve, 'c1', true)).to.deep.equal({
      conversationId: 'c1',
      who: 'agent',
      name: 'Ann',
      typing: true,
    });
    expect(projectTyping(state, ann, max, 'c1', true), "not max's chat").to.equal(null);
    expect(projectTyping(state, ann, bo, 'c1', true), 'a teammate hears who, by id').to.deep.equal({
      conversationId: 'c1',
      who: 'agent',
      name: 'Ann',
      typing: true,
      agentId: 'ann',
    });
    expect(projectTyping(state, ann, ann, 'c1', true), 'oneself').to.equal(null);
  });

  it('T5 a blocked visitor typing reaches no one (W3)', () => {
    const state = inbox(true);
    expect(projectTyping(state, eve, ann, 'c1', true)).to.equal(null);
  });
});

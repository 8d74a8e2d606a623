import { expect } from '@open-wc/testing';
import { applyEvent } from './engine.js';
import { latestMessageAt, teammatesRepliedAfter } from './collision.js';
import { projectViewing } from './projection.js';
import { createEngineState } from './state.js';
import { conversation } from '../store/store-fixtures.test-util.js';
import type { Message } from '../model/model.js';

function agent(id: string, name: string) {
  return {
    id,
    name,
    email: `${id}@team.example`,
    availability: 'available' as const,
    role: 'agent' as const,
    invitePending: false,
    lastSeenAt: null,
    disabled: false,
  };
}

function message(id: string, at: number, fields: Partial<Message>): Message {
  return {
    id,
    conversationId: 'c1',
    kind: 'reply',
    direction: 'outbound',
    authorType: 'agent',
    authorId: 'bo',
    text: id,
    createdAt: at,
    ...fields,
  } as Message;
}

function inbox() {
  const state = createEngineState();
  applyEvent(state, { type: 'agent.upserted', agent: agent('ann', 'Ann') });
  applyEvent(state, { type: 'agent.upserted', agent: agent('bo', 'Bo') });
  applyEvent(state, { type: 'conversation.upserted', conversation: conversation('c1', {}) });
  return state;
}

describe('engine: collision (issue 16)', () => {
  it('a teammate replying to the contact after the reply was begun collides; a comment, oneself or earlier do not', () => {
    const state = inbox();
    for (const added of [
      message('m1', 100, { direction: 'inbound', authorType: 'contact', authorId: 'eve' }),
      message('m2', 200, { authorId: 'bo' }),
    ])
      applyEvent(state, { type: 'message.upserted', message: added });
    const begun = latestMessageAt(state, 'c1');
    expect(begun).to.equal(200);
    expect(teammatesRepliedAfter(state, 'c1', begun, 'ann'), 'nothing since').to.deep.equal([]);
    for (const added of [
      message('m3', 300, { kind: 'comment', authorId: 'bo' }),
      message('m4', 310, { authorId: 'ann' }),
      message('m5', 320, { authorId: 'bo' }),
      message('m6', 330, { authorId: 'bo' }),
    ])
      applyEvent(state, { type: 'message.upserted', message: added });
    expect(teammatesRepliedAfter(state, 'c1', begun, 'ann')).to.deep.equal(['Bo']);
    expect(teammatesRepliedAfter(state, 'c1', begun, 'bo'), "Bo's own replies").to.deep.equal(['Ann']);
    expect(latestMessageAt(state, 'c-none')).to.equal(0);
  });

  it('only other team members hear that an agent views a conversation', () => {
    const state = inbox();
    const ann = { kind: 'agent', agentId: 'ann' } as const;
    const bo = { kind: 'agent', agentId: 'bo' } as const;
    expect(projectViewing(state, ann, bo, 'c1', true)).to.deep.equal({
      conversationId: 'c1',
      agentId: 'ann',
      name: 'Ann',
      viewing: true,
    });
    expect(projectViewing(state, ann, ann, 'c1', true), 'oneself').to.equal(null);
    expect(projectViewing(state, ann, { kind: 'visitor', contactId: 'eve' }, 'c1', true), 'a visitor').to.equal(null);
    expect(projectViewing(state, ann, bo, 'c-none', true), 'no such conversation').to.equal(null);
  });
});

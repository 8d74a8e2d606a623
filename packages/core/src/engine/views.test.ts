import { expect } from '@open-wc/testing';
import { BUILT_IN_VIEWS, matchesFilter } from './views.js';
import type { Conversation } from '../model/model.js';

function conversation(patch: Partial<Conversation> = {}): Conversation {
  return {
    id: 'c1',
    channel: 'chat',
    status: 'open',
    assigneeId: null,
    contactId: 'p1',
    participantIds: ['p1'],
    subject: '',
    startedAt: 0,
    lastReceivedAt: 0,
    lastActivityAt: 0,
    lastVisitorActivityAt: 0,
    needsReply: true,
    ticketId: null,
    filtered: null,
    trashedAt: null,
    sentOnly: false,
    bot: 'none',
    preview: '',
    commentPreview: '',
    messageCount: 1,
    emailMessageIds: [],
    ...patch,
  };
}
const view = (id: string) => BUILT_IN_VIEWS.find((v) => v.id === id)!.filter;

describe('views as data', () => {
  it('V1 all conversations leaves out filtered, trashed and sent-only ones', () => {
    expect(matchesFilter(conversation(), view('all'), 'a1')).to.equal(true);
    expect(matchesFilter(conversation({ filtered: 'spam' }), view('all'), 'a1')).to.equal(false);
    expect(matchesFilter(conversation({ trashedAt: 5 }), view('all'), 'a1')).to.equal(false);
    expect(matchesFilter(conversation({ sentOnly: true }), view('all'), 'a1')).to.equal(false);
  });
  it('V3 unassigned leaves a conversation the bot still handles to Bots (V9)', () => {
    const botChat = conversation({ bot: 'active' });
    expect(matchesFilter(botChat, view('unassigned'), 'a1')).to.equal(false);
    expect(matchesFilter(botChat, view('bots'), 'a1')).to.equal(true);
  });
});

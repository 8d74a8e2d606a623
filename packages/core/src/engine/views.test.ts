import { expect } from '@open-wc/testing';
import { BUILT_IN_VIEWS, matchesFilter } from './views.js';
import { conversation } from '../store/store-fixtures.test-util.js';

const view = (id: string) => BUILT_IN_VIEWS.find((v) => v.id === id)!.filter;

describe('views as data', () => {
  it('V1 all conversations leaves out filtered, trashed and sent-only ones', () => {
    expect(matchesFilter(conversation('c1'), view('all'), 'a1')).to.equal(true);
    expect(matchesFilter(conversation('c1', { filtered: 'spam' }), view('all'), 'a1')).to.equal(false);
    expect(matchesFilter(conversation('c1', { trashedAt: 5 }), view('all'), 'a1')).to.equal(false);
    expect(matchesFilter(conversation('c1', { sentOnly: true }), view('all'), 'a1')).to.equal(false);
  });
  it('V3 unassigned leaves a conversation the bot still handles to Bots (V9)', () => {
    const botChat = conversation('c1', { bot: 'active' });
    expect(matchesFilter(botChat, view('unassigned'), 'a1')).to.equal(false);
    expect(matchesFilter(botChat, view('bots'), 'a1')).to.equal(true);
  });
});

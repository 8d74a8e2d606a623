import { expect } from '@open-wc/testing';
import { asAgent, Inbox } from './engine-harness.test-util.js';
import { messageNotice } from './notices.js';

describe('engine: what a new message asks of an agent (issue 22, announcements)', () => {
  function withChat() {
    const inbox = new Inbox();
    inbox.addAgent('anna');
    inbox.addAgent('bo');
    const kevin = inbox.addVisitor('Kevin');
    const chat = inbox.startChat(kevin, 'Hi, about my order');
    return { inbox, chat };
  }
  const last = (inbox: Inbox, conversationId: string) => inbox.messages(conversationId).at(-1)!;

  it('a contact’s message is news for everyone, by the contact’s name', () => {
    const { inbox, chat } = withChat();
    expect(messageNotice(inbox.state, last(inbox, chat), 'anna')).to.deep.equal({
      kind: 'contact-message',
      from: 'Kevin',
    });
  });

  it('a comment mentions only the agents it names, and never its own author', () => {
    const { inbox, chat } = withChat();
    inbox.run(asAgent('bo'), {
      type: 'message.comment',
      conversationId: chat,
      text: '@Anna @Bo look',
      mentions: ['anna', 'bo'],
    });
    const comment = last(inbox, chat);
    expect(messageNotice(inbox.state, comment, 'anna')).to.deep.equal({ kind: 'mention', from: 'Bo' });
    expect(messageNotice(inbox.state, comment, 'bo')).to.equal(null);
    expect(messageNotice(inbox.state, comment, undefined)).to.equal(null);
  });

  it('a teammate’s reply to the contact is no notice (the open thread’s log reads it)', () => {
    const { inbox, chat } = withChat();
    inbox.run(asAgent('bo'), { type: 'message.reply', conversationId: chat, text: 'On it' });
    expect(messageNotice(inbox.state, last(inbox, chat), 'anna')).to.equal(null);
  });
});

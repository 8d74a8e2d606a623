import { expect } from '@open-wc/testing';
import { asAgent, asVisitor, Inbox } from './engine-harness.test-util.js';
import { agentNotification, messageNotice } from './notices.js';

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

  it('issue 16: an agent is notified of a new chat routed to them, replies in it, and mentions; not of others', () => {
    const { inbox, chat } = withChat();
    const assignee = inbox.conversation(chat).assigneeId!;
    const other = assignee === 'anna' ? 'bo' : 'anna';
    const first = last(inbox, chat);
    expect(agentNotification(inbox.state, first, assignee)).to.deep.equal({
      kind: 'new-chat',
      from: 'Kevin',
      conversationId: chat,
      messageId: first.id,
      at: first.createdAt,
      text: 'Hi, about my order',
    });
    expect(agentNotification(inbox.state, first, other)).to.equal(null);
    inbox.advance(60_000);
    const kevin = inbox.conversation(chat).contactId!;
    inbox.run(asVisitor(kevin), { type: 'visitor.message', conversationId: chat, text: 'Still there?' });
    expect(agentNotification(inbox.state, last(inbox, chat), assignee)?.kind).to.equal('reply');
    expect(agentNotification(inbox.state, last(inbox, chat), other)).to.equal(null);
    inbox.run(asAgent(assignee), {
      type: 'message.comment',
      conversationId: chat,
      text: 'Can you take this?',
      mentions: [other],
    });
    expect(agentNotification(inbox.state, last(inbox, chat), other)).to.include({
      kind: 'mention',
      text: 'Can you take this?',
    });
    expect(agentNotification(inbox.state, last(inbox, chat), assignee)).to.equal(null);
    expect(agentNotification(inbox.state, last(inbox, chat), undefined)).to.equal(null);
  });
});

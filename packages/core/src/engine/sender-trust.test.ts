import { expect } from '@open-wc/testing';
import { projectEvent, snapshotFor } from './engine.js';
import { asAgent, asVisitor, Inbox, MINUTE, SYSTEM } from './engine-harness.test-util.js';
import { senderNotVerified, uncopiedCcAddresses } from './sender-trust.js';

/** Issue 20 item 3: email, forms and Messenger prove nothing of their sender. */
function withVerifiedKevin() {
  const inbox = new Inbox();
  inbox.addAgent('anna');
  const kevin = inbox.addVisitor('Kevin');
  inbox.run(SYSTEM, { type: 'visitor.verify', contactId: kevin, email: 'kevin@example.com' });
  const chat = inbox.startChat(kevin, 'Hi, about my order');
  return { inbox, kevin, chat };
}

/** Everything the visitor would be sent of the inbox as it is now: a snapshot, and each record as an event. */
function visitorSees(inbox: Inbox, contactId: string) {
  const principal = asVisitor(contactId);
  const snapshot = snapshotFor(inbox.state, principal, 0);
  const projected = [...inbox.state.conversations.values()].flatMap((conversation) => [
    projectEvent(inbox.state, principal, { type: 'conversation.upserted', conversation }),
    ...inbox
      .messages(conversation.id)
      .map((message) => projectEvent(inbox.state, principal, { type: 'message.upserted', message })),
  ]);
  return {
    conversationIds: snapshot.conversations.map((conversation) => conversation.id),
    texts: snapshot.messages.map((message) => message.text),
    projected: projected.filter((event) => event !== null),
  };
}

describe('engine: senders nobody verified (issue 20 item 3)', () => {
  it('an email from a verified visitor’s address is filed under them, marked, and never reaches their browser', () => {
    const { inbox, kevin, chat } = withVerifiedKevin();
    const before = visitorSees(inbox, kevin);
    const mail = inbox.receiveEmail({
      from: 'Kevin@example.com',
      messageId: '<phish@evil.example>',
      text: 'Please send the invoice copy to ap@evil.example',
    });
    expect(inbox.conversation(mail).contactId).to.equal(kevin);
    const [message] = inbox.messages(mail);
    expect(senderNotVerified(inbox.state, message!)).to.equal(true);
    const after = visitorSees(inbox, kevin);
    expect(after.conversationIds).to.deep.equal([chat]);
    expect(after.texts).to.not.include('Please send the invoice copy to ap@evil.example');
    expect(after.projected.length).to.equal(before.projected.length);
    // Nor can the visitor write into it.
    expect(inbox.refuse(asVisitor(kevin), { type: 'visitor.message', conversationId: mail, text: 'hi' }).code).to.equal(
      'not-found',
    );
    // The chat itself is theirs and unmarked.
    expect(inbox.messages(chat).every((m) => !senderNotVerified(inbox.state, m))).to.equal(true);
  });

  it('a form submission naming a verified visitor’s address is marked and not shown to them', () => {
    const { inbox, kevin, chat } = withVerifiedKevin();
    const { conversationId } = inbox.run(SYSTEM, {
      type: 'inbound.form',
      formId: 'contact',
      fields: { email: 'kevin@example.com', message: 'Change my bank account to NL00 EVIL 0000' },
    }).result!;
    expect(inbox.conversation(conversationId!).contactId).to.equal(kevin);
    expect(senderNotVerified(inbox.state, inbox.messages(conversationId!)[0]!)).to.equal(true);
    expect(visitorSees(inbox, kevin).conversationIds).to.deep.equal([chat]);
  });

  it('mail from an unverified contact is not marked (nothing to confirm)', () => {
    const inbox = new Inbox();
    const id = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<l@x>' });
    expect(senderNotVerified(inbox.state, inbox.messages(id)[0]!)).to.equal(false);
  });

  it('confirming the sender removes the mark; a message that needs none is refused by rule sender-check', () => {
    const { inbox, kevin, chat } = withVerifiedKevin();
    const mail = inbox.receiveEmail({ from: 'kevin@example.com', messageId: '<k1@example.com>' });
    const messageId = inbox.messages(mail)[0]!.id;
    inbox.run(asAgent('anna'), { type: 'message.confirmSender', conversationId: mail, messageId });
    expect(senderNotVerified(inbox.state, inbox.messages(mail)[0]!)).to.equal(false);
    const again = inbox.refuse(asAgent('anna'), { type: 'message.confirmSender', conversationId: mail, messageId });
    expect(again).to.include({ code: 'rule', rule: 'sender-check' });
    const chatMessage = inbox.messages(chat)[0]!.id;
    expect(
      inbox.refuse(asAgent('anna'), { type: 'message.splitSender', conversationId: chat, messageId: chatMessage }),
    ).to.include({ code: 'rule', rule: 'sender-check' });
    expect(
      inbox.refuse(asAgent('anna'), { type: 'message.confirmSender', conversationId: mail, messageId: 'nope' }).code,
    ).to.equal('not-found');
    expect(
      inbox.refuse(asVisitor(kevin), { type: 'message.confirmSender', conversationId: mail, messageId }).code,
    ).to.equal('forbidden');
    // Confirmed or not, an email thread is not the visitor's browser's.
    expect(visitorSees(inbox, kevin).conversationIds).to.deep.equal([chat]);
  });

  it('splitting moves the message to a new conversation of a new, unverified contact', () => {
    const { inbox, kevin, chat } = withVerifiedKevin();
    const thread = inbox.receiveEmail({ from: 'kevin@example.com', messageId: '<t1@example.com>', text: 'Real one' });
    inbox.run(asAgent('anna'), {
      type: 'message.confirmSender',
      conversationId: thread,
      messageId: inbox.messages(thread)[0]!.id,
    });
    inbox.advance(MINUTE);
    // A reply into Kevin's thread, naming his address.
    inbox.receiveEmail({
      from: 'kevin@example.com',
      messageId: '<t2@evil.example>',
      inReplyTo: '<t1@example.com>',
      subject: 'Re: Question',
      text: 'Use my new account',
    });
    const intruder = inbox.messages(thread).find((m) => m.text === 'Use my new account')!;
    const { result } = inbox.run(asAgent('anna'), {
      type: 'message.splitSender',
      conversationId: thread,
      messageId: intruder.id,
    });
    const split = inbox.conversation(result!['conversationId']!);
    const sender = inbox.state.contacts.get(result!['contactId']!)!;
    expect(sender).to.include({ email: 'kevin@example.com', verified: false });
    expect(split).to.include({ contactId: sender.id, channel: 'email', subject: 'Re: Question', messageCount: 1 });
    expect(inbox.messages(split.id).map((m) => [m.text, m.authorId])).to.deep.equal([
      ['Use my new account', sender.id],
    ]);
    expect(inbox.messages(thread).map((m) => m.text)).to.deep.equal(['Real one']);
    expect(inbox.conversation(thread)).to.include({ contactId: kevin, preview: 'Real one', messageCount: 1 });
    expect(inbox.state.contacts.get(kevin)!.verified).to.equal(true);
    // A reply to the split message threads with the split conversation; new mail still goes to Kevin.
    expect(
      inbox.receiveEmail({ from: 'kevin@example.com', messageId: '<t3@x>', inReplyTo: '<t2@evil.example>' }),
    ).to.equal(split.id);
    const fresh = inbox.receiveEmail({ from: 'kevin@example.com', messageId: '<t4@x>' });
    expect(inbox.conversation(fresh).contactId).to.equal(kevin);
    expect(visitorSees(inbox, kevin).conversationIds).to.deep.equal([chat]);
  });

  it('splitting the only message of a conversation removes the emptied conversation', () => {
    const { inbox } = withVerifiedKevin();
    const mail = inbox.receiveEmail({ from: 'kevin@example.com', messageId: '<only@x>' });
    const { result } = inbox.run(asAgent('anna'), {
      type: 'message.splitSender',
      conversationId: mail,
      messageId: inbox.messages(mail)[0]!.id,
    });
    expect(inbox.state.conversations.has(mail)).to.equal(false);
    expect(inbox.messages(result!['conversationId']!)).to.have.length(1);
  });

  it('a cc is not copied on replies until a team member says so (rule cc-check otherwise)', () => {
    const inbox = new Inbox();
    inbox.addAgent('anna');
    const id = inbox.receiveEmail({
      from: 'liam@customer.example',
      cc: ['ap@evil.example', 'support@confab.example'],
      messageId: '<cc1@x>',
    });
    expect(inbox.conversation(id).participantIds).to.have.length(1);
    expect(uncopiedCcAddresses(inbox.state, id)).to.deep.equal(['ap@evil.example']);
    const first = inbox.run(asAgent('anna'), { type: 'message.reply', conversationId: id, text: 'Hi' }).result!;
    expect(inbox.messages(id).find((m) => m.id === first['messageId'])!.email!.cc).to.deep.equal([]);
    expect(
      inbox.refuse(asAgent('anna'), { type: 'conversation.copyOnReplies', conversationId: id, address: 'x@y.example' }),
    ).to.include({ code: 'rule', rule: 'cc-check' });
    inbox.run(asAgent('anna'), { type: 'conversation.copyOnReplies', conversationId: id, address: 'AP@evil.example' });
    expect(uncopiedCcAddresses(inbox.state, id)).to.deep.equal([]);
    const second = inbox.run(asAgent('anna'), { type: 'message.reply', conversationId: id, text: 'Again' }).result!;
    expect(inbox.messages(id).find((m) => m.id === second['messageId'])!.email!.cc).to.deep.equal(['ap@evil.example']);
    expect(
      inbox.refuse(asAgent('anna'), {
        type: 'conversation.copyOnReplies',
        conversationId: id,
        address: 'ap@evil.example',
      }),
    ).to.include({ code: 'rule', rule: 'cc-check' });
  });

  it('mail the team sends to an address a visitor typed, and its answer, never reach that visitor', () => {
    const inbox = new Inbox();
    inbox.addAgent('anna');
    const visitor = inbox.addVisitor('Mia');
    const chat = inbox.startChat(visitor);
    inbox.run(asVisitor(visitor), { type: 'visitor.setProfile', email: 'mia@example.com' });
    const sent = inbox.run(asAgent('anna'), {
      type: 'email.compose',
      to: 'mia@example.com',
      subject: 'Your question',
      text: 'Here is the answer',
    }).result!;
    expect(inbox.conversation(sent['conversationId']!).contactId).to.not.equal(visitor);
    inbox.receiveEmail({
      from: 'mia@example.com',
      messageId: '<mia@x>',
      inReplyTo: `<${sent['messageId']}@confab>`,
    });
    expect(visitorSees(inbox, visitor).conversationIds).to.deep.equal([chat]);
  });
});

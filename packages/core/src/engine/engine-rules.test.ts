import { expect } from '@open-wc/testing';
import type { ConfabEvent } from '../protocol/events.js';
import { projectEvent, snapshotFor } from './engine.js';
import { asAgent, asVisitor, inView, Inbox, MINUTE, SYSTEM } from './engine-harness.test-util.js';
import { PREVIEW_LENGTH } from './records.js';

function team(): { inbox: Inbox; visitor: string } {
  const inbox = new Inbox();
  inbox.addAgent('anna');
  inbox.addAgent('ben');
  const visitor = inbox.addVisitor('Emma Jansen');
  return { inbox, visitor };
}

const ofType = <T extends ConfabEvent['type']>(events: ConfabEvent[], type: T) =>
  events.filter((event): event is Extract<ConfabEvent, { type: T }> => event.type === type);

describe('engine: compose and list fields', () => {
  it('C1 compose creates the contact, a sent-only conversation and a queued outbound email', () => {
    const { inbox } = team();
    const { events, result } = inbox.run(asAgent('anna'), {
      type: 'email.compose',
      to: 'Olivia@Prospect.example',
      cc: ['cfo@prospect.example'],
      subject: 'Proposal',
      text: 'Please find our proposal.',
    });
    const conversation = inbox.conversation(result!['conversationId']!);
    const contact = inbox.state.contacts.get(conversation.contactId!)!;
    expect(contact.email).to.equal('olivia@prospect.example');
    expect(conversation).to.include({
      channel: 'email',
      sentOnly: true,
      assigneeId: null,
      needsReply: false,
      subject: 'Proposal',
      lastReceivedAt: conversation.startedAt,
    });
    expect(conversation.participantIds).to.have.length(2);
    const [message] = inbox.messages(conversation.id);
    expect(message).to.include({ kind: 'reply', direction: 'outbound', delivery: 'queued' });
    expect(message!.email).to.deep.include({
      from: 'support@confab.example',
      to: ['olivia@prospect.example'],
      cc: ['cfo@prospect.example'],
    });
    expect(message!.email!.messageId).to.equal(`<${message!.id}@confab>`);
    expect(conversation.emailMessageIds).to.deep.equal([message!.email!.messageId]);
    const [queued] = ofType(events, 'email.queued');
    expect(queued).to.include({ purpose: 'compose', subject: 'Proposal', messageId: message!.id });
    expect(queued!.to).to.deep.equal(['olivia@prospect.example']);
  });

  it('C1 only an email whose delivery failed can be sent again; the retry clears its error for the team', () => {
    const { inbox } = team();
    const { result } = inbox.run(asAgent('anna'), {
      type: 'email.compose',
      to: 'noor@prospect.example',
      subject: 'Offer',
      text: 'Our offer.',
    });
    const conversationId = result!['conversationId']!;
    const messageId = result!['messageId']!;
    const retry = { type: 'message.resend', conversationId, messageId };
    expect(inbox.refuse(asAgent('anna'), retry).reason).to.equal('delivery-not-failed');
    const [queued] = inbox.messages(conversationId);
    inbox.apply({
      type: 'message.upserted',
      message: { ...queued!, delivery: 'failed', deliveryError: '550 5.1.1 No such user' },
    });
    expect(inbox.refuse(asAgent('anna'), { ...retry, messageId: 'no-such-message' }).reason).to.equal(
      'delivery-not-failed',
    );
    const { events } = inbox.run(asAgent('anna'), retry);
    expect(ofType(events, 'delivery.retried')).to.deep.equal([
      { type: 'delivery.retried', messageId, conversationId, via: 'email' },
    ]);
    const [retried] = inbox.messages(conversationId);
    expect(retried).to.include({ delivery: 'queued' });
    expect(retried).to.not.have.property('deliveryError');
  });

  it("C1 a delivery error is the team's: a visitor never receives it", () => {
    const { inbox, visitor } = team();
    const { result } = inbox.run(asVisitor(visitor), { type: 'visitor.startChat', text: 'Hello' });
    const conversationId = result!['conversationId']!;
    const [first] = inbox.messages(conversationId);
    const failed = { ...first!, delivery: 'failed' as const, deliveryError: '550 no such user' };
    const projected = projectEvent(inbox.state, asVisitor(visitor), { type: 'message.upserted', message: failed });
    expect(projected).to.have.nested.property('message.delivery', 'failed');
    expect(projected).to.not.have.nested.property('message.deliveryError');
  });

  it('R1 a form submission without an email address cannot be answered: the reply is refused, naming why', () => {
    const { inbox } = team();
    const { result } = inbox.run(SYSTEM, { type: 'inbound.form', formId: 'contact', fields: { message: 'Call me?' } });
    const refusal = inbox.refuse(asAgent('anna'), {
      type: 'message.reply',
      conversationId: result!['conversationId']!,
      text: 'Sure',
    });
    expect(refusal.reason).to.equal('no-email-address');
    const withEmail = inbox.run(SYSTEM, {
      type: 'inbound.form',
      formId: 'contact',
      fields: { email: 'form@customer.example', message: 'Mail me' },
    });
    const { events } = inbox.run(asAgent('anna'), {
      type: 'message.reply',
      conversationId: withEmail.result!['conversationId']!,
      text: 'Done',
    });
    expect(ofType(events, 'email.queued')).to.have.length(1);
  });

  it('R1 a Messenger reply is queued for the Send API within 24 hours of the last message, refused after', () => {
    const { inbox } = team();
    const { result } = inbox.run(SYSTEM, {
      type: 'inbound.messenger',
      senderId: 'psid-42',
      text: 'Hi page',
      mid: 'm1',
    });
    const conversationId = result!['conversationId']!;
    inbox.advance(23 * 60 * MINUTE);
    const { events, result: reply } = inbox.run(asAgent('anna'), {
      type: 'message.reply',
      conversationId,
      text: 'Hello!',
    });
    expect(ofType(events, 'messenger.queued')).to.deep.equal([
      {
        type: 'messenger.queued',
        messageId: reply!['messageId'],
        conversationId,
        recipientId: 'psid-42',
        text: 'Hello!',
      },
    ]);
    expect(ofType(events, 'message.upserted')[0]!.message).to.include({ delivery: 'queued', direction: 'outbound' });
    // The window runs from the person's last message, not the team's.
    inbox.advance(60 * MINUTE + 1);
    const refusal = inbox.refuse(asAgent('anna'), { type: 'message.reply', conversationId, text: 'Still there?' });
    expect(refusal.reason).to.equal('messenger-window-closed');
    expect(refusal.params).to.deep.equal({ hours: 24 });
    inbox.run(SYSTEM, { type: 'inbound.messenger', senderId: 'psid-42', text: 'Back', mid: 'm2' });
    inbox.run(asAgent('anna'), { type: 'message.reply', conversationId, text: 'Welcome back' });
  });

  it('C1 compose reuses an existing contact with that address', () => {
    const { inbox } = team();
    inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<c1@x>' });
    const before = inbox.state.contacts.size;
    inbox.run(asAgent('anna'), {
      type: 'email.compose',
      to: 'LIAM@customer.example',
      subject: 'Follow-up',
      text: 'Any news?',
    });
    expect(inbox.state.contacts.size).to.equal(before);
  });

  it('L2 needsReply follows the latest reply, the preview is cut to 140 characters, participants count a cc the team copied', () => {
    const { inbox } = team();
    const long = 'word '.repeat(100);
    const id = inbox.receiveEmail({
      from: 'liam@customer.example',
      cc: ['ava@customer.example', 'support@confab.example'],
      messageId: '<l1@x>',
      text: long,
    });
    let conversation = inbox.conversation(id);
    expect(conversation.needsReply).to.equal(true);
    expect(conversation.preview.length).to.be.at.most(PREVIEW_LENGTH);
    expect(conversation.preview.endsWith('…')).to.equal(true);
    expect(conversation.participantIds).to.have.length(1);
    inbox.run(asAgent('anna'), {
      type: 'conversation.copyOnReplies',
      conversationId: id,
      address: 'ava@customer.example',
    });
    conversation = inbox.conversation(id);
    expect(conversation.participantIds).to.have.length(2);
    expect(conversation.messageCount).to.equal(1);
    inbox.advance(MINUTE);
    inbox.run(asAgent('anna'), { type: 'message.reply', conversationId: id, text: 'Thanks Liam, looking into it.' });
    conversation = inbox.conversation(id);
    expect(conversation.needsReply).to.equal(false);
    expect(conversation.preview).to.equal('Thanks Liam, looking into it.');
    expect(conversation.lastReceivedAt).to.equal(conversation.startedAt);
    expect(conversation.lastActivityAt).to.equal(inbox.now);
    inbox.run(asAgent('anna'), { type: 'message.comment', conversationId: id, text: 'VIP customer', mentions: [] });
    conversation = inbox.conversation(id);
    expect(conversation.needsReply).to.equal(false);
    expect(conversation.preview).to.equal('Thanks Liam, looking into it.');
    expect(conversation.commentPreview).to.equal('VIP customer');
    expect(conversation.messageCount).to.equal(2);
  });

  it('L2 email threading: a reply joins its thread, its sender becomes a participant (not its cc), the same mail twice is stored once', () => {
    const { inbox } = team();
    const id = inbox.receiveEmail({ from: 'liam@customer.example', messageId: 'first@customer.example' });
    inbox.advance(MINUTE);
    const again = inbox.run(SYSTEM, {
      type: 'inbound.email',
      from: 'liam@customer.example',
      to: [],
      subject: 'Question',
      text: 'Hi there',
      messageId: '<first@customer.example>',
    });
    expect(again.events).to.deep.equal([]);
    expect(again.result).to.deep.equal({ conversationId: id });
    const threaded = inbox.receiveEmail({
      from: 'ava@customer.example',
      cc: ['liam@customer.example', 'noah@customer.example'],
      messageId: '<second@customer.example>',
      inReplyTo: 'first@customer.example',
    });
    expect(threaded).to.equal(id);
    expect(inbox.conversation(id).participantIds).to.have.length(2);
    expect(inbox.messages(id)).to.have.length(2);
    const unrelated = inbox.receiveEmail({
      from: 'ava@customer.example',
      messageId: '<third@customer.example>',
      inReplyTo: '<unknown@elsewhere>',
    });
    expect(unrelated).to.not.equal(id);
  });
});

describe('engine: thread actions', () => {
  it('T2 assigns to a team member and unassigns', () => {
    const { inbox } = team();
    const id = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<a1@x>' });
    inbox.run(asAgent('anna'), { type: 'conversation.assign', conversationId: id, assigneeId: 'ben' });
    expect(inbox.conversation(id).assigneeId).to.equal('ben');
    inbox.run(asAgent('anna'), { type: 'conversation.assign', conversationId: id, assigneeId: null });
    expect(inbox.conversation(id).assigneeId).to.equal(null);
  });

  it('T2 refuses an unknown or disabled assignee and a missing conversation', () => {
    const { inbox } = team();
    inbox.addAgent('carl', { disabled: true });
    const id = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<a2@x>' });
    expect(
      inbox.refuse(asAgent('anna'), { type: 'conversation.assign', conversationId: id, assigneeId: 'nobody-here' })
        .code,
    ).to.equal('not-found');
    const disabled = inbox.refuse(asAgent('anna'), {
      type: 'conversation.assign',
      conversationId: id,
      assigneeId: 'carl',
    });
    expect(disabled.code).to.equal('rule');
    expect(disabled.rule).to.equal('T2');
    expect(
      inbox.refuse(asAgent('anna'), { type: 'conversation.assign', conversationId: 'nope', assigneeId: 'ben' }).code,
    ).to.equal('not-found');
  });

  it('T4 the transcript holds replies only: no comments, no internal notes, no suppressed messages', () => {
    const { inbox, visitor } = team();
    const id = inbox.startChat(visitor, 'I need help with my order');
    inbox.run(asAgent('anna'), {
      type: 'message.comment',
      conversationId: id,
      text: 'SECRET internal note',
      mentions: [],
    });
    inbox.run(asAgent('anna'), { type: 'message.reply', conversationId: id, text: 'Happy to help!' });
    const { events } = inbox.run(asAgent('anna'), {
      type: 'conversation.sendTranscript',
      conversationId: id,
      to: 'emma@customer.example',
    });
    const [queued] = ofType(events, 'email.queued');
    expect(queued).to.include({ purpose: 'transcript' });
    expect(queued!.to).to.deep.equal(['emma@customer.example']);
    expect(queued!.text).to.contain('I need help with my order');
    expect(queued!.text).to.contain('Anna: Happy to help!');
    expect(queued!.text).to.not.contain('SECRET');
    inbox.run(asAgent('anna'), { type: 'conversation.blockSender', conversationId: id });
    inbox.run(asVisitor(visitor), { type: 'visitor.message', conversationId: id, text: 'HIDDEN after block' });
    const second = inbox.run(asAgent('anna'), {
      type: 'conversation.sendTranscript',
      conversationId: id,
      to: 'emma@customer.example',
    });
    expect(ofType(second.events, 'email.queued')[0]!.text).to.not.contain('HIDDEN');
  });

  it('T4 refuses a malformed transcript address', () => {
    const { inbox, visitor } = team();
    const id = inbox.startChat(visitor);
    const error = inbox.refuse(asAgent('anna'), {
      type: 'conversation.sendTranscript',
      conversationId: id,
      to: 'not an address',
    });
    expect(error.code).to.equal('invalid');
    expect(error.path).to.equal('to');
  });

  it('T5 chat: blocking moves every chat of the visitor to Filtered; later messages are kept for the visitor only', () => {
    const { inbox, visitor } = team();
    const id = inbox.startChat(visitor, 'first');
    inbox.run(asAgent('anna'), { type: 'conversation.blockSender', conversationId: id });
    expect(inbox.state.contacts.get(visitor)!.blocked).to.equal(true);
    expect(inbox.conversation(id).filtered).to.equal('blocked');
    expect(inView(inbox.conversation(id), 'filtered')).to.equal(true);
    const before = structuredClone(inbox.conversation(id));
    inbox.advance(MINUTE);
    const { events } = inbox.run(asVisitor(visitor), {
      type: 'visitor.message',
      conversationId: id,
      text: 'you cannot see this',
    });
    expect(events.map((event) => event.type)).to.deep.equal(['message.upserted']);
    const message = ofType(events, 'message.upserted')[0]!.message;
    expect(message.suppressed).to.equal(true);
    expect(inbox.conversation(id)).to.deep.equal(before);
    expect(projectEvent(inbox.state, asAgent('anna'), events[0]!)).to.equal(null);
    expect(snapshotFor(inbox.state, asAgent('anna'), 1).messages.map((m) => m.text)).to.not.include(
      'you cannot see this',
    );
  });

  it('T5 chat: a blocked visitor starting a new chat gets a filtered conversation showing nothing they wrote', () => {
    const { inbox, visitor } = team();
    const first = inbox.startChat(visitor);
    inbox.run(asAgent('anna'), { type: 'conversation.blockSender', conversationId: first });
    const id = inbox.startChat(visitor, 'secret text');
    const conversation = inbox.conversation(id);
    expect(conversation).to.include({
      filtered: 'blocked',
      preview: '',
      needsReply: false,
      messageCount: 0,
      assigneeId: null,
    });
    expect(inbox.messages(id)[0]!.suppressed).to.equal(true);
    expect(JSON.stringify(snapshotFor(inbox.state, asAgent('anna'), 1))).to.not.contain('secret text');
  });

  it('T5 chat: replying to a blocked visitor is refused; unfilter is refused in favour of unblock; unblock brings chats back', () => {
    const { inbox, visitor } = team();
    const id = inbox.startChat(visitor);
    inbox.run(asAgent('anna'), { type: 'conversation.blockSender', conversationId: id });
    expect(inbox.refuse(asAgent('anna'), { type: 'message.reply', conversationId: id, text: 'Hi' }).rule).to.equal(
      'T5',
    );
    expect(inbox.refuse(asAgent('anna'), { type: 'conversation.unfilter', conversationId: id }).rule).to.equal('T5');
    inbox.run(asVisitor(visitor), { type: 'visitor.message', conversationId: id, text: 'while blocked' });
    inbox.run(asAgent('anna'), { type: 'contact.unblock', contactId: visitor });
    expect(inbox.state.contacts.get(visitor)!.blocked).to.equal(false);
    expect(inbox.conversation(id).filtered).to.equal(null);
    expect(inbox.messages(id).find((m) => m.text === 'while blocked')!.suppressed).to.equal(true);
    inbox.run(asVisitor(visitor), { type: 'visitor.message', conversationId: id, text: 'after unblock' });
    expect(inbox.conversation(id).preview).to.equal('after unblock');
  });

  it('T5 email: the thread and every future thread from that sender go to Filtered, until unblocked', () => {
    const { inbox } = team();
    const id = inbox.receiveEmail({ from: 'pest@annoying.example', messageId: '<b1@x>' });
    inbox.run(asAgent('anna'), { type: 'conversation.blockSender', conversationId: id });
    expect(inbox.conversation(id).filtered).to.equal('blocked');
    const next = inbox.receiveEmail({ from: 'PEST@annoying.example', messageId: '<b2@x>', text: 'me again' });
    expect(next).to.not.equal(id);
    expect(inbox.conversation(next).filtered).to.equal('blocked');
    expect(inView(inbox.conversation(next), 'filtered')).to.equal(true);
    expect(inbox.conversation(next).preview).to.equal('me again');
    inbox.run(asAgent('anna'), { type: 'contact.unblock', contactId: inbox.conversation(id).contactId! });
    expect(inbox.conversation(id).filtered).to.equal(null);
    expect(inbox.conversation(next).filtered).to.equal(null);
    const after = inbox.receiveEmail({ from: 'pest@annoying.example', messageId: '<b3@x>' });
    expect(inbox.conversation(after).filtered).to.equal(null);
  });

  it('T5 blocking keeps another filter reason, so unblocking does not bring spam back', () => {
    const { inbox } = team();
    const spam = inbox.receiveEmail({ from: 'pest@annoying.example', messageId: '<b4@x>' });
    inbox.run(asAgent('anna'), { type: 'conversation.markSpam', conversationId: spam });
    const other = inbox.receiveEmail({ from: 'pest@annoying.example', messageId: '<b5@x>' });
    inbox.run(asAgent('anna'), { type: 'conversation.blockSender', conversationId: other });
    inbox.run(asAgent('anna'), { type: 'contact.unblock', contactId: inbox.conversation(other).contactId! });
    expect(inbox.conversation(spam).filtered).to.equal('spam');
    expect(inbox.conversation(other).filtered).to.equal(null);
  });

  it('T6 mark as spam filters this email thread only, and not other channels', () => {
    const { inbox, visitor } = team();
    const spam = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<sp1@x>' });
    const other = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<sp2@x>' });
    inbox.run(asAgent('anna'), { type: 'conversation.markSpam', conversationId: spam });
    expect(inbox.conversation(spam).filtered).to.equal('spam');
    expect(inbox.conversation(other).filtered).to.equal(null);
    expect(inbox.state.contacts.get(inbox.conversation(spam).contactId!)!.blocked).to.equal(false);
    const chat = inbox.startChat(visitor);
    expect(inbox.refuse(asAgent('anna'), { type: 'conversation.markSpam', conversationId: chat }).rule).to.equal('T6');
    inbox.run(asAgent('anna'), { type: 'conversation.unfilter', conversationId: spam });
    expect(inbox.conversation(spam).filtered).to.equal(null);
  });

  it('T7 forward sends the most recent email with the note, and records it for the team', () => {
    const { inbox, visitor } = team();
    const id = inbox.receiveEmail({
      from: 'liam@customer.example',
      messageId: '<fw1@x>',
      subject: 'Broken invoice',
      text: 'first mail',
    });
    inbox.advance(MINUTE);
    inbox.receiveEmail({
      from: 'liam@customer.example',
      messageId: '<fw2@x>',
      inReplyTo: '<fw1@x>',
      subject: 'Re: Broken invoice',
      text: 'latest mail',
    });
    const { events } = inbox.run(asAgent('anna'), {
      type: 'conversation.forward',
      conversationId: id,
      to: 'billing@team.example',
      note: 'Can you check this?',
    });
    const [queued] = ofType(events, 'email.queued');
    expect(queued).to.include({ purpose: 'forward', subject: 'Fwd: Re: Broken invoice' });
    expect(queued!.to).to.deep.equal(['billing@team.example']);
    expect(queued!.text.startsWith('Can you check this?')).to.equal(true);
    expect(queued!.text).to.contain('latest mail');
    expect(queued!.text).to.not.contain('first mail');
    const note = inbox.messages(id).at(-1)!;
    expect(note).to.include({ kind: 'system', authorType: 'agent' });
    const chat = inbox.startChat(visitor);
    expect(
      inbox.refuse(asAgent('anna'), { type: 'conversation.forward', conversationId: chat, to: 'x@y.example' }).rule,
    ).to.equal('T7');
    expect(
      inbox.refuse(asAgent('anna'), { type: 'conversation.forward', conversationId: id, to: 'nope' }).code,
    ).to.equal('invalid');
  });

  it('T8 closes and reopens many conversations; a new message from the contact reopens a closed one', () => {
    const { inbox, visitor } = team();
    const chat = inbox.startChat(visitor);
    const email = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<st1@x>' });
    inbox.run(asAgent('anna'), { type: 'conversation.setStatus', conversationIds: [chat, email], status: 'closed' });
    expect(inbox.conversation(chat).status).to.equal('closed');
    expect(inbox.conversation(email).status).to.equal('closed');
    inbox.run(asAgent('anna'), { type: 'conversation.setStatus', conversationIds: [email], status: 'open' });
    expect(inbox.conversation(email).status).to.equal('open');
    inbox.run(asVisitor(visitor), { type: 'visitor.message', conversationId: chat, text: 'One more thing' });
    expect(inbox.conversation(chat).status).to.equal('open');
    inbox.run(asAgent('anna'), { type: 'conversation.setStatus', conversationIds: [email], status: 'closed' });
    inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<st2@x>', inReplyTo: '<st1@x>' });
    expect(inbox.conversation(email).status).to.equal('open');
  });

  it('T8 a bulk command is all or nothing and names the first id it refuses', () => {
    const { inbox } = team();
    const email = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<st3@x>' });
    const error = inbox.refuse(asAgent('anna'), {
      type: 'conversation.setStatus',
      conversationIds: [email, 'missing-1', 'missing-2'],
      status: 'closed',
    });
    expect(error.code).to.equal('not-found');
    expect(error.message).to.contain('missing-1');
    expect(inbox.conversation(email).status).to.equal('open');
  });

  it('T11 a bot conversation cannot be closed before 30 minutes of visitor inactivity, and the message says how long remains', () => {
    const { inbox, visitor } = team();
    inbox.run(asAgent('anna'), { type: 'settings.update', patch: { bot: { enabled: true } } });
    const id = inbox.startChat(visitor);
    const email = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<t11@x>' });
    inbox.advance(12 * MINUTE);
    const error = inbox.refuse(asAgent('anna'), {
      type: 'conversation.setStatus',
      conversationIds: [email, id],
      status: 'closed',
    });
    expect(error.code).to.equal('rule');
    expect(error.rule).to.equal('T11');
    expect(error.message).to.contain(id);
    expect(error.message).to.contain('18 min');
    expect(inbox.conversation(email).status).to.equal('open');
  });

  it('T11 after 30 minutes of visitor inactivity a bot conversation can be closed', () => {
    const { inbox, visitor } = team();
    inbox.run(asAgent('anna'), { type: 'settings.update', patch: { bot: { enabled: true } } });
    const id = inbox.startChat(visitor);
    inbox.advance(20 * MINUTE);
    inbox.run(asVisitor(visitor), { type: 'visitor.message', conversationId: id, text: 'What are your prices?' });
    inbox.advance(29 * MINUTE);
    expect(
      inbox.refuse(asAgent('anna'), { type: 'conversation.setStatus', conversationIds: [id], status: 'closed' }).rule,
    ).to.equal('T11');
    inbox.advance(MINUTE);
    inbox.run(asAgent('anna'), { type: 'conversation.setStatus', conversationIds: [id], status: 'closed' });
    expect(inbox.conversation(id).status).to.equal('closed');
  });

  it('T11 does not hold a conversation the visitor handed over to a person', () => {
    const { inbox, visitor } = team();
    inbox.run(asAgent('anna'), { type: 'settings.update', patch: { bot: { enabled: true } } });
    const id = inbox.startChat(visitor);
    inbox.run(asVisitor(visitor), { type: 'visitor.requestHuman', conversationId: id });
    inbox.run(asAgent('anna'), { type: 'conversation.setStatus', conversationIds: [id], status: 'closed' });
    expect(inbox.conversation(id).status).to.equal('closed');
  });
});

describe('engine: reply and comment', () => {
  it('R1 an email reply is an outbound email to the sender with cc, threaded and queued', () => {
    const { inbox } = team();
    const id = inbox.receiveEmail({
      from: 'liam@customer.example',
      cc: ['ava@customer.example'],
      messageId: '<r1@customer>',
      subject: 'Order 1042',
    });
    // Copied on replies once a team member says so (issue 20 item 3).
    inbox.run(asAgent('anna'), {
      type: 'conversation.copyOnReplies',
      conversationId: id,
      address: 'ava@customer.example',
    });
    const { events, result } = inbox.run(asAgent('anna'), {
      type: 'message.reply',
      conversationId: id,
      text: 'It ships today.',
    });
    const message = inbox.messages(id).find((m) => m.id === result!['messageId'])!;
    expect(message).to.include({
      kind: 'reply',
      direction: 'outbound',
      authorType: 'agent',
      authorId: 'anna',
      delivery: 'queued',
    });
    expect(message.email).to.deep.include({
      to: ['liam@customer.example'],
      cc: ['ava@customer.example'],
      subject: 'Re: Order 1042',
      inReplyTo: '<r1@customer>',
    });
    expect(inbox.conversation(id).emailMessageIds).to.include(message.email!.messageId);
    const [queued] = ofType(events, 'email.queued');
    expect(queued).to.include({ purpose: 'reply', text: 'It ships today.' });
    expect(queued!.to).to.deep.equal(['liam@customer.example']);
  });

  it('R1 a chat reply is live: no email, no queue', () => {
    const { inbox, visitor } = team();
    const id = inbox.startChat(visitor);
    const { events } = inbox.run(asAgent('anna'), { type: 'message.reply', conversationId: id, text: 'Hi!' });
    expect(ofType(events, 'email.queued')).to.deep.equal([]);
    expect(inbox.messages(id).at(-1)!.email).to.equal(undefined);
  });

  it('R1 a form submission with an address is answered by email; a Messenger reply is live', () => {
    const { inbox } = team();
    const form = inbox.run(SYSTEM, {
      type: 'inbound.form',
      formId: 'support',
      fields: { name: 'Noah', email: 'noah@example.com', message: 'Help' },
    }).result!['conversationId']!;
    const formReply = inbox.run(asAgent('anna'), { type: 'message.reply', conversationId: form, text: 'On it' });
    expect(ofType(formReply.events, 'email.queued')[0]).to.include({ purpose: 'reply', subject: 'Re: Form support' });
    expect(inbox.messages(form).at(-1)!.email!.to).to.deep.equal(['noah@example.com']);
    const messenger = inbox.run(SYSTEM, { type: 'inbound.messenger', senderId: 'psid-9', text: 'Hi', mid: 'm-9' })
      .result!['conversationId']!;
    const messengerReply = inbox.run(asAgent('anna'), {
      type: 'message.reply',
      conversationId: messenger,
      text: 'Hello!',
    });
    expect(ofType(messengerReply.events, 'email.queued')).to.deep.equal([]);
  });

  it('R1 a comment notifies each mentioned team member once and refuses unknown mentions', () => {
    const { inbox, visitor } = team();
    const id = inbox.startChat(visitor);
    const { events } = inbox.run(asAgent('anna'), {
      type: 'message.comment',
      conversationId: id,
      text: '@Ben can you take this?',
      mentions: ['ben', 'ben'],
    });
    const mentions = ofType(events, 'mention.created');
    expect(mentions).to.have.length(1);
    expect(mentions[0]).to.include({ agentId: 'ben', conversationId: id });
    expect(projectEvent(inbox.state, asAgent('ben'), mentions[0]!)).to.deep.equal(mentions[0]);
    expect(projectEvent(inbox.state, asAgent('anna'), mentions[0]!)).to.equal(null);
    const error = inbox.refuse(asAgent('anna'), {
      type: 'message.comment',
      conversationId: id,
      text: 'hi',
      mentions: ['ghost'],
    });
    expect(error.code).to.equal('invalid');
    expect(error.path).to.equal('mentions.0');
  });

  it("R2 a visitor never sees comments, comment previews, mentions or the team's internals", () => {
    const { inbox, visitor } = team();
    const id = inbox.startChat(visitor);
    const comment = inbox.run(asAgent('anna'), {
      type: 'message.comment',
      conversationId: id,
      text: 'TOP SECRET note',
      mentions: ['ben'],
    });
    for (const event of comment.events) {
      const projected = projectEvent(inbox.state, asVisitor(visitor), event);
      expect(JSON.stringify(projected ?? null)).to.not.contain('TOP SECRET');
    }
    inbox.run(asAgent('anna'), { type: 'ticket.create', conversationId: id, name: 'Escalation' });
    const snapshot = snapshotFor(inbox.state, asVisitor(visitor), 7);
    const text = JSON.stringify(snapshot);
    expect(text).to.not.contain('TOP SECRET');
    expect(text).to.not.contain('Escalation');
    expect(snapshot.conversations[0]).to.include({
      commentPreview: '',
      assigneeId: null,
      ticketId: null,
      filtered: null,
      messageCount: 1,
    });
    expect(snapshot.tickets).to.deep.equal([]);
    expect(snapshot.agents.every((agent) => agent.email === '')).to.equal(true);
  });
});

describe('engine: about panel records', () => {
  it('A1 detaching the contact clears it from the thread and its participants', () => {
    const { inbox } = team();
    const id = inbox.receiveEmail({ from: 'liam@customer.example', cc: ['ava@customer.example'], messageId: '<d1@x>' });
    inbox.run(asAgent('anna'), {
      type: 'conversation.copyOnReplies',
      conversationId: id,
      address: 'ava@customer.example',
    });
    const contactId = inbox.conversation(id).contactId!;
    inbox.run(asAgent('anna'), { type: 'conversation.detachContact', conversationId: id });
    expect(inbox.conversation(id).contactId).to.equal(null);
    expect(inbox.conversation(id).participantIds).to.not.include(contactId);
    expect(inbox.conversation(id).participantIds).to.have.length(1);
  });

  it('A2 creates one ticket per conversation and edits it', () => {
    const { inbox } = team();
    const id = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<tk@x>' });
    const ticketId = inbox.run(asAgent('anna'), {
      type: 'ticket.create',
      conversationId: id,
      name: 'Refund',
      properties: { priority: 'high' },
    }).result!['ticketId']!;
    expect(inbox.conversation(id).ticketId).to.equal(ticketId);
    expect(inbox.state.tickets.get(ticketId)).to.include({
      name: 'Refund',
      conversationId: id,
      contactId: inbox.conversation(id).contactId,
    });
    expect(inbox.refuse(asAgent('anna'), { type: 'ticket.create', conversationId: id, name: 'Again' }).rule).to.equal(
      'A2',
    );
    inbox.run(asAgent('anna'), {
      type: 'ticket.update',
      ticketId,
      name: 'Refund order 1042',
      properties: { status: 'waiting', priority: '' },
    });
    expect(inbox.state.tickets.get(ticketId)!.name).to.equal('Refund order 1042');
    expect(inbox.state.tickets.get(ticketId)!.properties).to.deep.equal({ status: 'waiting' });
    expect(inbox.refuse(asAgent('anna'), { type: 'ticket.update', ticketId: 'nope', name: 'x' }).code).to.equal(
      'not-found',
    );
  });

  it("A3 edits a contact's name, email and properties", () => {
    const { inbox, visitor } = team();
    inbox.run(asAgent('anna'), {
      type: 'contact.update',
      contactId: visitor,
      name: 'Emma de Jong',
      email: 'Emma@Example.com',
      properties: { plan: 'Pro', city: 'Utrecht' },
    });
    inbox.run(asAgent('anna'), { type: 'contact.update', contactId: visitor, properties: { city: '' } });
    expect(inbox.state.contacts.get(visitor)).to.deep.include({
      name: 'Emma de Jong',
      email: 'emma@example.com',
      properties: { plan: 'Pro' },
    });
    expect(inbox.refuse(asAgent('anna'), { type: 'contact.update', contactId: visitor, email: 'nope' }).path).to.equal(
      'email',
    );
    expect(inbox.refuse(asAgent('anna'), { type: 'contact.update', contactId: 'ghost', name: 'x' }).code).to.equal(
      'not-found',
    );
  });

  it('A7 creates a deal from a conversation', () => {
    const { inbox } = team();
    const id = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<deal@x>' });
    const dealId = inbox.run(asAgent('anna'), {
      type: 'deal.create',
      conversationId: id,
      name: 'Annual plan',
      amount: 4800,
      currency: 'eur',
    }).result!['dealId']!;
    expect(inbox.state.deals.get(dealId)).to.include({
      name: 'Annual plan',
      amount: 4800,
      currency: 'EUR',
      stage: 'new',
      conversationId: id,
    });
    expect(
      inbox.refuse(asAgent('anna'), { type: 'deal.create', conversationId: id, name: 'x', amount: -1, currency: 'EUR' })
        .path,
    ).to.equal('amount');
    expect(
      inbox.refuse(asAgent('anna'), {
        type: 'deal.create',
        conversationId: id,
        name: 'x',
        amount: 1,
        currency: 'euros',
      }).path,
    ).to.equal('currency');
  });
});

describe('engine: availability and routing', () => {
  it('S1 an agent sets their own availability', () => {
    const { inbox } = team();
    inbox.run(asAgent('ben'), { type: 'agent.setAvailability', availability: 'away' });
    expect(inbox.state.agents.get('ben')!.availability).to.equal('away');
    expect(inbox.state.agents.get('anna')!.availability).to.equal('available');
  });

  it('S2 an away agent keeps their chats but is not routed new ones; nobody available leaves chats unassigned', () => {
    const { inbox, visitor } = team();
    const first = inbox.startChat(visitor);
    expect(inbox.conversation(first).assigneeId).to.equal('anna');
    inbox.run(asAgent('anna'), { type: 'agent.setAvailability', availability: 'away' });
    expect(inbox.conversation(first).assigneeId).to.equal('anna');
    expect(inbox.conversation(inbox.startChat(visitor)).assigneeId).to.equal('ben');
    expect(inbox.conversation(inbox.startChat(visitor)).assigneeId).to.equal('ben');
    inbox.run(asAgent('ben'), { type: 'agent.setAvailability', availability: 'away' });
    const nobody = inbox.startChat(visitor);
    expect(inbox.conversation(nobody).assigneeId).to.equal(null);
    expect(inView(inbox.conversation(nobody), 'unassigned')).to.equal(true);
    const agents = snapshotFor(inbox.state, asVisitor(visitor), 1).agents;
    expect(agents.map((agent) => agent.availability)).to.deep.equal(['away', 'away']);
  });

  it('G1 round robin takes the next available agent by id, skipping away and disabled ones, and wraps', () => {
    const inbox = new Inbox();
    inbox.addAgent('carl');
    inbox.addAgent('anna');
    inbox.addAgent('ben', { availability: 'away' });
    inbox.addAgent('dora', { disabled: true });
    const visitor = inbox.addVisitor();
    const owners: (string | null)[] = [];
    for (let index = 0; index < 4; index += 1) {
      const { events, result } = inbox.run(asVisitor(visitor), { type: 'visitor.startChat', text: 'hi' });
      owners.push(inbox.conversation(result!['conversationId']!).assigneeId);
      expect(ofType(events, 'routing.advanced')[0]!.agentId).to.equal(owners.at(-1));
    }
    expect(owners).to.deep.equal(['anna', 'carl', 'anna', 'carl']);
    expect(inbox.state.lastRoutedAgentId).to.equal('carl');
  });

  it('G1 least-open routing picks the available agent with the fewest open conversations, ties by id', () => {
    const { inbox, visitor } = team();
    inbox.run(asAgent('anna'), { type: 'settings.update', patch: { routing: { mode: 'least-open' } } });
    const first = inbox.startChat(visitor);
    expect(inbox.conversation(first).assigneeId).to.equal('anna');
    expect(inbox.conversation(inbox.startChat(visitor)).assigneeId).to.equal('ben');
    expect(inbox.conversation(inbox.startChat(visitor)).assigneeId).to.equal('anna');
    inbox.run(asAgent('anna'), { type: 'conversation.setStatus', conversationIds: [first], status: 'closed' });
    // anna: 1 open, ben: 1 open → tie → anna.
    expect(inbox.conversation(inbox.startChat(visitor)).assigneeId).to.equal('anna');
    expect(inbox.conversation(inbox.startChat(visitor)).assigneeId).to.equal('ben');
  });

  it('G1 routing off leaves chats unassigned; email is never routed automatically', () => {
    const { inbox, visitor } = team();
    const email = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<g1@x>' });
    expect(inbox.conversation(email).assigneeId).to.equal(null);
    inbox.run(asAgent('anna'), { type: 'settings.update', patch: { routing: { mode: 'off' } } });
    const { events, result } = inbox.run(asVisitor(visitor), { type: 'visitor.startChat', text: 'hi' });
    expect(inbox.conversation(result!['conversationId']!).assigneeId).to.equal(null);
    expect(ofType(events, 'routing.advanced')).to.deep.equal([]);
  });
});

describe('engine: settings', () => {
  it('I1 merges a partial settings patch per section and validates it', () => {
    const { inbox } = team();
    inbox.run(asAgent('anna'), {
      type: 'settings.update',
      patch: { widget: { title: 'Talk to Acme' }, email: { roleAddresses: [' Orders ', 'info'] } },
    });
    const settings = inbox.state.settings;
    expect(settings.widget.title).to.equal('Talk to Acme');
    expect(settings.widget.welcome).to.equal('Hi! How can we help?');
    expect(settings.email.roleAddresses).to.deep.equal(['orders', 'info']);
    expect(settings.routing.mode).to.equal('round-robin');
    const orders = inbox.receiveEmail({ from: 'orders@supplier.example', messageId: '<i1@x>' });
    expect(inbox.conversation(orders).filtered).to.equal('role-address');
    const sales = inbox.receiveEmail({ from: 'sales@supplier.example', messageId: '<i2@x>' });
    expect(inbox.conversation(sales).filtered).to.equal(null);
    expect(
      inbox.refuse(asAgent('anna'), { type: 'settings.update', patch: { routing: { mode: 'random' } } }).path,
    ).to.equal('patch.routing.mode');
    expect(
      inbox.refuse(asAgent('anna'), { type: 'settings.update', patch: { widget: { colour: '#fff' } } }).path,
    ).to.equal('patch.widget.colour');
    expect(
      inbox.refuse(asAgent('anna'), { type: 'settings.update', patch: { widget: { color: 'red;background:url(x)' } } })
        .path,
    ).to.equal('patch.widget.color');
    expect(
      inbox.refuse(asAgent('anna'), { type: 'settings.update', patch: { bot: { enabled: 'yes' } } }).code,
    ).to.equal('invalid');
  });

  it('I1 saved views get an id and can be renamed; built-in views cannot be renamed or deleted', () => {
    const { inbox } = team();
    const viewId = inbox.run(asAgent('anna'), {
      type: 'view.save',
      name: 'Open email',
      filter: { status: 'open', channels: ['email'] },
    }).result!['viewId']!;
    expect(inbox.state.views.get(viewId)).to.deep.equal({
      id: viewId,
      name: 'Open email',
      filter: { status: 'open', channels: ['email'] },
      builtIn: false,
    });
    expect(inbox.refuse(asAgent('anna'), { type: 'view.delete', viewId: 'all' }).code).to.equal('forbidden');
    expect(
      inbox.refuse(asAgent('anna'), { type: 'view.save', name: 'x', filter: { scope: 'everything' } }).path,
    ).to.equal('filter.scope');
    inbox.run(asAgent('anna'), { type: 'view.rename', viewId, name: '  Open mail  ' });
    expect(inbox.state.views.get(viewId)?.name).to.equal('Open mail');
    expect(inbox.run(asAgent('anna'), { type: 'view.rename', viewId, name: 'Open mail' }).events).to.deep.equal([]);
    expect(inbox.refuse(asAgent('anna'), { type: 'view.rename', viewId: 'mine', name: 'Mine' }).reason).to.equal(
      'builtin-view',
    );
    expect(inbox.refuse(asAgent('anna'), { type: 'view.rename', viewId, name: ' ' }).code).to.equal('invalid');
    inbox.run(asAgent('anna'), { type: 'view.delete', viewId });
    expect(inbox.state.views.has(viewId)).to.equal(false);
    expect(inbox.refuse(asAgent('anna'), { type: 'view.rename', viewId, name: 'x' }).code).to.equal('not-found');
    expect(inbox.refuse(asAgent('anna'), { type: 'view.delete', viewId }).code).to.equal('not-found');
  });
});

describe('engine: the visitor side', () => {
  it('W3 a blocked visitor still uses the widget and sees their own messages, without learning they are blocked', () => {
    const { inbox, visitor } = team();
    const id = inbox.startChat(visitor);
    inbox.run(asAgent('anna'), { type: 'conversation.blockSender', conversationId: id });
    const { events, result } = inbox.run(asVisitor(visitor), {
      type: 'visitor.message',
      conversationId: id,
      text: 'hello?',
    });
    expect(result!['messageId']).to.be.a('string');
    const projected = projectEvent(inbox.state, asVisitor(visitor), events[0]!);
    expect(projected).to.not.equal(null);
    expect(JSON.stringify(projected)).to.not.contain('suppressed');
    const snapshot = snapshotFor(inbox.state, asVisitor(visitor), 1);
    expect(snapshot.messages.map((m) => m.text)).to.include('hello?');
    expect(snapshot.contacts[0]!.blocked).to.equal(false);
    expect(snapshot.conversations[0]!.filtered).to.equal(null);
  });

  it('W5 the bot greets with quick replies, answers other messages with the hand-over offer, and hands over on request', () => {
    const { inbox, visitor } = team();
    inbox.run(asAgent('anna'), {
      type: 'settings.update',
      patch: {
        bot: { enabled: true, greeting: 'Hi, I am Bo.', quickReplies: ['Pricing'], handoverReply: 'Talk to a person' },
      },
    });
    const id = inbox.startChat(visitor, 'hello');
    let conversation = inbox.conversation(id);
    expect(conversation).to.include({ bot: 'active', assigneeId: null });
    // The greeting comes first: the widget shows it as soon as the chat opens.
    const greeting = inbox.messages(id)[0]!;
    expect(greeting).to.include({ authorType: 'bot', kind: 'reply', direction: 'outbound', text: 'Hi, I am Bo.' });
    expect(inbox.messages(id)[1]!.text).to.equal('hello');
    expect(greeting.quickReplies).to.deep.equal(['Pricing', 'Talk to a person']);
    inbox.advance(MINUTE);
    inbox.run(asVisitor(visitor), { type: 'visitor.message', conversationId: id, text: 'Pricing' });
    const answer = inbox.messages(id).at(-1)!;
    expect(answer.authorType).to.equal('bot');
    expect(answer.quickReplies).to.deep.equal(['Talk to a person']);
    expect(inbox.conversation(id).bot).to.equal('active');
    inbox.advance(MINUTE);
    inbox.run(asVisitor(visitor), { type: 'visitor.message', conversationId: id, text: '  talk TO a person ' });
    conversation = inbox.conversation(id);
    expect(conversation).to.include({ bot: 'handed-over', assigneeId: 'anna', needsReply: true });
    expect(inView(conversation, 'mine', 'anna')).to.equal(true);
    // After the hand-over the bot is quiet.
    inbox.advance(MINUTE);
    inbox.run(asVisitor(visitor), { type: 'visitor.message', conversationId: id, text: 'thanks' });
    expect(inbox.messages(id).at(-1)!.authorType).to.equal('contact');
  });

  it("W5 the bot answers by the team's keywords (whole words, any case or accent), a first message too, and otherwise says the team's fallback", () => {
    const { inbox, visitor } = team();
    inbox.run(asAgent('anna'), {
      type: 'settings.update',
      patch: {
        bot: {
          enabled: true,
          greeting: 'Hoi! Waarmee kan ik helpen?',
          quickReplies: ['Prijzen', 'Openingstijden'],
          handoverReply: 'Met een medewerker',
          fallback: 'Dat weet ik niet. Wilt u iemand van het team spreken?',
          answers: [
            { keywords: ['prijzen', 'pricing'], text: 'Vanaf €9 per maand.', offerHandover: false },
            { keywords: ['openingstijden', 'opening hours'], text: 'Ma–vr 9–17 uur.', offerHandover: true },
          ],
        },
      },
    });
    const id = inbox.startChat(visitor, 'What is your PRICING?');
    const first = inbox.messages(id);
    expect(first.map((message) => message.text)).to.deep.equal([
      'Hoi! Waarmee kan ik helpen?',
      'What is your PRICING?',
      'Vanaf €9 per maand.',
    ]);
    expect(first[2]!.quickReplies).to.deep.equal([]);
    const say = (text: string) => {
      inbox.advance(MINUTE);
      inbox.run(asVisitor(visitor), { type: 'visitor.message', conversationId: id, text });
      return inbox.messages(id).at(-1)!;
    };
    // A quick reply is a message like any other: the team's answer for it.
    expect(say('Openingstijden')).to.include({ authorType: 'bot', text: 'Ma–vr 9–17 uur.' });
    expect(inbox.messages(id).at(-1)!.quickReplies).to.deep.equal(['Met een medewerker']);
    expect(say('Opening-hours, please!').text).to.equal('Ma–vr 9–17 uur.');
    expect(say('Wat zijn de PRÍJZEN?').text).to.equal('Vanaf €9 per maand.');
    // Whole words only: "prijzenoorlog" is not "prijzen".
    const fallback = say('prijzenoorlog');
    expect(fallback).to.include({ authorType: 'bot', text: 'Dat weet ik niet. Wilt u iemand van het team spreken?' });
    expect(fallback.quickReplies).to.deep.equal(['Met een medewerker']);
    expect(inbox.conversation(id).bot).to.equal('active');
    // The answers and the fallback stay with the team.
    const visitorSettings = snapshotFor(inbox.state, asVisitor(visitor), 1).settings.bot;
    expect(visitorSettings).to.not.have.property('answers');
    expect(visitorSettings).to.not.have.property('fallback');
    expect(say('Met een medewerker').authorType).to.not.equal('contact');
    expect(inbox.conversation(id).bot).to.equal('handed-over');
  });

  it('W5 bot answers are validated: a blank text, a blank keyword or an unknown field is refused and nothing changes', () => {
    const { inbox } = team();
    const before = inbox.state.settings;
    for (const answer of [
      { keywords: ['x'], text: '  ', offerHandover: false },
      { keywords: [' '], text: 'x', offerHandover: false },
      { keywords: ['x'], text: 'x', offerHandover: false, extra: 1 },
      { keywords: ['x'], text: 'x' },
      { keywords: [], text: 'x', offerHandover: true },
    ]) {
      const refusal = inbox.refuse(asAgent('anna'), {
        type: 'settings.update',
        patch: { bot: { answers: [answer as never] } },
      });
      expect(refusal.code).to.equal('invalid');
      expect(refusal.path).to.match(/answers\.0/);
    }
    expect(inbox.state.settings).to.equal(before);
  });

  it('W5 requesting a person when nobody is available hands over to Unassigned with the away message', () => {
    const inbox = new Inbox();
    inbox.addAgent('anna', { availability: 'away' });
    const visitor = inbox.addVisitor();
    inbox.run(asAgent('anna'), { type: 'settings.update', patch: { bot: { enabled: true } } });
    const id = inbox.startChat(visitor);
    inbox.run(asVisitor(visitor), { type: 'visitor.requestHuman', conversationId: id });
    const conversation = inbox.conversation(id);
    expect(conversation).to.include({ bot: 'handed-over', assigneeId: null });
    expect(inView(conversation, 'unassigned')).to.equal(true);
    expect(inbox.messages(id).at(-1)!.text).to.equal(inbox.state.settings.widget.awayMessage);
    const again = inbox.run(asVisitor(visitor), { type: 'visitor.requestHuman', conversationId: id });
    expect(again.events).to.deep.equal([]);
  });

  it("W1 a visitor reaches only their own conversations; another's answers as not found", () => {
    const { inbox, visitor } = team();
    const other = inbox.addVisitor('Other');
    const id = inbox.startChat(visitor);
    expect(inbox.refuse(asVisitor(other), { type: 'visitor.message', conversationId: id, text: 'hi' }).code).to.equal(
      'not-found',
    );
    expect(inbox.refuse(asVisitor(other), { type: 'typing', conversationId: id, typing: true }).code).to.equal(
      'not-found',
    );
    expect(
      projectEvent(inbox.state, asVisitor(other), {
        type: 'conversation.upserted',
        conversation: inbox.conversation(id),
      }),
    ).to.equal(null);
    expect(snapshotFor(inbox.state, asVisitor(other), 1).conversations).to.deep.equal([]);
    expect(inbox.run(asVisitor(visitor), { type: 'typing', conversationId: id, typing: true }).events).to.deep.equal(
      [],
    );
  });

  it('W1 a visitor sets an unverified profile, which never merges with an existing contact', () => {
    const { inbox, visitor } = team();
    inbox.receiveEmail({ from: 'emma@customer.example', messageId: '<w1@x>' });
    const contacts = inbox.state.contacts.size;
    inbox.run(asVisitor(visitor), { type: 'visitor.setProfile', name: 'Emma', email: 'Emma@customer.example' });
    expect(inbox.state.contacts.size).to.equal(contacts);
    expect(inbox.state.contacts.get(visitor)).to.include({
      name: 'Emma',
      email: 'emma@customer.example',
      verified: false,
      emailSelfReported: true,
    });
  });

  it("W1 typing someone else's address gives a visitor none of their mail", () => {
    const { inbox, visitor } = team();
    inbox.run(asVisitor(visitor), { type: 'visitor.setProfile', email: 'ceo@victim.example' });
    const mail = inbox.receiveEmail({
      from: 'ceo@victim.example',
      messageId: '<private@victim>',
      text: 'Confidential numbers',
    });
    expect(inbox.conversation(mail).contactId).to.not.equal(visitor);
    const snapshot = snapshotFor(inbox.state, asVisitor(visitor), 1);
    expect(JSON.stringify(snapshot)).to.not.contain('Confidential');
    const composed = inbox.run(asAgent('anna'), {
      type: 'email.compose',
      to: 'ceo@victim.example',
      subject: 'Hi',
      text: 'Private reply',
    });
    expect(inbox.conversation(composed.result!['conversationId']!).contactId).to.not.equal(visitor);
    // Once a team member enters the address, it is theirs to vouch for.
    inbox.run(asAgent('anna'), { type: 'contact.update', contactId: visitor, email: 'emma@customer.example' });
    expect(inbox.state.contacts.get(visitor)!.emailSelfReported).to.equal(undefined);
  });

  it('W2 verification returns an existing verified contact with that email, and never merges an unverified one', () => {
    const inbox = new Inbox();
    const first = inbox.addVisitor('First');
    const verified = inbox.run(SYSTEM, {
      type: 'visitor.verify',
      contactId: first,
      email: 'Sam@Example.com',
      name: 'Sam',
    });
    expect(verified.result).to.deep.equal({ contactId: first });
    expect(inbox.state.contacts.get(first)).to.include({ verified: true, email: 'sam@example.com', name: 'Sam' });
    const second = inbox.addVisitor();
    expect(
      inbox.run(SYSTEM, { type: 'visitor.verify', contactId: second, email: 'sam@example.com' }).result,
    ).to.deep.equal({ contactId: first });
    const typed = inbox.addVisitor();
    inbox.run(asVisitor(typed), { type: 'visitor.setProfile', email: 'kim@example.com' });
    const third = inbox.addVisitor();
    expect(
      inbox.run(SYSTEM, { type: 'visitor.verify', contactId: third, email: 'kim@example.com' }).result,
    ).to.deep.equal({ contactId: third });
    expect(inbox.state.contacts.get(typed)!.verified).to.equal(false);
    expect(inbox.refuse(asVisitor(first), { type: 'visitor.setProfile', email: 'other@example.com' }).code).to.equal(
      'forbidden',
    );
  });
});

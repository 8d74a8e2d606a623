import { expect } from '@open-wc/testing';
import { asAgent, asVisitor, inView, Inbox, MINUTE, SYSTEM, viewsOf } from './engine-harness.test-util.js';
import { matchesFilter } from './views.js';

/** Two agents, round-robin routing, one visitor. */
function team(): { inbox: Inbox; visitor: string } {
  const inbox = new Inbox();
  inbox.addAgent('anna');
  inbox.addAgent('ben');
  const visitor = inbox.addVisitor('Emma Jansen');
  return { inbox, visitor };
}

describe('engine: views V1–V12 and filters', () => {
  it('V1 all conversations holds live conversations but not filtered, trashed or sent-only ones', () => {
    const { inbox, visitor } = team();
    const chat = inbox.startChat(visitor);
    const spam = inbox.receiveEmail({ from: 'deals@cheap-watches.example', messageId: '<s1@x>' });
    inbox.run(asAgent('anna'), { type: 'conversation.markSpam', conversationId: spam });
    const trashed = inbox.receiveEmail({ from: 'old@customer.example', messageId: '<t1@x>' });
    inbox.run(asAgent('anna'), { type: 'conversation.trash', conversationIds: [trashed] });
    const sent = inbox.run(asAgent('anna'), {
      type: 'email.compose',
      to: 'lead@prospect.example',
      subject: 'Hello',
      text: 'Intro',
    }).result!['conversationId']!;
    expect(inView(inbox.conversation(chat), 'all')).to.equal(true);
    expect(inView(inbox.conversation(spam), 'all')).to.equal(false);
    expect(inView(inbox.conversation(trashed), 'all')).to.equal(false);
    expect(inView(inbox.conversation(sent), 'all')).to.equal(false);
  });

  it('V2 assigned to me holds the chats routed or assigned to the signed-in agent only', () => {
    const { inbox, visitor } = team();
    const chat = inbox.startChat(visitor);
    expect(inbox.conversation(chat).assigneeId).to.equal('anna');
    expect(inView(inbox.conversation(chat), 'mine', 'anna')).to.equal(true);
    expect(inView(inbox.conversation(chat), 'mine', 'ben')).to.equal(false);
    inbox.run(asAgent('anna'), { type: 'conversation.assign', conversationId: chat, assigneeId: 'ben' });
    expect(inView(inbox.conversation(chat), 'mine', 'ben')).to.equal(true);
  });

  it('V3 unassigned holds conversations without an owner, but not one a bot is still handling', () => {
    const { inbox, visitor } = team();
    const email = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<u1@x>' });
    expect(inbox.conversation(email).assigneeId).to.equal(null);
    expect(inView(inbox.conversation(email), 'unassigned')).to.equal(true);
    inbox.run(asAgent('anna'), { type: 'settings.update', patch: { bot: { enabled: true } } });
    const botChat = inbox.startChat(visitor);
    expect(inView(inbox.conversation(botChat), 'unassigned')).to.equal(false);
    expect(inView(inbox.conversation(botChat), 'bots')).to.equal(true);
  });

  it('V4 email holds conversations that came in through the email inbox', () => {
    const { inbox, visitor } = team();
    const email = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<e1@x>' });
    const chat = inbox.startChat(visitor);
    expect(viewsOf(inbox.conversation(email))).to.include('email');
    expect(viewsOf(inbox.conversation(chat))).to.not.include('email');
  });

  it('V5 chat holds conversations started in the widget', () => {
    const { inbox, visitor } = team();
    const chat = inbox.startChat(visitor);
    expect(inbox.conversation(chat).channel).to.equal('chat');
    expect(inView(inbox.conversation(chat), 'chat')).to.equal(true);
  });

  it('V6 messenger threads a Messenger user into one conversation and ignores a repeated webhook', () => {
    const inbox = new Inbox();
    const first = inbox.run(SYSTEM, {
      type: 'inbound.messenger',
      senderId: 'psid-1',
      senderName: 'Sofia Rossi',
      text: 'Ciao!',
      mid: 'm1',
    });
    const id = first.result!['conversationId']!;
    expect(inView(inbox.conversation(id), 'messenger')).to.equal(true);
    const second = inbox.run(SYSTEM, {
      type: 'inbound.messenger',
      senderId: 'psid-1',
      text: 'Are you open today?',
      mid: 'm2',
    });
    expect(second.result!['conversationId']).to.equal(id);
    const repeat = inbox.run(SYSTEM, {
      type: 'inbound.messenger',
      senderId: 'psid-1',
      text: 'Are you open today?',
      mid: 'm2',
    });
    expect(repeat.events).to.deep.equal([]);
    expect(inbox.messages(id)).to.have.length(2);
    const contact = inbox.state.contacts.get(inbox.conversation(id).contactId!)!;
    expect(contact.name).to.equal('Sofia Rossi');
    expect(contact.properties['messengerId']).to.equal('psid-1');
  });

  it('V7 forms holds support-form submissions, with the contact taken from the fields', () => {
    const inbox = new Inbox();
    const id = inbox.run(SYSTEM, {
      type: 'inbound.form',
      formId: 'support',
      fields: {
        Name: 'Noah Williams',
        Email: 'Noah@Example.com',
        Subject: 'Invoice question',
        Message: 'Where is my invoice?',
      },
    }).result!['conversationId']!;
    const conversation = inbox.conversation(id);
    expect(inView(conversation, 'forms')).to.equal(true);
    expect(conversation.subject).to.equal('Invoice question');
    expect(conversation.preview).to.equal('Where is my invoice?');
    expect(inbox.state.contacts.get(conversation.contactId!)!.email).to.equal('noah@example.com');
  });

  it('V8 tickets holds conversations with an associated ticket', () => {
    const { inbox } = team();
    const email = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<k1@x>' });
    expect(inView(inbox.conversation(email), 'tickets')).to.equal(false);
    inbox.run(asAgent('anna'), { type: 'ticket.create', conversationId: email, name: 'Refund order 1042' });
    expect(inView(inbox.conversation(email), 'tickets')).to.equal(true);
  });

  it('V9 bots holds bot conversations never or not yet assigned; hand-over or assignment takes them out', () => {
    const { inbox, visitor } = team();
    inbox.run(asAgent('anna'), { type: 'settings.update', patch: { bot: { enabled: true } } });
    const handed = inbox.startChat(visitor);
    const assigned = inbox.startChat(visitor);
    expect(inView(inbox.conversation(handed), 'bots')).to.equal(true);
    inbox.run(asVisitor(visitor), { type: 'visitor.requestHuman', conversationId: handed });
    expect(inView(inbox.conversation(handed), 'bots')).to.equal(false);
    inbox.run(asAgent('ben'), { type: 'conversation.assign', conversationId: assigned, assigneeId: 'ben' });
    inbox.run(asAgent('ben'), { type: 'conversation.assign', conversationId: assigned, assigneeId: null });
    expect(inView(inbox.conversation(assigned), 'bots')).to.equal(false);
    expect(inView(inbox.conversation(assigned), 'unassigned')).to.equal(true);
  });

  it('V10 filtered holds every mail from a role-based address (any case, any +tag) and promotional mail', () => {
    const { inbox } = team();
    const role = inbox.receiveEmail({ from: 'Marketing+EU@partner.example', messageId: '<r1@x>' });
    const noreply = inbox.receiveEmail({ from: 'noreply@shop.example', messageId: '<r2@x>' });
    const promo = inbox.receiveEmail({ from: 'anna@brand.example', messageId: '<r3@x>', promotional: true });
    const person = inbox.receiveEmail({ from: 'mark@partner.example', messageId: '<r4@x>' });
    expect(inbox.conversation(role).filtered).to.equal('role-address');
    expect(inbox.conversation(noreply).filtered).to.equal('role-address');
    expect(inbox.conversation(promo).filtered).to.equal('promotional');
    expect(inbox.conversation(person).filtered).to.equal(null);
    expect(viewsOf(inbox.conversation(role))).to.deep.equal(['filtered']);
    inbox.run(asAgent('anna'), { type: 'conversation.unfilter', conversationId: role });
    expect(inView(inbox.conversation(role), 'all')).to.equal(true);
  });

  it('V10 a reply from a role address to a thread the team started is not filtered', () => {
    const { inbox } = team();
    const sent = inbox.run(asAgent('anna'), {
      type: 'email.compose',
      to: 'sales@partner.example',
      subject: 'Bulk order',
      text: 'Hi!',
    });
    const outbound = inbox.messages(sent.result!['conversationId']!)[0]!.email!.messageId;
    const id = inbox.receiveEmail({ from: 'sales@partner.example', messageId: '<r5@x>', inReplyTo: outbound });
    expect(id).to.equal(sent.result!['conversationId']);
    expect(inbox.conversation(id).filtered).to.equal(null);
  });

  it('V11 trash: trashing moves to Trash, restore brings back, delete forever removes it and its messages', () => {
    const { inbox } = team();
    const id = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<d1@x>' });
    inbox.run(asAgent('anna'), { type: 'conversation.trash', conversationIds: [id] });
    expect(inbox.conversation(id).trashedAt).to.equal(inbox.now);
    expect(viewsOf(inbox.conversation(id))).to.deep.equal(['trash']);
    inbox.run(asAgent('anna'), { type: 'conversation.restore', conversationIds: [id] });
    expect(inView(inbox.conversation(id), 'all')).to.equal(true);
    const refusal = inbox.refuse(asAgent('anna'), { type: 'conversation.deleteForever', conversationIds: [id] });
    expect(refusal.rule).to.equal('V11');
    inbox.run(asAgent('anna'), { type: 'conversation.trash', conversationIds: [id] });
    const removal = inbox.run(asAgent('anna'), { type: 'conversation.deleteForever', conversationIds: [id] });
    // The email and the three activity notes (trashed, restored, trashed) go with it.
    expect(removal.events.map((event) => event.type)).to.deep.equal([
      ...Array<string>(4).fill('message.removed'),
      'conversation.removed',
    ]);
    expect(inbox.state.conversations.has(id)).to.equal(false);
    expect(inbox.state.messages.has(id)).to.equal(false);
  });

  it('V11 a trashed conversation cannot be replied to until restored', () => {
    const { inbox } = team();
    const id = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<d2@x>' });
    inbox.run(asAgent('anna'), { type: 'conversation.trash', conversationIds: [id] });
    expect(inbox.refuse(asAgent('anna'), { type: 'message.reply', conversationId: id, text: 'Hi' }).rule).to.equal(
      'V11',
    );
  });

  it('V11 a new message from the contact brings a trashed conversation back', () => {
    const { inbox, visitor } = team();
    const id = inbox.startChat(visitor);
    inbox.run(asAgent('anna'), { type: 'conversation.trash', conversationIds: [id] });
    inbox.run(asVisitor(visitor), { type: 'visitor.message', conversationId: id, text: 'Anyone there?' });
    expect(inbox.conversation(id).trashedAt).to.equal(null);
  });

  it('V11 delete forever unlinks tickets and deals of the deleted conversation', () => {
    const { inbox } = team();
    const id = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<d3@x>' });
    const ticketId = inbox.run(asAgent('anna'), { type: 'ticket.create', conversationId: id, name: 'T' }).result![
      'ticketId'
    ]!;
    inbox.run(asAgent('anna'), { type: 'conversation.trash', conversationIds: [id] });
    inbox.run(asAgent('anna'), { type: 'conversation.deleteForever', conversationIds: [id] });
    expect(inbox.state.tickets.get(ticketId)!.conversationId).to.equal(null);
  });

  it('V12 sent holds composed mail until the recipient replies, then it moves to All and Unassigned', () => {
    const { inbox } = team();
    const compose = inbox.run(asAgent('ben'), {
      type: 'email.compose',
      to: 'olivia@prospect.example',
      subject: 'Your trial',
      text: 'How is it going?',
    });
    const id = compose.result!['conversationId']!;
    expect(viewsOf(inbox.conversation(id), 'ben')).to.deep.equal(['sent']);
    const outbound = inbox.messages(id)[0]!.email!.messageId;
    inbox.advance(5 * MINUTE);
    const replyId = inbox.receiveEmail({
      from: 'Olivia@prospect.example',
      messageId: '<reply-1@prospect>',
      inReplyTo: outbound,
      subject: 'Re: Your trial',
      text: 'Great so far!',
    });
    expect(replyId).to.equal(id);
    const conversation = inbox.conversation(id);
    expect(conversation.sentOnly).to.equal(false);
    expect(viewsOf(conversation, 'ben')).to.include.members(['all', 'unassigned', 'email']);
    expect(conversation.needsReply).to.equal(true);
    expect(conversation.lastReceivedAt).to.equal(inbox.now);
  });

  it('F2 the filter menu narrows engine-made conversations by status, channel, assignee and date', () => {
    const { inbox, visitor } = team();
    const chat = inbox.startChat(visitor);
    inbox.advance(60 * MINUTE);
    const email = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<f1@x>' });
    inbox.run(asAgent('anna'), { type: 'conversation.setStatus', conversationIds: [chat], status: 'closed' });
    const c = inbox.conversation(chat);
    const e = inbox.conversation(email);
    expect(matchesFilter(c, { status: 'closed' }, 'anna')).to.equal(true);
    expect(matchesFilter(e, { status: 'closed' }, 'anna')).to.equal(false);
    expect(matchesFilter(e, { channels: ['email', 'form'] }, 'anna')).to.equal(true);
    expect(matchesFilter(c, { assignee: 'anna' }, 'ben')).to.equal(true);
    expect(matchesFilter(e, { assignee: 'nobody' }, 'ben')).to.equal(true);
    expect(matchesFilter(e, { activityFrom: inbox.now - MINUTE }, 'anna')).to.equal(true);
    expect(matchesFilter(c, { activityFrom: inbox.now - MINUTE }, 'anna')).to.equal(false);
  });
});

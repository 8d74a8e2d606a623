import { expect } from '@open-wc/testing';
import type { ConfabEvent } from '../protocol/events.js';
import { validateCommand } from '../protocol/validate.js';
import { snapshotFor } from './engine.js';
import { visitorMessage } from './projection.js';
import { asAgent, asVisitor, Inbox } from './engine-harness.test-util.js';
import { emailReplyOf } from './email-reply.js';

const queuedOf = (events: ConfabEvent[]) =>
  events.filter((event): event is Extract<ConfabEvent, { type: 'email.queued' }> => event.type === 'email.queued');

function emailThread() {
  const inbox = new Inbox();
  inbox.addAgent('anna');
  inbox.addAgent('ben', { role: 'agent' });
  inbox.run(asAgent('anna'), { type: 'settings.update', patch: { email: { address: 'support@confab.example' } } });
  const id = inbox.receiveEmail({ from: 'liam@customer.example', messageId: '<m1@customer>', subject: 'Order 1042' });
  return { inbox, id };
}

describe('engine: Cc, Bcc and signatures on outbound email (issue 17)', () => {
  it('R1 a reply copies the Cc typed (who then take part) and keeps the Bcc apart from the Cc', () => {
    const { inbox, id } = emailThread();
    const { events, result } = inbox.run(asAgent('anna'), {
      type: 'message.reply',
      conversationId: id,
      text: 'It ships today.',
      cc: ['Ava@Customer.example', 'ava@customer.example', 'support@confab.example', 'liam@customer.example'],
      bcc: ['audit@team.example', 'ava@customer.example'],
    });
    const message = inbox.messages(id).find((m) => m.id === result!['messageId'])!;
    // Once each, never the team's own address or the To, and a Bcc already copied openly is not blind.
    expect(message.email).to.deep.include({ cc: ['ava@customer.example'], bcc: ['audit@team.example'] });
    expect(queuedOf(events)[0]!.to).to.deep.equal(['liam@customer.example']);
    const ava = [...inbox.state.contacts.values()].find((contact) => contact.email === 'ava@customer.example')!;
    expect(inbox.conversation(id).participantIds).to.include(ava.id);
    // The next reply copies Ava again (Reply all); the blind copy was for that one message only.
    const next = inbox.run(asAgent('anna'), { type: 'message.reply', conversationId: id, text: 'Tracking: 123' });
    const second = inbox.messages(id).find((m) => m.id === next.result!['messageId'])!;
    expect(second.email!.cc).to.deep.equal(['ava@customer.example']);
    expect(second.email).not.to.have.property('bcc');
  });

  it('R1 a bad Cc or Bcc address refuses the reply naming it, and changes nothing', () => {
    const { inbox, id } = emailThread();
    const error = inbox.refuse(asAgent('anna'), {
      type: 'message.reply',
      conversationId: id,
      text: 'Hi',
      cc: ['ava@customer.example'],
      bcc: ['not an address'],
    });
    expect(error).to.include({ code: 'rule', rule: 'R1', reason: 'bad-address' });
    expect(error.params).to.deep.equal({ address: 'not an address' });
    // A blank entry never reaches the engine: the protocol refuses it with its path.
    expect(() => validateCommand({ type: 'message.reply', conversationId: id, text: 'x', cc: [' '] }))
      .to.throw()
      .with.property('path', 'cc.0');
  });

  it('R1 Cc and Bcc on a chat reply are refused: only email carries them', () => {
    const inbox = new Inbox();
    inbox.addAgent('anna');
    const visitor = inbox.addVisitor('Emma');
    const id = inbox.startChat(visitor);
    const error = inbox.refuse(asAgent('anna'), {
      type: 'message.reply',
      conversationId: id,
      text: 'Hi',
      bcc: ['x@example.com'],
    });
    expect(error).to.include({ reason: 'recipients-email-only' });
  });

  it('C1 compose sends Bcc in the envelope only, and refuses a bad Cc', () => {
    const { inbox } = emailThread();
    const { result } = inbox.run(asAgent('anna'), {
      type: 'email.compose',
      to: 'gina@prospect.example',
      cc: ['cfo@prospect.example'],
      bcc: ['crm@team.example', 'gina@prospect.example'],
      subject: 'Quote',
      text: 'Attached.',
    });
    const message = inbox.messages(result!['conversationId']!)[0]!;
    expect(message.email).to.deep.include({ cc: ['cfo@prospect.example'], bcc: ['crm@team.example'] });
    // The blind copy is no participant: it gets no contact, and no later reply copies it.
    expect([...inbox.state.contacts.values()].map((contact) => contact.email)).not.to.include('crm@team.example');
    const error = inbox.refuse(asAgent('anna'), {
      type: 'email.compose',
      to: 'gina@prospect.example',
      cc: ['cfo@@prospect'],
      subject: 'Quote',
      text: 'Attached.',
    });
    expect(error).to.include({ rule: 'C1', reason: 'bad-address' });
  });

  it('a blind copy stays with the team: a projection for anyone outside it leaves it out', () => {
    const { inbox, id } = emailThread();
    const { result } = inbox.run(asAgent('anna'), {
      type: 'message.reply',
      conversationId: id,
      text: 'Hi',
      bcc: ['secret-bcc@team.example'],
    });
    const message = inbox.messages(id).find((m) => m.id === result!['messageId'])!;
    // Email threads never reach a widget (visitorOwns: chats only); should a message with a blind
    // copy ever be projected for one, the copy is not in it.
    expect(JSON.stringify(visitorMessage(message))).not.to.contain('secret-bcc');
    expect(visitorMessage(message).email!.cc).to.deep.equal([]);
    // The team sees its own blind copy.
    expect(JSON.stringify(snapshotFor(inbox.state, asAgent('ben'), 1))).to.contain('secret-bcc');
  });

  it("each agent's own signature goes below their email replies and compose, never chat or comments", () => {
    const { inbox, id } = emailThread();
    inbox.run(asAgent('ben'), { type: 'agent.setSignature', signature: '  Ben\nConfab support\n' });
    expect(inbox.state.agents.get('ben')!.signature).to.equal('Ben\nConfab support');
    expect(inbox.state.agents.get('anna')!.signature).to.equal(undefined);
    const reply = inbox.run(asAgent('ben'), { type: 'message.reply', conversationId: id, text: 'Shipped.' });
    const sent = 'Shipped.\n\n-- \nBen\nConfab support';
    expect(queuedOf(reply.events)[0]!.text).to.equal(sent);
    expect(inbox.messages(id).at(-1)!.text).to.equal(sent);
    const comment = inbox.run(asAgent('ben'), {
      type: 'message.comment',
      conversationId: id,
      text: 'FYI',
      mentions: [],
    });
    expect(inbox.messages(id).find((m) => m.id === comment.result!['messageId'])!.text).to.equal('FYI');
    const compose = inbox.run(asAgent('ben'), {
      type: 'email.compose',
      to: 'gina@prospect.example',
      subject: 'Hi',
      text: 'Hello',
    });
    expect(queuedOf(compose.events)[0]!.text).to.equal('Hello\n\n-- \nBen\nConfab support');
    // Chat: no signature; the editor's question answers the same.
    const visitor = inbox.addVisitor('Emma');
    const chat = inbox.startChat(visitor);
    inbox.run(asAgent('ben'), { type: 'message.reply', conversationId: chat, text: 'Hi Emma' });
    expect(inbox.messages(chat).at(-1)!.text).to.equal('Hi Emma');
    expect(emailReplyOf(inbox.state, chat, 'ben')).to.equal(null);
    expect(emailReplyOf(inbox.state, id, 'ben')).to.deep.equal({ signature: 'Ben\nConfab support' });
    expect(emailReplyOf(inbox.state, null, 'ben')).to.deep.equal({ signature: 'Ben\nConfab support' });
    expect(emailReplyOf(inbox.state, id, 'anna')).to.deep.equal({ signature: '' });
    // Removing it: the record has none again, and a visitor never learns it.
    inbox.run(asAgent('ben'), { type: 'agent.setSignature', signature: '' });
    expect(inbox.state.agents.get('ben')).not.to.have.property('signature');
    inbox.run(asAgent('ben'), { type: 'agent.setSignature', signature: 'Ben' });
    expect(JSON.stringify(snapshotFor(inbox.state, asVisitor(visitor), 1))).not.to.contain('"signature"');
  });
});

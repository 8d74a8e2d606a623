import { expect } from '@open-wc/testing';
import { asAgent, asVisitor, Inbox } from './engine-harness.test-util.js';
import { projectEvent, snapshotFor } from './engine.js';

describe('engine smoke', () => {
  it('G1 routes a new chat to an available agent and R1 answers it', () => {
    const inbox = new Inbox();
    inbox.addAgent('anna');
    const visitor = inbox.addVisitor('Emma');
    const id = inbox.startChat(visitor);
    expect(inbox.conversation(id).assigneeId).to.equal('anna');
    const reply = inbox.run(asAgent('anna'), { type: 'message.reply', conversationId: id, text: 'Hi Emma!' });
    expect(inbox.conversation(id).needsReply).to.equal(false);
    expect(projectEvent(inbox.state, asVisitor(visitor), reply.events[0]!)).to.not.equal(null);
    expect(snapshotFor(inbox.state, asVisitor(visitor), 3).messages).to.have.length(2);
  });
});

import { expect } from '@open-wc/testing';
import { activityNoteOf } from '../selectors/activity.js';
import { projectEvent, snapshotFor } from './engine.js';
import { asAgent, asVisitor, Inbox } from './engine-harness.test-util.js';
import { ratingOf } from './satisfaction.js';

function closedChat() {
  const inbox = new Inbox();
  inbox.addAgent('anna');
  const emma = inbox.addVisitor('Emma Jansen');
  const chat = inbox.startChat(emma);
  inbox.run(asAgent('anna'), { type: 'settings.update', patch: { satisfaction: { enabled: true } } });
  inbox.run(asAgent('anna'), { type: 'conversation.setStatus', conversationIds: [chat], status: 'closed' });
  return { inbox, emma, chat };
}

describe('engine: satisfaction ratings (issue 17, A6)', () => {
  it('the visitor rates a closed chat: Past feedback (satisfaction) and a team note in the thread', () => {
    const { inbox, emma, chat } = closedChat();
    const { result } = inbox.run(asVisitor(emma), {
      type: 'visitor.rate',
      conversationId: chat,
      score: 4,
      comment: '  Quick and friendly ',
    });
    const feedback = inbox.state.feedback.get(result!['feedbackId']!);
    expect(feedback).to.deep.include({
      contactId: emma,
      kind: 'satisfaction',
      score: 4,
      comment: 'Quick and friendly',
    });
    expect(ratingOf(inbox.state, chat)).to.equal(feedback);
    const note = inbox.messages(chat).at(-1)!;
    expect(activityNoteOf(inbox.state, note)).to.deep.include({
      type: 'rated',
      actor: 'Emma Jansen',
      score: 4,
      comment: 'Quick and friendly',
    });
    // An action, not a message: the chat stays closed and its list fields stay as they were.
    expect(inbox.conversation(chat)).to.deep.include({ status: 'closed', messageCount: 1 });
  });

  it('refuses with typed reasons: ratings off, an open chat, a second rating, someone else’s chat, out of range', () => {
    const { inbox, emma, chat } = closedChat();
    const rate = (score: unknown, who = emma, conversationId = chat) =>
      inbox.refuse(asVisitor(who), { type: 'visitor.rate', conversationId, score });
    inbox.run(asAgent('anna'), { type: 'settings.update', patch: { satisfaction: { enabled: false } } });
    expect(rate(5).reason).to.equal('ratings-off');
    inbox.run(asAgent('anna'), { type: 'settings.update', patch: { satisfaction: { enabled: true } } });
    inbox.run(asAgent('anna'), { type: 'conversation.setStatus', conversationIds: [chat], status: 'open' });
    expect(rate(5).reason).to.equal('rating-not-closed');
    inbox.run(asAgent('anna'), { type: 'conversation.setStatus', conversationIds: [chat], status: 'closed' });
    for (const score of [0, 6, 2.5, '5', null]) expect(rate(score).path, String(score)).to.equal('score');
    const noah = inbox.addVisitor('Noah');
    expect(rate(5, noah).code, 'another visitor’s chat answers as missing').to.equal('not-found');
    inbox.run(asVisitor(emma), { type: 'visitor.rate', conversationId: chat, score: 2 });
    const again = rate(5);
    expect([again.code, again.reason]).to.deep.equal(['rule', 'already-rated']);
    expect(ratingOf(inbox.state, chat)!.score, 'the first rating stands').to.equal(2);
  });

  it('the visitor sees their own rating (so the widget stops asking) but never the team’s note or others’ feedback', () => {
    const { inbox, emma, chat } = closedChat();
    const noah = inbox.addVisitor('Noah');
    const { events } = inbox.run(asVisitor(emma), { type: 'visitor.rate', conversationId: chat, score: 5 });
    const forEmma = events.map((event) => projectEvent(inbox.state, asVisitor(emma), event)?.type ?? null);
    expect(forEmma).to.deep.equal(['feedback.upserted', null]);
    expect(events.map((event) => projectEvent(inbox.state, asVisitor(noah), event))).to.deep.equal([null, null]);
    expect(snapshotFor(inbox.state, asVisitor(emma), 1).feedback.map((f) => f.score)).to.deep.equal([5]);
    expect(snapshotFor(inbox.state, asVisitor(noah), 1).feedback).to.deep.equal([]);
  });

  it('W3: a blocked visitor’s rating reaches nobody', () => {
    const { inbox, emma, chat } = closedChat();
    inbox.run(asAgent('anna'), { type: 'conversation.blockSender', conversationId: chat });
    expect(inbox.run(asVisitor(emma), { type: 'visitor.rate', conversationId: chat, score: 1 }).events).to.deep.equal(
      [],
    );
  });
});

import { expect } from '@open-wc/testing';
import { asAgent, asVisitor, Inbox, MINUTE, SYSTEM } from './engine-harness.test-util.js';
import { TYPING_ACTIVITY_WINDOW_MS } from './visitor-activity.js';

/** A bot chat started at T0 (09:00, the start of a typing window) by a new visitor. */
function botChat(): { inbox: Inbox; visitor: string; id: string } {
  const inbox = new Inbox();
  inbox.addAgent('anna');
  inbox.run(asAgent('anna'), { type: 'settings.update', patch: { bot: { enabled: true } } });
  const visitor = inbox.addVisitor('Emma Jansen');
  return { inbox, visitor, id: inbox.startChat(visitor) };
}

const close = (id: string) => ({ type: 'conversation.setStatus', conversationIds: [id], status: 'closed' });

describe('engine: visitor typing counts for T11', () => {
  it('T11 a visitor who typed at minute 29 keeps the bot chat open at minute 31 and until 30 minutes after that typing window', () => {
    const { inbox, id } = botChat();
    inbox.advance(29 * MINUTE);
    const { events } = inbox.run(SYSTEM, { type: 'visitor.typed', conversationId: id });
    expect(events.map((event) => event.type)).to.deep.equal(['conversation.upserted']);
    // Typing counts to the end of its window (minute 30): later keystrokes in it are not recorded.
    expect(inbox.conversation(id).lastVisitorActivityAt - inbox.conversation(id).startedAt).to.equal(30 * MINUTE);
    inbox.advance(2 * MINUTE);
    const refusal = inbox.refuse(asAgent('anna'), close(id));
    expect(refusal.rule).to.equal('T11');
    expect(refusal.message).to.contain('29 min');
    inbox.advance(29 * MINUTE - 1);
    expect(inbox.refuse(asAgent('anna'), close(id)).rule, 'one ms before minute 60').to.equal('T11');
    inbox.advance(1);
    inbox.run(asAgent('anna'), close(id));
    expect(inbox.conversation(id).status).to.equal('closed');
  });

  it('T11 records typing once per window: a second keystroke in the same window changes nothing, one in the next window moves the clock', () => {
    const { inbox, id } = botChat();
    inbox.advance(5 * MINUTE);
    inbox.run(SYSTEM, { type: 'visitor.typed', conversationId: id });
    const recorded = inbox.conversation(id).lastVisitorActivityAt;
    inbox.advance(30_000);
    expect(inbox.run(SYSTEM, { type: 'visitor.typed', conversationId: id }).events).to.deep.equal([]);
    inbox.advance(TYPING_ACTIVITY_WINDOW_MS);
    inbox.run(SYSTEM, { type: 'visitor.typed', conversationId: id });
    expect(inbox.conversation(id).lastVisitorActivityAt).to.equal(recorded + TYPING_ACTIVITY_WINDOW_MS);
  });

  it('T11 typing records nothing once a person has the conversation, nor for a blocked visitor (T5)', () => {
    const handedOver = botChat();
    handedOver.inbox.run(asVisitor(handedOver.visitor), {
      type: 'visitor.requestHuman',
      conversationId: handedOver.id,
    });
    handedOver.inbox.advance(MINUTE * 3);
    expect(handedOver.inbox.run(SYSTEM, { type: 'visitor.typed', conversationId: handedOver.id }).events).to.deep.equal(
      [],
    );

    const blocked = botChat();
    blocked.inbox.run(asAgent('anna'), { type: 'conversation.blockSender', conversationId: blocked.id });
    blocked.inbox.advance(MINUTE * 3);
    expect(blocked.inbox.run(SYSTEM, { type: 'visitor.typed', conversationId: blocked.id }).events).to.deep.equal([]);
  });

  it('T11 only the backend records typing: a visitor or an agent giving visitor.typed is refused and nothing changes', () => {
    const { inbox, visitor, id } = botChat();
    inbox.advance(3 * MINUTE);
    const before = inbox.conversation(id);
    expect(inbox.refuse(asVisitor(visitor), { type: 'visitor.typed', conversationId: id }).code).to.equal('forbidden');
    expect(inbox.refuse(asAgent('anna'), { type: 'visitor.typed', conversationId: id }).code).to.equal('forbidden');
    expect(inbox.refuse(SYSTEM, { type: 'visitor.typed', conversationId: '' }).code).to.equal('invalid');
    expect(inbox.conversation(id)).to.deep.equal(before);
  });
});

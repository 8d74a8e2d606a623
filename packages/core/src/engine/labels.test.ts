import { expect } from '@open-wc/testing';
import { activityNoteOf } from '../selectors/activity.js';
import { projectEvent, snapshotFor } from './engine.js';
import { asAgent, asVisitor, Inbox, MINUTE } from './engine-harness.test-util.js';
import { LABEL_PALETTE, labelInk, labelsOf, labelStates, teamLabels } from './labels.js';
import { matchesFilter, narrowFilter, resolveFilter } from './views.js';

function teamWithLabels() {
  const inbox = new Inbox();
  inbox.addAgent('anna');
  inbox.addAgent('ben', { role: 'agent' });
  const visitor = inbox.addVisitor('Emma Jansen');
  const chat = inbox.startChat(visitor);
  const other = inbox.startChat(inbox.addVisitor('Noah'));
  const create = (name: string, color: string) =>
    inbox.run(asAgent('anna'), { type: 'label.create', name, color }).result!['labelId']!;
  const vip = create('VIP', '#d73a49');
  const billing = create('Billing', '#0366d6');
  return { inbox, visitor, chat, other, vip, billing };
}

describe('engine: labels (issue 16)', () => {
  it('an admin creates, renames, recolours and deletes labels; deleting takes it off every conversation', () => {
    const { inbox, chat, other, vip, billing } = teamWithLabels();
    expect(teamLabels(inbox.state).map((label) => label.name)).to.deep.equal(['Billing', 'VIP']);
    inbox.run(asAgent('anna'), { type: 'label.update', labelId: vip, name: '  Key account ', color: '#28A745' });
    expect(teamLabels(inbox.state).find((label) => label.id === vip)).to.deep.equal({
      id: vip,
      name: 'Key account',
      color: '#28a745',
    });
    expect(
      inbox.run(asAgent('anna'), { type: 'label.update', labelId: vip, name: 'Key account' }).events,
    ).to.deep.equal([]);
    inbox.run(asAgent('ben'), { type: 'conversation.addLabel', conversationIds: [chat, other], labelId: billing });
    inbox.run(asAgent('ben'), { type: 'conversation.addLabel', conversationIds: [chat], labelId: vip });
    expect(labelsOf(inbox.state, inbox.conversation(chat)).map((label) => label.id)).to.deep.equal([billing, vip]);
    inbox.run(asAgent('anna'), { type: 'label.delete', labelId: billing });
    expect(inbox.conversation(chat).labelIds).to.deep.equal([vip]);
    expect(inbox.conversation(other)).to.not.have.property('labelIds');
    expect(teamLabels(inbox.state).map((label) => label.id)).to.deep.equal([vip]);
    // Other settings changes keep the labels.
    inbox.run(asAgent('anna'), { type: 'settings.update', patch: { widget: { title: 'Hi' } } });
    expect(teamLabels(inbox.state)).to.have.length(1);
  });

  it('refuses an unknown label, a taken name, a bad colour, a non-admin and a visitor, changing nothing', () => {
    const { inbox, visitor, chat, vip } = teamWithLabels();
    const unknown = inbox.refuse(asAgent('ben'), {
      type: 'conversation.addLabel',
      conversationIds: [chat],
      labelId: 'x',
    });
    expect([unknown.code, unknown.reason]).to.deep.equal(['not-found', 'unknown-label']);
    expect(inbox.refuse(asAgent('anna'), { type: 'label.delete', labelId: 'x' }).reason).to.equal('unknown-label');
    expect(inbox.refuse(asAgent('anna'), { type: 'label.update', labelId: 'x', name: 'y' }).reason).to.equal(
      'unknown-label',
    );
    const taken = inbox.refuse(asAgent('anna'), { type: 'label.create', name: 'vip', color: '#000000' });
    expect([taken.code, taken.reason, taken.params]).to.deep.equal(['rule', 'duplicate-label', { name: 'vip' }]);
    for (const color of ['red', '#12345', '#11223380', 'url(x)', '']) {
      expect(inbox.refuse(asAgent('anna'), { type: 'label.create', name: 'New', color }).code, color).to.equal(
        'invalid',
      );
    }
    for (const name of ['', '   ', 'x'.repeat(41), 'two\nlines']) {
      expect(inbox.refuse(asAgent('anna'), { type: 'label.create', name, color: '#000' }).code, name).to.equal(
        'invalid',
      );
    }
    const notAdmin = inbox.refuse(asAgent('ben'), { type: 'label.create', name: 'Mine', color: '#000000' });
    expect([notAdmin.code, notAdmin.reason]).to.deep.equal(['forbidden', 'admin-only']);
    expect(inbox.refuse(asAgent('ben'), { type: 'label.delete', labelId: vip }).reason).to.equal('admin-only');
    expect(
      inbox.refuse(asVisitor(visitor), { type: 'conversation.addLabel', conversationIds: [chat], labelId: vip }).code,
    ).to.equal('forbidden');
    // All or nothing: one missing conversation refuses the whole bulk command.
    expect(
      inbox.refuse(asAgent('ben'), { type: 'conversation.addLabel', conversationIds: [chat, 'gone'], labelId: vip })
        .code,
    ).to.equal('not-found');
    expect(inbox.refuse(asAgent('anna'), { type: 'settings.update', patch: { labels: [] } as never }).code).to.equal(
      'invalid',
    );
  });

  it('L3 applies and removes a label on many conversations at once, once each, with a note in each thread', () => {
    const { inbox, chat, other, vip } = teamWithLabels();
    const added = inbox.run(asAgent('ben'), {
      type: 'conversation.addLabel',
      conversationIds: [chat, other, chat],
      labelId: vip,
    });
    expect(added.events.filter((event) => event.type === 'conversation.upserted')).to.have.length(2);
    expect(inbox.run(asAgent('ben'), { type: 'conversation.addLabel', conversationIds: [chat], labelId: vip }).events)
      .to.be.empty;
    expect(labelStates(inbox.state, [chat, other]).find((state) => state.label.id === vip)?.applied).to.equal('all');
    inbox.run(asAgent('ben'), { type: 'conversation.removeLabel', conversationIds: [other], labelId: vip });
    expect(labelStates(inbox.state, [chat, other]).find((state) => state.label.id === vip)?.applied).to.equal('some');
    const notes = inbox.messages(other).flatMap((message) => activityNoteOf(inbox.state, message) ?? []);
    expect(notes.map((note) => [note.type, note.actor, note.label?.name])).to.deep.equal([
      ['labelAdded', 'Ben', 'VIP'],
      ['labelRemoved', 'Ben', 'VIP'],
    ]);
  });

  it('R2 a visitor never sees labels: not on their conversation, not in the settings, not in the snapshot', () => {
    const { inbox, visitor, chat, vip } = teamWithLabels();
    const { events } = inbox.run(asAgent('ben'), {
      type: 'conversation.addLabel',
      conversationIds: [chat],
      labelId: vip,
    });
    const seen = events.map((event) => projectEvent(inbox.state, asVisitor(visitor), event));
    expect(JSON.stringify(seen)).to.not.contain(vip);
    expect(seen.filter((event) => event !== null).map((event) => event!.type)).to.deep.equal(['conversation.upserted']);
    const snapshot = snapshotFor(inbox.state, asVisitor(visitor), 1);
    expect(JSON.stringify(snapshot)).to.not.contain(vip);
    expect(JSON.stringify(snapshot)).to.not.contain('VIP');
    expect(snapshot.settings).to.not.have.property('labels');
    expect(
      snapshotFor(inbox.state, asAgent('ben'), 1).conversations.find((c) => c.id === chat)?.labelIds,
    ).to.deep.equal([vip]);
  });

  it('F2 a label filter keeps conversations with every chosen label; views and the menu combine labels as one filter', () => {
    const { inbox, chat, other, vip, billing } = teamWithLabels();
    inbox.run(asAgent('ben'), { type: 'conversation.addLabel', conversationIds: [chat, other], labelId: vip });
    inbox.run(asAgent('ben'), { type: 'conversation.addLabel', conversationIds: [chat], labelId: billing });
    const both = narrowFilter({ scope: 'inbox', labels: [vip] }, { labels: [billing] }, 'ben')!;
    expect(both.labels).to.deep.equal([vip, billing]);
    expect(matchesFilter(inbox.conversation(chat), both, 'ben')).to.equal(true);
    expect(matchesFilter(inbox.conversation(other), both, 'ben')).to.equal(false);
    expect(matchesFilter(inbox.conversation(other), { labels: [vip] }, 'ben')).to.equal(true);
  });

  it('F2 a period stays a period when views combine it, and is placed in time only when a query resolves it', () => {
    const { inbox, chat } = teamWithLabels();
    const saved = narrowFilter({ scope: 'inbox', activityWithin: '30d' }, { activityWithin: '7d' }, null)!;
    expect(saved).to.deep.equal({ scope: 'inbox', activityWithin: '7d' });
    const at = inbox.conversation(chat).lastActivityAt;
    expect(matchesFilter(inbox.conversation(chat), resolveFilter(saved, at + 6 * 1440 * MINUTE), null)).to.equal(true);
    expect(matchesFilter(inbox.conversation(chat), resolveFilter(saved, at + 8 * 1440 * MINUTE), null)).to.equal(false);
    expect(resolveFilter({ activityWithin: '24h', activityFrom: at + 1 }, at)).to.deep.equal({ activityFrom: at + 1 });
  });

  it('chips are readable: black or white text on every palette colour and any hex reaches 4.5:1', () => {
    for (const color of LABEL_PALETTE) expect(labelInk(color).contrast, color).to.be.at.least(4.5);
    for (let i = 0; i < 4096; i++) {
      const color = `#${i.toString(16).padStart(3, '0')}`;
      expect(labelInk(color).contrast, color).to.be.at.least(4.5);
    }
    expect(labelInk('#ffffff').ink).to.equal('#000000');
    expect(labelInk('#000').ink).to.equal('#ffffff');
  });
});

describe('engine: activity in the thread (issue 16)', () => {
  it('assignment, close, reopen, block, spam, trash and restore leave dated notes naming who did it', () => {
    const inbox = new Inbox();
    inbox.addAgent('anna');
    inbox.addAgent('ben', { role: 'agent' });
    const visitor = inbox.addVisitor('Emma');
    const chat = inbox.startChat(visitor);
    const mail = inbox.receiveEmail({ from: 'sam@customer.example', messageId: '<m1@x>' });
    const count = inbox.conversation(chat).messageCount;
    const activityAt = inbox.conversation(chat).lastActivityAt;
    inbox.advance(MINUTE);
    inbox.run(asAgent('anna'), { type: 'conversation.assign', conversationId: chat, assigneeId: 'ben' });
    inbox.run(asAgent('ben'), { type: 'conversation.assign', conversationId: chat, assigneeId: null });
    inbox.run(asAgent('ben'), { type: 'conversation.setStatus', conversationIds: [chat], status: 'closed' });
    inbox.run(asAgent('ben'), { type: 'conversation.setStatus', conversationIds: [chat], status: 'closed' });
    inbox.run(asAgent('anna'), { type: 'conversation.setStatus', conversationIds: [chat], status: 'open' });
    inbox.run(asAgent('anna'), { type: 'conversation.trash', conversationIds: [chat] });
    inbox.run(asAgent('anna'), { type: 'conversation.restore', conversationIds: [chat] });
    inbox.run(asAgent('anna'), { type: 'conversation.blockSender', conversationId: chat });
    inbox.run(asAgent('ben'), { type: 'conversation.markSpam', conversationId: mail });
    const notes = (id: string) =>
      inbox.messages(id).flatMap((message) => {
        const note = activityNoteOf(inbox.state, message);
        return note ? [[note.type, note.actor, note.assignee, note.at]] : [];
      });
    const at = inbox.now;
    expect(notes(chat)).to.deep.equal([
      ['assigned', 'Anna', 'Ben', at],
      ['assigned', 'Ben', null, at],
      ['closed', 'Ben', undefined, at],
      ['reopened', 'Anna', undefined, at],
      ['trashed', 'Anna', undefined, at],
      ['restored', 'Anna', undefined, at],
      ['blocked', 'Anna', undefined, at],
    ]);
    expect(notes(mail)).to.deep.equal([['spam', 'Ben', undefined, at]]);
    // A note is not a message: counts, previews and the activity clock stay.
    expect(inbox.conversation(chat).messageCount).to.equal(count);
    expect(inbox.conversation(chat).lastActivityAt).to.equal(activityAt);
  });

  it('R2 a visitor never receives an activity note, live or in a snapshot', () => {
    const inbox = new Inbox();
    inbox.addAgent('anna');
    const visitor = inbox.addVisitor('Emma');
    const chat = inbox.startChat(visitor);
    const { events } = inbox.run(asAgent('anna'), {
      type: 'conversation.setStatus',
      conversationIds: [chat],
      status: 'closed',
    });
    const seen = events.map((event) => projectEvent(inbox.state, asVisitor(visitor), event)).filter(Boolean);
    expect(seen.map((event) => event!.type)).to.deep.equal(['conversation.upserted']);
    const snapshot = snapshotFor(inbox.state, asVisitor(visitor), 1);
    expect(snapshot.messages.some((message) => message.activity)).to.equal(false);
    expect(snapshotFor(inbox.state, asAgent('anna'), 1).messages.some((message) => message.activity)).to.equal(true);
  });
});

describe('F2 custom date ranges (issue 16)', () => {
  it('cover whole days in the local calendar, either end open; backwards or malformed ranges are null', async () => {
    const { customDateRange, dateInputValue } = await import('./views.js');
    const range = customDateRange('2026-12-01', '2026-12-04')!;
    expect(range.activityFrom).to.equal(new Date(2026, 11, 1).getTime());
    expect(range.activityTo).to.equal(new Date(2026, 11, 5).getTime() - 1);
    expect(dateInputValue(range.activityFrom!)).to.equal('2026-12-01');
    expect(dateInputValue(range.activityTo!)).to.equal('2026-12-04');
    expect(customDateRange('2026-12-01', '')).to.deep.equal({ activityFrom: new Date(2026, 11, 1).getTime() });
    expect(customDateRange('', '')).to.equal(null);
    expect(customDateRange('2026-12-05', '2026-12-04')).to.equal(null);
    expect(customDateRange('yesterday', '')).to.equal(null);
  });
});

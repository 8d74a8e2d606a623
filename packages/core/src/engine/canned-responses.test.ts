import { expect } from '@open-wc/testing';
import type { CannedResponse } from '../model/model.js';
import { cannedResponsesMatching, cannedResponseText } from './canned-responses.js';
import { projectEvent } from './engine.js';
import { asAgent, asVisitor, Inbox } from './engine-harness.test-util.js';

const PRICING: CannedResponse = {
  shortcut: 'pricing',
  title: 'Prices and plans',
  text: { en: 'Hi {{contact.name}}, plans start at €29. {{agent.name}}', nl: 'Hoi {{ contact.name }}, vanaf €29.' },
};
const HOURS: CannedResponse = { shortcut: 'hours', title: 'Opening hours', text: { en: 'We open at 9.', nl: '' } };
const PRIVACY: CannedResponse = {
  shortcut: 'privacy',
  title: 'Data processing',
  text: { en: '', nl: 'Onze verwerkersovereenkomst staat online, {{contact.email}}.' },
};

function teamWithSnippets(): { inbox: Inbox; visitor: string; chat: string } {
  const inbox = new Inbox();
  inbox.addAgent('anna');
  inbox.addAgent('ben', { role: 'agent' });
  const visitor = inbox.addVisitor('Emma Jansen');
  const chat = inbox.startChat(visitor);
  inbox.run(asAgent('anna'), { type: 'settings.update', patch: { cannedResponses: [PRICING, HOURS, PRIVACY] } });
  return { inbox, visitor, chat };
}

describe('engine: canned responses (issue 16)', () => {
  it('I1 an admin saves the team snippets; the list replaces the old one and other settings stay', () => {
    const { inbox } = teamWithSnippets();
    expect(inbox.state.settings.cannedResponses?.map((response) => response.shortcut)).to.deep.equal([
      'pricing',
      'hours',
      'privacy',
    ]);
    const routing = inbox.state.settings.routing;
    inbox.run(asAgent('anna'), { type: 'settings.update', patch: { widget: { title: 'Hello' } } });
    expect(inbox.state.settings.cannedResponses).to.have.length(3);
    inbox.run(asAgent('anna'), { type: 'settings.update', patch: { cannedResponses: [HOURS] } });
    expect(inbox.state.settings.cannedResponses).to.deep.equal([HOURS]);
    expect(inbox.state.settings.routing).to.deep.equal(routing);
  });

  it('I1 a shortcut used twice, a snippet without text, a bad shortcut and a non-admin are refused, changing nothing', () => {
    const { inbox } = teamWithSnippets();
    const twice = inbox.refuse(asAgent('anna'), {
      type: 'settings.update',
      patch: { cannedResponses: [HOURS, { ...PRICING, shortcut: 'hours' }] },
    });
    expect([twice.code, twice.rule, twice.reason, twice.params]).to.deep.equal([
      'rule',
      'I1',
      'duplicate-shortcut',
      { shortcut: 'hours' },
    ]);
    const empty = inbox.refuse(asAgent('anna'), {
      type: 'settings.update',
      patch: { cannedResponses: [{ ...HOURS, text: { en: '  ', nl: '' } }] },
    });
    expect(empty.reason).to.equal('empty-canned-response');
    for (const shortcut of ['Pricing', 'with space', '', '-x', 'x'.repeat(33), '<b>']) {
      const bad = inbox.refuse(asAgent('anna'), {
        type: 'settings.update',
        patch: { cannedResponses: [{ ...HOURS, shortcut }] },
      });
      expect(bad.code, shortcut).to.equal('invalid');
    }
    expect(
      inbox.refuse(asAgent('anna'), {
        type: 'settings.update',
        patch: { cannedResponses: [{ ...HOURS, extra: 1 }] },
      }).code,
    ).to.equal('invalid');
    expect(inbox.refuse(asAgent('ben'), { type: 'settings.update', patch: { cannedResponses: [] } }).code).to.equal(
      'forbidden',
    );
  });

  it('R2 a visitor never receives the team snippets', () => {
    const { inbox, visitor } = teamWithSnippets();
    const settings = { ...inbox.state.settings };
    const projected = projectEvent(inbox.state, asVisitor(visitor), { type: 'settings.updated', settings });
    expect(projected?.type).to.equal('settings.updated');
    expect(projected && 'settings' in projected ? projected.settings.cannedResponses : 'missing').to.equal(undefined);
  });

  it('the picker finds snippets by shortcut prefix first, then by title, ignoring case', () => {
    const { inbox } = teamWithSnippets();
    const shortcuts = (query: string) =>
      cannedResponsesMatching(inbox.state, query).map((response) => response.shortcut);
    expect(shortcuts('')).to.deep.equal(['hours', 'pricing', 'privacy']);
    expect(shortcuts('pri')).to.deep.equal(['pricing', 'privacy']);
    expect(shortcuts('PLANS')).to.deep.equal(['pricing']);
    expect(shortcuts('open')).to.deep.equal(['hours']);
    expect(shortcuts('nothing')).to.deep.equal([]);
    expect(cannedResponsesMatching(new Inbox().state, '')).to.deep.equal([]);
  });

  it('inserted text is in the inbox language, else the other, with placeholders filled and unknown ones kept', () => {
    const { inbox, chat } = teamWithSnippets();
    const text = (shortcut: string, locale: 'en' | 'nl') =>
      cannedResponseText(inbox.state, shortcut, { conversationId: chat, agentId: 'anna', locale });
    expect(text('pricing', 'en')).to.equal('Hi Emma Jansen, plans start at €29. Anna');
    expect(text('pricing', 'nl')).to.equal('Hoi Emma Jansen, vanaf €29.');
    expect(text('hours', 'nl')).to.equal('We open at 9.');
    // The visitor left no email: the placeholder stays for the agent to edit.
    expect(text('privacy', 'en')).to.equal('Onze verwerkersovereenkomst staat online, {{contact.email}}.');
    expect(text('gone', 'en')).to.equal('');
  });
});

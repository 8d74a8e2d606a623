import { expect } from '@open-wc/testing';
import { ConfabError } from '@confab/core';
import { en } from './en.js';
import { nl } from './nl.js';
import { refusalText } from './i18n.js';

describe("refusals in the reader's language (issue 14 item 4)", () => {
  it('a refusal is worded from its reason and values, in English and in Dutch', () => {
    const error = new ConfabError('rule', 'Ann is disabled and cannot be assigned conversations', {
      rule: 'T2',
      reason: 'member-disabled',
      params: { name: 'Ann' },
    });
    expect(refusalText(en, error)).to.equal('Ann is disabled.');
    expect(refusalText(nl, error)).to.equal('Ann is uitgeschakeld.');
  });

  it('crosses the wire: reason and values survive toPayload and fromPayload', () => {
    const sent = new ConfabError('rule', 'x', {
      rule: 'chat-limit',
      reason: 'too-many-open-chats',
      params: { open: 3, max: 3 },
    });
    const received = ConfabError.fromPayload(JSON.parse(JSON.stringify(sent.toPayload())));
    expect(refusalText(nl, received)).to.equal('Je hebt 3 open chats: ga verder in een ervan.');
  });

  it('a reason this version does not know, or none, is worded from the code; never the English message', () => {
    const unknown = { code: 'forbidden', message: 'Only admins may fly', reason: 'from-a-newer-server' };
    expect(refusalText(nl, unknown)).to.equal('Dat mag je niet doen.');
    expect(refusalText(nl, new ConfabError('rate-limited', 'Slow down'))).to.equal(
      'Te veel verzoeken: probeer het zo opnieuw.',
    );
    expect(refusalText(nl, new TypeError('boom'))).to.equal(nl.errorCodes.internal);
  });

  it('label refusals (issue 16) are worded in English and Dutch, naming the taken name', () => {
    const taken = new ConfabError('rule', 'A label named VIP already exists', {
      rule: 'I1',
      reason: 'duplicate-label',
      params: { name: 'VIP' },
    });
    expect(refusalText(en, taken)).to.equal('A label named VIP already exists: choose another name.');
    expect(refusalText(nl, taken)).to.equal('Er bestaat al een label met de naam VIP: kies een andere naam.');
    const gone = new ConfabError('not-found', 'No label l1', { reason: 'unknown-label' });
    expect(refusalText(en, gone)).to.equal('That label no longer exists: it may have just been deleted.');
    expect(refusalText(nl, gone)).to.equal('Dat label bestaat niet meer: het is misschien net verwijderd.');
  });

  it('a bad Cc or Bcc address (issue 17) is named in English and Dutch', () => {
    const bad = new ConfabError('rule', 'ann@ is not an email address', {
      rule: 'R1',
      reason: 'bad-address',
      params: { address: 'ann@' },
    });
    expect(refusalText(en, bad)).to.equal('ann@ is not an email address.');
    expect(refusalText(nl, bad)).to.equal('ann@ is geen e-mailadres.');
    const chat = new ConfabError('rule', 'x', { rule: 'R1', reason: 'recipients-email-only' });
    expect(refusalText(en, chat)).to.equal('Cc and Bcc go with email replies only.');
    expect(refusalText(nl, chat)).to.equal('Cc en Bcc kunnen alleen bij antwoorden per e-mail.');
  });

  it('rating refusals (issue 17) are worded in English and Dutch', () => {
    const again = new ConfabError('rule', 'This conversation was already rated', {
      rule: 'satisfaction',
      reason: 'already-rated',
    });
    expect(refusalText(en, again)).to.equal('This conversation was already rated.');
    expect(refusalText(nl, again)).to.equal('Dit gesprek is al beoordeeld.');
    const open = { code: 'rule', message: 'x', reason: 'rating-not-closed' };
    expect(refusalText(nl, open)).to.equal('Alleen een gesloten gesprek kan worden beoordeeld.');
    const off = { code: 'rule', message: 'x', reason: 'ratings-off' };
    expect(refusalText(en, off)).to.equal('This team does not ask for ratings.');
    expect(refusalText(nl, off)).to.equal('Dit team vraagt niet om beoordelingen.');
  });

  it('both catalogs word every reason and every code', () => {
    expect(Object.keys(nl.refusals).sort()).to.deep.equal(Object.keys(en.refusals).sort());
    expect(Object.keys(nl.errorCodes).sort()).to.deep.equal(Object.keys(en.errorCodes).sort());
    for (const word of Object.values(nl.refusals))
      expect(
        word({
          name: 'A',
          email: 'a@x',
          address: 'a@x',
          open: 3,
          minutes: 5,
          quietMinutes: 30,
          hours: 24,
          max: 2000,
          shortcut: 'prijs',
        }),
      ).not.to.contain('undefined');
  });
});

import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import './define.js';
import type { ConfabCannedResponses } from './canned-responses.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { activeElement, getAllByRole, getByRole, queryByRole, until } from '../test/dom.js';

async function section(inbox: TestInbox, locale = 'en') {
  const element = await fixture<ConfabCannedResponses>(
    html`<confab-canned-responses .client=${inbox.client} .locale=${locale}></confab-canned-responses>`,
  );
  await until(() => element.shadowRoot!.querySelector('section'), 'the section');
  return element;
}

function fill(field: HTMLInputElement | HTMLTextAreaElement, value: string) {
  field.focus();
  field.value = value;
  field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

const savedShortcuts = (inbox: TestInbox) =>
  (inbox.client.store.settings()?.cannedResponses ?? []).map((response) => response.shortcut);

describe('confab-canned-responses', () => {
  let inbox: TestInbox;
  afterEach(closeTestInboxes);

  it('issue 16: an admin adds a canned response with texts in English and Dutch, and saves it', async () => {
    inbox = await createTestInbox();
    const element = await section(inbox);
    getByRole(element, 'heading', 'Canned responses');
    expect(element.shadowRoot!.textContent).to.contain('No canned responses yet.');
    getByRole(element, 'button', 'Add canned response').click();
    const group = await until(() => queryByRole(element, 'group', 'New canned response'), 'a new snippet');
    const shortcut = getByRole<HTMLInputElement>(group, 'textbox', 'Shortcut (lowercase letters, digits and dashes)');
    await until(() => activeElement() === shortcut, 'focus on the new shortcut');
    fill(shortcut, 'refund');
    fill(getByRole<HTMLInputElement>(group, 'textbox', 'Title'), 'Refund policy');
    const english = getByRole<HTMLTextAreaElement>(group, 'textbox', 'Text in English');
    const dutch = getByRole<HTMLTextAreaElement>(group, 'textbox', 'Text in Dutch');
    expect([english.lang, dutch.lang]).to.deep.equal(['en', 'nl']);
    fill(english, 'Hi {{contact.name}}, refunds take 5 days.');
    fill(dutch, 'Hoi {{contact.name}}, terugbetalen duurt 5 dagen.');
    await element.updateComplete;
    getByRole(element, 'group', 'Canned response /refund');
    await expect(element).to.be.accessible();
    getByRole(element, 'button', 'Save canned responses').click();
    await until(() => savedShortcuts(inbox).includes('refund'), 'saved in the settings');
    expect(inbox.client.store.settings()!.cannedResponses).to.deep.equal([
      {
        shortcut: 'refund',
        title: 'Refund policy',
        text: {
          en: 'Hi {{contact.name}}, refunds take 5 days.',
          nl: 'Hoi {{contact.name}}, terugbetalen duurt 5 dagen.',
        },
      },
    ]);
    await until(() => getByRole(element, 'status').textContent === 'Canned responses saved', 'saved notice');
  });

  it('issue 16: a shortcut used twice or written wrongly is refused; the field is marked and focused; nothing is saved', async () => {
    inbox = await createTestInbox();
    await inbox.client.send({
      type: 'settings.update',
      patch: {
        cannedResponses: [{ shortcut: 'hours', title: 'Opening hours', text: { en: 'We open at 9.', nl: '' } }],
      },
    });
    const element = await section(inbox);
    getByRole(element, 'button', 'Add canned response').click();
    const group = await until(() => queryByRole(element, 'group', 'New canned response'), 'a new snippet');
    fill(getByRole<HTMLInputElement>(group, 'textbox', /^Shortcut/), 'hours');
    fill(getByRole<HTMLInputElement>(group, 'textbox', 'Title'), 'Hours again');
    fill(getByRole<HTMLTextAreaElement>(group, 'textbox', 'Text in English'), 'Also 9.');
    await element.updateComplete;
    getByRole(element, 'button', 'Save canned responses').click();
    const alert = await until(
      () => (getByRole(element, 'alert').textContent!.includes('/hours') ? getByRole(element, 'alert') : null),
      'the refusal',
    );
    expect(alert.textContent).to.contain('Two canned responses use the shortcut /hours');
    const fields = getAllByRole<HTMLInputElement>(element, 'textbox', /^Shortcut/);
    expect(fields.map((field) => field.getAttribute('aria-invalid'))).to.deep.equal([null, 'true']);
    expect(activeElement()).to.equal(fields[1]);
    expect(fields[1]!.getAttribute('aria-describedby')).to.equal('canned-error');

    fill(fields[1]!, 'Hours Again');
    await element.updateComplete;
    getByRole(element, 'button', 'Save canned responses').click();
    await until(
      () => getByRole(element, 'alert').textContent!.includes('lowercase letters, digits and dashes'),
      'the shortcut explained',
    );
    expect(savedShortcuts(inbox)).to.deep.equal(['hours']);
    await expect(element).to.be.accessible();
  });

  it('issue 16: removing a canned response moves focus to the next one and saving drops it', async () => {
    inbox = await createTestInbox();
    const text = { en: 'Text', nl: 'Tekst' };
    await inbox.client.send({
      type: 'settings.update',
      patch: {
        cannedResponses: [
          { shortcut: 'a', title: 'A', text },
          { shortcut: 'b', title: 'B', text },
        ],
      },
    });
    const element = await section(inbox);
    getByRole(element, 'button', 'Remove canned response /a').click();
    await until(() => !queryByRole(element, 'group', 'Canned response /a'), 'the snippet is gone');
    await until(
      () => activeElement() === getByRole(getByRole(element, 'group', 'Canned response /b'), 'textbox', /^Shortcut/),
      'focus on the next snippet',
    );
    getByRole(element, 'button', 'Remove canned response /b').click();
    await until(() => activeElement() === getByRole(element, 'button', 'Add canned response'), 'focus on Add');
    getByRole(element, 'button', 'Save canned responses').click();
    await until(() => savedShortcuts(inbox).length === 0, 'both removed');
  });

  it('issue 16: a team member who is not an admin sees the list, not the editor; in Dutch', async () => {
    inbox = await createTestInbox({ agentId: 'agent-bo' });
    const element = await section(inbox, 'nl');
    getByRole(element, 'heading', 'Standaardantwoorden');
    expect(element.shadowRoot!.textContent).to.contain('Alleen een beheerder kan de standaardantwoorden wijzigen.');
    expect(queryByRole(element, 'button', 'Standaardantwoord toevoegen')).to.equal(null);
    await expect(element).to.be.accessible();
  });
});

import { expect, fixture, html } from '@open-wc/testing';
import './define.js';
import type { ConfabSatisfactionHours } from './satisfaction-hours.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { getByRole, until } from '../test/dom.js';

async function section(inbox: TestInbox, locale = 'en') {
  const element = await fixture<ConfabSatisfactionHours>(
    html`<confab-satisfaction-hours .client=${inbox.client} .locale=${locale}></confab-satisfaction-hours>`,
  );
  await until(() => element.shadowRoot!.querySelector('form'), 'the form');
  return element;
}

function fill(field: HTMLInputElement, value: string) {
  field.value = value;
  field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

/** A weekday's time field, by its accessible name ("Monday opens"). */
const time = (element: ConfabSatisfactionHours, name: string) =>
  element.shadowRoot!.querySelector<HTMLInputElement>(`input[type="time"][aria-label="${name}"]`)!;

describe('confab-satisfaction-hours (issue 17)', () => {
  let inbox: TestInbox;
  afterEach(closeTestInboxes);

  it('I1 an admin turns the rating on with a Dutch question and sets Monday and Saturday hours in a zone', async () => {
    inbox = await createTestInbox();
    const element = await section(inbox);
    getByRole(element, 'group', 'Rating after a chat');
    getByRole<HTMLInputElement>(
      element,
      'checkbox',
      'Ask visitors to rate a chat from 1 to 5 once it is closed',
    ).click();
    fill(getByRole<HTMLInputElement>(element, 'textbox', 'Question in Dutch (empty: the widget’s own)'), 'Tevreden?');
    getByRole<HTMLInputElement>(element, 'checkbox', /^Outside these hours/).click();
    fill(
      getByRole<HTMLInputElement>(element, 'textbox', 'Time zone (IANA, like Europe/Amsterdam)'),
      'Europe/Amsterdam',
    );
    fill(time(element, 'Tuesday opens'), '');
    fill(time(element, 'Tuesday closes'), '');
    fill(time(element, 'Saturday opens'), '10:00');
    fill(time(element, 'Saturday closes'), '00:00');
    await expect(element).to.be.accessible();
    getByRole(element, 'button', 'Save rating and hours').click();
    await until(() => getByRole(element, 'status').textContent === 'Rating and hours saved', 'saved');
    const settings = inbox.client.store.settings()!;
    expect(settings.satisfaction).to.deep.equal({ enabled: true, question: { en: '', nl: 'Tevreden?' } });
    const nineToFive = [{ open: '09:00', close: '17:00' }];
    expect(settings.hours).to.deep.equal({
      enabled: true,
      timeZone: 'Europe/Amsterdam',
      week: [nineToFive, [], nineToFive, nineToFive, nineToFive, [{ open: '10:00', close: '24:00' }], []],
    });
    expect(time(element, 'Saturday closes').value, 'midnight shows as 00:00').to.equal('00:00');
  });

  it('a zone the engine does not know is refused in the admin’s language and nothing is saved', async () => {
    inbox = await createTestInbox();
    const element = await section(inbox, 'nl');
    fill(getByRole<HTMLInputElement>(element, 'textbox', 'Tijdzone (IANA, zoals Europe/Amsterdam)'), 'Mars/Base');
    getByRole(element, 'button', 'Beoordeling en openingstijden opslaan').click();
    await until(() => getByRole(element, 'status').textContent?.startsWith('Niet opgeslagen:'), 'the refusal');
    expect(inbox.client.store.settings()!.hours).to.equal(undefined);
  });
});

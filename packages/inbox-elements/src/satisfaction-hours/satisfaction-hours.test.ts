import { expect, fixture, html } from '@open-wc/testing';
import './define.js';
import type { ConfabSatisfactionHours } from './satisfaction-hours.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { getByRole, until } from '../test/dom.js';
import { sendKeys } from '@web/test-runner-commands';

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
    fill(getByRole<HTMLInputElement>(element, 'combobox', 'Time zone'), 'Europe/Amsterdam');
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
    fill(getByRole<HTMLInputElement>(element, 'combobox', 'Tijdzone'), 'Mars/Base');
    getByRole(element, 'button', 'Beoordeling en openingstijden opslaan').click();
    await until(() => getByRole(element, 'status').textContent?.startsWith('Niet opgeslagen:'), 'the refusal');
    expect(inbox.client.store.settings()!.hours).to.equal(undefined);
  });

  it('I1 a day takes more than one range: add 13:00–17:00 after a lunch break, remove a range, keyboard only', async () => {
    inbox = await createTestInbox();
    const element = await section(inbox);
    fill(time(element, 'Monday closes'), '12:00');
    const add = getByRole<HTMLButtonElement>(element, 'button', 'Add a range to Monday');
    add.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => time(element, 'Monday opens (range 2)'), 'the second range');
    expect(element.shadowRoot!.activeElement, 'focus moves to the new range').to.equal(
      time(element, 'Monday opens (range 2)'),
    );
    expect(time(element, 'Monday closes').value, 'what was typed stays').to.equal('12:00');
    fill(time(element, 'Monday opens (range 2)'), '13:00');
    fill(time(element, 'Monday closes (range 2)'), '17:00');
    // A third range on Friday, removed again: focus goes back to the range before it.
    getByRole<HTMLButtonElement>(element, 'button', 'Add a range to Friday').click();
    await until(() => time(element, 'Friday opens (range 2)'), 'a second Friday range');
    const remove = getByRole<HTMLButtonElement>(element, 'button', 'Remove range 2 of Friday');
    remove.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => !element.shadowRoot!.querySelector('[aria-label="Friday opens (range 2)"]'), 'the range removed');
    expect(element.shadowRoot!.activeElement).to.equal(time(element, 'Friday opens'));
    getByRole<HTMLInputElement>(element, 'checkbox', /^Outside these hours/).click();
    await expect(element).to.be.accessible();
    getByRole(element, 'button', 'Save rating and hours').click();
    await until(() => getByRole(element, 'status').textContent === 'Rating and hours saved', 'saved');
    const nineToFive = [{ open: '09:00', close: '17:00' }];
    expect(inbox.client.store.settings()!.hours!.week).to.deep.equal([
      [
        { open: '09:00', close: '12:00' },
        { open: '13:00', close: '17:00' },
      ],
      nineToFive,
      nineToFive,
      nineToFive,
      nineToFive,
      [],
      [],
    ]);
    await until(() => time(element, 'Monday opens (range 2)')?.value === '13:00', 'the saved ranges shown');
  });

  it('the time zone picker offers the zones the browser knows and starts at the browser’s zone; in Dutch too', async () => {
    inbox = await createTestInbox();
    const element = await section(inbox, 'nl');
    const zone = getByRole<HTMLInputElement>(element, 'combobox', 'Tijdzone');
    expect(zone.value).to.equal(Intl.DateTimeFormat().resolvedOptions().timeZone);
    const offered = [...zone.list!.querySelectorAll('option')].map((option) => option.value);
    expect(offered).to.include('Europe/Amsterdam');
    expect(offered).to.include('America/New_York');
    getByRole(element, 'button', 'Tijdvak toevoegen aan maandag');
    await expect(element).to.be.accessible();
  });
});

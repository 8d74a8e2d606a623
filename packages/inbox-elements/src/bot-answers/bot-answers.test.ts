import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import './define.js';
import type { ConfabBotAnswers } from './bot-answers.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { activeElement, getByRole, queryByRole, until } from '../test/dom.js';

async function section(inbox: TestInbox, locale = 'en') {
  const element = await fixture<ConfabBotAnswers>(
    html`<confab-bot-answers .client=${inbox.client} .locale=${locale}></confab-bot-answers>`,
  );
  await until(() => element.shadowRoot!.querySelector('section'), 'the section');
  return element;
}

function fill(field: HTMLInputElement | HTMLTextAreaElement, value: string) {
  field.focus();
  field.value = value;
  field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

const savedBot = (inbox: TestInbox) => inbox.client.store.settings()!.bot;

describe('confab-bot-answers', () => {
  let inbox: TestInbox;
  afterEach(closeTestInboxes);

  it('W5 an admin adds an answer with keywords and the hand-over offer, changes the fallback, and saves both', async () => {
    inbox = await createTestInbox();
    const element = await section(inbox);
    getByRole(element, 'heading', 'Bot answers');
    const fallback = getByRole<HTMLTextAreaElement>(element, 'textbox', 'When no answer matches');
    expect(fallback.value).to.equal("I'm not sure I can help with that. Would you like to talk to a person?");
    getByRole(element, 'button', 'Add answer').click();
    const group = await until(() => queryByRole(element, 'group', 'New answer'), 'a new answer');
    const keywords = getByRole<HTMLInputElement>(group, 'textbox', 'Keywords, separated by commas');
    await until(() => activeElement() === keywords, 'focus on the new keywords');
    fill(keywords, 'opening hours, openingstijden,');
    fill(getByRole<HTMLTextAreaElement>(group, 'textbox', 'Answer'), 'Mon–Fri 9–17.');
    getByRole<HTMLInputElement>(group, 'checkbox', 'Also offer to talk to a person').click();
    fill(fallback, 'Let me find someone for you.');
    await element.updateComplete;
    getByRole(element, 'group', 'Answer to “opening hours, openingstijden”');
    await expect(element).to.be.accessible();
    getByRole(element, 'button', 'Save bot answers').click();
    await until(() => savedBot(inbox).answers?.length === 1, 'saved in the settings');
    expect(savedBot(inbox).answers).to.deep.equal([
      { keywords: ['opening hours', 'openingstijden'], text: 'Mon–Fri 9–17.', offerHandover: true },
    ]);
    expect(savedBot(inbox).fallback).to.equal('Let me find someone for you.');
    await until(() => getByRole(element, 'status').textContent === 'Bot answers saved', 'saved notice');
  });

  it('W5 an answer without keywords or text is refused: the field is marked and focused, nothing is saved', async () => {
    inbox = await createTestInbox();
    const element = await section(inbox);
    getByRole(element, 'button', 'Add answer').click();
    const group = await until(() => queryByRole(element, 'group', 'New answer'), 'a new answer');
    fill(getByRole<HTMLInputElement>(group, 'textbox', 'Keywords, separated by commas'), ' , ');
    fill(getByRole<HTMLTextAreaElement>(group, 'textbox', 'Answer'), 'An answer to nothing.');
    await element.updateComplete;
    getByRole(element, 'button', 'Save bot answers').click();
    await until(
      () => getByRole(element, 'alert').textContent!.includes('at least one keyword'),
      'the refusal explained',
    );
    const keywords = getByRole<HTMLInputElement>(group, 'textbox', 'Keywords, separated by commas');
    expect(keywords.getAttribute('aria-invalid')).to.equal('true');
    expect(keywords.getAttribute('aria-describedby')).to.equal('bot-answers-error');
    await until(() => activeElement() === keywords, 'focus on the keywords');
    expect(savedBot(inbox).answers ?? []).to.deep.equal([]);

    fill(keywords, 'refund');
    fill(getByRole<HTMLTextAreaElement>(group, 'textbox', 'Answer'), '   ');
    await element.updateComplete;
    getByRole(element, 'button', 'Save bot answers').click();
    await until(() => getByRole(element, 'alert').textContent!.includes('needs a text'), 'the text explained');
    await until(() => activeElement() === getByRole(group, 'textbox', 'Answer'), 'focus on the answer');
    expect(savedBot(inbox).answers ?? []).to.deep.equal([]);
    await expect(element).to.be.accessible();
  });

  it('W5 removing an answer moves focus to Add, and saving drops it', async () => {
    inbox = await createTestInbox();
    await inbox.client.send({
      type: 'settings.update',
      patch: { bot: { answers: [{ keywords: ['pricing'], text: 'From €9.', offerHandover: false }] } },
    });
    const element = await section(inbox);
    getByRole(element, 'button', 'Remove the answer to “pricing”').click();
    await until(() => activeElement() === getByRole(element, 'button', 'Add answer'), 'focus on Add');
    getByRole(element, 'button', 'Save bot answers').click();
    await until(() => savedBot(inbox).answers?.length === 0, 'removed');
  });

  it('W5 a team member who is not an admin sees the answers, not the editor; in Dutch', async () => {
    inbox = await createTestInbox({ agentId: 'agent-bo' });
    const element = await section(inbox, 'nl');
    getByRole(element, 'heading', 'Antwoorden van de bot');
    expect(element.shadowRoot!.textContent).to.contain('Alleen een beheerder kan de antwoorden van de bot wijzigen.');
    expect(element.shadowRoot!.textContent).to.contain('Nog geen antwoorden');
    expect(queryByRole(element, 'button', 'Antwoord toevoegen')).to.equal(null);
    await expect(element).to.be.accessible();
  });
});

import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../define.js';
import type { ConfabViewList } from './view-list.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { activeElement, getAllByRole, getByRole, press, queryByRole, until } from '../test/dom.js';

describe('confab-view-list', () => {
  let inbox: TestInbox;
  let element: ConfabViewList;

  beforeEach(async () => {
    inbox = await createTestInbox();
    element = await fixture<ConfabViewList>(
      html`<confab-view-list style="height:700px" .client=${inbox.client}></confab-view-list>`,
    );
    await until(() => getAllByRole(element, 'button', /conversations/).length, 'views rendered');
  });
  afterEach(closeTestInboxes);

  const countOf = (name: string | RegExp) => {
    const button = getByRole(element, 'button', name);
    return Number(button.querySelector('[part="count"]')!.textContent!.replace(/\D/g, ''));
  };

  it('V1–V12 lists every built-in view with its live count', async () => {
    const nav = getByRole(element, 'navigation', 'Views');
    const names = getAllByRole(nav, 'button').map((button) => button.querySelector('span')!.textContent);
    expect(names).to.deep.equal([
      'All conversations',
      'Assigned to me',
      'Unassigned',
      'Email',
      'Chat',
      'Messenger',
      'Forms',
      'Tickets',
      'Bots',
      'Filtered',
      'Trash',
      'Sent',
    ]);
    expect(countOf('All conversations')).to.equal(inbox.client.store.count('all'));
    expect(countOf('Trash')).to.equal(1);
    expect(countOf('Filtered')).to.equal(2);
    expect(countOf('Sent')).to.equal(1);
    expect(countOf('Bots')).to.equal(1);
  });

  it('V1 counts change live as conversations move (deleting one moves it to Trash)', async () => {
    const all = countOf('All conversations');
    await inbox.client.send({ type: 'conversation.trash', conversationIds: ['c-chat'] });
    await until(() => countOf('All conversations') === all - 1, 'All count to drop');
    expect(countOf('Trash')).to.equal(2);
  });

  it('V2 choosing a view marks it current and fires confab-view-change', async () => {
    const mine = getByRole(element, 'button', 'Assigned to me');
    const event = oneEvent(element, 'confab-view-change');
    mine.click();
    expect((await event).detail.viewId).to.equal('mine');
    await element.updateComplete;
    expect(mine.getAttribute('aria-current')).to.equal('page');
  });

  it('V1 saved views (a name plus a filter) appear with their live count and can be deleted', async () => {
    await inbox.client.send({
      type: 'view.save',
      name: 'Open email',
      filter: { scope: 'inbox', channels: ['email'], status: 'open' },
    });
    const saved = await until(
      () => getAllByRole(element, 'button', 'Open email').find((b) => b.matches('.view')),
      'saved view',
    );
    expect(getByRole(element, 'heading', 'Saved views')).to.be.instanceOf(Element);
    expect(saved.textContent).to.match(/\d/);
    getByRole(element, 'button', 'Delete view Open email').click();
    await until(() => !getAllByRole(element, 'button', 'Open email').length, 'saved view gone');
  });

  it('issue 16: a saved view is renamed from the keyboard; Escape keeps the name; focus comes back to Rename', async () => {
    await inbox.client.send({ type: 'view.save', name: 'Open email', filter: { channels: ['email'] } });
    const rename = await until(() => queryByRole(element, 'button', 'Rename view Open email'), 'Rename offered');
    rename.click();
    const field = await until(
      () => queryByRole<HTMLInputElement>(element, 'textbox', 'New name for view Open email'),
      'the name field',
    );
    await until(() => activeElement() === field, 'focus in the name field');
    await expect(element).to.be.accessible();
    press('Escape', { target: field });
    await until(() => activeElement() === getByRole(element, 'button', 'Rename view Open email'), 'focus back');
    getByRole(element, 'button', 'Rename view Open email').click();
    const again = await until(() => queryByRole<HTMLInputElement>(element, 'textbox', /^New name/), 'the field again');
    again.value = ' ';
    getByRole(element, 'button', 'Save name').click();
    await until(() => getByRole(element, 'alert').textContent!.trim() !== '', 'a blank name refused');
    expect(again.getAttribute('aria-invalid')).to.equal('true');
    again.value = 'Email to answer';
    getByRole(element, 'button', 'Save name').click();
    await until(() => activeElement() === queryByRole(element, 'button', 'Rename view Email to answer'), 'renamed');
    expect(inbox.client.store.views().some((view) => view.name === 'Email to answer')).to.equal(true);
    expect(queryByRole(element, 'button', 'Rename view Open email')).to.equal(null);
  });

  it('S1 the availability switch beside the avatar toggles Available / Away', async () => {
    const toggle = getByRole(element, 'switch', 'Available');
    expect(toggle.getAttribute('aria-checked')).to.equal('true');
    toggle.click();
    await until(() => inbox.client.me.get()?.availability === 'away', 'agent away');
    await until(() => toggle.getAttribute('aria-checked') === 'false', 'switch off');
    toggle.click();
    await until(() => inbox.client.me.get()?.availability === 'available', 'agent available');
  });

  it('C1 Compose sits above the views and fires a cancelable confab-compose', async () => {
    const compose = getByRole(element, 'button', 'Compose');
    const event = oneEvent(element, 'confab-compose');
    compose.click();
    const fired = await event;
    expect(fired.cancelable).to.equal(true);
    expect(fired.composed).to.equal(true);
  });

  it('I1 the settings entry fires confab-open-settings', async () => {
    const event = oneEvent(element, 'confab-open-settings');
    getByRole(element, 'button', 'Settings').click();
    expect((await event).bubbles).to.equal(true);
  });

  it('V1 is accessible (axe) in light and dark themes', async () => {
    await expect(element).to.be.accessible();
    element.theme = 'dark';
    await element.updateComplete;
    await expect(element).to.be.accessible();
  });

  it('V1 speaks Dutch with locale="nl" (wording of the guide)', async () => {
    element.locale = 'nl';
    await element.updateComplete;
    for (const name of [
      'Alle gesprekken',
      'Toegewezen aan mij',
      'Niet-toegewezen gesprekken',
      'Gefilterd',
      'Prullenbak',
      'Verzonden',
      'Samenstellen',
    ]) {
      expect(getByRole(element, 'button', name), name).to.be.instanceOf(Element);
    }
  });
});

import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import type { ConfabFilterBar } from './filter-bar.js';
import type { ConfabConversationList } from '../conversation-list/conversation-list.js';
import type { FilterChangeDetail } from '../shared/events.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import {
  accessibleName,
  activeElement,
  deepElements,
  getAllByRole,
  getByRole,
  press,
  queryByRole,
  until,
} from '../test/dom.js';

/** A filter bar wired to a list, as a host page would do it. */
async function bench(inbox: TestInbox, locale = 'en') {
  const root = await fixture<HTMLDivElement>(
    html`<div style="height:700px;display:flex;flex-direction:column">
      <confab-filter-bar .client=${inbox.client} .locale=${locale}></confab-filter-bar>
      <confab-conversation-list .client=${inbox.client} .locale=${locale} style="flex:1"></confab-conversation-list>
    </div>`,
  );
  const bar = root.querySelector('confab-filter-bar') as ConfabFilterBar;
  const list = root.querySelector('confab-conversation-list') as ConfabConversationList;
  bar.addEventListener('confab-filter-change', (event: CustomEvent<FilterChangeDetail>) => {
    list.filter = event.detail.filter;
    list.search = event.detail.search;
  });
  await until(() => getAllByRole(list, 'option').length, 'rows');
  return { bar, list };
}

const ids = (list: ConfabConversationList) => getAllByRole(list, 'option').map((option) => option.dataset.id);

async function openMenu(bar: ConfabFilterBar, name = 'Filter') {
  getByRole(bar, 'button', name).click();
  return until(() => queryByRole(bar, 'menu', name), 'filter menu');
}

/** A date input by its label (date inputs have no role of their own). */
function dateInput(root: Element, name: string): HTMLInputElement {
  const found = deepElements(root).find((e) => e.matches('input[type="date"]') && accessibleName(e) === name);
  if (!found) throw new Error(`no date input ${name}`);
  return found as HTMLInputElement;
}

async function label(inbox: TestInbox, name: string, conversationIds: string[]): Promise<string> {
  const { labelId } = (await inbox.client.send({ type: 'label.create', name, color: '#0366d6' })) as {
    labelId: string;
  };
  await inbox.client.send({ type: 'conversation.addLabel', conversationIds, labelId });
  return labelId;
}

describe('confab-filter-bar: labels and dates (issue 16)', () => {
  let inbox: TestInbox;
  afterEach(closeTestInboxes);

  it('F2 filters by label (every chosen one), live; a saved view keeps the labels and stays live', async () => {
    inbox = await createTestInbox();
    const vip = await label(inbox, 'VIP', ['c-email', 'c-chat']);
    const billing = await label(inbox, 'Billing', ['c-chat']);
    const { bar, list } = await bench(inbox);
    const menu = await openMenu(bar);
    const group = getByRole(menu, 'group', 'Label');
    expect(getAllByRole(group, 'menuitemcheckbox').map(accessibleName)).to.deep.equal(['Billing', 'VIP']);
    getByRole(group, 'menuitemcheckbox', 'VIP').click();
    await until(() => ids(list).join() === 'c-email,c-chat', 'VIP only');
    getByRole(group, 'menuitemcheckbox', 'Billing').click();
    await until(() => ids(list).join() === 'c-chat', 'VIP and Billing');
    await expect(bar).to.be.accessible();
    press('Escape');
    await bar.updateComplete;
    const chips = getByRole(bar, 'list', 'Active filters');
    expect(getAllByRole(chips, 'button', /^Remove filter/).map(accessibleName)).to.deep.equal([
      'Remove filter Label: VIP',
      'Remove filter Label: Billing',
    ]);
    // Live: a conversation that gets both labels enters without a reload.
    await inbox.client.send({ type: 'conversation.addLabel', conversationIds: ['c-form'], labelId: vip });
    await inbox.client.send({ type: 'conversation.addLabel', conversationIds: ['c-form'], labelId: billing });
    await until(() => ids(list).join() === 'c-chat,c-form', 'c-form entered');

    getByRole(bar, 'button', 'Save as view').click();
    const name = await until(() => queryByRole<HTMLInputElement>(bar, 'textbox', 'View name'), 'name field');
    name.value = 'Key billing';
    getByRole(bar, 'button', /^Save$/).click();
    const view = await until(() => inbox.client.store.views().find((each) => each.name === 'Key billing'), 'saved');
    expect(view.filter.labels).to.deep.equal([vip, billing]);
    // The saved view alone shows what the list showed, and stays live.
    list.filter = {};
    list.view = view.id;
    await until(() => ids(list).join() === 'c-chat,c-form', 'the saved view');
    await inbox.client.send({ type: 'conversation.removeLabel', conversationIds: ['c-chat'], labelId: billing });
    await until(() => ids(list).join() === 'c-form', 'c-chat left the saved view');
  });

  it('F2 date presets stay periods: the filter and a saved view hold "last 24 hours", never a date', async () => {
    inbox = await createTestInbox();
    const { bar, list } = await bench(inbox);
    const changes: FilterChangeDetail[] = [];
    bar.addEventListener('confab-filter-change', (event: CustomEvent<FilterChangeDetail>) =>
      changes.push(event.detail),
    );
    const menu = await openMenu(bar);
    getByRole(menu, 'menuitemradio', 'Last 24 hours').click();
    await until(() => !ids(list).includes('c-old') && ids(list).length === 5, 'the old one left');
    expect(changes.at(-1)!.filter).to.deep.equal({ activityWithin: '24h' });
    expect(getByRole(menu, 'menuitemradio', 'Last 24 hours').getAttribute('aria-checked')).to.equal('true');
    press('Escape');
    await bar.updateComplete;
    getByRole(bar, 'button', 'Save as view').click();
    const name = await until(() => queryByRole<HTMLInputElement>(bar, 'textbox', 'View name'), 'name field');
    name.value = 'Recent';
    getByRole(bar, 'button', /^Save$/).click();
    const view = await until(() => inbox.client.store.views().find((each) => each.name === 'Recent'), 'saved');
    expect(view.filter).to.deep.equal({ scope: 'inbox', activityWithin: '24h' });
  });

  it('F2 a custom range takes two dates from the keyboard; a backwards range is explained and nothing changes; in Dutch', async () => {
    inbox = await createTestInbox();
    const { bar, list } = await bench(inbox, 'nl');
    const menu = await openMenu(bar, 'Filter');
    getByRole(menu, 'menuitemradio', 'Eigen periode…').click();
    const form = await until(() => queryByRole(bar, 'form', 'Eigen periode'), 'the range form');
    const from = dateInput(form, 'Van');
    const to = dateInput(form, 'Tot en met');
    await until(() => activeElement() === from, 'focus on From');
    const day = (offset: number) => {
      const date = new Date(Date.now() + offset * 86_400_000);
      return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
    };
    from.value = day(0);
    to.value = day(-4);
    getByRole(form, 'button', 'Datums toepassen').click();
    const alert = await until(
      () => (getByRole(form, 'alert').textContent ? getByRole(form, 'alert') : null),
      'problem',
    );
    expect(alert.textContent).to.contain('het begin niet na het einde');
    expect(from.getAttribute('aria-invalid')).to.equal('true');
    expect(ids(list)).to.have.length(6);
    await expect(bar).to.be.accessible();

    from.value = day(-4);
    to.value = day(-2);
    getByRole(form, 'button', 'Datums toepassen').click();
    await until(() => ids(list).join() === 'c-old', 'only the conversation of 3 days ago');
    await until(() => activeElement() === getByRole(bar, 'button', 'Filter'), 'focus back on Filter');
    const chip = getAllByRole(bar, 'button', /^Filter .*verwijderen$|^Remove filter/)[0]!;
    expect(accessibleName(chip)).to.match(/Datum: .+ – .+/);
    const reopened = await openMenu(bar);
    expect(getByRole(reopened, 'menuitemradio', 'Eigen periode…').getAttribute('aria-checked')).to.equal('true');
    getByRole(reopened, 'menuitemradio', 'Altijd').click();
    await until(() => ids(list).length === 6, 'all back');
  });
});

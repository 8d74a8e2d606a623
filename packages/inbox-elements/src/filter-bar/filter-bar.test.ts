import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../define.js';
import type { ConfabFilterBar } from './filter-bar.js';
import type { ConfabConversationList } from '../conversation-list/conversation-list.js';
import type { FilterChangeDetail } from '../shared/events.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { activeElement, getAllByRole, getByRole, press, queryByRole, until } from '../test/dom.js';

/** A filter bar wired to a list, as a host page would do it. */
async function bench(inbox: TestInbox) {
  const root = await fixture<HTMLDivElement>(
    html`<div style="height:700px;display:flex;flex-direction:column">
      <confab-filter-bar .client=${inbox.client}></confab-filter-bar>
      <confab-conversation-list .client=${inbox.client} style="flex:1"></confab-conversation-list>
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

async function openMenu(bar: ConfabFilterBar) {
  getByRole(bar, 'button', 'Filter').click();
  return until(() => queryByRole(bar, 'menu', 'Filter'), 'filter menu');
}

describe('confab-filter-bar', () => {
  let inbox: TestInbox;
  beforeEach(async () => {
    inbox = await createTestInbox();
  });
  afterEach(closeTestInboxes);

  it('F1 search narrows the list by contact, subject and message text', async () => {
    const { bar, list } = await bench(inbox);
    const search = getByRole<HTMLInputElement>(bar, 'searchbox', 'Search conversations');
    search.value = 'invoice';
    search.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await until(() => ids(list).join() === 'c-email', 'search result');
    search.value = 'Bob Visitor';
    search.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await until(() => ids(list).join() === 'c-chat,c-bot', 'contact name search');
  });

  it('F2 status, channel, assignee and date filters, each shown as a removable chip', async () => {
    const { bar, list } = await bench(inbox);
    let menu = await openMenu(bar);
    getByRole(menu, 'menuitemcheckbox', 'Chat').click();
    await until(
      () => ids(list).every((id) => inbox.client.store.conversation(id!)?.channel === 'chat') && ids(list).length === 3,
      'chat only',
    );
    getByRole(menu, 'menuitemradio', 'Nobody').click();
    await until(() => ids(list).join() === 'c-chat,c-bot,c-hostile', 'unassigned chats');
    getByRole(menu, 'menuitemradio', 'Closed').click();
    await until(() => ids(list).length === 0, 'no closed chats');
    press('Escape');
    await bar.updateComplete;
    expect(activeElement()).to.equal(getByRole(bar, 'button', 'Filter'));
    const chips = getByRole(bar, 'list', 'Active filters');
    expect(getAllByRole(chips, 'button', /^Remove filter/).map((b) => b.getAttribute('aria-label'))).to.deep.equal([
      'Remove filter Status: Closed',
      'Remove filter Channel: Chat',
      'Remove filter Assignee: Nobody',
    ]);
    getByRole(chips, 'button', 'Remove filter Status: Closed').click();
    await until(() => ids(list).join() === 'c-chat,c-bot,c-hostile', 'status filter removed');
    menu = await openMenu(bar);
    getByRole(menu, 'menuitemradio', 'Last 24 hours').click();
    await until(() => getAllByRole(bar, 'button', 'Remove filter Date: Last 24 hours').length, 'date chip');
    getByRole(bar, 'button', 'Clear all').click();
    await until(() => ids(list).length === 6, 'all back');
  });

  it('F2 the assignee filter lists teammates; the open menu is keyboard operable and accessible', async () => {
    const { bar, list } = await bench(inbox);
    const trigger = getByRole(bar, 'button', 'Filter');
    trigger.focus();
    press('ArrowDown', { target: trigger });
    await until(() => activeElement()?.getAttribute('role') === 'menuitemradio', 'first item focused');
    press('End');
    expect(activeElement()!.textContent).to.contain('Custom range…');
    press('Home');
    expect(activeElement()!.textContent).to.contain('Any status');
    await expect(bar).to.be.accessible();
    getByRole(bar, 'menuitemradio', 'Bo Builder').click();
    await until(() => ids(list).join() === 'c-old', "Bo's conversations");
  });

  it('F2 the assignee filter leaves out disabled teammates and invitees who have not joined yet', async () => {
    await inbox.client.send({ type: 'agent.disable', agentId: 'agent-bo' });
    await inbox.client.send({ type: 'agent.invite', email: 'dee@team.example', name: 'Dee Invited', role: 'agent' });
    const { bar } = await bench(inbox);
    const menu = await openMenu(bar);
    const names = getAllByRole(menu, 'menuitemradio').map((item) => item.textContent!.trim());
    expect(names).to.include.members(['Ann Agent', 'Cy Support']);
    expect(names).to.not.include('Bo Builder');
    expect(names).to.not.include('Dee Invited');
  });

  it('F3 filters and search stay live: a matching conversation enters without a reload', async () => {
    const { bar, list } = await bench(inbox);
    const menu = await openMenu(bar);
    getByRole(menu, 'menuitemcheckbox', 'Email').click();
    const search = getByRole<HTMLInputElement>(bar, 'searchbox');
    search.value = 'refund';
    search.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await until(() => ids(list).length === 0, 'nothing yet');
    await inbox.memory.backend.execute(
      { kind: 'system' },
      {
        type: 'inbound.email',
        from: 'dan@customer.example',
        to: ['support@confab.example'],
        subject: 'Refund please',
        text: 'I want a refund',
        messageId: '<r@x>',
        date: inbox.memory.now(),
      },
    );
    await until(() => ids(list).length === 1, 'new match appears');
  });

  it('F2 filters can be saved as a view', async () => {
    const { bar } = await bench(inbox);
    const menu = await openMenu(bar);
    getByRole(menu, 'menuitemradio', 'Open').click();
    press('Escape');
    await bar.updateComplete;
    getByRole(bar, 'button', 'Save as view').click();
    const name = await until(() => queryByRole<HTMLInputElement>(bar, 'textbox', 'View name'), 'name field');
    name.value = 'Open ones';
    getByRole(bar, 'button', /^Save$/).click();
    await until(
      () => inbox.client.store.views().some((view) => view.name === 'Open ones' && view.filter.status === 'open'),
      'view saved',
    );
  });

  it('F2 a saved view is what the list shows: "Assigned to me" narrowed to a teammate shows nothing, and is not saved as the teammate\'s view', async () => {
    const { bar, list } = await bench(inbox);
    bar.view = 'mine';
    list.view = 'mine';
    const me = inbox.client.me.get()!.id;
    const teammate = [...inbox.client.store.state.agents.values()].find((agent) => agent.id !== me && !agent.disabled)!;
    const menu = await openMenu(bar);
    getByRole(menu, 'menuitemradio', teammate.name).click();
    press('Escape');
    await until(() => getAllByRole(list, 'option').length === 0, 'the list shows nothing');
    const viewsBefore = inbox.client.store.views().length;
    getByRole(bar, 'button', 'Save as view').click();
    const name = await until(() => queryByRole<HTMLInputElement>(bar, 'textbox', 'View name'), 'name field');
    name.value = 'Theirs';
    getByRole(bar, 'button', /^Save$/).click();
    const alert = await until(() => queryByRole(bar, 'alert'), 'the reason');
    expect(alert.textContent).to.contain('show no conversations');
    expect(inbox.client.store.views().length).to.equal(viewsBefore);
  });

  it('F1 emits confab-filter-change with filter and search', async () => {
    const { bar } = await bench(inbox);
    const search = getByRole<HTMLInputElement>(bar, 'searchbox');
    const event = oneEvent(bar, 'confab-filter-change');
    search.value = 'x';
    search.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    expect((await event).detail).to.deep.equal({ filter: {}, search: 'x' });
  });
});

import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import type { ConfabConversationList } from './conversation-list.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { accessibleName, activeElement, getAllByRole, getByRole, press, queryByRole, until } from '../test/dom.js';

async function list(inbox: TestInbox, locale = 'en') {
  const element = await fixture<ConfabConversationList>(
    html`<confab-conversation-list
      style="height:600px"
      .client=${inbox.client}
      .locale=${locale}
      view="all"
    ></confab-conversation-list>`,
  );
  await until(() => getAllByRole(element, 'option').length, 'rows rendered');
  return element;
}

const row = (element: Element, id: string) => getAllByRole(element, 'option').find((o) => o.dataset.id === id)!;

async function createLabel(inbox: TestInbox, name: string, color: string): Promise<string> {
  const result = (await inbox.client.send({ type: 'label.create', name, color })) as { labelId: string };
  return result.labelId;
}

describe('confab-conversation-list: labels (issue 16)', () => {
  let inbox: TestInbox;
  afterEach(closeTestInboxes);

  it('L3 the Labels menu puts a label on the selected conversations and takes it off, from the keyboard, with undo', async () => {
    inbox = await createTestInbox();
    const vip = await createLabel(inbox, 'VIP', '#d73a49');
    await createLabel(inbox, 'Billing', '#0366d6');
    const element = await list(inbox);
    const listbox = getByRole(element, 'listbox', 'Conversations');
    listbox.focus();
    press('x', { target: listbox });
    press('ArrowDown', { target: listbox });
    press('x', { target: listbox });
    await element.updateComplete;
    const trigger = getByRole(element, 'button', 'Labels');
    expect(trigger.getAttribute('aria-haspopup')).to.equal('menu');
    trigger.focus();
    press('ArrowDown', { target: trigger });
    const menu = await until(() => queryByRole(element, 'menu', 'Labels'), 'the menu');
    const items = getAllByRole(menu, 'menuitemcheckbox');
    expect(items.map((item) => [accessibleName(item), item.getAttribute('aria-checked')])).to.deep.equal([
      ['Billing', 'false'],
      ['VIP', 'false'],
    ]);
    await until(() => activeElement() === items[0], 'focus on the first label');
    await expect(element).to.be.accessible();
    press('ArrowDown', { target: items[0] });
    expect(activeElement()).to.equal(items[1]);
    items[1]!.click();
    await until(() => activeElement() === getByRole(element, 'button', 'Labels'), 'focus back on Labels');
    await until(
      () => ['c-email', 'c-chat'].every((id) => inbox.client.store.conversation(id)?.labelIds?.includes(vip)),
      'labelled',
    );
    await until(
      () => getByRole(element, 'status').textContent!.includes('Label VIP added to 2 conversations'),
      'notice',
    );
    // The rows show the label by name (not colour alone), and say it to a screen reader.
    await until(() => accessibleName(row(element, 'c-chat')).includes('Labels: VIP.'), 'the row names its label');
    expect(row(element, 'c-chat').querySelector('.label-chip')!.textContent!.trim()).to.equal('VIP');
    expect(row(element, 'c-bot').querySelector('.label-chip')).to.equal(null);

    // One of the two loses it: the menu shows it as mixed; choosing it puts it on both again.
    await inbox.client.send({ type: 'conversation.removeLabel', conversationIds: ['c-chat'], labelId: vip });
    await until(() => !row(element, 'c-chat').querySelector('.label-chip'), 'the row without it');
    getByRole(element, 'button', 'Labels').click();
    const mixed = await until(() => queryByRole(element, 'menuitemcheckbox', 'VIP'), 'the menu again');
    expect(mixed.getAttribute('aria-checked')).to.equal('mixed');
    mixed.click();
    await until(() => row(element, 'c-chat').querySelector('.label-chip'), 'on both again');
    getByRole(element, 'button', 'Labels').click();
    const all = await until(() => queryByRole(element, 'menuitemcheckbox', 'VIP'), 'the menu once more');
    expect(all.getAttribute('aria-checked')).to.equal('true');
    all.click();
    await until(() => !inbox.client.store.conversation('c-email')?.labelIds, 'taken off');
    // Undo comes with this action's notice, once the server confirmed it.
    await until(
      () => getByRole(element, 'status').textContent!.includes('Label VIP removed from 2 conversations'),
      'the notice with Undo',
    );
    getByRole(element, 'button', 'Undo').click();
    await until(
      () => ['c-email', 'c-chat'].every((id) => inbox.client.store.conversation(id)?.labelIds?.includes(vip)),
      'undone',
    );
  });

  it('in Dutch, with no labels yet, the menu says where they come from; rows name their labels in Dutch', async () => {
    inbox = await createTestInbox();
    const element = await list(inbox, 'nl');
    (row(element, 'c-chat').querySelector('[part="checkbox"]') as HTMLElement).click();
    await element.updateComplete;
    getByRole(element, 'button', 'Labels').click();
    const menu = await until(() => queryByRole(element, 'menu', 'Labels'), 'the menu');
    expect(menu.textContent).to.contain('Nog geen labels: een beheerder voegt ze toe in de instellingen.');
    await expect(element).to.be.accessible();
    press('Escape', { target: activeElement() });
    await until(() => !queryByRole(element, 'menu'), 'closed');
    const labelId = await createLabel(inbox, 'Terugbellen', '#ffd33d');
    await inbox.client.send({ type: 'conversation.addLabel', conversationIds: ['c-chat'], labelId });
    await until(() => accessibleName(row(element, 'c-chat')).includes('Labels: Terugbellen.'), 'Dutch row');
    await expect(element).to.be.accessible();
  });
});

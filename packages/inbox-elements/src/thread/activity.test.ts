import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import type { ConfabThread } from './thread.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { accessibleName, activeElement, getAllByRole, getByRole, press, queryByRole, until } from '../test/dom.js';

async function thread(inbox: TestInbox, conversationId: string, locale = 'en') {
  const element = await fixture<ConfabThread>(
    html`<confab-thread
      style="height:700px"
      .client=${inbox.client}
      .locale=${locale}
      conversation-id=${conversationId}
    ></confab-thread>`,
  );
  await until(() => element.shadowRoot!.querySelector('.log'), 'thread rendered');
  return element;
}

/** The thread's activity notes, as read. */
const notes = (element: ConfabThread) =>
  [...element.shadowRoot!.querySelectorAll('[part~="activity"]')].map((note) =>
    note.textContent!.replace(/\s+/g, ' ').trim(),
  );

describe('confab-thread: activity notes and labels (issue 16)', () => {
  let inbox: TestInbox;
  afterEach(closeTestInboxes);

  it('assignment, close, reopen and labels show as dated notes naming who did it; the labels show under the title', async () => {
    inbox = await createTestInbox();
    const element = await thread(inbox, 'c-chat');
    expect(notes(element)).to.deep.equal([]);
    const { labelId } = (await inbox.client.send({ type: 'label.create', name: 'VIP', color: '#ffd33d' })) as {
      labelId: string;
    };
    await inbox.client.send({ type: 'conversation.assign', conversationId: 'c-chat', assigneeId: 'agent-bo' });
    await inbox.client.send({ type: 'conversation.setStatus', conversationIds: ['c-chat'], status: 'closed' });
    await inbox.client.send({ type: 'conversation.setStatus', conversationIds: ['c-chat'], status: 'open' });
    await inbox.client.send({ type: 'conversation.addLabel', conversationIds: ['c-chat'], labelId });
    await until(() => notes(element).length === 4, 'four notes');
    const [assigned, closed, reopened, labelled] = notes(element);
    expect(assigned).to.match(/^Ann Agent assigned this conversation to Bo Builder · \S/);
    expect(closed).to.match(/^Ann Agent closed this conversation · /);
    expect(reopened).to.match(/^Ann Agent reopened this conversation · /);
    expect(labelled).to.match(/^Ann Agent added the label VIP · /);
    const time = element.shadowRoot!.querySelector('[part~="activity"] time')!;
    expect(Math.abs(Date.parse(time.getAttribute('datetime')!) - Date.now())).to.be.below(60_000);
    const labels = getByRole(element, 'list', 'Labels');
    expect(getAllByRole(labels, 'listitem').map((item) => item.textContent!.trim())).to.deep.equal(['VIP']);
    // The chip is readable: dark text on the light yellow.
    const chip = labels.querySelector<HTMLElement>('.label-chip')!;
    expect(getComputedStyle(chip).color).to.equal('rgb(0, 0, 0)');
    await expect(element).to.be.accessible();

    // A renamed label is named as it is now, in the header and in the note.
    await inbox.client.send({ type: 'label.update', labelId, name: 'Key account' });
    await until(() => notes(element)[3]?.startsWith('Ann Agent added the label Key account'), 'the note renamed');
    await inbox.client.send({ type: 'conversation.removeLabel', conversationIds: ['c-chat'], labelId });
    await until(() => !queryByRole(element, 'list', 'Labels'), 'no labels left');
    expect(notes(element)[4]).to.match(/^Ann Agent removed the label Key account · /);
  });

  it('the Labels menu puts a label on this conversation and takes it off from the keyboard, focus kept', async () => {
    inbox = await createTestInbox();
    await inbox.client.send({ type: 'label.create', name: 'VIP', color: '#d73a49' });
    await inbox.client.send({ type: 'label.create', name: 'Billing', color: '#0366d6' });
    const element = await thread(inbox, 'c-chat');
    const trigger = getByRole(element, 'button', 'Labels');
    trigger.focus();
    press('ArrowDown', { target: trigger });
    const menu = await until(() => queryByRole(element, 'menu', 'Labels'), 'the menu');
    const items = getAllByRole(menu, 'menuitemcheckbox');
    expect(items.map((item) => [accessibleName(item), item.getAttribute('aria-checked')])).to.deep.equal([
      ['Billing', 'false'],
      ['VIP', 'false'],
    ]);
    await until(() => activeElement() === items[0], 'focus on Billing');
    await expect(element).to.be.accessible();
    press('ArrowDown', { target: items[0] });
    (activeElement() as HTMLElement).click();
    await until(() => queryByRole(element, 'list', 'Labels'), 'the label shown');
    expect(getByRole(element, 'list', 'Labels').textContent!.trim()).to.equal('VIP');
    expect(activeElement()).to.equal(getByRole(element, 'button', 'Labels'));
    getByRole(element, 'button', 'Labels').click();
    const vip = await until(() => queryByRole(element, 'menuitemcheckbox', 'VIP'), 'the menu again');
    expect(vip.getAttribute('aria-checked')).to.equal('true');
    vip.click();
    await until(() => !queryByRole(element, 'list', 'Labels'), 'taken off');
    await until(() => notes(element).length === 2, 'two notes');
  });

  it('in Dutch, trash and restore notes are Dutch and unassigning reads as such; axe-clean in the dark theme', async () => {
    inbox = await createTestInbox();
    await inbox.client.send({ type: 'conversation.assign', conversationId: 'c-chat', assigneeId: 'agent-bo' });
    await inbox.client.send({ type: 'conversation.assign', conversationId: 'c-chat', assigneeId: null });
    await inbox.client.send({ type: 'conversation.trash', conversationIds: ['c-chat'] });
    await inbox.client.send({ type: 'conversation.restore', conversationIds: ['c-chat'] });
    await inbox.client.send({ type: 'conversation.blockSender', conversationId: 'c-chat' });
    const element = await thread(inbox, 'c-chat', 'nl');
    element.setAttribute('theme', 'dark');
    await until(() => notes(element).length === 5, 'five notes');
    expect(notes(element).map((note) => note.split(' · ')[0])).to.deep.equal([
      'Ann Agent heeft dit gesprek toegewezen aan Bo Builder',
      'Ann Agent heeft de toewijzing van dit gesprek opgeheven',
      'Ann Agent heeft dit gesprek naar de prullenbak verplaatst',
      'Ann Agent heeft dit gesprek uit de prullenbak teruggezet',
      'Ann Agent heeft de afzender geblokkeerd',
    ]);
    await expect(element).to.be.accessible();
  });
});

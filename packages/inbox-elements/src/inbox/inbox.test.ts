import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import { defineOnce, INBOX_TAGS } from '../define.js';
import type { ConfabInbox } from './inbox.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { activeElement, getAllByRole, getByRole, press, queryByRole, until } from '../test/dom.js';

async function mount(inbox: TestInbox, locale?: string) {
  const element = await fixture<ConfabInbox>(
    html`<confab-inbox
      style="height:760px;width:1300px"
      .client=${inbox.client}
      locale=${locale ?? ''}
      ticket-url-template="https://crm.example/tickets/{id}"
    ></confab-inbox>`,
  );
  await until(() => getAllByRole(element, 'option').length, 'list rendered');
  return element;
}

const listIds = (element: Element) => getAllByRole(element, 'option').map((option) => option.dataset.id);

describe('confab-inbox', () => {
  let inbox: TestInbox;
  beforeEach(async () => {
    inbox = await createTestInbox();
  });
  afterEach(closeTestInboxes);

  it('T1 composes views, filters, list, thread and About; choosing a row opens its thread and context', async () => {
    const element = await mount(inbox);
    expect(getByRole(element, 'navigation', 'Views')).to.be.instanceOf(Element);
    expect(getByRole(element, 'searchbox', 'Search conversations')).to.be.instanceOf(Element);
    getByRole(element, 'option', 'Alice Andersen').click();
    await until(() => queryByRole(element, 'heading', 'Invoice question'), 'thread open');
    expect(element.conversationId).to.equal('c-email');
    await until(
      () => getByRole(element, 'region', 'Contact').textContent!.includes('Alice Andersen'),
      'about shows contact',
    );
    expect(getByRole<HTMLAnchorElement>(element, 'link', 'Ticket: Invoice 42 refund').href).to.equal(
      'https://crm.example/tickets/ticket-1',
    );
  });

  it('V3 choosing a view in the sidebar switches the list (Unassigned, then Filtered)', async () => {
    const element = await mount(inbox);
    getByRole(element, 'button', 'Unassigned').click();
    await until(() => listIds(element).join() === 'c-chat,c-form,c-hostile', 'unassigned list');
    getByRole(element, 'button', 'Filtered').click();
    await until(() => listIds(element).join() === 'c-spam,c-blocked', 'filtered list');
  });

  const EXPECTED: Array<[id: string, view: string, name: string, ids: string[]]> = [
    ['V2', 'mine', 'Assigned to me', ['c-email']],
    ['V4', 'email', 'Email', ['c-email']],
    ['V5', 'chat', 'Chat', ['c-chat', 'c-bot', 'c-hostile']],
    ['V6', 'messenger', 'Messenger', ['c-old']],
    ['V7', 'forms', 'Forms', ['c-form']],
    ['V8', 'tickets', 'Tickets', ['c-email', 'c-hostile']],
    ['V9', 'bots', 'Bots', ['c-bot']],
    ['V10', 'filtered', 'Filtered', ['c-spam', 'c-blocked']],
    ['V11', 'trash', 'Trash', ['c-trash']],
    ['V12', 'sent', 'Sent', ['c-sent']],
  ];
  for (const [id, view, name, ids] of EXPECTED) {
    it(`${id} the ${name} view lists its conversations`, async () => {
      const element = await mount(inbox);
      getAllByRole(element, 'button', name)
        .find((button) => button.dataset.view === view)!
        .click();
      await until(() => listIds(element).join() === ids.join(), `${name} list`);
      expect(element.view).to.equal(view);
    });
  }

  it('T10 the left and right panels collapse for more room and expand again', async () => {
    const element = await mount(inbox);
    element.conversationId = 'c-email';
    const collapseLeft = getByRole(element, 'button', 'Collapse views and list');
    expect(collapseLeft.getAttribute('aria-expanded')).to.equal('true');
    collapseLeft.click();
    await element.updateComplete;
    expect(queryByRole(element, 'navigation', 'Views')).to.equal(null);
    const expandLeft = getByRole(element, 'button', 'Expand views and list');
    expect(expandLeft.getAttribute('aria-expanded')).to.equal('false');
    getByRole(element, 'button', 'Collapse About panel').click();
    await element.updateComplete;
    expect(queryByRole(element, 'region', 'About')).to.equal(null);
    expandLeft.click();
    getByRole(element, 'button', 'Expand About panel').click();
    await element.updateComplete;
    expect(getByRole(element, 'navigation', 'Views')).to.be.instanceOf(Element);
    expect(getByRole(element, 'region', 'About')).to.be.instanceOf(Element);
  });

  it('T10 in a narrow space the About panel starts collapsed; it can still be expanded', async () => {
    const element = await mount(inbox);
    element.style.width = '800px';
    await until(() => element.rightCollapsed, 'collapsed for width');
    expect(queryByRole(element, 'region', 'About')).to.equal(null);
    getByRole(element, 'button', 'Expand About panel').click();
    await element.updateComplete;
    expect(getByRole(element, 'region', 'About')).to.be.instanceOf(Element);
    element.style.width = '1300px';
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(element.rightCollapsed).to.equal(false);
  });

  it('F1 keyboard: / focuses search, ? shows the shortcuts, Escape closes them and focus returns', async () => {
    const element = await mount(inbox);
    const listbox = getByRole(element, 'listbox');
    listbox.focus();
    press('/', { target: listbox });
    await until(() => activeElement() === getByRole(element, 'searchbox'), 'search focused');
    listbox.focus();
    press('?', { target: listbox });
    const dialog = await until(() => queryByRole(element, 'dialog', 'Keyboard shortcuts'), 'shortcuts');
    await expect(element).to.be.accessible();
    dialog.dispatchEvent(new Event('cancel', { cancelable: true }));
    await until(() => !queryByRole(element, 'dialog'), 'closed');
    expect(activeElement()).to.equal(listbox);
  });

  it('T1 keyboard: j and k outside the list open the next and previous conversation; the first j opens the first', async () => {
    const element = await mount(inbox);
    const thread = element.shadowRoot!.querySelector('confab-thread')!;
    press('j', { target: thread });
    await until(() => element.conversationId === 'c-email', 'first opened');
    press('j', { target: thread });
    await until(() => element.conversationId === 'c-chat', 'next opened');
    press('k', { target: thread });
    await until(() => element.conversationId === 'c-email', 'previous opened');
  });

  it('T9 a new message from a contact is announced in a polite live region', async () => {
    const element = await mount(inbox);
    const region = [...element.shadowRoot!.querySelectorAll('[aria-live="polite"]')].find(
      (el) => el.getAttribute('role') === 'status',
    )!;
    await inbox.memory.backend.execute(
      { kind: 'system' },
      {
        type: 'inbound.email',
        from: 'nina@customer.example',
        fromName: 'Nina New',
        to: ['support@confab.example'],
        subject: 'Hello',
        text: 'Is the shop open today?',
        messageId: '<n@x>',
        date: inbox.memory.now(),
      },
    );
    await until(() => region.textContent!.includes('New message from Nina New: Is the shop open today?'), 'announced');
  });

  it('C1 Compose in the sidebar opens the compose dialog; a host can cancel it to show its own', async () => {
    const element = await mount(inbox);
    getByRole(element, 'button', 'Compose').click();
    await until(() => queryByRole(element, 'dialog', 'New email'), 'compose dialog');
    await expect(element).to.be.accessible();
    getByRole(element, 'button', 'Cancel').click();
    await until(() => !queryByRole(element, 'dialog'), 'closed');
    element.addEventListener('confab-compose', (event) => event.preventDefault(), { once: true });
    getByRole(element, 'button', 'Compose').click();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(queryByRole(element, 'dialog')).to.equal(null);
  });

  it('I1 Settings opens the inbox settings in a dialog', async () => {
    const element = await mount(inbox);
    getByRole(element, 'button', 'Settings').click();
    const dialog = await until(() => queryByRole(element, 'dialog', 'Inbox settings'), 'settings dialog');
    expect(getByRole(dialog, 'group', 'Routing')).to.be.instanceOf(Element);
    await expect(element).to.be.accessible();
  });

  it('I1 the inbox hands its teamInvites to the Team section in the settings', async () => {
    const element = await mount(inbox);
    const sent: string[] = [];
    element.teamInvites = {
      send: async (agentId) => {
        sent.push(agentId);
        return { sent: true };
      },
    };
    getByRole(element, 'button', 'Settings').click();
    const dialog = await until(() => queryByRole(element, 'dialog', 'Inbox settings'), 'settings dialog');
    const form = await until(() => queryByRole<HTMLFormElement>(dialog, 'form', 'Invite a teammate'), 'Team section');
    getByRole<HTMLInputElement>(form, 'textbox', 'Email').value = 'dee@team.example';
    getByRole<HTMLInputElement>(form, 'textbox', 'Name').value = 'Dee';
    form.requestSubmit();
    await until(() => queryByRole(dialog, 'status', 'Invitation sent to dee@team.example.'), 'sent');
    expect(sent).to.have.length(1);
    expect(inbox.memory.backend.state.agents.get(sent[0]!)?.email).to.equal('dee@team.example');
  });

  it('V1 the whole inbox is accessible (axe) with a conversation open, light and dark', async () => {
    const element = await mount(inbox);
    element.conversationId = 'c-email';
    await until(() => queryByRole(element, 'heading', 'Invoice question'), 'thread');
    await expect(element).to.be.accessible();
    element.theme = 'dark';
    await element.updateComplete;
    await expect(element).to.be.accessible();
  });

  it('V1 speaks Dutch by the locale property or by the page lang', async () => {
    const element = await mount(inbox, 'nl');
    expect(getByRole(element, 'button', 'Alle gesprekken')).to.be.instanceOf(Element);
    expect(getByRole(element, 'button', 'Samenstellen')).to.be.instanceOf(Element);
    element.conversationId = 'c-chat';
    await until(() => queryByRole(element, 'button', 'Markeer als gesloten'), 'Dutch close');
    closeTestInboxes();
    inbox = await createTestInbox();
    const wrapper = await fixture<HTMLDivElement>(
      html`<div lang="nl-NL">
        <confab-inbox style="height:700px;width:1300px" .client=${inbox.client}></confab-inbox>
      </div>`,
    );
    const nested = wrapper.querySelector('confab-inbox')!;
    await until(() => queryByRole(nested, 'button', 'Prullenbak'), 'Dutch from lang');
    expect(getByRole(nested, 'searchbox', 'Gesprekken doorzoeken')).to.be.instanceOf(Element);
  });

  it('defines every tag once; loading the definitions again never throws', () => {
    for (const [tag, element] of Object.entries(INBOX_TAGS)) {
      expect(customElements.get(tag)).to.equal(element);
      expect(() => defineOnce(tag, element)).not.to.throw();
      expect(() => defineOnce(tag, class extends HTMLElement {})).not.to.throw();
    }
  });
});

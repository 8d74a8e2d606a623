import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../define.js';
import type { ConfabInbox } from './inbox.js';
import type { ConfabFilterBar } from '../filter-bar/filter-bar.js';
import type { ConfabConversationList } from '../conversation-list/conversation-list.js';
import type { ConfabAboutPanel } from '../about-panel/about-panel.js';
import type { ConfabElement } from '../shared/confab-element.js';
import type { ConfabReplyEditor } from '../reply-editor/reply-editor.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { activeElement, getAllByRole, getByRole, press, queryByRole, until } from '../test/dom.js';
import { installClock, type TestClock } from '../test/clock.js';

// Issue 22 (WCAG 2.2 AA): what a keyboard and screen-reader user meets, one defect per test.

async function mount(inbox: TestInbox, attributes: { locale?: string } = {}) {
  const element = await fixture<ConfabInbox>(
    html`<confab-inbox
      style="height:760px;width:1300px"
      .client=${inbox.client}
      locale=${attributes.locale ?? ''}
    ></confab-inbox>`,
  );
  await until(() => getAllByRole(element, 'option').length, 'list rendered');
  return element;
}

async function openConversation(element: ConfabInbox, id: string, heading: string) {
  element.conversationId = id;
  await until(() => queryByRole(element, 'heading', heading), `${heading} open`);
}

/** Focuses a control and activates it, as Enter on it would. */
function activate(control: HTMLElement) {
  control.focus();
  control.click();
}

const focusedName = () => {
  const active = activeElement();
  return active ? `${active.localName} ${active.getAttribute('aria-label') ?? active.textContent?.trim()}` : 'nothing';
};

/** What the inbox's announcer says now in its polite (`status`) or assertive (`alert`) live region. */
const said = (element: ConfabInbox, role: 'status' | 'alert') =>
  [...element.shadowRoot!.children].find((child) => child.getAttribute('role') === role)?.textContent?.trim();

/** WCAG relative luminance contrast of two computed `rgb()` colours. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, b] = color
      .match(/[\d.]+/g)!
      .slice(0, 3)
      .map((value) => {
        const c = Number(value) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high! + 0.05) / (low! + 0.05);
}

/** The innermost element at a point, looking into shadow roots. */
function deepElementFromPoint(x: number, y: number): Element | null {
  let element = document.elementFromPoint(x, y);
  while (element?.shadowRoot) {
    const inner = element.shadowRoot.elementFromPoint(x, y);
    if (!inner || inner === element) break;
    element = inner;
  }
  return element;
}

/** Why `control` cannot be used inside `box` (scrolled to, as the browser does on focus), or ''. */
function unreachable(box: Element, control: HTMLElement): string {
  control.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  const outer = box.getBoundingClientRect();
  const rect = control.getBoundingClientRect();
  const inside =
    rect.width > 0 &&
    rect.left >= outer.left - 0.5 &&
    rect.right <= outer.right + 0.5 &&
    rect.top >= outer.top - 0.5 &&
    rect.bottom <= outer.bottom + 0.5;
  if (!inside)
    return `outside the inbox (${Math.round(rect.left)},${Math.round(rect.top)} ${Math.round(rect.width)}×${Math.round(rect.height)})`;
  const hit = deepElementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
  return hit && (hit === control || control.contains(hit)) ? '' : `covered by ${hit?.localName}.${hit?.className}`;
}

describe('accessibility (issue 22)', () => {
  let inbox: TestInbox;
  beforeEach(async () => {
    inbox = await createTestInbox();
  });
  afterEach(() => {
    closeTestInboxes();
    localStorage.removeItem('confab-inbox:shortcuts');
  });

  describe('2.4.3 focus never falls to the page when its control goes away', () => {
    it('Mark as closed hands focus to Reopen', async () => {
      const element = await mount(inbox);
      await openConversation(element, 'c-email', 'Invoice question');
      activate(getByRole(element, 'button', 'Mark as closed'));
      await until(() => queryByRole(element, 'button', 'Reopen'), 'reopen shown');
      await until(
        () => activeElement() === getByRole(element, 'button', 'Reopen'),
        `focus on Reopen, not ${focusedName()}`,
      );
    });

    it('More → Delete hands focus to Restore in the Trash banner', async () => {
      const element = await mount(inbox);
      await openConversation(element, 'c-email', 'Invoice question');
      activate(getByRole(element, 'button', 'More'));
      const remove = await until(() => queryByRole(element, 'menuitem', 'Delete'), 'More menu');
      activate(remove);
      await until(() => queryByRole(element, 'button', 'Restore'), 'trash banner');
      await until(
        () => activeElement() === getByRole(element, 'button', 'Restore'),
        `focus on Restore, not ${focusedName()}`,
      );
    });

    it('More → Send transcript…, then Escape, returns focus to More', async () => {
      const element = await mount(inbox);
      await openConversation(element, 'c-chat', 'Bob Visitor');
      activate(getByRole(element, 'button', 'More'));
      activate(await until(() => queryByRole(element, 'menuitem', 'Send transcript'), 'More menu'));
      await until(() => activeElement()?.getAttribute('name') === 'to', 'focus in the dialog');
      await sendKeys({ press: 'Escape' });
      await until(
        () => activeElement() === getByRole(element, 'button', 'More'),
        `focus on More, not ${focusedName()}`,
      );
    });

    it('removing a filter chip focuses the chip in its place; removing the last one focuses Filter', async () => {
      const bar = await fixture<ConfabFilterBar>(
        html`<confab-filter-bar
          .client=${inbox.client}
          .filter=${{ status: 'open', channels: ['email'] }}
        ></confab-filter-bar>`,
      );
      activate(getByRole(bar, 'button', 'Remove filter Status: Open'));
      await until(() => activeElement() === getByRole(bar, 'button', 'Remove filter Channel: Email'), 'next chip');
      activate(getByRole(bar, 'button', 'Remove filter Channel: Email'));
      await until(
        () => activeElement() === getByRole(bar, 'button', 'Filter'),
        `focus on Filter, not ${focusedName()}`,
      );
    });

    it('a bulk action hands focus from the vanished toolbar to the list', async () => {
      const list = await fixture<ConfabConversationList>(
        html`<confab-conversation-list style="height:600px" .client=${inbox.client}></confab-conversation-list>`,
      );
      await until(() => getAllByRole(list, 'option').length, 'rows');
      list.shadowRoot!.querySelector<HTMLElement>('[data-id="c-chat"] .check')!.click();
      activate(await until(() => queryByRole(list, 'button', 'Mark as closed'), 'bulk toolbar'));
      await until(
        () => activeElement() === getByRole(list, 'listbox', 'Conversations'),
        `focus on the list, not ${focusedName()}`,
      );
    });

    it('Save and Cancel in the About panel return focus to the button that opened the form', async () => {
      const panel = await fixture<ConfabAboutPanel>(
        html`<confab-about-panel .client=${inbox.client} conversation-id="c-email"></confab-about-panel>`,
      );
      // "About this contact" starts expanded.
      activate(await until(() => queryByRole(panel, 'button', 'Edit properties'), 'edit button'));
      activate(await until(() => queryByRole(panel, 'button', 'Cancel'), 'form'));
      await until(
        () => activeElement() === queryByRole(panel, 'button', 'Edit properties'),
        `after Cancel: ${focusedName()}`,
      );
      activate(getByRole(panel, 'button', 'Edit properties'));
      activate(await until(() => queryByRole(panel, 'button', /^Save$/), 'form again'));
      await until(
        () => activeElement() === queryByRole(panel, 'button', 'Edit properties'),
        `after Save: ${focusedName()}`,
      );
    });
  });

  describe('2.2.1 undo', () => {
    let clock: TestClock | undefined;
    afterEach(() => clock?.uninstall());

    it('stays 20 s, and as long as it has focus; it is a status message; Ctrl+Z undoes', async () => {
      const list = await fixture<ConfabConversationList>(
        html`<confab-conversation-list style="height:600px" .client=${inbox.client}></confab-conversation-list>`,
      );
      await until(() => getAllByRole(list, 'option').length, 'rows');
      clock = installClock();
      list.shadowRoot!.querySelector<HTMLElement>('[data-id="c-chat"] .check')!.click();
      activate(await until(() => queryByRole(list, 'button', 'Delete'), 'bulk toolbar'));
      const notice = await until(() => queryByRole(list, 'status', '1 conversation deleted'), 'undo notice');
      clock.tick(19_000);
      await list.updateComplete;
      expect(queryByRole(notice, 'button', 'Undo'), 'still there after 19 s').not.to.equal(null);
      getByRole(notice, 'button', 'Undo').focus();
      clock.tick(60_000);
      await list.updateComplete;
      expect(queryByRole(notice, 'button', 'Undo'), 'held while focused').not.to.equal(null);
      getByRole(list, 'listbox').focus();
      clock.tick(19_999);
      await list.updateComplete;
      expect(queryByRole(notice, 'button', 'Undo'), 'counting again from the start').not.to.equal(null);
      press('z', { ctrlKey: true, target: getByRole(list, 'listbox') });
      await until(() => inbox.client.store.conversation('c-chat')?.trashedAt === null, 'restored by Ctrl+Z');
      expect(queryByRole(notice, 'button', 'Undo')).to.equal(null);
    });

    it('goes after its time when nobody is on it (undo-timeout)', async () => {
      const list = await fixture<ConfabConversationList>(
        html`<confab-conversation-list
          style="height:600px"
          undo-timeout="30000"
          .client=${inbox.client}
        ></confab-conversation-list>`,
      );
      await until(() => getAllByRole(list, 'option').length, 'rows');
      clock = installClock();
      list.shadowRoot!.querySelector<HTMLElement>('[data-id="c-chat"] .check')!.click();
      activate(await until(() => queryByRole(list, 'button', 'Delete'), 'bulk toolbar'));
      await until(() => queryByRole(list, 'button', 'Undo'), 'undo');
      clock.tick(29_999);
      await list.updateComplete;
      expect(queryByRole(list, 'button', 'Undo')).not.to.equal(null);
      clock.tick(1);
      await list.updateComplete;
      expect(queryByRole(list, 'button', 'Undo')).to.equal(null);
    });
  });

  describe('4.1.3 status messages', () => {
    it('reads out result counts and the empty state as search narrows the list', async () => {
      const element = await mount(inbox);
      const search = getByRole<HTMLInputElement>(element, 'searchbox', 'Search conversations');
      search.value = 'Invoice';
      search.dispatchEvent(new Event('input'));
      await until(() => said(element, 'status') === '1 conversation', 'count read out');
      search.value = 'no such words anywhere';
      search.dispatchEvent(new Event('input'));
      await until(() => said(element, 'status') === 'No conversations here.', 'empty state read out');
    });

    it("reads out a teammate's comment that mentions me (assertive, in Dutch too); the thread is a log", async () => {
      const element = await mount(inbox, { locale: 'nl' });
      await openConversation(element, 'c-chat', 'Bob Visitor');
      const log = getByRole(element, 'log', 'Gesprek');
      await inbox.memory.backend.execute(
        { kind: 'agent', agentId: 'agent-bo' },
        {
          type: 'message.comment',
          conversationId: 'c-chat',
          text: '@Ann Agent can you take this?',
          mentions: ['agent-ann'],
        },
      );
      await until(
        () => said(element, 'alert') === 'Bo Builder noemde je: @Ann Agent can you take this?',
        'mention read out',
      );
      await inbox.memory.backend.execute(
        { kind: 'agent', agentId: 'agent-bo' },
        { type: 'message.reply', conversationId: 'c-chat', text: 'Hi Bob, on it.' },
      );
      await until(() => log.textContent?.includes('Hi Bob, on it.'), "the teammate's reply is added to the log");
    });
  });

  it('3.1.2 marks every element with the language of its text, whatever the page says', async () => {
    expect(document.documentElement.lang || 'en').to.match(/^en/);
    const element = await mount(inbox, { locale: 'nl' });
    await openConversation(element, 'c-email', 'Invoice question');
    expect(element.getAttribute('lang')).to.equal('nl');
    const parts = [...element.shadowRoot!.querySelectorAll('*')].filter((part) => part.localName.startsWith('confab-'));
    // The notifications, the dialogs and the settings panel load right after the first paint.
    for (const part of parts) {
      await customElements.whenDefined(part.localName);
      await (part as ConfabElement).updateComplete;
    }
    expect(parts.length).to.be.greaterThan(5);
    for (const part of parts) expect(part.getAttribute('lang'), part.localName).to.equal('nl');
    element.locale = 'en';
    await until(() => parts.every((part) => part.getAttribute('lang') === 'en'), 'English again');
    // A part whose page gave it a language of its own keeps it.
    const bar = await fixture<ConfabFilterBar>(
      html`<confab-filter-bar lang="nl" .client=${inbox.client}></confab-filter-bar>`,
    );
    expect(getByRole(bar, 'searchbox', 'Gesprekken doorzoeken')).to.be.instanceOf(Element);
    expect(bar.getAttribute('lang')).to.equal('nl');
  });

  describe('2.1.4 single-key shortcuts', () => {
    it('work from the page right after load, and the first j opens the first conversation', async () => {
      const element = await mount(inbox);
      (document.activeElement as HTMLElement | null)?.blur();
      press('j', { target: document.body });
      await until(() => element.conversationId === 'c-email', 'first row open');
      press('j', { target: document.body });
      await until(() => element.conversationId === 'c-chat', 'second row open');
      press('k', { target: document.body });
      await until(() => element.conversationId === 'c-email', 'back to the first');
    });

    it('leave buttons and the host page alone; Alt+J works everywhere in the inbox', async () => {
      const element = await mount(inbox);
      const outside = document.createElement('button');
      document.body.append(outside);
      press('j', { target: outside });
      press('j', { target: getByRole(element, 'button', 'Compose') });
      await element.updateComplete;
      expect(element.conversationId).to.equal(undefined);
      press('∆', { altKey: true, code: 'KeyJ', target: getByRole(element, 'button', 'Compose') });
      await until(() => element.conversationId === 'c-email', 'Alt+J opens');
      outside.remove();
    });

    it('can be turned off in the shortcuts dialog; then only Alt shortcuts work, and the choice is kept', async () => {
      const element = await mount(inbox);
      press('?', { altKey: true, shiftKey: true, code: 'Slash', target: document.body });
      const dialog = await until(() => queryByRole(element, 'dialog', 'Keyboard shortcuts'), 'shortcuts dialog');
      const toggle = getByRole<HTMLInputElement>(dialog, 'checkbox', 'Single-key shortcuts');
      expect(toggle.checked).to.equal(true);
      toggle.click();
      expect(element.shortcuts).to.equal('modifier');
      expect(localStorage.getItem('confab-inbox:shortcuts')).to.equal('modifier');
      await sendKeys({ press: 'Escape' });
      press('j', { target: document.body });
      press('/', { target: document.body });
      await element.updateComplete;
      expect(element.conversationId).to.equal(undefined);
      expect(activeElement()?.getAttribute('type')).not.to.equal('search');
      press('/', { altKey: true, code: 'Slash', target: document.body });
      await until(() => activeElement()?.getAttribute('type') === 'search', 'Alt+/ searches');
    });
  });

  it('1.4.11 a focused menu item has a ring of at least 3:1 against the menu, light and dark', async () => {
    const element = await mount(inbox);
    await openConversation(element, 'c-email', 'Invoice question');
    for (const theme of ['light', 'dark'] as const) {
      element.theme = theme;
      await element.updateComplete;
      activate(getByRole(element, 'button', 'Assignee'));
      const item = await until(
        () => (activeElement()?.getAttribute('role') === 'menuitemradio' ? activeElement() : null),
        'menu item focused',
      );
      const style = getComputedStyle(item);
      const menu = getComputedStyle(item.parentElement!);
      expect(style.outlineStyle).to.equal('solid');
      expect(parseFloat(style.outlineWidth)).to.be.at.least(2);
      expect(contrast(style.outlineColor, menu.backgroundColor), theme).to.be.at.least(3);
      await sendKeys({ press: 'Escape' });
    }
  });

  it('1.4.11 the highlighted mention suggestion has a ring of at least 3:1, light and dark', async () => {
    const editor = await fixture<ConfabReplyEditor>(
      html`<confab-reply-editor .client=${inbox.client} conversation-id="c-chat"></confab-reply-editor>`,
    );
    getByRole(editor, 'tab', 'Comment').click();
    await editor.updateComplete;
    const field = getByRole<HTMLTextAreaElement>(editor, 'textbox', 'Internal comment');
    field.focus();
    field.value = '@';
    field.setSelectionRange(1, 1);
    field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    for (const theme of ['light', 'dark'] as const) {
      editor.theme = theme;
      await editor.updateComplete;
      const option = await until(
        () => getAllByRole(editor, 'option').find((item) => item.getAttribute('aria-selected') === 'true'),
        'highlighted suggestion',
      );
      const style = getComputedStyle(option);
      expect(style.outlineStyle).to.equal('solid');
      expect(parseFloat(style.outlineWidth)).to.be.at.least(2);
      expect(contrast(style.outlineColor, style.backgroundColor), theme).to.be.at.least(3);
      expect(
        contrast(style.outlineColor, getComputedStyle(option.parentElement!).backgroundColor),
        theme,
      ).to.be.at.least(3);
    }
  });

  describe('1.4.10 reflow: at 640 × 400 CSS px (200 % zoom) the inbox is one pane at a time', () => {
    it('list → thread → About and back: every control of the everyday tasks is inside and hit-testable, nothing scrolls sideways', async () => {
      const element = await fixture<ConfabInbox>(
        html`<confab-inbox style="height:400px;width:640px" .client=${inbox.client}></confab-inbox>`,
      );
      await until(() => element.hasAttribute('one-pane') && getAllByRole(element, 'option').length, 'one pane');
      const check = (role: string, name: string | RegExp) => {
        const control = getByRole(element, role, name);
        expect(unreachable(element, control), `${role} ${String(name)}`).to.equal('');
        expect(element.scrollWidth, 'no sideways scrolling').to.be.at.most(element.clientWidth);
      };
      for (const [role, name] of [
        ['button', 'Compose'],
        ['button', 'Unassigned'],
        ['searchbox', 'Search conversations'],
        ['button', 'Filter'],
        ['option', 'Alice Andersen'],
      ] as const)
        check(role, name);
      expect(queryByRole(element, 'heading', 'Invoice question')).to.equal(null);
      const list = element.shadowRoot!.querySelector('confab-conversation-list')!;
      list.shadowRoot!.querySelector<HTMLElement>('[data-id="c-chat"] .check')!.click();
      await until(() => queryByRole(element, 'button', 'Mark as closed'), 'bulk toolbar');
      check('button', 'Delete');
      check('button', 'Mark as closed');
      check('button', 'Labels');
      list.selectAll(false);

      getByRole(element, 'option', 'Alice Andersen').click();
      await until(() => queryByRole(element, 'heading', 'Invoice question'), 'thread pane');
      await until(() => activeElement() === getByRole(element, 'log', 'Conversation'), 'focus in the thread');
      expect(queryByRole(element, 'searchbox'), 'the list pane is gone').to.equal(null);
      for (const [role, name] of [
        ['button', 'Back to conversations'],
        ['button', 'Assignee'],
        ['button', 'Labels'],
        ['button', 'Mark as closed'],
        ['button', 'More'],
        ['tab', 'Comment'],
        ['textbox', /Reply|Write/],
        ['button', /^Send/],
        ['button', /^About$/],
      ] as const)
        check(role, name);

      activate(getByRole(element, 'button', /^About$/));
      await until(() => activeElement() === queryByRole(element, 'button', 'Back to the conversation'), 'About pane');
      check('button', 'Edit properties');
      activate(getByRole(element, 'button', 'Back to the conversation'));
      await until(() => activeElement() === getByRole(element, 'log', 'Conversation'), 'thread again');
      activate(getByRole(element, 'button', 'Back to conversations'));
      await until(() => activeElement() === getByRole(element, 'listbox', 'Conversations'), 'list again');
    });
  });
});

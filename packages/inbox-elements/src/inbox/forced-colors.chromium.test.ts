import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../define.js';
import type { ConfabInbox } from './inbox.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { activeElement, getAllByRole, getByRole, queryByRole, until } from '../test/dom.js';

// Issue 22 item 6 (WCAG 1.4.11, 1.4.1): Windows high contrast drops backgrounds and shadows; every
// state must still show. Forced colours are emulated over CDP, which only Chromium offers.

const forcedColors = (active: boolean, screenshot?: string) =>
  executeServerCommand('confab-forced-colors', { active, ...(screenshot ? { screenshot } : {}) });

const TRANSPARENT = 'rgba(0, 0, 0, 0)';

describe('forced colours (Windows high contrast)', () => {
  let inbox: TestInbox;
  beforeEach(async () => {
    inbox = await createTestInbox();
  });
  afterEach(async () => {
    await forcedColors(false);
    closeTestInboxes();
  });

  it('keeps the selection, the open conversation, the reply-needed dot, the switch and the focused menu item', async () => {
    const element = await fixture<ConfabInbox>(
      html`<confab-inbox
        style="height:760px;width:1300px"
        .client=${inbox.client}
        conversation-id="c-email"
      ></confab-inbox>`,
    );
    await until(
      () => getAllByRole(element, 'option').length && queryByRole(element, 'heading', 'Invoice question'),
      'inbox',
    );
    await forcedColors(true);
    expect(matchMedia('(forced-colors: active)').matches).to.equal(true);
    const list = element.shadowRoot!.querySelector('confab-conversation-list')!;
    const row = (id: string) => list.shadowRoot!.querySelector<HTMLElement>(`[data-id="${id}"]`)!;
    row('c-chat').querySelector<HTMLElement>('.check')!.click();
    await until(() => row('c-chat').getAttribute('aria-selected') === 'true', 'selected');

    // Only the selected row shows its check mark, drawn in the selection colours.
    const checks = getAllByRole(element, 'option').map((option) => option.querySelector('.check')!.textContent);
    expect(checks.filter((mark) => mark === '✓')).to.have.length(1);
    const check = getComputedStyle(row('c-chat').querySelector('.check')!);
    expect(check.backgroundColor).not.to.equal(TRANSPARENT);
    expect(check.backgroundColor).not.to.equal(getComputedStyle(row('c-chat')).backgroundColor);
    expect(getComputedStyle(row('c-chat')).outlineStyle).to.equal('solid');

    // The open conversation is marked by a border (a shadow would be dropped).
    const open = getComputedStyle(row('c-email'));
    expect(parseFloat(open.borderLeftWidth)).to.be.at.least(3);
    expect(open.borderLeftColor).not.to.equal(open.backgroundColor);

    // The reply-needed dot is filled; the answered one is an outline.
    const needs = getComputedStyle(row('c-email').querySelector('.indicator')!);
    expect(needs.backgroundColor).not.to.equal(TRANSPARENT);
    const answered = getComputedStyle(row('c-chat').querySelector('.indicator')!);
    expect(answered.backgroundColor).to.equal(TRANSPARENT);
    expect(answered.borderTopColor).not.to.equal(TRANSPARENT);

    // Available / Away: the track has an edge and the knob a colour of its own.
    const viewList = element.shadowRoot!.querySelector('confab-view-list')!;
    const track = viewList.shadowRoot!.querySelector('.track')!;
    expect(parseFloat(getComputedStyle(track).borderTopWidth)).to.be.at.least(1);
    expect(getComputedStyle(track, '::after').backgroundColor).not.to.equal(getComputedStyle(track).backgroundColor);

    // Reply or Comment: the chosen tab has a border of the highlight colour, the other none.
    const editor = element
      .shadowRoot!.querySelector('confab-thread')!
      .shadowRoot!.querySelector('confab-reply-editor')!;
    const [chosen, other] = getAllByRole(editor, 'tab').map((tab) => getComputedStyle(tab));
    expect(parseFloat(chosen!.borderTopWidth)).to.equal(2);
    expect(chosen!.borderTopColor).not.to.equal(other!.borderTopColor);

    // A focused menu item is ringed in the system's highlight colour.
    const assignee = getByRole(element, 'button', 'Assignee');
    assignee.focus();
    assignee.click();
    const item = await until(
      () => (activeElement()?.getAttribute('role') === 'menuitemradio' ? activeElement() : null),
      'menu',
    );
    expect(getComputedStyle(item).outlineStyle).to.equal('solid');
    await forcedColors(true, 'inbox-forced-colors');
  });
});

import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import './define.js';
import type { ConfabShortcutsDialog } from './shortcuts-dialog.js';
import '../test/frames.js';
import { getByRole, until } from '../test/dom.js';

describe('confab-shortcuts-dialog', () => {
  it('lists every keyboard shortcut in a modal dialog, in English and Dutch, and is accessible', async () => {
    const element = await fixture<ConfabShortcutsDialog>(html`<confab-shortcuts-dialog></confab-shortcuts-dialog>`);
    await element.show();
    const dialog = getByRole(element, 'dialog', 'Keyboard shortcuts');
    const text = dialog.textContent!.replace(/\s+/g, ' ');
    for (const key of ['j', 'k', 'Enter', 'x', '/', 'Ctrl+Enter', 'Escape', '?']) expect(text).to.contain(key);
    await expect(element).to.be.accessible();
    element.close();
    await until(() => !element.open, 'closed');
    element.locale = 'nl';
    await element.show();
    expect(getByRole(element, 'dialog', 'Sneltoetsen').textContent).to.contain('Volgend gesprek');
  });
});

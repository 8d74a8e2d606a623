import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import './define.js';
import type { ConfabLabelSettings } from './label-settings.js';
import { createInboxClient, createMemoryPersistence } from '@confab/core';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { accessibleName, activeElement, deepElements, getByRole, queryByRole, until } from '../test/dom.js';

async function section(inbox: TestInbox, locale = 'en') {
  const element = await fixture<ConfabLabelSettings>(
    html`<confab-label-settings .client=${inbox.client} .locale=${locale}></confab-label-settings>`,
  );
  await until(() => element.shadowRoot!.querySelector('section'), 'the section');
  return element;
}

/** An input by its accessible name (colour inputs have no role of their own). */
function input(root: Element, name: string): HTMLInputElement {
  const found = deepElements(root).find((element) => element.matches('input') && accessibleName(element) === name);
  if (!found) throw new Error(`no input named ${name}`);
  return found as HTMLInputElement;
}

const labels = (inbox: TestInbox) => inbox.client.store.settings()?.labels ?? [];

describe('confab-label-settings', () => {
  let inbox: TestInbox;
  afterEach(closeTestInboxes);

  it('issue 16: an admin adds, renames and recolours labels from the keyboard, focus kept', async () => {
    inbox = await createTestInbox();
    const element = await section(inbox);
    getByRole(element, 'heading', 'Labels');
    expect(element.shadowRoot!.textContent).to.contain('No labels yet.');
    const form = getByRole(element, 'group', 'New label');
    const name = input(form, 'Name');
    name.focus();
    name.value = 'VIP';
    expect(input(form, 'Colour').value).to.equal('#d73a49');
    getByRole(form, 'button', 'Add label').click();
    await until(() => labels(inbox).length === 1, 'the label created');
    expect(labels(inbox)[0]).to.include({ name: 'VIP', color: '#d73a49' });
    await until(() => getByRole(element, 'status').textContent === 'Label VIP added', 'the notice');
    expect(activeElement()).to.equal(name);
    expect(name.value).to.equal('');
    await expect(element).to.be.accessible();

    getByRole(element, 'button', 'Edit label VIP').click();
    const rename = await until(() => input(element, 'Name of label VIP'), 'the edit form');
    await until(() => activeElement() === rename, 'focus on the name');
    rename.value = 'Key account';
    input(element, 'Colour of label VIP').value = '#0366d6';
    await expect(element).to.be.accessible();
    getByRole(element, 'button', 'Save').click();
    await until(() => labels(inbox)[0]?.name === 'Key account', 'renamed');
    expect(labels(inbox)[0]!.color).to.equal('#0366d6');
    await until(() => activeElement() === getByRole(element, 'button', 'Edit label Key account'), 'focus back on Edit');
  });

  it('issue 16: a taken name is refused in an alert; deleting asks first, says how many conversations lose it, and keeps focus', async () => {
    inbox = await createTestInbox();
    const vip = await inbox.client.send({ type: 'label.create', name: 'VIP', color: '#d73a49' });
    await inbox.client.send({ type: 'label.create', name: 'Billing', color: '#0366d6' });
    const labelId = (vip as { labelId: string }).labelId;
    const conversationId = inbox.client.store.query({ viewId: 'all' }).get().slice(0, 1)[0]!.id;
    await inbox.client.send({ type: 'conversation.addLabel', conversationIds: [conversationId], labelId });
    const element = await section(inbox);
    const name = input(getByRole(element, 'group', 'New label'), 'Name');
    name.value = 'vip';
    getByRole(element, 'button', 'Add label').click();
    await until(() => getByRole(element, 'alert').textContent!.includes('A label named vip already exists'), 'refusal');
    expect(labels(inbox)).to.have.length(2);

    getByRole(element, 'button', 'Delete label VIP').click();
    const confirm = await until(() => queryByRole(element, 'button', 'Delete label VIP for good'), 'the confirmation');
    await until(() => activeElement() === confirm, 'focus on the confirmation');
    expect(element.shadowRoot!.textContent).to.contain('Delete label VIP? It is taken off 1 conversation.');
    await expect(element).to.be.accessible();
    getByRole(element, 'button', 'Cancel').click();
    await until(() => activeElement() === getByRole(element, 'button', 'Delete label VIP'), 'focus back on Delete');
    getByRole(element, 'button', 'Delete label VIP').click();
    (await until(() => queryByRole(element, 'button', 'Delete label VIP for good'), 'confirmation')).click();
    await until(() => labels(inbox).length === 1, 'deleted');
    expect(inbox.client.store.conversation(conversationId)?.labelIds).to.equal(undefined);
    // Billing is now in its place (sorted by name, it came first): focus on the remaining label.
    await until(() => activeElement() === getByRole(element, 'button', 'Edit label Billing'), 'focus on Billing');
  });

  it('issue 16: a team member who is not an admin sees the labels, not the controls; in Dutch', async () => {
    inbox = await createTestInbox();
    await inbox.client.send({ type: 'label.create', name: 'VIP', color: '#ffd33d' });
    // Bo, who is not an admin, on the same team.
    const bo = createInboxClient({
      transport: inbox.memory.transport(),
      token: inbox.memory.agentToken('agent-bo'),
      persistence: createMemoryPersistence(),
    });
    await until(() => bo.status.get().ready && bo.store.settings()?.labels?.length, 'Bo sees the labels');
    const element = await section({ ...inbox, client: bo }, 'nl');
    getByRole(element, 'heading', 'Labels');
    expect(element.shadowRoot!.textContent).to.contain('Alleen een beheerder kan de labels wijzigen.');
    expect(getByRole(element, 'listitem', 'VIP')).to.exist;
    expect(queryByRole(element, 'group', 'Nieuw label')).to.equal(null);
    expect(queryByRole(element, 'button', /bewerken/)).to.equal(null);
    await expect(element).to.be.accessible();
    bo.close();
  });
});

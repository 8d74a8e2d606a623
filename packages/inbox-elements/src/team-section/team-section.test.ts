import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import '../settings-panel/define.js';
import type { ConfabSettingsPanel } from '../settings-panel/settings-panel.js';
import type { InviteDelivery, TeamInvites } from './invites.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { accessibleName, activeElement, getAllByRole, getByRole, queryByRole, until } from '../test/dom.js';

const SYSTEM = { kind: 'system' } as const;

/** The settings panel, as the inbox shows it; the Team section inside it loads on first use. */
async function settings(inbox: TestInbox, teamInvites?: TeamInvites, locale?: string) {
  const element = await fixture<ConfabSettingsPanel>(
    html`<confab-settings-panel
      .client=${inbox.client}
      .teamInvites=${teamInvites}
      locale=${locale ?? 'en'}
    ></confab-settings-panel>`,
  );
  const table = await until(() => queryByRole(element, 'table'), 'the team table');
  await until(() => getAllByRole(table, 'row').length > 3, 'team members');
  return element;
}

/** The Team section (the settings form has a status of its own). */
const team = (element: HTMLElement) => getByRole(element, 'region', /^Team$/);

/** Each member row as its cells' text: name and email, role, state, last seen. */
function rows(element: HTMLElement): string[][] {
  const table = getByRole(element, 'table');
  return getAllByRole(table, 'row')
    .slice(1)
    .map((row) =>
      [getByRole(row, 'rowheader'), ...getAllByRole(row, 'cell').slice(0, 3)].map((cell) =>
        cell.textContent!.replace(/\s+/g, ' ').trim(),
      ),
    );
}

function fill(element: HTMLElement, fields: { email: string; name: string; role?: 'admin' | 'agent' }) {
  const form = getByRole<HTMLFormElement>(element, 'form', 'Invite a teammate');
  getByRole<HTMLInputElement>(form, 'textbox', 'Email').value = fields.email;
  getByRole<HTMLInputElement>(form, 'textbox', 'Name').value = fields.name;
  getByRole<HTMLSelectElement>(form, 'combobox', 'Role').value = fields.role ?? 'agent';
  return form;
}

/** A host that has no SMTP: every call makes a fresh one-time link. */
function noSmtpHost() {
  const calls: string[] = [];
  const invites: TeamInvites = {
    send: async (agentId): Promise<InviteDelivery> => {
      calls.push(agentId);
      return { sent: false, reason: 'no-smtp', link: `https://confab.example/invite#${agentId}-${calls.length}` };
    },
  };
  return { calls, invites };
}

describe('confab-team-section', () => {
  let inbox: TestInbox;
  beforeEach(async () => {
    inbox = await createTestInbox();
  });
  afterEach(closeTestInboxes);

  it('an admin sees every member with role, state and last seen, and the settings form; all accessible (axe)', async () => {
    await inbox.memory.backend.execute(SYSTEM, { type: 'agent.signedIn', agentId: 'agent-bo' });
    await inbox.memory.backend.execute(SYSTEM, { type: 'agent.disable', agentId: 'agent-cy' });
    await inbox.memory.backend.execute(SYSTEM, {
      type: 'agent.invite',
      email: 'dee@team.example',
      name: 'Dee Invited',
      role: 'admin',
    });
    const element = await settings(inbox);
    await until(() => rows(element).length === 4, 'four members');
    expect(rows(element)).to.deep.equal([
      ['Ann Agent (you) agent-ann@team.example', 'Admin', 'Active', 'Never'],
      ['Bo Builder agent-bo@team.example', 'Agent', 'Active', 'now'],
      ['Cy Support agent-cy@team.example', 'Agent', 'Disabled', 'Never'],
      ['Dee Invited dee@team.example', 'Admin', 'Invited', 'Never'],
    ]);
    expect(getByRole(element, 'button', 'Enable: Cy Support')).to.be.instanceOf(HTMLButtonElement);
    expect(getByRole(element, 'button', 'Resend invite: Dee Invited')).to.be.instanceOf(HTMLButtonElement);
    expect(queryByRole(element, 'button', 'Resend invite: Bo Builder')).to.equal(null);
    expect(getByRole(element, 'button', /^Save$/)).to.be.instanceOf(HTMLButtonElement);
    await expect(element).to.be.accessible();
  });

  it('an admin invites a teammate: the host sends it and "Invitation sent to …" is announced', async () => {
    const calls: string[] = [];
    const element = await settings(inbox, {
      send: async (agentId) => {
        calls.push(agentId);
        return { sent: true };
      },
    });
    const form = fill(element, { email: ' Dee@Team.example ', name: 'Dee New', role: 'admin' });
    const submit = getByRole(form, 'button', 'Send invitation');
    submit.focus();
    form.requestSubmit();
    await until(
      () => getByRole(team(element), 'status').textContent === 'Invitation sent to dee@team.example.',
      'sent',
    );
    const dee = [...inbox.memory.backend.state.agents.values()].find((agent) => agent.email === 'dee@team.example')!;
    expect(dee).to.deep.include({ name: 'Dee New', role: 'admin', invitePending: true });
    expect(calls).to.deep.equal([dee.id]);
    await until(() => rows(element).some((row) => row[0]!.startsWith('Dee New')), 'listed');
    expect(rows(element).find((row) => row[0]!.startsWith('Dee New'))).to.deep.equal([
      'Dee New dee@team.example',
      'Admin',
      'Invited',
      'Never',
    ]);
    expect(getByRole<HTMLInputElement>(form, 'textbox', 'Email').value).to.equal('');
    expect(activeElement() === submit, 'focus').to.equal(true);
  });

  it('without SMTP the one-time link is shown with a Copy button; resending makes a new link; it is gone after closing', async () => {
    const host = noSmtpHost();
    let element = await settings(inbox, host.invites);
    const form = fill(element, { email: 'dee@team.example', name: 'Dee' });
    form.requestSubmit();
    await until(
      () => getByRole(team(element), 'status').textContent?.includes('Not sent: this server has no SMTP'),
      'no SMTP',
    );
    const dee = host.calls[0]!;
    const link = getByRole<HTMLInputElement>(element, 'textbox', 'Invitation link');
    expect(link.readOnly).to.equal(true);
    expect(link.value).to.equal(`https://confab.example/invite#${dee}-1`);
    getByRole(element, 'button', /^Copy$/).click();
    await until(
      () =>
        getByRole(team(element), 'status').textContent?.includes('Link copied.') ||
        (link.selectionStart === 0 && link.selectionEnd === link.value.length),
      'copied, or selected for Ctrl+C',
    );

    await until(() => queryByRole(element, 'button', 'Resend invite: Dee'), 'resend offered');
    getByRole(element, 'button', 'Resend invite: Dee').click();
    await until(
      () => getByRole<HTMLInputElement>(element, 'textbox', 'Invitation link').value.endsWith(`${dee}-2`),
      'a fresh link',
    );
    expect(host.calls).to.deep.equal([dee, dee]);

    element.remove();
    element = await settings(inbox, host.invites);
    expect(queryByRole(element, 'textbox', 'Invitation link')).to.equal(null);
  });

  it('without teamInvites it says the invitation was created and the product sends it', async () => {
    const element = await settings(inbox);
    fill(element, { email: 'dee@team.example', name: 'Dee' }).requestSubmit();
    await until(
      () =>
        getByRole(team(element), 'status').textContent ===
        'The invitation for dee@team.example was created. The product you use Confab in sends the invitation.',
      'created',
    );
  });

  it('refusals show as an alert beside the field they are about, and change nothing', async () => {
    const element = await settings(inbox, noSmtpHost().invites);
    // The Team section's own alert (the canned responses section above it has one too).
    const alert = getByRole(team(element), 'alert');
    const before = inbox.memory.backend.state.agents.size;

    fill(element, { email: 'not an address', name: 'X' }).requestSubmit();
    await until(() => alert.textContent === 'Enter a valid email address.', 'not an address');
    const email = getByRole<HTMLInputElement>(team(element), 'textbox', 'Email');
    expect(email.getAttribute('aria-invalid')).to.equal('true');
    expect(email.getAttribute('aria-describedby')).to.equal(alert.id);
    expect(activeElement() === email, 'focus').to.equal(true);

    fill(element, { email: 'AGENT-BO@team.example', name: 'Bo again' }).requestSubmit();
    await until(() => alert.textContent === 'A team member with this email address already exists.', 'taken');

    fill(element, { email: 'dee@team.example', name: '  ' }).requestSubmit();
    await until(() => alert.textContent === 'Enter a name.', 'no name');
    expect(getByRole(team(element), 'textbox', 'Name').getAttribute('aria-invalid')).to.equal('true');
    expect(inbox.memory.backend.state.agents.size).to.equal(before);

    const disableMe = getByRole(element, 'button', 'Disable: Ann Agent');
    disableMe.focus();
    disableMe.click();
    await until(
      () => alert.textContent === 'Ann Agent is the only active admin. Make another team member an admin first.',
      'last admin',
    );
    expect(activeElement() === disableMe, 'focus').to.equal(true);
    expect(inbox.memory.backend.state.agents.get('agent-ann')!.disabled).to.equal(false);
  });

  it('an admin disables and enables a teammate and changes roles; focus stays on the control', async () => {
    const element = await settings(inbox);
    const disable = getByRole(element, 'button', 'Disable: Bo Builder');
    disable.focus();
    disable.click();
    await until(() => rows(element)[1]![2] === 'Disabled', 'Bo disabled');
    expect(inbox.memory.backend.state.agents.get('agent-bo')!.disabled).to.equal(true);
    expect(accessibleNameOf(activeElement())).to.equal('Enable: Bo Builder');
    (activeElement() as HTMLElement).click();
    await until(() => rows(element)[1]![2] === 'Active', 'Bo enabled');

    const promote = getByRole(element, 'button', 'Make admin: Bo Builder');
    promote.focus();
    promote.click();
    await until(() => rows(element)[1]![1] === 'Admin', 'Bo admin');
    expect(accessibleNameOf(activeElement())).to.equal('Make agent: Bo Builder');

    // Ann gives up her own admin role: her controls go, and focus lands on the section's heading.
    const demoteMe = getByRole(element, 'button', 'Make agent: Ann Agent');
    demoteMe.focus();
    demoteMe.click();
    await until(() => queryByRole(element, 'button', 'Make agent: Bo Builder') === null, 'read-only now');
    expect(activeElement() === getByRole(element, 'heading', 'Team'), 'focus').to.equal(true);
    expect(queryByRole(element, 'button', /^Save$/)).to.equal(null);
  });

  it('an agent sees the team read-only and none of the settings they may not change', async () => {
    closeTestInboxes();
    inbox = await createTestInbox({ agentId: 'agent-bo' });
    const element = await settings(inbox);
    expect(rows(element).map((row) => row[0])).to.deep.equal([
      'Ann Agent agent-ann@team.example',
      'Bo Builder (you) agent-bo@team.example',
      'Cy Support agent-cy@team.example',
    ]);
    expect(getAllByRole(getByRole(element, 'table'), 'columnheader').map((th) => th.textContent!.trim())).to.deep.equal(
      ['Team member', 'Role', 'State', 'Last seen'],
    );
    // Their own email signature is theirs to change (issue 17); nothing of the team's is.
    await until(() => queryByRole(element, 'form', 'Your email signature'), 'the signature section');
    expect(getAllByRole(element, 'button').map(accessibleName)).to.deep.equal(['Save signature']);
    expect(getAllByRole(element, 'textbox').map(accessibleName)).to.deep.equal(['Signature']);
    expect(getAllByRole(element, 'form').map(accessibleName)).to.deep.equal(['Your email signature']);
    expect(element.shadowRoot!.textContent).to.contain('Only an admin can change the inbox settings.');
    await expect(element).to.be.accessible();
  });

  it('speaks Dutch', async () => {
    await inbox.memory.backend.execute(SYSTEM, { type: 'agent.disable', agentId: 'agent-cy' });
    const element = await settings(inbox, undefined, 'nl');
    await until(() => rows(element)[2]![2] === 'Uitgeschakeld', 'Dutch state');
    expect(rows(element)[0]).to.deep.equal(['Ann Agent (jij) agent-ann@team.example', 'Beheerder', 'Actief', 'Nooit']);
    expect(getByRole(element, 'button', 'Inschakelen: Cy Support')).to.be.instanceOf(HTMLButtonElement);
    expect(getByRole(element, 'form', 'Teamgenoot uitnodigen')).to.be.instanceOf(HTMLFormElement);
    await expect(element).to.be.accessible();
  });
});

function accessibleNameOf(element: Element | null): string | null {
  return element?.getAttribute('aria-label') ?? null;
}

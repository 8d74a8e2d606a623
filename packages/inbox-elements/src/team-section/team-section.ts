import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import {
  canManageTeam,
  emailKey,
  TEAM_RULES,
  teamMembers,
  type AgentRole,
  type TeamCommand,
  type TeamMember,
} from '@confab/core';
import { ConfabElement } from '../shared/confab-element.js';
import { StoreController } from '@confab/element-kit';
import { baseStyles } from '../shared/theme.js';
import { formatStarted, refusalText } from '../i18n/i18n.js';
import type { TeamInvites } from './invites.js';
import { teamCatalogFor, type TeamCatalog } from './team-i18n.js';
import { teamSectionStyles } from './team-section.styles.js';

interface TeamModel {
  members: TeamMember[];
  canManage: boolean;
  me: string | null;
}

function sameTeam(a: TeamModel, b: TeamModel): boolean {
  return (
    a.canManage === b.canManage &&
    a.me === b.me &&
    a.members.length === b.members.length &&
    a.members.every((member, i) => member.agent === b.members[i]!.agent)
  );
}

/** What became of the last invitation: sent, a link to pass on by hand, or left to the host. */
type Notice =
  { kind: 'sent'; email: string } | { kind: 'link'; email: string; link: string } | { kind: 'host'; email: string };

/** A refusal in the user's words; `field` marks the invite form's field it is about. */
interface TeamError {
  text: string;
  field?: 'email' | 'name';
}

/**
 * The Team section of the settings (issue 12): every member with role, state (invited, active,
 * disabled) and when they were last seen. Admins also invite (email, name, role), disable and
 * enable, change roles and resend invitations; everyone else sees the team read-only. What may be
 * done is core's answer (`canManageTeam`); the engine refuses the rest, and its refusals are shown
 * in an alert.
 *
 * Invitations are delivered by the host through `teamInvites`; without it the section says the
 * invitation was created and the product sends it.
 *
 * @example
 * <confab-team-section .client=${client} .teamInvites=${{ send: (agentId) => api.invite(agentId) }}></confab-team-section>
 *
 * @csspart members - The table of team members.
 * @csspart invite - The invite form.
 * @cssproperty --confab-border - Table rules and the form's border.
 *
 * @tagname confab-team-section
 */
export class ConfabTeamSection extends ConfabElement {
  static override styles = [baseStyles, teamSectionStyles];

  /** Delivers invitations (mail, or a link to copy). */
  @property({ attribute: false }) accessor teamInvites: TeamInvites | undefined;

  @state() private accessor notice: Notice | undefined;
  @state() private accessor error: TeamError | undefined;
  @state() private accessor copied = false;

  private readonly model = new StoreController<number, TeamModel>(
    this,
    () => this.client?.store.revision,
    () => {
      const store = this.client!.store;
      return { members: store.read(teamMembers), canManage: store.read(canManageTeam, store.me), me: store.me };
    },
    sameTeam,
  );

  /** Whether focus was in the section when this update began. */
  private focusWasInside = false;

  protected override willUpdate(): void {
    this.focusWasInside = this.shadowRoot?.activeElement != null;
  }

  protected override updated(): void {
    // An update can take away the control that had focus (an admin who made themselves an agent,
    // a row that went): focus moves to the section's heading instead of the page.
    if (this.focusWasInside && this.shadowRoot!.activeElement === null)
      this.shadowRoot!.querySelector<HTMLElement>('#team-title')?.focus();
  }

  /** The Team section's words in the language in use. */
  private get tt(): TeamCatalog {
    return teamCatalogFor(this.resolvedLocale);
  }

  override render() {
    const t = this.tt;
    const model = this.model.value;
    if (!model) return nothing;
    const now = Date.now();
    return html`<section aria-labelledby="team-title">
      <h3 id="team-title" tabindex="-1">${t.title}</h3>
      <table part="members" aria-labelledby="team-title">
        <thead>
          <tr>
            <th scope="col">${t.member}</th>
            <th scope="col">${t.role}</th>
            <th scope="col">${t.state}</th>
            <th scope="col">${t.lastSeen}</th>
            ${model.canManage ? html`<th scope="col">${t.actions}</th>` : nothing}
          </tr>
        </thead>
        <tbody>
          ${model.members.map(
            (member) =>
              html`<tr>
                <th scope="row">
                  ${member.agent.id === model.me ? t.you(member.agent.name) : member.agent.name}
                  <span class="muted">${member.agent.email}</span>
                </th>
                <td>${t.roles[member.role]}</td>
                <td>${t.states[member.state]}</td>
                <td>
                  ${member.lastSeenAt === null ? t.never : formatStarted(member.lastSeenAt, now, this.resolvedLocale)}
                </td>
                ${model.canManage ? html`<td>${this.renderActions(member)}</td>` : nothing}
              </tr>`,
          )}
        </tbody>
      </table>
      <div id="team-error" class="error" role="alert">${this.error?.text ?? ''}</div>
      <div class="status" role="status">${this.noticeText()}</div>
      ${this.notice?.kind === 'link' ? this.renderLink(this.notice.link) : nothing}
      ${model.canManage ? this.renderInvite() : nothing}
    </section>`;
  }

  private renderActions(member: TeamMember) {
    const t = this.tt;
    const { agent } = member;
    const button = (label: string, onClick: () => void) =>
      html`<button type="button" class="button" aria-label=${t.actionFor(label, agent.name)} @click=${onClick}>
        ${label}
      </button>`;
    const role: AgentRole = member.role === 'admin' ? 'agent' : 'admin';
    return html`<div class="row-actions">
      ${button(role === 'admin' ? t.makeAdmin : t.makeAgent, () =>
        this.act({ type: 'agent.setRole', agentId: agent.id, role }, agent.name),
      )}
      ${
        member.state === 'disabled'
          ? button(t.enable, () => this.act({ type: 'agent.enable', agentId: agent.id }, agent.name))
          : button(t.disable, () => this.act({ type: 'agent.disable', agentId: agent.id }, agent.name))
      }
      ${member.state === 'invited' ? button(t.resend, () => this.resend(agent.id, agent.email)) : nothing}
    </div>`;
  }

  private renderLink(link: string) {
    const t = this.tt;
    return html`<div class="link">
      <label class="field"><span>${t.link}</span><input name="link" readonly .value=${link} /></label>
      <button type="button" class="button" @click=${this.copyLink}>${t.copy}</button>
    </div>`;
  }

  private renderInvite() {
    const t = this.tt;
    const invalid = (field: TeamError['field']) => (this.error?.field === field ? 'true' : nothing);
    const describedBy = (field: TeamError['field']) => (this.error?.field === field ? 'team-error' : nothing);
    return html`<form part="invite" novalidate aria-labelledby="invite-title" @submit=${this.invite}>
      <h4 id="invite-title">${t.invite}</h4>
      <label class="field"
        ><span>${t.email}</span
        ><input
          name="email"
          type="email"
          autocomplete="off"
          aria-invalid=${invalid('email')}
          aria-describedby=${describedBy('email')}
      /></label>
      <label class="field"
        ><span>${t.name}</span
        ><input name="name" autocomplete="off" aria-invalid=${invalid('name')} aria-describedby=${describedBy('name')}
      /></label>
      <label class="field"
        ><span>${t.role}</span
        ><select name="role">
          <option value="agent">${t.roles['agent']}</option>
          <option value="admin">${t.roles['admin']}</option>
        </select></label
      >
      <div class="actions"><button class="button primary" type="submit">${t.sendInvite}</button></div>
    </form>`;
  }

  private noticeText(): string {
    const t = this.tt;
    if (!this.notice) return '';
    if (this.notice.kind === 'sent') return t.sent(this.notice.email);
    if (this.notice.kind === 'host') return t.created(this.notice.email);
    return this.copied ? `${t.noSmtp} ${t.copied}` : t.noSmtp;
  }

  /** Sends a team command; on refusal shows why. Resolves with its result, or null when refused. */
  private async act(command: TeamCommand, name: string): Promise<Record<string, string> | null> {
    this.error = undefined;
    this.notice = undefined;
    try {
      return await this.client!.send(command);
    } catch (error) {
      this.error = this.explain(error, name);
      return null;
    }
  }

  private explain(error: unknown, name: string): TeamError {
    const t = this.tt;
    const { code, rule, path = '' } = (error ?? {}) as Partial<Record<'code' | 'rule' | 'path', string>>;
    // The path names the field inside the command frame (`command.email`).
    const field = path.split('.').pop();
    if (rule === TEAM_RULES.lastAdmin) return { text: t.lastAdmin(name) };
    if (rule === TEAM_RULES.emailTaken) return { text: t.emailTaken, field: 'email' };
    if (code === 'invalid' && field === 'email') return { text: t.invalidEmail, field: 'email' };
    if (code === 'invalid' && field === 'name') return { text: t.invalidName, field: 'name' };
    if (code === 'forbidden') return { text: t.forbidden };
    return { text: this.t.error(refusalText(this.t, error)) };
  }

  private invite = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '');
    const result = await this.act(
      {
        type: 'agent.invite',
        email: String(data.get('email') ?? '').trim(),
        name,
        role: String(data.get('role')) as AgentRole,
      },
      name,
    );
    if (!result) {
      const field = this.error?.field;
      if (field) form.querySelector<HTMLInputElement>(`[name="${field}"]`)?.focus();
      return;
    }
    form.reset();
    await this.deliver(result['agentId']!, emailKey(String(data.get('email') ?? '')));
  };

  private resend = async (agentId: string, email: string): Promise<void> => {
    this.error = undefined;
    await this.deliver(agentId, email);
  };

  /** Hands the invitation to the host, and says what became of it. The link is kept only here. */
  private async deliver(agentId: string, email: string): Promise<void> {
    this.copied = false;
    this.notice = undefined;
    if (!this.teamInvites) {
      this.notice = { kind: 'host', email };
      return;
    }
    try {
      const delivery = await this.teamInvites.send(agentId);
      this.notice = delivery.sent ? { kind: 'sent', email } : { kind: 'link', email, link: delivery.link };
    } catch (error) {
      this.error = { text: this.tt.notSent(error instanceof Error ? error.message : String(error)) };
    }
  }

  private copyLink = async (): Promise<void> => {
    const input = this.shadowRoot!.querySelector<HTMLInputElement>('input[name="link"]');
    if (!input) return;
    // Selected first: where the page may not write the clipboard, Ctrl+C still copies it.
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      this.copied = true;
    } catch {
      // No clipboard permission: the selection stays.
    }
  };
}

import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { RoutingMode, Settings } from '@confab/core';
import { ConfabElement } from '../shared/confab-element.js';
import { teamSettingsControllers } from '../shared/team-settings.js';
import { baseStyles } from '../shared/theme.js';
import type { TeamInvites } from '../team-section/invites.js';
import { exportPartsOf } from '../shared/parts.js';
import { settingsPanelStyles } from './settings-panel.styles.js';

const ROUTING_MODES: RoutingMode[] = ['round-robin', 'least-open', 'off'];

function lines(value: FormDataEntryValue | null): string[] {
  return String(value ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/**
 * Inbox settings (I1): routing rules (G1), the chat widget's texts and colour, the away message
 * (S2), the bot's greeting and quick replies (W5), and the email address and role-based addresses
 * that go to Filtered (V10), the agent's own email signature (issue 17), the canned responses and the labels (issue 16) and the Team section (issue 12). Only an admin sees the settings form;
 * everyone sees the team, and only an admin can manage it.
 *
 * @example
 * <confab-settings-panel .client=${client}></confab-settings-panel>
 *
 * @csspart form - The settings form.
 * @csspart save - The save button.
 * @csspart signature - The signed-in agent's email signature (`confab-signature-settings`).
 * @csspart bot-answers - The bot answers section (`confab-bot-answers`).
 * @csspart satisfaction-hours - The rating after a chat and the business hours (`confab-satisfaction-hours`).
 * @csspart canned - The canned responses section (`confab-canned-responses`).
 * @csspart labels - The Labels section (`confab-label-settings`).
 * @csspart team - The Team section (`confab-team-section`).
 * @cssproperty --confab-border - Fieldset borders.
 *
 * @tagname confab-settings-panel
 */
export class ConfabSettingsPanel extends ConfabElement {
  static override styles = [baseStyles, settingsPanelStyles];

  /** Delivers team invitations (mail, or a link to copy); see `TeamInvites`. */
  @property({ attribute: false }) accessor teamInvites: TeamInvites | undefined;

  @state() private accessor status = '';

  private readonly team = teamSettingsControllers(this);

  override connectedCallback(): void {
    super.connectedCallback();
    // The canned responses and Team sections are not needed for the inbox's first paint: their code
    // loads with the settings.
    void import('../canned-responses/define.js');
    void import('../bot-answers/define.js');
    void import('../satisfaction-hours/define.js');
    void import('../label-settings/define.js');
    void import('../team-section/define.js');
    void import('../signature-settings/define.js');
  }

  override render() {
    const s = this.team.settings.value;
    if (!s) return nothing;
    return html`${this.team.mayChange.value ? this.renderForm(s) : html`<p class="muted">${this.t.settingsAdminOnly}</p>`}
      <confab-bot-answers
        part="bot-answers"
        exportparts=${exportPartsOf('confab-bot-answers')}
        .client=${this.client}
        .locale=${this.resolvedLocale}
        .theme=${this.theme}
      ></confab-bot-answers>
      <confab-satisfaction-hours
        part="satisfaction-hours"
        exportparts=${exportPartsOf('confab-satisfaction-hours')}
        .client=${this.client}
        .locale=${this.resolvedLocale}
        .theme=${this.theme}
      ></confab-satisfaction-hours>
      <confab-canned-responses
        part="canned"
        exportparts=${exportPartsOf('confab-canned-responses')}
        .client=${this.client}
        .locale=${this.resolvedLocale}
        .theme=${this.theme}
      ></confab-canned-responses>
      <confab-label-settings
        part="labels"
        exportparts=${exportPartsOf('confab-label-settings')}
        .client=${this.client}
        .locale=${this.resolvedLocale}
        .theme=${this.theme}
      ></confab-label-settings>
      <confab-team-section
        part="team"
        exportparts=${exportPartsOf('confab-team-section')}
        .client=${this.client}
        .locale=${this.resolvedLocale}
        .theme=${this.theme}
        .teamInvites=${this.teamInvites}
      ></confab-team-section>
      <confab-signature-settings
        part="signature"
        .client=${this.client}
        .locale=${this.resolvedLocale}
        .theme=${this.theme}
      ></confab-signature-settings>`;
  }

  private renderForm(s: Settings) {
    const t = this.t;
    return html`<form part="form" @submit=${this.save} @input=${() => (this.status = '')}>
      <fieldset>
        <legend>${t.routing}</legend>
        ${ROUTING_MODES.map(
          (mode) =>
            html`<label class="choice">
              <input
                type="radio"
                name="routing"
                value=${mode}
                .checked=${s.routing.mode === mode}
              />${t.routingModes[mode]}
            </label>`,
        )}
      </fieldset>
      <fieldset>
        <legend>${t.chatWidget}</legend>
        <label class="field"><span>${t.widgetTitle}</span><input name="title" .value=${s.widget.title} /></label>
        <label class="field"><span>${t.widgetWelcome}</span><input name="welcome" .value=${s.widget.welcome} /></label>
        <label class="field"
          ><span>${t.widgetColor}</span><input name="color" type="color" .value=${s.widget.color}
        /></label>
        <label class="field"
          ><span>${t.awayMessage}</span><textarea name="awayMessage" .value=${s.widget.awayMessage}></textarea>
        </label>
      </fieldset>
      <fieldset>
        <legend>${t.botSection}</legend>
        <label class="choice"
          ><input type="checkbox" name="botEnabled" .checked=${s.bot.enabled} />${t.botEnabled}</label
        >
        <label class="field"><span>${t.botGreeting}</span><input name="greeting" .value=${s.bot.greeting} /></label>
        <label class="field"
          ><span>${t.quickReplies}</span
          ><textarea name="quickReplies" .value=${s.bot.quickReplies.join('\n')}></textarea>
        </label>
        <label class="field"
          ><span>${t.handoverReply}</span><input name="handoverReply" .value=${s.bot.handoverReply}
        /></label>
      </fieldset>
      <fieldset>
        <legend>${t.emailSection}</legend>
        <label class="field"
          ><span>${t.teamAddress}</span><input name="address" type="email" .value=${s.email.address}
        /></label>
        <label class="field"
          ><span>${t.roleAddresses}</span
          ><textarea name="roleAddresses" .value=${s.email.roleAddresses.join('\n')}></textarea>
        </label>
      </fieldset>
      <div class="actions">
        <span class="status" role="status">${this.status}</span>
        <button class="button primary" part="save" type="submit">${t.save}</button>
      </div>
    </form>`;
  }

  private save = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const refusal = await this.run({
      type: 'settings.update',
      patch: {
        routing: { mode: String(data.get('routing')) as RoutingMode },
        widget: {
          title: String(data.get('title') ?? ''),
          welcome: String(data.get('welcome') ?? ''),
          color: String(data.get('color') ?? ''),
          awayMessage: String(data.get('awayMessage') ?? ''),
        },
        bot: {
          enabled: data.get('botEnabled') !== null,
          greeting: String(data.get('greeting') ?? ''),
          quickReplies: lines(data.get('quickReplies')),
          handoverReply: String(data.get('handoverReply') ?? ''),
        },
        email: { address: String(data.get('address') ?? ''), roleAddresses: lines(data.get('roleAddresses')) },
      },
    });
    this.status = refusal ? this.t.error(refusal.message) : this.t.saved;
  };
}

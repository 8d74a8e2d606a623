import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import {
  canManageTeam,
  companyById,
  contactById,
  contactRecords,
  emailKey,
  safeUrl,
  ticketById,
  type AgentCommand,
  type Company,
  type Contact,
  type Conversation,
  type Deal,
  type Feedback,
  type Ticket,
  type UpdateContactCommand,
} from '@confab/core';
import { ConfabElement } from '../shared/confab-element.js';
import { LINK_REL, StoreController, shallowArrayEqual } from '@confab/element-kit';
import { MenuController } from '../shared/menu.js';
import { FocusKeeper } from '../shared/focus.js';
import { baseStyles } from '../shared/theme.js';
import { emit, type RecordType } from '../shared/events.js';
import { icon } from '../shared/icons.js';
import { linksContext, type RecordLinks } from '../shared/context.js';
import { fillTemplate } from '../shared/safe-url.js';
import { formatDateTime, formatStarted } from '../i18n/i18n.js';
import { aboutPanelStyles } from './about-panel.styles.js';

type Section = 'contact' | 'ticket' | 'about' | 'conversations' | 'tickets' | 'feedback' | 'deals' | 'company';
type Editing = 'ticket' | 'contact' | 'deal' | undefined;

/** How many earlier conversations and tickets the panel lists. */
const LIST_LIMIT = 10;
/** The ticket card's short list; the details panel shows what the team chose (A2). */
const CARD_TICKET_PROPERTIES = ['status', 'priority'];

interface AboutModel {
  conversation: Conversation | undefined;
  contact: Contact | undefined;
  ticket: Ticket | undefined;
  company: Company | undefined;
  shownTicketProperties: string[];
  /** Which ticket properties show is a team setting (A2, I1): only an admin changes it. */
  mayChangeSettings: boolean;
  otherConversations: Conversation[];
  otherTickets: Ticket[];
  feedback: Feedback[];
  deals: Deal[];
}

function sameModel(a: AboutModel, b: AboutModel): boolean {
  return (
    a.conversation === b.conversation &&
    a.contact === b.contact &&
    a.ticket === b.ticket &&
    a.company === b.company &&
    a.shownTicketProperties === b.shownTicketProperties &&
    a.mayChangeSettings === b.mayChangeSettings &&
    shallowArrayEqual(a.otherConversations, b.otherConversations) &&
    shallowArrayEqual(a.otherTickets, b.otherTickets) &&
    shallowArrayEqual(a.feedback, b.feedback) &&
    shallowArrayEqual(a.deals, b.deals)
  );
}

/**
 * The right sidebar (A1–A8): the conversation's contact, ticket, the contact's properties, other
 * conversations and tickets, past feedback, deals and company, each in a collapsible section.
 * Records belong to the host product: opening one fires a cancelable `confab-open-record`; with
 * `record-url-template` set, it is also a link that opens in a new tab.
 *
 * @example
 * <confab-about-panel .client=${client} conversation-id="c1" record-url-template="https://crm.example/{type}/{id}"
 *   @confab-open-record=${(e) => { e.preventDefault(); router.open(e.detail.type, e.detail.id); }}></confab-about-panel>
 *
 * @fires confab-open-record - Open a contact, ticket, company or deal record (cancelable); `detail.type`, `detail.id`.
 * @fires confab-select-conversation - One of the contact's other conversations was chosen.
 * @fires confab-create-ticket - Create ticket was submitted (cancelable: cancel it to create the ticket in your product); `detail.conversationId`, `detail.contactId`, `detail.name`.
 * @fires confab-create-deal - Create deal was submitted (cancelable: cancel it to create the deal in your product); `detail.conversationId`, `detail.contactId`, `detail.name`, `detail.amount`, `detail.currency`.
 * @csspart section - Each collapsible section.
 * @csspart section-toggle - The heading button that collapses or expands a section.
 * @csspart record-link - A link or button opening a host record.
 * @cssproperty --confab-surface - Panel background.
 * @cssproperty --confab-accent - Record links.
 *
 * @tagname confab-about-panel
 */
export class ConfabAboutPanel extends ConfabElement {
  static override styles = [baseStyles, aboutPanelStyles];

  @property({ attribute: 'conversation-id' }) accessor conversationId: string | undefined;
  /** URL of a host record; `{type}` (contact, ticket, company, deal) and `{id}` are replaced. */
  @property({ attribute: 'record-url-template' }) accessor recordUrlTemplate: string | undefined;

  @consume({ context: linksContext, subscribe: true })
  @state()
  private accessor links: RecordLinks | undefined;

  @state() private accessor expanded: ReadonlySet<Section> = new Set<Section>(['contact', 'ticket', 'about']);
  @state() private accessor editing: Editing;
  /** The form last opened: when it closes (Save, Cancel) focus returns to the button that opened it. */
  private lastEdited: Editing;
  protected readonly focusKeeper = new FocusKeeper(this, () => {
    const edited = this.lastEdited;
    const section = edited === 'contact' ? 'about' : edited === 'deal' ? 'deals' : 'ticket';
    return (
      this.renderRoot.querySelector<HTMLElement>('form input') ??
      this.renderRoot.querySelector<HTMLElement>(`[data-edit="${edited}"]`) ??
      this.renderRoot.querySelector<HTMLElement>(`#toggle-${section}`)
    );
  });
  /** "See more" opened the ticket details panel (A2), which takes the About panel's place. */
  @state() private accessor ticketDetails = false;
  @state() private accessor error = '';

  private readonly propertiesMenu = new MenuController(this, 'ticket-properties');

  private readonly model = new StoreController<number, AboutModel>(
    this,
    () => this.client?.store.revision,
    () => this.select(),
    sameModel,
  );

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('conversationId')) {
      this.editing = undefined;
      this.ticketDetails = false;
      this.error = '';
    }
  }

  private select(): AboutModel {
    const store = this.client!.store;
    const conversation = this.conversationId ? store.conversation(this.conversationId) : undefined;
    const contact = store.read(contactById, conversation?.contactId);
    // Only the sections that are open are listed.
    const records =
      conversation && contact
        ? store.read(contactRecords, contact.id, conversation.id, this.expanded, LIST_LIMIT)
        : { conversations: [], tickets: [], feedback: [], deals: [] };
    return {
      conversation,
      contact,
      ticket: store.read(ticketById, conversation?.ticketId),
      company: store.read(companyById, contact?.companyId),
      shownTicketProperties: store.settings().ticketProperties,
      mayChangeSettings: store.read(canManageTeam, store.me),
      otherConversations: records.conversations,
      otherTickets: records.tickets,
      feedback: records.feedback,
      deals: records.deals,
    };
  }

  override render() {
    const t = this.t;
    const model = this.model.value;
    if (!model?.conversation) return html`<h2>${t.aboutLabel}</h2>`;
    if (this.ticketDetails && model.ticket) return this.renderTicketDetails(model, model.ticket);
    return html`
      <h2>${t.aboutLabel}</h2>
      ${this.error ? html`<p class="error body" role="alert">${this.error}</p>` : nothing}
      ${this.section('contact', t.contact, this.renderContact(model))}
      ${this.section('ticket', t.ticket, this.renderTicket(model))}
      ${this.section('about', t.aboutContact, this.renderProperties(model))}
      ${this.section('conversations', t.otherConversations, this.renderOtherConversations(model))}
      ${this.section('tickets', t.otherTickets, this.renderOtherTickets(model))}
      ${this.section('feedback', t.pastFeedback, this.renderFeedback(model))}
      ${this.section('deals', t.deals, this.renderDeals(model))}
      ${this.section('company', t.company, this.renderCompany(model))}
    `;
  }

  private section(id: Section, title: string, body: () => TemplateResult): TemplateResult {
    const open = this.expanded.has(id);
    return html`<section part="section" data-section=${id}>
      <h3>
        <button
          id="toggle-${id}"
          part="section-toggle"
          aria-expanded=${open ? 'true' : 'false'}
          aria-controls="section-${id}"
          @click=${() => this.toggleSection(id)}
        >
          ${title}${icon('chevron')}
        </button>
      </h3>
      <div id="section-${id}" class="body" role="region" aria-labelledby="toggle-${id}" ?hidden=${!open}>
        ${open ? body() : nothing}
      </div>
    </section>`;
  }

  private toggleSection(id: Section): void {
    const next = new Set(this.expanded);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.expanded = next;
  }

  /** A host record: a link when the host gave a URL template, else a button; both fire the event. */
  private recordLink(type: RecordType, id: string, label: string): TemplateResult {
    const href = fillTemplate(this.recordUrlTemplate ?? this.links?.recordUrlTemplate, { type, id });
    const onOpen = (event: Event) => {
      if (!emit(this, 'confab-open-record', { type, id }, true)) event.preventDefault();
    };
    return href
      ? html`<a class="record-name" part="record-link" href=${href} target="_blank" rel=${LINK_REL} @click=${onOpen}
          >${label}</a
        >`
      : html`<button class="record-name" part="record-link" @click=${onOpen}>${label}</button>`;
  }

  private renderContact = (model: AboutModel) => () => {
    const t = this.t;
    const contact = model.contact;
    if (!contact) return html`<p class="muted">${t.noContact}</p>`;
    return html`<div class="row">
        ${this.recordLink('contact', contact.id, contact.name || contact.email || t.unknownContact)}
        <button class="icon-button" aria-label=${t.detachContact} title=${t.detachContact} @click=${this.detach}>
          ${icon('close')}
        </button>
      </div>
      ${contact.email ? html`<div class="muted">${externalEmail(contact.email)}</div>` : nothing}`;
  };

  private renderTicket = (model: AboutModel) => () => {
    const t = this.t;
    const ticket = model.ticket;
    if (!ticket) {
      return this.editing === 'ticket'
        ? html`<form @submit=${this.createTicket}>
            <label class="field"
              ><span>${t.ticketName}</span><input name="name" required .value=${model.conversation?.subject ?? ''}
            /></label>
            <div class="actions">
              <button class="button primary" type="submit">${t.createTicket}</button>
              <button class="button" type="button" @click=${() => (this.editing = undefined)}>${t.cancel}</button>
            </div>
          </form>`
        : html`<p class="muted">${t.none}</p>
            <button class="button" data-edit="ticket" @click=${() => this.startEditing('ticket')}>
              ${t.createTicket}
            </button>`;
    }
    return html`${this.recordLink('ticket', ticket.id, ticket.name)}
      ${this.ticketProperties(ticket, CARD_TICKET_PROPERTIES)}
      <div class="actions">
        <button class="button" id="see-more" @click=${() => this.showTicketDetails(true)}>${t.seeMore}</button>
      </div>`;
  };

  /** The properties of a ticket in `keys` (those it has), then its date. */
  private ticketProperties(ticket: Ticket, keys: readonly string[]): TemplateResult {
    return html`<dl>
      ${keys
        .filter((key) => key in ticket.properties)
        .map(
          (key) =>
            html`<dt>${key}</dt>
              <dd>${ticket.properties[key]}</dd>`,
        )}
      <dt>${this.t.date}</dt>
      <dd>${formatDateTime(ticket.createdAt, this.resolvedLocale)}</dd>
    </dl>`;
  }

  /**
   * A2's ticket details panel: the properties the team chose to show here (a team setting, changed
   * with "Edit shown properties"); the card keeps its own short list.
   */
  private renderTicketDetails(model: AboutModel, ticket: Ticket): TemplateResult {
    const t = this.t;
    const shown = model.shownTicketProperties;
    const allKeys = [...new Set([...shown, ...Object.keys(ticket.properties)])];
    return html`<section role="region" aria-labelledby="ticket-details-title" @keydown=${this.onDetailsKeydown}>
      <div class="row">
        <button
          id="back-to-about"
          class="icon-button"
          aria-label=${t.backToAbout}
          title=${t.backToAbout}
          @click=${() => this.showTicketDetails(false)}
        >
          ${icon('back')}
        </button>
        <h2 id="ticket-details-title">${t.ticketDetails}</h2>
      </div>
      ${this.recordLink('ticket', ticket.id, ticket.name)} ${this.ticketProperties(ticket, shown)}
      ${model.mayChangeSettings ? html`<div class="actions">${this.renderShownMenu(allKeys, shown)}</div>` : nothing}
    </section>`;
  }

  /** Opens or closes the details panel; focus goes to what replaced the button pressed. */
  private async showTicketDetails(open: boolean): Promise<void> {
    this.ticketDetails = open;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(open ? '#back-to-about' : '#see-more')?.focus();
  }

  private onDetailsKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || this.propertiesMenu.open) return;
    event.stopPropagation();
    void this.showTicketDetails(false);
  };

  private renderShownMenu(allKeys: string[], shown: string[]): TemplateResult {
    const t = this.t;
    return html`<div class="anchor">
      <button
        id=${this.propertiesMenu.triggerId}
        class="button"
        aria-haspopup="menu"
        aria-expanded=${this.propertiesMenu.open ? 'true' : 'false'}
        aria-controls=${this.propertiesMenu.menuId}
        @click=${this.propertiesMenu.toggle}
        @keydown=${this.propertiesMenu.onTriggerKeydown}
      >
        ${t.editShownProperties}
      </button>
      ${
        this.propertiesMenu.open
          ? html`<div
              id=${this.propertiesMenu.menuId}
              class="menu"
              role="menu"
              aria-label=${t.editShownProperties}
              @keydown=${this.propertiesMenu.onMenuKeydown}
            >
              ${allKeys.map((key) => {
                const checked = shown.includes(key);
                return html`<button
                  role="menuitemcheckbox"
                  tabindex="-1"
                  aria-checked=${checked ? 'true' : 'false'}
                  @click=${() => this.toggleShown(key, shown)}
                >
                  <span class="check-mark" aria-hidden="true">${checked ? '✓' : ''}</span>${key}
                </button>`;
              })}
            </div>`
          : nothing
      }
    </div>`;
  }

  private renderProperties = (model: AboutModel) => () => {
    const t = this.t;
    const contact = model.contact;
    if (!contact) return html`<p class="muted">${t.noContact}</p>`;
    if (this.editing === 'contact') {
      return html`<form @submit=${this.saveContact}>
        <label class="field"><span>${t.name}</span><input name="name" .value=${contact.name} /></label>
        <label class="field"
          ><span>${t.emailAddress}</span><input name="email" type="email" .value=${contact.email}
        /></label>
        ${Object.entries(contact.properties).map(
          ([key, value]) =>
            html`<label class="field"><span>${key}</span><input name="property:${key}" .value=${value} /></label>`,
        )}
        <div class="pair">
          <label class="field"><span>${t.propertyName}</span><input name="new-key" /></label>
          <label class="field"><span>${t.propertyValue}</span><input name="new-value" /></label>
        </div>
        <div class="actions">
          <button class="button primary" type="submit">${t.save}</button>
          <button class="button" type="button" @click=${() => (this.editing = undefined)}>${t.cancel}</button>
        </div>
      </form>`;
    }
    return html`<dl>
        <dt>${t.name}</dt>
        <dd>${contact.name}</dd>
        <dt>${t.emailAddress}</dt>
        <dd>${contact.email}</dd>
        ${Object.entries(contact.properties).map(
          ([key, value]) =>
            html`<dt>${key}</dt>
              <dd>${value}</dd>`,
        )}
      </dl>
      <button class="button" data-edit="contact" @click=${() => this.startEditing('contact')}>
        ${t.editProperties}
      </button>`;
  };

  private renderOtherConversations = (model: AboutModel) => () => {
    const t = this.t;
    if (!model.otherConversations.length) return html`<p class="muted">${t.none}</p>`;
    const now = Date.now();
    return html`<ul class="items">
      ${model.otherConversations.map(
        (conversation) =>
          html`<li>
            <button
              class="record-name"
              @click=${() => emit(this, 'confab-select-conversation', { conversationId: conversation.id })}
            >
              ${conversation.subject || conversation.preview || t.threadLabel}
            </button>
            <span class="muted"> · ${formatStarted(conversation.startedAt, now, this.resolvedLocale)}</span>
          </li>`,
      )}
    </ul>`;
  };

  private renderOtherTickets = (model: AboutModel) => () =>
    model.otherTickets.length
      ? html`<ul class="items">
          ${model.otherTickets.map((ticket) => html`<li>${this.recordLink('ticket', ticket.id, ticket.name)}</li>`)}
        </ul>`
      : html`<p class="muted">${this.t.none}</p>`;

  private renderFeedback = (model: AboutModel) => () => {
    const t = this.t;
    if (!model.feedback.length) return html`<p class="muted">${t.none}</p>`;
    return html`<ul class="items">
      ${model.feedback.map(
        (feedback) =>
          html`<li>
            <strong>${t.feedbackKinds[feedback.kind] ?? feedback.kind}</strong> · ${t.score(feedback.score)} ·
            <span class="muted">${formatDateTime(feedback.submittedAt, this.resolvedLocale)}</span>
            ${feedback.comment ? html`<div>${feedback.comment}</div>` : nothing}
          </li>`,
      )}
    </ul>`;
  };

  private renderDeals = (model: AboutModel) => () => {
    const t = this.t;
    const list = model.deals.length
      ? html`<ul class="items">
          ${model.deals.map(
            (deal) =>
              html`<li>
                ${this.recordLink('deal', deal.id, deal.name)} ·
                ${new Intl.NumberFormat(this.resolvedLocale, { style: 'currency', currency: validCurrency(deal.currency) }).format(deal.amount)}
                ${deal.stage ? html`<span class="muted"> · ${deal.stage}</span>` : nothing}
              </li>`,
          )}
        </ul>`
      : html`<p class="muted">${t.none}</p>`;
    if (this.editing !== 'deal')
      return html`${list}<button class="button" data-edit="deal" @click=${() => this.startEditing('deal')}>
          ${t.createDeal}
        </button>`;
    return html`${list}
      <form @submit=${this.createDeal}>
        <label class="field"
          ><span>${t.dealName}</span><input name="name" required .value=${model.conversation?.subject ?? ''}
        /></label>
        <div class="pair">
          <label class="field"
            ><span>${t.amount}</span><input name="amount" type="number" min="0" step="0.01" required
          /></label>
          <label class="field"
            ><span>${t.currency}</span><input name="currency" required value="EUR" maxlength="3"
          /></label>
        </div>
        <div class="actions">
          <button class="button primary" type="submit">${t.createDeal}</button>
          <button class="button" type="button" @click=${() => (this.editing = undefined)}>${t.cancel}</button>
        </div>
      </form>`;
  };

  private renderCompany = (model: AboutModel) => () => {
    const company = model.company;
    if (!company) return html`<p class="muted">${this.t.none}</p>`;
    const site = safeUrl(`https://${company.domain}`);
    return html`${this.recordLink('company', company.id, company.name)}
      ${
        company.domain
          ? html`<div class="muted">
              ${site ? html`<a href=${site} target="_blank" rel=${LINK_REL}>${company.domain}</a>` : company.domain}
            </div>`
          : nothing
      }
      <dl>
        ${Object.entries(company.properties).map(
          ([key, value]) =>
            html`<dt>${key}</dt>
              <dd>${value}</dd>`,
        )}
      </dl>`;
  };

  private async startEditing(editing: Editing): Promise<void> {
    this.editing = editing;
    this.lastEdited = editing;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('form input')?.focus();
  }

  private async act(command: AgentCommand): Promise<boolean> {
    this.error = '';
    const refusal = await this.run(command);
    if (refusal) this.error = this.t.error(refusal.message);
    return !refusal;
  }

  private detach = (): void => {
    if (this.conversationId) void this.act({ type: 'conversation.detachContact', conversationId: this.conversationId });
  };

  private createTicket = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const name = String(new FormData(event.target as HTMLFormElement).get('name') ?? '').trim();
    if (!name || !this.conversationId) return;
    const conversationId = this.conversationId;
    const contactId = this.model.value?.contact?.id ?? null;
    // The host may keep tickets in its own product: a cancelled event means it took this one.
    if (!emit(this, 'confab-create-ticket', { conversationId, contactId, name }, true)) {
      this.editing = undefined;
      return;
    }
    if (await this.act({ type: 'ticket.create', conversationId, name })) this.editing = undefined;
  };

  private toggleShown(key: string, shown: string[]): void {
    const ticketProperties = shown.includes(key) ? shown.filter((k) => k !== key) : [...shown, key];
    void this.act({ type: 'settings.update', patch: { ticketProperties } });
  }

  private saveContact = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const contact = this.model.value?.contact;
    if (!contact) return;
    const data = new FormData(event.target as HTMLFormElement);
    const properties: Record<string, string> = {};
    for (const [name, value] of data.entries()) {
      if (name.startsWith('property:')) properties[name.slice('property:'.length)] = String(value);
    }
    const newKey = String(data.get('new-key') ?? '').trim();
    if (newKey) properties[newKey] = String(data.get('new-value') ?? '');
    const command: UpdateContactCommand = {
      type: 'contact.update',
      contactId: contact.id,
      name: String(data.get('name') ?? ''),
      properties,
    };
    // An email in contact.update is one the agent vouches for: send it only when they changed it,
    // or saving a property would make an address a visitor merely typed a trusted one.
    const email = String(data.get('email') ?? '');
    if (emailKey(email) !== emailKey(contact.email)) command.email = email;
    const ok = await this.act(command);
    if (ok) this.editing = undefined;
  };

  private createDeal = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    if (!this.conversationId) return;
    const data = new FormData(event.target as HTMLFormElement);
    const deal = {
      conversationId: this.conversationId,
      name: String(data.get('name') ?? '').trim(),
      amount: Number(data.get('amount') ?? 0),
      currency: String(data.get('currency') ?? 'EUR').toUpperCase(),
    };
    // As for tickets: a host that keeps deals in its own product cancels the event and takes it.
    if (!emit(this, 'confab-create-deal', { ...deal, contactId: this.model.value?.contact?.id ?? null }, true)) {
      this.editing = undefined;
      return;
    }
    const ok = await this.act({ type: 'deal.create', ...deal });
    if (ok) this.editing = undefined;
  };
}

function externalEmail(email: string): TemplateResult {
  const href = safeUrl(`mailto:${email}`);
  return href ? html`<a href=${href} target="_blank" rel=${LINK_REL}>${email}</a>` : html`${email}`;
}

function validCurrency(code: string): string {
  return /^[A-Z]{3}$/.test(code) ? code : 'EUR';
}

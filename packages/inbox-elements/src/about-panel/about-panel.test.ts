import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../define.js';
import type { ConfabAboutPanel } from './about-panel.js';
import { HOSTILE, closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { eventHandlerAttributes, getAllByRole, getByRole, queryByRole, until } from '../test/dom.js';

async function panel(inbox: TestInbox, conversationId = 'c-email', template = '') {
  const element = await fixture<ConfabAboutPanel>(
    html`<confab-about-panel
      .client=${inbox.client}
      conversation-id=${conversationId}
      record-url-template=${template}
    ></confab-about-panel>`,
  );
  await until(() => queryByRole(element, 'button', 'Contact'), 'panel rendered');
  return element;
}

async function expand(element: ConfabAboutPanel, section: string) {
  const toggle = getByRole(element, 'button', new RegExp(`^${section}$`));
  if (toggle.getAttribute('aria-expanded') !== 'true') toggle.click();
  await element.updateComplete;
  return getByRole(element, 'region', new RegExp(`^${section}$`));
}

describe('confab-about-panel', () => {
  let inbox: TestInbox;
  beforeEach(async () => {
    inbox = await createTestInbox();
  });
  afterEach(closeTestInboxes);

  it('A1 Contact: the name opens the record (cancelable event, or the host URL) and ✕ detaches the contact', async () => {
    const element = await panel(inbox, 'c-email', 'https://crm.example/{type}/{id}');
    const region = await expand(element, 'Contact');
    const link = getByRole<HTMLAnchorElement>(region, 'link', 'Alice Andersen');
    expect(link.href).to.equal('https://crm.example/contact/contact-alice');
    expect(link.rel).to.equal('noopener noreferrer');
    const opened = oneEvent(element, 'confab-open-record');
    element.addEventListener('confab-open-record', (event) => event.preventDefault(), { once: true });
    link.click();
    expect((await opened).detail).to.deep.equal({ type: 'contact', id: 'contact-alice' });
    getByRole(region, 'button', 'Detach contact from this conversation').click();
    await until(() => inbox.client.store.conversation('c-email')?.contactId === null, 'detached');
    await until(
      () => element.shadowRoot!.textContent!.includes('No contact on this conversation.'),
      'no contact shown',
    );
  });

  it('A2 Ticket: the card, See more opens the ticket details panel, and choosing what that panel shows leaves the card alone', async () => {
    const element = await panel(inbox);
    const region = await expand(element, 'Ticket');
    expect(region.textContent).to.contain('Invoice 42 refund');
    expect(region.textContent).to.contain('high');
    expect(region.textContent).not.to.contain('owner');
    getByRole(region, 'button', 'See more').click();
    const details = await until(() => queryByRole(element, 'region', 'Ticket details'), 'the details panel');
    expect(element.shadowRoot!.activeElement, 'focus on Back').to.equal(getByRole(details, 'button', 'Back to About'));
    expect(details.textContent).to.contain('Invoice 42 refund');
    expect(details.textContent).not.to.contain('owner');
    getByRole(details, 'button', 'Edit shown properties').click();
    const owner = await until(() => queryByRole(element, 'menuitemcheckbox', 'owner'), 'owner item');
    expect(owner.getAttribute('aria-checked')).to.equal('false');
    await expect(element).to.be.accessible();
    owner.click();
    await until(() => inbox.client.store.state.settings.ticketProperties.includes('owner'), 'owner shown');
    await until(
      () => getByRole(element, 'region', 'Ticket details').textContent!.includes('owner'),
      'owner in the panel',
    );

    // Escape closes the menu (focus on its button), a second Escape goes back to the About panel,
    // to the button that opened the details; the card is as it was.
    const escape = () =>
      (element.shadowRoot!.activeElement as HTMLElement).dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }),
      );
    getByRole(element, 'menu', 'Edit shown properties').dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }),
    );
    await element.updateComplete;
    expect(element.shadowRoot!.activeElement).to.equal(getByRole(element, 'button', 'Edit shown properties'));
    escape();
    await until(() => queryByRole(element, 'region', 'Ticket details') === null, 'the details panel closed');
    const card = getByRole(element, 'region', 'Ticket');
    expect(element.shadowRoot!.activeElement).to.equal(getByRole(card, 'button', 'See more'));
    expect(card.textContent).to.contain('high');
    expect(card.textContent).not.to.contain('owner');
  });

  it('A2 which ticket properties show is a team setting: an agent who is not an admin is not offered it', async () => {
    closeTestInboxes();
    inbox = await createTestInbox({ agentId: 'agent-bo' });
    const element = await panel(inbox);
    const region = await expand(element, 'Ticket');
    getByRole(region, 'button', 'See more').click();
    const details = await until(() => queryByRole(element, 'region', 'Ticket details'), 'the details panel');
    expect(queryByRole(details, 'button', 'Edit shown properties')).to.equal(null);
  });

  it('A2 Create ticket when there is none', async () => {
    const element = await panel(inbox, 'c-chat');
    const region = await expand(element, 'Ticket');
    getByRole(region, 'button', 'Create ticket').click();
    await element.updateComplete;
    const name = getByRole<HTMLInputElement>(element, 'textbox', 'Ticket name');
    name.value = 'Shipping to Belgium';
    getByRole(element, 'button', 'Create ticket').click();
    await until(() => inbox.client.store.conversation('c-chat')?.ticketId, 'ticket created');
    await until(
      () => getByRole(element, 'region', 'Ticket').textContent!.includes('Shipping to Belgium'),
      'ticket shown',
    );
  });

  it('A2 Create ticket tells the host first: a host that cancels the event keeps the ticket in its own product', async () => {
    const element = await panel(inbox, 'c-chat');
    const region = await expand(element, 'Ticket');
    getByRole(region, 'button', 'Create ticket').click();
    await element.updateComplete;
    getByRole<HTMLInputElement>(element, 'textbox', 'Ticket name').value = 'Refund request';
    const asked = new Promise<CustomEvent>((resolve) =>
      element.addEventListener(
        'confab-create-ticket',
        (event) => {
          event.preventDefault();
          resolve(event);
        },
        { once: true },
      ),
    );
    getByRole(element, 'button', 'Create ticket').click();
    const event = await asked;
    expect(event.detail).to.deep.equal({ conversationId: 'c-chat', contactId: 'contact-bob', name: 'Refund request' });
    expect(event.composed && event.bubbles && event.cancelable).to.equal(true);
    await until(() => !queryByRole(element, 'textbox', 'Ticket name'), 'the form closes');
    // Confab made none of its own: the host has it.
    expect(inbox.memory.backend.state.conversations.get('c-chat')!.ticketId).to.equal(null);
    expect(inbox.client.pending.get()).to.have.length(0);
  });

  it('A3 About this contact: properties shown and edited', async () => {
    const element = await panel(inbox);
    const region = await expand(element, 'About this contact');
    expect(region.textContent).to.contain('Utrecht');
    getByRole(region, 'button', 'Edit properties').click();
    await element.updateComplete;
    getByRole<HTMLInputElement>(element, 'textbox', 'city').value = 'Amsterdam';
    getByRole<HTMLInputElement>(element, 'textbox', 'Property name').value = 'language';
    getByRole<HTMLInputElement>(element, 'textbox', 'Value').value = 'Dutch';
    getByRole(element, 'button', /^Save$/).click();
    await until(
      () => inbox.client.store.state.contacts.get('contact-alice')?.properties['city'] === 'Amsterdam',
      'saved',
    );
    expect(inbox.client.store.state.contacts.get('contact-alice')!.properties['language']).to.equal('Dutch');
  });

  it('A3 saving another property leaves an address the visitor typed self-reported: later mail from it does not join their chat', async () => {
    const bob = { kind: 'visitor', contactId: 'contact-bob' } as const;
    await inbox.memory.backend.execute(bob, { type: 'visitor.setProfile', email: 'bob@home.example' });
    const contactOf = () => inbox.memory.backend.state.contacts.get('contact-bob')!;
    expect(contactOf().emailSelfReported).to.equal(true);
    const element = await panel(inbox, 'c-chat');
    const region = await expand(element, 'About this contact');
    await until(() => region.textContent?.includes('bob@home.example'), 'the typed address is shown');
    getByRole(region, 'button', 'Edit properties').click();
    await element.updateComplete;
    expect(getByRole<HTMLInputElement>(element, 'textbox', 'Email').value).to.equal('bob@home.example');
    getByRole<HTMLInputElement>(element, 'textbox', 'Property name').value = 'plan';
    getByRole<HTMLInputElement>(element, 'textbox', 'Value').value = 'Free';
    getByRole(element, 'button', /^Save$/).click();
    await until(() => contactOf().properties['plan'] === 'Free', 'saved');
    expect(contactOf()).to.deep.include({ email: 'bob@home.example', emailSelfReported: true, verified: false });
    // The address proves nothing: mail from it starts its own conversation with a contact of its own.
    const { result } = await inbox.memory.backend.execute(
      { kind: 'system' },
      {
        type: 'inbound.email',
        from: 'bob@home.example',
        to: ['support@confab.example'],
        subject: 'Hi',
        text: 'It is me',
        messageId: '<bob1@home.example>',
      },
    );
    const mail = inbox.memory.backend.state.conversations.get(result!['conversationId']!)!;
    expect(mail.contactId).to.not.equal('contact-bob');
    // One id is kept as the id itself, more as a list: compare ids, not characters of one.
    const bobs = [inbox.memory.backend.state.conversationIdsByContact.get('contact-bob') ?? []].flat();
    expect(bobs).to.not.include(mail.id);
  });

  it('A3 an address the agent changes is sent, and is then one the team vouches for', async () => {
    const bob = { kind: 'visitor', contactId: 'contact-bob' } as const;
    await inbox.memory.backend.execute(bob, { type: 'visitor.setProfile', email: 'bob@home.example' });
    const element = await panel(inbox, 'c-chat');
    const region = await expand(element, 'About this contact');
    await until(() => region.textContent?.includes('bob@home.example'), 'the typed address is shown');
    getByRole(region, 'button', 'Edit properties').click();
    await element.updateComplete;
    getByRole<HTMLInputElement>(element, 'textbox', 'Email').value = 'bob@work.example';
    getByRole(element, 'button', /^Save$/).click();
    const contactOf = () => inbox.memory.backend.state.contacts.get('contact-bob')!;
    await until(() => contactOf().email === 'bob@work.example', 'saved');
    expect(contactOf().emailSelfReported).to.equal(undefined);
  });

  it('A4 Other conversations of the contact open in the thread', async () => {
    const element = await panel(inbox);
    const region = await expand(element, 'Other conversations');
    const other = getByRole(region, 'button', 'Old messenger question');
    const selected = oneEvent(element, 'confab-select-conversation');
    other.click();
    expect((await selected).detail.conversationId).to.equal('c-old');
  });

  it('A5 Other tickets of the contact', async () => {
    const element = await panel(inbox);
    const region = await expand(element, 'Other tickets');
    expect(getByRole(region, 'button', 'Older Alice ticket')).to.be.instanceOf(Element);
    expect(region.textContent).not.to.contain('Invoice 42 refund');
  });

  it('A6 Past feedback: the survey answers', async () => {
    const element = await panel(inbox);
    const region = await expand(element, 'Past feedback');
    expect(region.textContent).to.contain('Satisfaction');
    expect(region.textContent).to.contain('Score 9');
    expect(region.textContent).to.contain('Great help last time');
  });

  it('A7 Deals: listed, and Create deal tracks revenue from this conversation', async () => {
    const element = await panel(inbox);
    const region = await expand(element, 'Deals');
    expect(region.textContent).to.contain('Acme upgrade');
    getByRole(region, 'button', 'Create deal').click();
    await element.updateComplete;
    getByRole<HTMLInputElement>(element, 'textbox', 'Deal name').value = 'Invoice upsell';
    getByRole<HTMLInputElement>(element, 'textbox', 'Amount').value = '500';
    getByRole(getByRole(element, 'region', 'Deals'), 'button', 'Create deal').click();
    await until(
      () =>
        [...inbox.client.store.state.deals.values()].some(
          (deal) => deal.name === 'Invoice upsell' && deal.conversationId === 'c-email',
        ),
      'deal created',
    );
  });

  it('A7 Create deal tells the host first (cancelable); left alone, Confab creates the deal', async () => {
    const element = await panel(inbox);
    await expand(element, 'Deals');
    const submit = async (name: string) => {
      getByRole(getByRole(element, 'region', 'Deals'), 'button', 'Create deal').click();
      await element.updateComplete;
      getByRole<HTMLInputElement>(element, 'textbox', 'Deal name').value = name;
      getByRole<HTMLInputElement>(element, 'textbox', 'Amount').value = '750';
      const told = oneEvent(element, 'confab-create-deal');
      getByRole(getByRole(element, 'region', 'Deals'), 'button', 'Create deal').click();
      return told;
    };
    const cancel = (event: Event) => event.preventDefault();
    element.addEventListener('confab-create-deal', cancel);
    const hosted = await submit('Hosted deal');
    expect(hosted.detail).to.deep.equal({
      conversationId: 'c-email',
      contactId: 'contact-alice',
      name: 'Hosted deal',
      amount: 750,
      currency: 'EUR',
    });
    element.removeEventListener('confab-create-deal', cancel);
    await submit('Confab deal');
    const dealNames = () => [...inbox.memory.backend.state.deals.values()].map((deal) => deal.name);
    await until(() => dealNames().includes('Confab deal'), 'deal created in Confab');
    expect(dealNames()).to.not.include('Hosted deal');
  });

  it('A8 Company: the contact company, opened as a host record', async () => {
    const element = await panel(inbox);
    const region = await expand(element, 'Company');
    const opened = oneEvent(element, 'confab-open-record');
    getByRole(region, 'button', 'Acme BV').click();
    expect((await opened).detail).to.deep.equal({ type: 'company', id: 'company-acme' });
    expect(getByRole<HTMLAnchorElement>(region, 'link', 'acme.example').href).to.equal('https://acme.example/');
  });

  it('A1 sections collapse and expand (aria-expanded); the panel is accessible (axe)', async () => {
    const element = await panel(inbox);
    for (const name of ['Other conversations', 'Other tickets', 'Past feedback', 'Deals', 'Company'])
      await expand(element, name);
    await expect(element).to.be.accessible();
    const toggle = getByRole(element, 'button', 'Contact');
    toggle.click();
    await element.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    expect(getAllByRole(element, 'region', /^Contact$/).length).to.equal(0);
  });

  it('A3 hostile contact names and properties render as text', async () => {
    const element = await panel(inbox, 'c-hostile');
    const region = await expand(element, 'About this contact');
    expect(region.textContent).to.contain(HOSTILE);
    expect(element.shadowRoot!.querySelector('img, script')).to.equal(null);
    expect(eventHandlerAttributes(element)).to.deep.equal([]);
  });
});

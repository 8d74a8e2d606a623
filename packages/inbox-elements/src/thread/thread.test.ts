import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { createInboxClient, createMemoryPersistence } from '@confab/core';
import '../define.js';
import type { ConfabThread } from './thread.js';
import { HOSTILE, MINUTE, closeTestInboxes, createTestInbox, testSeed, type TestInbox } from '../test/fixtures.js';
import {
  activeElement,
  eventHandlerAttributes,
  getAllByRole,
  getByRole,
  press,
  queryByRole,
  until,
} from '../test/dom.js';

async function thread(inbox: TestInbox, conversationId: string, template?: string) {
  const element = await fixture<ConfabThread>(
    html`<confab-thread
      style="height:700px"
      .client=${inbox.client}
      conversation-id=${conversationId}
      ticket-url-template=${template ?? ''}
    ></confab-thread>`,
  );
  await until(() => element.shadowRoot!.querySelector('.log'), 'thread rendered');
  return element;
}

async function chooseMenuItem(element: ConfabThread, menuButton: string, item: string | RegExp) {
  getByRole(element, 'button', menuButton).click();
  const menuItem = await until(
    () => getAllByRole(element, 'menuitem', item)[0] ?? getAllByRole(element, 'menuitemradio', item)[0],
    `menu item ${String(item)}`,
  );
  menuItem.click();
}

describe('confab-thread', () => {
  let inbox: TestInbox;
  beforeEach(async () => {
    inbox = await createTestInbox();
  });
  afterEach(closeTestInboxes);

  it('collision: the thread tells teammates it is open, and shows who else views or replies', async () => {
    const bo = createInboxClient({
      transport: inbox.memory.transport(),
      token: inbox.memory.agentToken('agent-bo'),
      persistence: createMemoryPersistence(),
    });
    const cy = createInboxClient({
      transport: inbox.memory.transport(),
      token: inbox.memory.agentToken('agent-cy'),
      persistence: createMemoryPersistence(),
    });
    try {
      await until(() => bo.status.get().ready && cy.status.get().ready, 'Bo and Cy ready');
      const element = await thread(inbox, 'c-chat');
      await until(
        () => bo.viewing.get().some((s) => s.conversationId === 'c-chat' && s.agentId === 'agent-ann'),
        'Bo hears that Ann has the conversation open',
      );
      await bo.send({ type: 'viewing', conversationId: 'c-chat', viewing: true });
      await until(() => element.shadowRoot!.textContent!.includes('Also viewing: Bo Builder'), 'Bo shown viewing');
      await bo.send({ type: 'typing', conversationId: 'c-chat', typing: true });
      await until(() => element.shadowRoot!.textContent!.includes('Replying now: Bo Builder'), 'Bo shown replying');
      expect(element.shadowRoot!.textContent, 'named once, for what matters most').to.not.contain('Also viewing');
      await cy.send({ type: 'typing', conversationId: 'c-chat', typing: true });
      await until(
        () => element.shadowRoot!.textContent!.includes('Replying now: Bo Builder, Cy Support'),
        'two teammates replying are both named',
      );
      await cy.send({ type: 'typing', conversationId: 'c-chat', typing: false });
      await until(() => !element.shadowRoot!.textContent!.includes('Cy Support'), 'Cy stopped');
      expect(element.shadowRoot!.textContent, 'Bo still replies').to.contain('Replying now: Bo Builder');
      await expect(element).to.be.accessible();
      element.remove();
      await until(() => bo.viewing.get().length === 0, 'Ann left: Bo hears it at once');
    } finally {
      await bo.close();
      await cy.close();
    }
  });

  it('T1 shows the full thread: messages and internal comments look different, email headers shown', async () => {
    const element = await thread(inbox, 'c-email');
    expect(getByRole(element, 'heading', 'Invoice question')).to.be.instanceOf(Element);
    const messages = element.shadowRoot!.querySelectorAll('[part~="message"]');
    expect(messages.length).to.equal(2);
    const [email, comment] = [...messages];
    expect(email!.getAttribute('part')).to.contain('reply');
    expect(comment!.getAttribute('part')).to.contain('comment');
    expect(comment!.textContent).to.contain('Internal comment');
    expect(getComputedStyle(comment!).backgroundColor).not.to.equal(getComputedStyle(email!).backgroundColor);
    const headers = Object.fromEntries(
      [...email!.querySelectorAll('dt')].map((dt) => [
        dt.textContent!.trim(),
        dt.nextElementSibling!.textContent!.trim(),
      ]),
    );
    expect(headers).to.deep.equal({
      From: 'alice@customer.example',
      To: 'support@confab.example',
      Cc: 'carol@customer.example',
      Subject: 'Invoice question',
    });
    const link = getByRole<HTMLAnchorElement>(element, 'link', 'https://billing.example/invoices/42');
    expect(link.rel).to.equal('noopener noreferrer');
    expect(link.target).to.equal('_blank');
  });

  it('T9 a thread used on its own (client set as a property) replies through its editor', async () => {
    const element = await thread(inbox, 'c-chat');
    const editor = await until(() => element.shadowRoot!.querySelector('confab-reply-editor'), 'reply editor');
    const box = await until(() => getAllByRole<HTMLTextAreaElement>(editor, 'textbox', 'Reply')[0], 'reply box');
    box.value = 'Sent from a standalone thread';
    box.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await (editor as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    getByRole(editor, 'button', 'Send').click();
    await until(
      () => inbox.memory.backend.state.messages.get('c-chat')!.some((m) => m.text === 'Sent from a standalone thread'),
      'the reply reached the backend',
    );
  });

  it('T2 the Assignee menu assigns to a teammate and unassigns; Escape closes it and returns focus', async () => {
    const element = await thread(inbox, 'c-chat');
    const trigger = getByRole(element, 'button', /Assignee/);
    expect(trigger.getAttribute('aria-haspopup')).to.equal('menu');
    trigger.click();
    await element.updateComplete;
    await until(() => activeElement()?.getAttribute('role') === 'menuitemradio', 'focus in menu');
    press('ArrowDown');
    press('Escape');
    await element.updateComplete;
    expect(queryByRole(element, 'menu')).to.equal(null);
    expect(activeElement()).to.equal(trigger);
    await chooseMenuItem(element, 'Assignee: Unassigned', 'Bo Builder');
    await until(() => inbox.client.store.conversation('c-chat')?.assigneeId === 'agent-bo', 'assigned to Bo');
    await until(() => getAllByRole(element, 'button', 'Assignee: Bo Builder').length, 'button shows Bo');
    await chooseMenuItem(element, 'Assignee: Bo Builder', 'Unassigned');
    await until(() => inbox.client.store.conversation('c-chat')?.assigneeId === null, 'unassigned');
  });

  it('T2 the open menu is accessible (axe)', async () => {
    const element = await thread(inbox, 'c-chat');
    getByRole(element, 'button', /Assignee/).click();
    await until(() => queryByRole(element, 'menu'), 'menu open');
    await expect(element).to.be.accessible();
    press('Escape');
    getByRole(element, 'button', 'More').click();
    await until(() => queryByRole(element, 'menu', 'More'), 'More menu open');
    await expect(element).to.be.accessible();
  });

  it('T2 a disabled assignee keeps the conversation, shown as disabled and not choosable, until someone reassigns it', async () => {
    await inbox.client.send({ type: 'conversation.assign', conversationId: 'c-chat', assigneeId: 'agent-bo' });
    await inbox.client.send({ type: 'agent.disable', agentId: 'agent-bo' });
    const element = await thread(inbox, 'c-chat');
    const trigger = await until(
      () => queryByRole(element, 'button', 'Assignee: Bo Builder (disabled)'),
      'named disabled',
    );
    trigger.click();
    await until(() => queryByRole(element, 'menu'), 'menu open');
    const items = getAllByRole(element, 'menuitemradio').map((item) => [
      item.textContent!.trim(),
      item.getAttribute('aria-checked'),
      item.getAttribute('aria-disabled'),
    ]);
    expect(items).to.deep.equal([
      ['Unassigned', 'false', null],
      ['Ann Agent', 'false', null],
      ['Cy Support', 'false', null],
      ['✓Bo Builder (disabled)', 'true', 'true'],
    ]);
    await expect(element).to.be.accessible();
    getByRole(element, 'menuitemradio', 'Bo Builder (disabled)').click();
    await element.updateComplete;
    expect(inbox.client.pending.get()).to.deep.equal([]);
    expect(inbox.client.store.conversation('c-chat')?.assigneeId).to.equal('agent-bo');
    press('Escape');
    await chooseMenuItem(element, 'Assignee: Bo Builder (disabled)', 'Cy Support');
    await until(() => queryByRole(element, 'button', 'Assignee: Cy Support'), 'reassigned to Cy');
    getByRole(element, 'button', 'Assignee: Cy Support').click();
    await until(() => queryByRole(element, 'menu'), 'menu open again');
    expect(getAllByRole(element, 'menuitemradio').map((item) => item.textContent!.trim())).to.deep.equal([
      'Unassigned',
      'Ann Agent',
      '✓Cy Support',
    ]);
  });

  it('T2 in Dutch a disabled assignee reads "uitgeschakeld"; enabling them brings them back to the menu', async () => {
    await inbox.client.send({ type: 'conversation.assign', conversationId: 'c-chat', assigneeId: 'agent-bo' });
    await inbox.client.send({ type: 'agent.disable', agentId: 'agent-bo' });
    const element = await thread(inbox, 'c-chat');
    element.locale = 'nl';
    await until(() => queryByRole(element, 'button', 'Verantwoordelijke: Bo Builder (uitgeschakeld)'), 'Dutch');
    await inbox.client.send({ type: 'agent.enable', agentId: 'agent-bo' });
    await until(() => queryByRole(element, 'button', 'Verantwoordelijke: Bo Builder'), 'enabled again');
  });

  it('T3 the ticket name shows above the thread and opens the host URL in a new tab', async () => {
    const element = await thread(inbox, 'c-email', 'https://crm.example/tickets/{id}');
    const link = getByRole<HTMLAnchorElement>(element, 'link', 'Ticket: Invoice 42 refund');
    expect(link.href).to.equal('https://crm.example/tickets/ticket-1');
    expect(link.target).to.equal('_blank');
    expect(link.rel).to.equal('noopener noreferrer');
    const opened = oneEvent(element, 'confab-open-record');
    element.addEventListener('confab-open-record', (event) => event.preventDefault(), { once: true });
    link.click();
    expect((await opened).detail).to.deep.equal({ type: 'ticket', id: 'ticket-1' });
  });

  it('T3 without a template the ticket is a button that asks the host (confab-open-record)', async () => {
    const element = await thread(inbox, 'c-email');
    const opened = oneEvent(element, 'confab-open-record');
    getByRole(element, 'button', 'Ticket: Invoice 42 refund').click();
    expect((await opened).detail.id).to.equal('ticket-1');
  });

  it('T4 More → Send transcript asks an address in a modal dialog and sends it', async () => {
    const element = await thread(inbox, 'c-chat');
    await chooseMenuItem(element, 'More', 'Send transcript');
    const dialog = await until(() => queryByRole(element, 'dialog', 'Send transcript'), 'dialog');
    expect((dialog as HTMLDialogElement).open).to.equal(true);
    await expect(element).to.be.accessible();
    const field = getByRole<HTMLInputElement>(dialog, 'textbox', 'Send a copy of the transcript to');
    expect(activeElement()).to.equal(field);
    field.value = 'bob@visitor.example';
    getByRole(dialog, 'button', 'Send').click();
    await until(() => !(dialog as HTMLDialogElement).open, 'dialog closed');
    await until(
      () =>
        (inbox.client.store.state.messages.get('c-chat') ?? []).length > 3 || inbox.client.pending.get().length === 0,
      'transcript sent',
    );
    expect(element.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.equal('');
  });

  it('T4 More → Delete moves the conversation to Trash, which then offers Restore and Delete forever (V11)', async () => {
    const element = await thread(inbox, 'c-chat');
    await chooseMenuItem(element, 'More', 'Delete');
    await until(() => inbox.client.store.conversation('c-chat')?.trashedAt !== null, 'in trash');
    const restore = await until(() => queryByRole(element, 'button', 'Restore'), 'Restore button');
    expect(getByRole(element, 'button', 'Delete forever')).to.be.instanceOf(Element);
    expect(element.shadowRoot!.textContent).to.contain('This conversation is in Trash.');
    restore.click();
    await until(() => inbox.client.store.conversation('c-chat')?.trashedAt === null, 'restored');
  });

  it('V11 Delete forever removes a trashed conversation for good', async () => {
    const element = await thread(inbox, 'c-trash');
    expect(element.shadowRoot!.textContent).to.contain('Please ignore this one');
    getByRole(element, 'button', 'Delete forever').click();
    await until(() => inbox.client.store.conversation('c-trash') === undefined, 'deleted forever');
  });

  it('T5 More → Block sender moves it to Filtered; the Filtered view offers Unblock', async () => {
    const element = await thread(inbox, 'c-chat');
    await chooseMenuItem(element, 'More', 'Block sender');
    await until(() => inbox.client.store.conversation('c-chat')?.filtered === 'blocked', 'blocked');
    const unblock = await until(() => queryByRole(element, 'button', 'Unblock sender'), 'Unblock button');
    unblock.click();
    await until(() => inbox.client.store.conversation('c-chat')?.filtered === null, 'unblocked');
  });

  it('T6 More → Mark as spam filters this thread; Not spam brings it back', async () => {
    const element = await thread(inbox, 'c-email');
    await chooseMenuItem(element, 'More', 'Mark as spam');
    await until(() => inbox.client.store.conversation('c-email')?.filtered === 'spam', 'spam');
    const notSpam = await until(() => queryByRole(element, 'button', 'Not spam'), 'Not spam button');
    notSpam.click();
    await until(() => inbox.client.store.conversation('c-email')?.filtered === null, 'not spam');
  });

  it('T6 Mark as spam is offered on email only: a chat offers Block sender instead', async () => {
    const element = await thread(inbox, 'c-chat');
    getByRole(element, 'button', 'More').click();
    await until(() => getAllByRole(element, 'menuitem', 'Block sender')[0], 'More menu open');
    expect(getAllByRole(element, 'menuitem', 'Mark as spam')).to.have.length(0);
  });

  it('T7 Forward on the most recent email sends it to another address', async () => {
    const element = await thread(inbox, 'c-email');
    const forwards = getAllByRole(element, 'button', 'Forward');
    expect(forwards.length).to.equal(1);
    forwards[0]!.click();
    const dialog = await until(() => queryByRole(element, 'dialog', 'Forward'), 'forward dialog');
    getByRole<HTMLInputElement>(dialog, 'textbox', 'Forward to').value = 'finance@partner.example';
    getByRole<HTMLTextAreaElement>(dialog, 'textbox', 'Note').value = 'Can you help?';
    getByRole(dialog, 'button', 'Send').click();
    await until(() => inbox.client.pending.get().length === 0 && !(dialog as HTMLDialogElement).open, 'forwarded');
    expect(element.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.equal('');
  });

  it('C1 an outbound email shows where its delivery stands; a failed one offers Send again, keeping focus', async () => {
    const element = await thread(inbox, 'c-email');
    const backend = inbox.memory.backend;
    const [inbound] = backend.state.messages.get('c-email')!;
    const outbound = {
      ...inbound!,
      id: 'm-outbound',
      direction: 'outbound' as const,
      authorType: 'agent' as const,
      authorId: 'agent-ann',
      text: 'Our answer',
      createdAt: inbound!.createdAt + MINUTE,
      email: { ...inbound!.email!, messageId: '<m-outbound@confab>' },
      delivery: 'queued' as const,
    };
    const delivery = () => element.shadowRoot!.querySelector<HTMLElement>('[part~="delivery"]');
    await backend.append([{ type: 'message.upserted', message: outbound }]);
    await until(() => delivery()?.textContent?.includes('Email queued'), 'queued shown');
    await backend.append([
      { type: 'message.upserted', message: { ...outbound, deliveryError: '421 4.7.0 Try again later' } },
    ]);
    await until(
      () => delivery()?.textContent?.includes('Email not delivered yet, trying again: 421 4.7.0 Try again later'),
      'retrying shown with the answer',
    );
    expect(queryByRole(element, 'button', 'Send again')).to.equal(null);
    await backend.append([
      {
        type: 'message.upserted',
        message: { ...outbound, delivery: 'failed', deliveryError: '550 5.1.1 No such user' },
      },
    ]);
    await until(() => delivery()?.classList.contains('failed'), 'failure shown');
    expect(delivery()!.textContent).to.contain('Email not delivered: 550 5.1.1 No such user');
    await expect(element).to.be.accessible();
    const sendAgain = getByRole(element, 'button', 'Send again');
    sendAgain.focus();
    sendAgain.click();
    await until(
      () =>
        backend.state.messages.get('c-email')!.find((message) => message.id === 'm-outbound')?.delivery === 'queued',
      'queued again',
    );
    await until(() => delivery()?.textContent?.includes('Email queued'), 'queued shown again');
    expect(queryByRole(element, 'button', 'Send again')).to.equal(null);
    await until(() => activeElement() === delivery(), 'focus on the delivery line');
  });

  it('C1 in Dutch the delivery state and Send again are Dutch', async () => {
    const element = await thread(inbox, 'c-email');
    element.setAttribute('lang', 'nl');
    const [inbound] = inbox.memory.backend.state.messages.get('c-email')!;
    await inbox.memory.backend.append([
      {
        type: 'message.upserted',
        message: {
          ...inbound!,
          id: 'm-failed',
          direction: 'outbound',
          authorType: 'agent',
          authorId: 'agent-ann',
          createdAt: inbound!.createdAt + MINUTE,
          delivery: 'failed',
          deliveryError: '550 5.1.1 No such user',
        },
      },
    ]);
    await until(() => queryByRole(element, 'button', 'Opnieuw versturen'), 'Dutch Send again');
    expect(element.shadowRoot!.querySelector('[part~="delivery"]')!.textContent).to.contain(
      'E-mail niet bezorgd: 550 5.1.1 No such user',
    );
  });

  it('T8 Mark as closed closes; Reopen opens again', async () => {
    const element = await thread(inbox, 'c-chat');
    getByRole(element, 'button', 'Mark as closed').click();
    await until(() => inbox.client.store.conversation('c-chat')?.status === 'closed', 'closed');
    const reopen = await until(() => queryByRole(element, 'button', 'Reopen'), 'Reopen');
    reopen.click();
    await until(() => inbox.client.store.conversation('c-chat')?.status === 'open', 'reopened');
  });

  it('T11 a bot chat within 30 minutes of visitor activity cannot be closed: the control is disabled with the reason', async () => {
    const element = await thread(inbox, 'c-bot');
    const close = getByRole(element, 'button', 'Mark as closed');
    close.click();
    await until(() => close.getAttribute('aria-disabled') === 'true', 'disabled');
    const reason = element.shadowRoot!.getElementById(close.getAttribute('aria-describedby')!)!;
    expect(reason.textContent).to.contain('30 minutes');
    expect(inbox.client.store.conversation('c-bot')!.status).to.equal('open');
    // After 30 quiet minutes the backend allows it; a change of the conversation re-enables the control.
    inbox.memory.advanceClock(31 * MINUTE);
    await inbox.client.send({ type: 'conversation.assign', conversationId: 'c-bot', assigneeId: 'agent-ann' });
    const enabled = await until(
      () => getAllByRole(element, 'button', 'Mark as closed').find((b) => b.getAttribute('aria-disabled') !== 'true'),
      're-enabled',
    );
    enabled.click();
    await until(() => inbox.client.store.conversation('c-bot')?.status === 'closed', 'closed after 30 min');
  });

  it("T11 in Dutch the reason is worded in Dutch from the refusal, never the engine's English", async () => {
    const element = await thread(inbox, 'c-bot');
    element.locale = 'nl';
    await element.updateComplete;
    const close = getByRole(element, 'button', 'Markeer als gesloten');
    close.click();
    await until(() => close.getAttribute('aria-disabled') === 'true', 'disabled');
    const reason = element.shadowRoot!.getElementById(close.getAttribute('aria-describedby')!)!;
    expect(reason.textContent).to.match(/pas na 30 minuten zonder activiteit van de bezoeker .*\(nog \d+ min\)/);
    expect(reason.textContent).not.to.contain('minutes');
    expect(element.getAttribute('lang')).to.equal('nl');
  });

  it('T1 an HTML email is shown formatted and sanitised, in its own box; remote images wait for the agent; plain text is one click away', async () => {
    const remoteImage = `${location.origin}/remote-pixel.png`;
    const emailHtml = `<style>p { color: rgb(255, 0, 0) } .log { display: none }</style>
      <p>Invoice <b>42</b> is attached.</p>
      <img src="${remoteImage}" alt="tracking" onerror="window.__emailPwned = 1">
      <a href="https://billing.example/42">Open invoice</a> <a href="javascript:window.__emailPwned = 2">Evil</a>
      <form action="https://evil.example"><input name="password"><button>Log in</button></form>
      <script>window.__emailPwned = 3</script>`;
    const now = Date.now();
    const seed = testSeed(now).map((event) =>
      event.type === 'message.upserted' && event.message.id === 'm-email-1'
        ? { ...event, message: { ...event.message, email: { ...event.message.email!, html: emailHtml } } }
        : event,
    );
    const own = await createTestInbox({ seed, now });
    const element = await thread(own, 'c-email');
    const box = await until(
      () => element.shadowRoot!.querySelector('[part="email-html"]')?.shadowRoot,
      'formatted email',
    );
    expect(box.textContent).to.contain('Invoice 42 is attached.');
    expect(box.querySelector('script, form, input, button, [onerror]')).to.equal(null);
    expect(box.querySelector('img')!.hasAttribute('src')).to.equal(false, 'a remote image waits');
    const links = [...box.querySelectorAll('a')];
    expect(links[0]!.getAttribute('href')).to.equal('https://billing.example/42');
    expect(links[0]!.getAttribute('rel')).to.equal('noopener noreferrer');
    expect(links[1]!.hasAttribute('href')).to.equal(false);
    // The email's styles apply inside its box and nowhere else.
    expect(getComputedStyle(box.querySelector('p')!).color).to.equal('rgb(255, 0, 0)');
    const comment = element.shadowRoot!.querySelector('[part~="comment"] .text')!;
    expect(getComputedStyle(comment).color).not.to.equal('rgb(255, 0, 0)');
    expect(getComputedStyle(element.shadowRoot!.querySelector('.log')!).display).not.to.equal('none');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((window as { __emailPwned?: number }).__emailPwned).to.equal(undefined);

    getByRole(element, 'button', 'Show images').click();
    await until(
      () =>
        element
          .shadowRoot!.querySelector('[part="email-html"]')
          ?.shadowRoot?.querySelector('img')
          ?.getAttribute('src') === remoteImage,
      'the remote image once allowed',
    );
    expect(queryByRole(element, 'button', 'Show images')).to.equal(null);

    getByRole(element, 'button', 'Show plain text').click();
    await until(() => !element.shadowRoot!.querySelector('[part="email-html"]'), 'plain text');
    expect(element.shadowRoot!.textContent).to.contain('Could you check invoice 42?');
    getByRole(element, 'button', 'Show formatted email').click();
    await until(() => element.shadowRoot!.querySelector('[part="email-html"]'), 'formatted again');
  });

  it('T9 the reply editor sits at the bottom of the thread', async () => {
    const element = await thread(inbox, 'c-chat');
    expect(getByRole(element, 'tab', 'Reply')).to.be.instanceOf(Element);
    expect(getByRole(element, 'textbox', 'Reply')).to.be.instanceOf(Element);
  });

  it('T1 hostile text in messages, subjects and attachments renders as text; javascript: is never a link', async () => {
    const element = await thread(inbox, 'c-hostile');
    expect(getByRole(element, 'heading', HOSTILE)).to.be.instanceOf(Element);
    const log = element.shadowRoot!.querySelector('.log')!;
    expect(log.querySelector('img, script')).to.equal(null);
    expect(log.textContent).to.contain('<a href="javascript:alert(2)">click</a>');
    const hrefs = [...element.shadowRoot!.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(hrefs.every((href) => /^(https?:|mailto:)/.test(href ?? ''))).to.equal(true);
    expect(getByRole(element, 'link', 'https://ok.example/page')).to.be.instanceOf(Element);
    expect(eventHandlerAttributes(element)).to.deep.equal([]);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('T1 a message of 64 K characters with no space shows whole, with a place to wrap every 64 characters', async () => {
    const text = `${'W'.repeat(50_000)} ${'A'.repeat(14_000)}`;
    await inbox.client.send({ type: 'message.reply', conversationId: 'c-chat', text });
    const element = await thread(inbox, 'c-chat');
    const bubble = await until(
      () => [...element.shadowRoot!.querySelectorAll('.text')].find((node) => node.textContent === text),
      'the long message',
    );
    // Without break opportunities Chromium needs seconds to wrap this (see unbrokenRunPieces).
    expect(bubble.querySelectorAll('wbr').length).to.equal(Math.ceil(50_000 / 64) - 1 + Math.ceil(14_000 / 64) - 1);
  });

  it('T1 a thread is accessible (axe) in the dark theme', async () => {
    const element = await thread(inbox, 'c-email', 'https://crm.example/tickets/{id}');
    element.theme = 'dark';
    await element.updateComplete;
    await expect(element).to.be.accessible();
  });

  it('issue 16 shows an image as a lazy, sized preview and a file as name, type and size with a download link (en, nl)', async () => {
    const image = { id: 'fil_IMAGEAAAAAAAAAAAAAAAAA', name: 'receipt.png', type: 'image/png', size: 1_234_567 };
    const pdf = { id: 'fil_PDFAAAAAAAAAAAAAAAAAAA', name: 'invoice.pdf', type: 'application/pdf', size: 14_200 };
    await inbox.client.send({ type: 'message.reply', conversationId: 'c-chat', text: '', attachments: [image, pdf] });
    const element = await thread(inbox, 'c-chat');
    const preview = await until(
      () => queryByRole<HTMLImageElement>(element, 'img', 'Image: receipt.png'),
      'the preview',
    );
    expect(preview.getAttribute('loading')).to.equal('lazy');
    expect([preview.getAttribute('width'), preview.getAttribute('height')]).to.deep.equal(['240', '180']);
    expect(preview.getAttribute('src')).to.equal(`${location.origin}/api/files/${image.id}`);
    const download = getByRole<HTMLAnchorElement>(element, 'link', 'Download invoice.pdf');
    expect(download.hasAttribute('download')).to.equal(true);
    expect(download.closest('li')!.textContent).to.contain('application/pdf, 14 KB');
    await expect(element).to.be.accessible();
    element.locale = 'nl';
    await element.updateComplete;
    getByRole(element, 'img', 'Afbeelding: receipt.png');
    getByRole(element, 'link', 'invoice.pdf downloaden');
    getByRole(element, 'list', 'Bijlagen');
  });
});

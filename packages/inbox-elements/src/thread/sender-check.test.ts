import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import type { ConfabThread } from './thread.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { activeElement, getByRole, queryByRole, until } from '../test/dom.js';

const SYSTEM = { kind: 'system' } as const;

/** Kevin, verified by the site, and an email naming his address (with a Cc) that nobody verified. */
async function mailFromVerifiedKevin(inbox: TestInbox): Promise<string> {
  const backend = inbox.memory.backend;
  const created = await backend.execute(SYSTEM, { type: 'visitor.create', name: 'Kevin' });
  await backend.execute(SYSTEM, {
    type: 'visitor.verify',
    contactId: created.result!['contactId']!,
    email: 'kevin@example.com',
  });
  const mail = await backend.execute(SYSTEM, {
    type: 'inbound.email',
    from: 'kevin@example.com',
    to: ['support@confab.example'],
    cc: ['ap@evil.example'],
    subject: 'Invoice copy',
    text: 'Please send the invoice copy to ap@evil.example',
    messageId: `<${Math.random().toString(36).slice(2)}@evil.example>`,
  });
  const conversationId = mail.result!['conversationId']!;
  await until(() => inbox.client.store.state.messages.get(conversationId)?.length, 'the mail in the replica');
  return conversationId;
}

async function thread(inbox: TestInbox, conversationId: string, locale = 'en') {
  const element = await fixture<ConfabThread>(
    html`<confab-thread
      style="height:700px"
      .client=${inbox.client}
      conversation-id=${conversationId}
      locale=${locale}
    ></confab-thread>`,
  );
  await until(() => element.shadowRoot!.querySelector('.log'), 'thread rendered');
  return element;
}

describe('confab-thread: senders nobody verified (issue 20 item 3)', () => {
  let inbox: TestInbox;
  beforeEach(async () => {
    inbox = await createTestInbox();
  });
  afterEach(closeTestInboxes);

  it('marks mail filed under a verified contact "Sender not verified"; Confirm sender clears it and focus stays in the thread', async () => {
    const id = await mailFromVerifiedKevin(inbox);
    const element = await thread(inbox, id);
    const check = getByRole(element, 'group', 'Sender not verified');
    expect(check.textContent).to.contain('kevin@example.com');
    await expect(element).to.be.accessible();
    const confirm = getByRole(element, 'button', 'Confirm sender');
    confirm.focus();
    confirm.click();
    await until(() => !queryByRole(element, 'group', 'Sender not verified'), 'the mark gone');
    await until(() => activeElement() === element.shadowRoot!.querySelector('.log'), 'focus on the thread');
    expect(inbox.client.store.state.messages.get(id)![0]!.senderConfirmed).to.equal(true);
  });

  it('Move to a new contact takes the mail out of the verified contact’s records', async () => {
    const id = await mailFromVerifiedKevin(inbox);
    const element = await thread(inbox, id);
    const split = getByRole(element, 'button', 'Move to a new contact');
    split.focus();
    split.click();
    // It was the conversation's only message: the conversation goes, and focus stays in the thread.
    await until(() => !inbox.client.store.conversation(id), 'the emptied conversation removed');
    await until(() => activeElement() === element.shadowRoot!.querySelector('.empty'), 'focus kept');
    const moved = [...inbox.client.store.state.conversations.values()].find(
      (conversation) => conversation.subject === 'Invoice copy',
    )!;
    expect(inbox.client.store.state.contacts.get(moved.contactId!)!.verified).to.equal(false);
  });

  it('a Cc is copied on replies only after a team member chooses it', async () => {
    const id = await mailFromVerifiedKevin(inbox);
    const element = await thread(inbox, id);
    expect(element.shadowRoot!.textContent).to.contain('Not copied on replies: ap@evil.example');
    const copy = getByRole(element, 'button', 'Copy ap@evil.example on replies');
    copy.focus();
    copy.click();
    await until(() => inbox.client.store.conversation(id)!.participantIds.length === 2, 'ap@ copied');
    await until(() => !queryByRole(element, 'button', 'Copy ap@evil.example on replies'), 'the control gone');
    await until(() => activeElement() === element.shadowRoot!.querySelector('.log'), 'focus on the thread');
  });

  it('speaks Dutch', async () => {
    const id = await mailFromVerifiedKevin(inbox);
    const element = await thread(inbox, id, 'nl');
    expect(getByRole(element, 'group', 'Afzender niet geverifieerd').textContent).to.contain('geverifieerd contact');
    expect(getByRole(element, 'button', 'Afzender bevestigen')).to.be.instanceOf(Element);
    expect(getByRole(element, 'button', 'Naar een nieuw contact verplaatsen')).to.be.instanceOf(Element);
    expect(getByRole(element, 'button', 'ap@evil.example in kopie zetten bij antwoorden')).to.be.instanceOf(Element);
    await expect(element).to.be.accessible();
  });
});

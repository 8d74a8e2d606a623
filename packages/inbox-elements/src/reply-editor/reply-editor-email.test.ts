import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import { createInboxClient, createMemoryPersistence, type InboxClient, type Persistence } from '@confab/core';
import type { ConfabReplyEditor } from './reply-editor.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { activeElement, getByRole, queryByRole, until } from '../test/dom.js';

async function editor(inbox: TestInbox, conversationId: string, locale = 'en') {
  const element = await fixture<ConfabReplyEditor>(
    html`<confab-reply-editor
      .client=${inbox.client}
      conversation-id=${conversationId}
      locale=${locale}
    ></confab-reply-editor>`,
  );
  await element.updateComplete;
  return element;
}

function type(field: HTMLInputElement | HTMLTextAreaElement, text: string) {
  field.focus();
  field.value = text;
  field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

const sentReplies = (inbox: TestInbox, id: string) =>
  (inbox.client.store.state.messages.get(id) ?? []).filter(
    (m) => m.direction === 'outbound' && m.kind === 'reply' && !m.id.startsWith('pending:'),
  );

describe('confab-reply-editor: Cc, Bcc and the signature of an email reply (issue 17)', () => {
  let inbox: TestInbox;
  beforeEach(async () => {
    inbox = await createTestInbox();
  });
  afterEach(closeTestInboxes);

  it('an email reply offers Cc/Bcc behind a button; focus moves to Cc; the reply carries both, then they clear', async () => {
    const element = await editor(inbox, 'c-email');
    const open = await until(() => queryByRole(element, 'button', 'Cc/Bcc'), 'the Cc/Bcc button');
    expect(queryByRole(element, 'textbox', 'Cc'), 'collapsed at first').to.equal(null);
    open.click();
    const cc = await until(() => queryByRole<HTMLInputElement>(element, 'textbox', 'Cc'), 'the Cc field');
    await until(() => activeElement() === cc, 'focus on Cc');
    type(cc, 'boss@customer.example, ann@customer.example');
    type(getByRole<HTMLInputElement>(element, 'textbox', 'Bcc'), 'crm@team.example');
    type(getByRole<HTMLTextAreaElement>(element, 'textbox', 'Reply'), 'Copying my manager.');
    await element.updateComplete;
    await expect(element).to.be.accessible();
    getByRole(element, 'button', 'Send').click();
    const [sent] = await until(() => {
      const found = sentReplies(inbox, 'c-email').filter((m) => m.text === 'Copying my manager.');
      return found.length ? found : null;
    }, 'the reply stored');
    expect(sent!.email!.cc).to.include.members(['boss@customer.example', 'ann@customer.example']);
    expect(sent!.email!.bcc).to.deep.equal(['crm@team.example']);
    await until(() => queryByRole(element, 'button', 'Cc/Bcc'), 'collapsed again after sending');
    expect(queryByRole(element, 'textbox', 'Bcc')).to.equal(null);
  });

  it("the Cc and Bcc typed stay in the conversation's draft: across a switch to another conversation and a reload", async () => {
    const stored = createMemoryPersistence();
    const written: Record<string, string>[] = [];
    const persistence: Persistence = {
      ...stored,
      set: async (key, value) => {
        if (key.endsWith('drafts')) written.push(value as Record<string, string>);
        return stored.set(key, value);
      },
    };
    const signIn = async () => {
      const client = createInboxClient({
        transport: inbox.memory.transport(),
        token: inbox.memory.agentToken('agent-ann'),
        persistence,
      });
      await until(() => client.status.get().ready && client.me.get(), 'the client ready');
      return client;
    };
    const page: InboxClient = await signIn();
    const element = await fixture<ConfabReplyEditor>(
      html`<confab-reply-editor .client=${page} conversation-id="c-email"></confab-reply-editor>`,
    );
    (await until(() => queryByRole(element, 'button', 'Cc/Bcc'), 'the Cc/Bcc button')).click();
    type(await until(() => queryByRole<HTMLInputElement>(element, 'textbox', 'Cc'), 'Cc'), 'ava@customer.example');
    type(getByRole<HTMLInputElement>(element, 'textbox', 'Bcc'), 'crm@team.example');

    element.conversationId = 'c-chat';
    await element.updateComplete;
    expect(queryByRole(element, 'textbox', 'Cc'), 'a chat has no Cc').to.equal(null);
    element.conversationId = 'c-email';
    const cc = await until(() => queryByRole<HTMLInputElement>(element, 'textbox', 'Cc'), 'Cc shown again');
    expect(cc.value).to.equal('ava@customer.example');
    expect(getByRole<HTMLInputElement>(element, 'textbox', 'Bcc').value).to.equal('crm@team.example');

    // A reload: the page's client ends, a new one starts from what was stored.
    await until(() => written.at(-1)?.['c-email\u0000bcc'] === 'crm@team.example', 'the draft stored');
    page.close();
    element.remove();
    const reloaded = await fixture<ConfabReplyEditor>(
      html`<confab-reply-editor .client=${await signIn()} conversation-id="c-email"></confab-reply-editor>`,
    );
    const ccAfter = await until(() => queryByRole<HTMLInputElement>(reloaded, 'textbox', 'Cc'), 'Cc after the reload');
    expect(ccAfter.value).to.equal('ava@customer.example');
    expect(getByRole<HTMLInputElement>(reloaded, 'textbox', 'Bcc').value).to.equal('crm@team.example');
    await expect(reloaded).to.be.accessible();
    (reloaded.client as InboxClient).close();
  });

  it('a bad address is refused naming it, in Dutch too; the reply is kept to fix and retry', async () => {
    const element = await editor(inbox, 'c-email', 'nl');
    (await until(() => queryByRole(element, 'button', 'Cc/Bcc'), 'the Cc/Bcc button')).click();
    type(await until(() => queryByRole<HTMLInputElement>(element, 'textbox', 'Cc'), 'Cc'), 'niet-een-adres');
    type(getByRole<HTMLTextAreaElement>(element, 'textbox', 'Antwoord'), 'Hallo');
    await element.updateComplete;
    getByRole(element, 'button', 'Versturen').click();
    await until(() => element.shadowRoot!.textContent!.includes('niet-een-adres is geen e-mailadres.'), 'the refusal');
    expect(sentReplies(inbox, 'c-email').some((m) => m.text === 'Hallo')).to.equal(false);
  });

  it('a chat reply offers no Cc/Bcc; a comment neither', async () => {
    const chat = await editor(inbox, 'c-chat');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(queryByRole(chat, 'button', 'Cc/Bcc')).to.equal(null);
    const email = await editor(inbox, 'c-email');
    await until(() => queryByRole(email, 'button', 'Cc/Bcc'), 'offered on email');
    getByRole(email, 'tab', 'Comment').click();
    await email.updateComplete;
    expect(queryByRole(email, 'button', 'Cc/Bcc')).to.equal(null);
  });

  it("the agent's signature shows as what will be added, and goes below the email reply only", async () => {
    await inbox.client.send({ type: 'agent.setSignature', signature: 'Ann\nConfab support' });
    const element = await editor(inbox, 'c-email');
    const preview = () => element.shadowRoot!.querySelector('confab-email-recipients')?.shadowRoot?.textContent ?? '';
    await until(() => preview().includes('Your signature is added below:'), 'the signature preview');
    expect(preview()).to.contain('Ann\nConfab support');
    type(getByRole<HTMLTextAreaElement>(element, 'textbox', 'Reply'), 'Done.');
    await element.updateComplete;
    getByRole(element, 'button', 'Send').click();
    await until(
      () => sentReplies(inbox, 'c-email').some((m) => m.text === 'Done.\n\n-- \nAnn\nConfab support'),
      'the reply with its signature',
    );
    const chat = await editor(inbox, 'c-chat');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(chat.shadowRoot!.querySelector('confab-email-recipients')).to.equal(null);
  });
});

import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import { createInboxClient, createMemoryPersistence } from '@confab/core';
import type { ConfabReplyEditor } from './reply-editor.js';
import { closeTestInboxes, createTestInbox, type TestInbox } from '../test/fixtures.js';
import { activeElement, getAllByRole, getByRole, press, queryByRole, until } from '../test/dom.js';

async function editor(inbox: TestInbox, conversationId = 'c-chat') {
  const element = await fixture<ConfabReplyEditor>(
    html`<confab-reply-editor .client=${inbox.client} conversation-id=${conversationId}></confab-reply-editor>`,
  );
  await element.updateComplete;
  return element;
}

function type(field: HTMLTextAreaElement, text: string) {
  field.focus();
  field.value = text;
  field.setSelectionRange(text.length, text.length);
  field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

const SNIPPETS = [
  {
    shortcut: 'pricing',
    title: 'Pricing',
    text: {
      en: 'Hi {{contact.name}}, plans start at €29. – {{agent.name}}',
      nl: 'Hoi {{contact.name}}, vanaf €29. – {{agent.name}}',
    },
  },
  { shortcut: 'privacy', title: 'Data processing', text: { en: 'Our DPA is online.', nl: '' } },
  { shortcut: 'hours', title: 'Opening hours', text: { en: 'We open at 9.', nl: 'We openen om 9 uur.' } },
];

/** The team's canned responses, saved by the admin the test inbox signs in as. */
async function withSnippets(inbox: TestInbox): Promise<void> {
  await inbox.client.send({ type: 'settings.update', patch: { cannedResponses: SNIPPETS } });
}

const messagesOf = (inbox: TestInbox, id: string) => inbox.client.store.state.messages.get(id) ?? [];

describe('confab-reply-editor', () => {
  let inbox: TestInbox;
  beforeEach(async () => {
    inbox = await createTestInbox();
  });
  afterEach(closeTestInboxes);

  it('R1 Reply mode sends a reply to the contact with the Send button', async () => {
    const element = await editor(inbox);
    const tab = getByRole(element, 'tab', 'Reply');
    expect(tab.getAttribute('aria-selected')).to.equal('true');
    type(getByRole<HTMLTextAreaElement>(element, 'textbox', 'Reply'), 'We ship to Belgium in 2 days.');
    await element.updateComplete;
    getByRole(element, 'button', 'Send').click();
    await until(
      () =>
        messagesOf(inbox, 'c-chat').some(
          (m) => m.text === 'We ship to Belgium in 2 days.' && m.kind === 'reply' && !m.id.startsWith('pending:'),
        ),
      'reply stored',
    );
    expect(getByRole<HTMLTextAreaElement>(element, 'textbox', 'Reply').value).to.equal('');
  });

  it('W1 typing a reply tells the others a reply is being written; typing a comment tells no one (R2)', async () => {
    const teammate = createInboxClient({
      transport: inbox.memory.transport(),
      token: inbox.memory.agentToken('agent-bo'),
      persistence: createMemoryPersistence(),
    });
    try {
      await until(() => teammate.status.get().ready, 'teammate ready');
      const element = await editor(inbox);
      getByRole(element, 'tab', 'Comment').click();
      await element.updateComplete;
      type(getByRole<HTMLTextAreaElement>(element, 'textbox', 'Internal comment'), 'Internal note in progress');
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(teammate.typing.get(), 'no typing signal for a comment').to.deep.equal([]);
      getByRole(element, 'tab', 'Reply').click();
      await element.updateComplete;
      type(getByRole<HTMLTextAreaElement>(element, 'textbox', 'Reply'), 'A reply in progress');
      await until(
        () => teammate.typing.get().some((signal) => signal.conversationId === 'c-chat' && signal.typing),
        'typing signal',
      );
      getByRole(element, 'button', 'Send').click();
      await until(() => teammate.typing.get().length === 0, 'typing stops when the reply is sent');
    } finally {
      teammate.close();
    }
  });

  it('collision: a teammate who replied while I wrote is named before my reply goes; "Send anyway" sends it', async () => {
    const element = await editor(inbox);
    const field = getByRole<HTMLTextAreaElement>(element, 'textbox', 'Reply');
    type(field, 'Our answer');
    inbox.memory.advanceClock(1000);
    await inbox.memory.backend.execute(
      { kind: 'agent', agentId: 'agent-bo' },
      { type: 'message.reply', conversationId: 'c-chat', text: 'Bo was quicker' },
    );
    await until(() => messagesOf(inbox, 'c-chat').some((m) => m.text === 'Bo was quicker'), "Bo's reply arrives");
    getByRole(element, 'button', 'Send').click();
    await element.updateComplete;
    const alert = getByRole(element, 'alert');
    expect(alert.textContent).to.contain('Bo Builder replied while you were writing');
    expect(field.value, 'my text waits').to.equal('Our answer');
    expect(messagesOf(inbox, 'c-chat').some((m) => m.text === 'Our answer')).to.equal(false);
    await expect(element).to.be.accessible();
    getByRole(element, 'button', 'Send anyway').click();
    await until(
      () => messagesOf(inbox, 'c-chat').some((m) => m.text === 'Our answer' && !m.id.startsWith('pending:')),
      'sent anyway',
    );
    await element.updateComplete;
    expect(queryByRole(element, 'alert')).to.equal(null);
    // The next reply starts afresh: nothing new since, so it goes at once.
    type(field, 'And one more thing');
    await element.updateComplete;
    getByRole(element, 'button', 'Send').click();
    await until(() => messagesOf(inbox, 'c-chat').some((m) => m.text === 'And one more thing'), 'sent at once');
  });

  it('collision in Dutch: "antwoordde terwijl je schreef" and "Toch versturen"', async () => {
    const element = await editor(inbox);
    element.locale = 'nl';
    await element.updateComplete;
    type(getByRole<HTMLTextAreaElement>(element, 'textbox', 'Antwoord'), 'Ons antwoord');
    inbox.memory.advanceClock(1000);
    await inbox.memory.backend.execute(
      { kind: 'agent', agentId: 'agent-bo' },
      { type: 'message.reply', conversationId: 'c-chat', text: 'Bo was sneller' },
    );
    await until(() => messagesOf(inbox, 'c-chat').some((m) => m.text === 'Bo was sneller'), "Bo's reply arrives");
    getByRole(element, 'button', 'Versturen').click();
    await element.updateComplete;
    expect(getByRole(element, 'alert').textContent).to.contain('Bo Builder antwoordde terwijl je schreef');
    expect(getByRole(element, 'button', 'Toch versturen')).to.exist;
  });

  it('R1 Comment mode writes an internal comment; @ suggests teammates in a listbox and mentions them', async () => {
    const element = await editor(inbox);
    getByRole(element, 'tab', 'Comment').click();
    await element.updateComplete;
    const field = getByRole<HTMLTextAreaElement>(element, 'textbox', 'Internal comment');
    type(field, 'Please look @Bo');
    await element.updateComplete;
    const suggestions = getByRole(element, 'listbox', 'Teammates to mention');
    expect(getAllByRole(suggestions, 'option').map((o) => o.textContent!.trim())).to.deep.equal(['Bo Builder']);
    expect(field.getAttribute('aria-activedescendant')).to.equal('choice-0');
    expect(field.getAttribute('aria-controls')).to.equal('choices');
    await expect(element).to.be.accessible();
    press('Enter', { target: field });
    await element.updateComplete;
    expect(field.value).to.equal('Please look @Bo Builder ');
    expect(queryByRole(element, 'listbox')).to.equal(null);
    press('Enter', { target: field, ctrlKey: true });
    const comment = await until(
      () => messagesOf(inbox, 'c-chat').find((m) => m.kind === 'comment' && !m.id.startsWith('pending:')),
      'comment stored',
    );
    expect(comment.mentions).to.deep.equal(['agent-bo']);
  });

  it('R1 mention suggestions move with arrow keys and close with Escape', async () => {
    const element = await editor(inbox);
    getByRole(element, 'tab', 'Comment').click();
    await element.updateComplete;
    const field = getByRole<HTMLTextAreaElement>(element, 'textbox', 'Internal comment');
    type(field, '@');
    await element.updateComplete;
    expect(getAllByRole(element, 'option').length).to.equal(3);
    press('ArrowDown', { target: field });
    await element.updateComplete;
    expect(field.getAttribute('aria-activedescendant')).to.equal('choice-1');
    press('Escape', { target: field });
    await element.updateComplete;
    expect(queryByRole(element, 'listbox')).to.equal(null);
  });

  it('R1 Ctrl+Enter and Cmd+Enter send from the keyboard', async () => {
    const element = await editor(inbox);
    const field = getByRole<HTMLTextAreaElement>(element, 'textbox', 'Reply');
    type(field, 'First by keyboard');
    press('Enter', { target: field, ctrlKey: true });
    type(field, 'Second by keyboard');
    press('Enter', { target: field, metaKey: true });
    await until(
      () =>
        ['First by keyboard', 'Second by keyboard'].every((text) =>
          messagesOf(inbox, 'c-chat').some((m) => m.text === text),
        ),
      'both sent',
    );
  });

  it('R1 the draft is kept per conversation and survives a reload (client drafts)', async () => {
    const persistence = createMemoryPersistence();
    const client = createInboxClient({
      transport: inbox.memory.transport(),
      token: inbox.memory.agentToken('agent-ann'),
      persistence,
    });
    await until(() => client.status.get().ready, 'client ready');
    const element = await fixture<ConfabReplyEditor>(
      html`<confab-reply-editor .client=${client} conversation-id="c-chat"></confab-reply-editor>`,
    );
    type(getByRole<HTMLTextAreaElement>(element, 'textbox', 'Reply'), 'Half-written answer');
    element.conversationId = 'c-email';
    await element.updateComplete;
    expect(getByRole<HTMLTextAreaElement>(element, 'textbox', 'Reply').value).to.equal('');
    element.conversationId = 'c-chat';
    await element.updateComplete;
    expect(getByRole<HTMLTextAreaElement>(element, 'textbox', 'Reply').value).to.equal('Half-written answer');
    await new Promise((resolve) => setTimeout(resolve, 400)); // drafts are written after a short pause
    client.close();
    // A reload: a new client over the same persistence, a new element.
    const reloaded = createInboxClient({
      transport: inbox.memory.transport(),
      token: inbox.memory.agentToken('agent-ann'),
      persistence,
    });
    await until(() => reloaded.status.get().ready, 'reloaded client ready');
    const again = await fixture<ConfabReplyEditor>(
      html`<confab-reply-editor .client=${reloaded} conversation-id="c-chat"></confab-reply-editor>`,
    );
    await until(
      () => getByRole<HTMLTextAreaElement>(again, 'textbox', 'Reply').value === 'Half-written answer',
      'draft restored',
    );
    reloaded.close();
  });

  it('R1 a message waits as pending while offline, is sent on reconnect; a refused one offers Retry and Discard', async () => {
    const transport = inbox.memory.transport();
    const client = createInboxClient({
      transport,
      token: inbox.memory.agentToken('agent-ann'),
      persistence: createMemoryPersistence(),
    });
    await until(() => client.status.get().ready, 'client ready');
    const element = await fixture<ConfabReplyEditor>(
      html`<confab-reply-editor .client=${client} conversation-id="c-chat"></confab-reply-editor>`,
    );
    transport.goOffline();
    type(getByRole<HTMLTextAreaElement>(element, 'textbox', 'Reply'), 'Sent while offline');
    await element.updateComplete;
    getByRole(element, 'button', 'Send').click();
    await until(() => element.shadowRoot!.textContent!.includes('Sending…'), 'pending shown');
    transport.goOnline();
    await until(() => !element.shadowRoot!.textContent!.includes('Sending…'), 'pending cleared');
    expect(messagesOf(inbox, 'c-chat').some((m) => m.text === 'Sent while offline')).to.equal(true);

    // A refusal: the conversation is deleted for good on the server in the meantime.
    await inbox.client.send({ type: 'conversation.trash', conversationIds: ['c-form'] });
    await inbox.client.send({ type: 'conversation.deleteForever', conversationIds: ['c-form'] });
    element.conversationId = 'c-form';
    await element.updateComplete;
    type(getByRole<HTMLTextAreaElement>(element, 'textbox', 'Reply'), 'Into the void');
    await element.updateComplete;
    getByRole(element, 'button', 'Send').click();
    const retry = await until(() => queryByRole(element, 'button', 'Retry'), 'Retry offered');
    expect(element.shadowRoot!.textContent).to.contain('Not sent');
    retry.click();
    const discard = await until(() => queryByRole(element, 'button', 'Discard'), 'Discard offered');
    discard.click();
    await until(() => client.pending.get().length === 0, 'discarded');
    // The text comes back with the element's next render, not with the outbox's change.
    await element.updateComplete;
    expect(getByRole<HTMLTextAreaElement>(element, 'textbox', 'Reply').value).to.equal('Into the void');
    client.close();
  });

  it('R1 tabs switch with arrow keys (tablist pattern)', async () => {
    const element = await editor(inbox);
    const reply = getByRole(element, 'tab', 'Reply');
    reply.focus();
    press('ArrowRight', { target: reply });
    await until(() => activeElement()?.id === 'tab-comment', 'comment tab focused');
    expect(element.mode).to.equal('comment');
  });

  it('R1 a reply that would reach no one (Messenger after 24 hours) is not offered: the editor says why; comments still go', async () => {
    const element = await editor(inbox, 'c-old');
    const note = await until(() => element.shadowRoot!.querySelector('[part~="blocked"]'), 'why a reply cannot go');
    expect(note.textContent).to.contain("Messenger allows a reply only within 24 hours of the person's last message");
    type(getByRole<HTMLTextAreaElement>(element, 'textbox', 'Reply'), 'Still there?');
    await element.updateComplete;
    const send = getByRole<HTMLButtonElement>(element, 'button', 'Send');
    expect(send.disabled).to.equal(true);
    expect(send.getAttribute('aria-describedby')).to.equal('blocked');
    // Ctrl+Enter keeps it a draft as well.
    press('Enter', { ctrlKey: true, target: getByRole(element, 'textbox', 'Reply') });
    await element.updateComplete;
    expect(inbox.client.pending.get()).to.have.length(0);
    await expect(element).to.be.accessible();
    getByRole(element, 'tab', 'Comment').click();
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('[part~="blocked"]')).to.equal(null);
    type(getByRole<HTMLTextAreaElement>(element, 'textbox', 'Internal comment'), 'Window closed, I will email her');
    await element.updateComplete;
    getByRole(element, 'button', 'Comment').click();
    await until(
      () => messagesOf(inbox, 'c-old').some((message) => message.kind === 'comment'),
      'the comment is stored',
    );
  });

  it('R1 in Dutch the editor says in Dutch why a reply cannot go', async () => {
    const element = await editor(inbox, 'c-old');
    element.locale = 'nl';
    await until(
      () =>
        element
          .shadowRoot!.querySelector('[part~="blocked"]')
          ?.textContent?.includes('Messenger staat een antwoord alleen toe binnen 24 uur'),
      'Dutch reason',
    );
  });

  it('R1 a chat or a form with an email address can be answered: nothing blocks the reply', async () => {
    for (const conversationId of ['c-chat', 'c-form']) {
      const element = await editor(inbox, conversationId);
      expect(element.shadowRoot!.querySelector('[part~="blocked"]'), conversationId).to.equal(null);
    }
  });

  it('issue 16: / lists the canned responses; the keyboard picks one and its placeholders are filled', async () => {
    await withSnippets(inbox);
    const element = await editor(inbox);
    const field = getByRole<HTMLTextAreaElement>(element, 'textbox', 'Reply');
    type(field, 'Thanks! /pri');
    await element.updateComplete;
    const list = getByRole(element, 'listbox', 'Canned responses');
    expect(getAllByRole(list, 'option').map((option) => option.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal(
      ['Pricing /pricing', 'Data processing /privacy'],
    );
    expect(field.getAttribute('aria-controls')).to.equal('choices');
    expect(field.getAttribute('aria-activedescendant')).to.equal('choice-0');
    await expect(element).to.be.accessible();
    press('ArrowDown', { target: field });
    press('ArrowUp', { target: field });
    await element.updateComplete;
    press('Enter', { target: field });
    await element.updateComplete;
    expect(field.value).to.equal('Thanks! Hi Bob Visitor, plans start at €29. – Ann Agent');
    expect(queryByRole(element, 'listbox')).to.equal(null);
    expect(activeElement()).to.equal(field);
    // The inserted text is a draft like any other: Ctrl+Enter sends it.
    press('Enter', { target: field, ctrlKey: true });
    await until(
      () =>
        messagesOf(inbox, 'c-chat').some((m) => m.text === 'Thanks! Hi Bob Visitor, plans start at €29. – Ann Agent'),
      'the reply with the canned text is stored',
    );
  });

  it('issue 16: the canned response list searches titles, closes with Escape, and a slash inside a word opens nothing', async () => {
    await withSnippets(inbox);
    const element = await editor(inbox);
    getByRole(element, 'tab', 'Comment').click();
    await element.updateComplete;
    const field = getByRole<HTMLTextAreaElement>(element, 'textbox', 'Internal comment');
    type(field, '/open');
    await element.updateComplete;
    expect(
      getAllByRole(element, 'option').map((option) => option.textContent!.replace(/\s+/g, ' ').trim()),
    ).to.deep.equal(['Opening hours /hours']);
    press('Escape', { target: field });
    await element.updateComplete;
    expect(queryByRole(element, 'listbox')).to.equal(null);
    expect(field.value).to.equal('/open');
    type(field, 'and/or');
    await element.updateComplete;
    expect(queryByRole(element, 'listbox')).to.equal(null);
    type(field, '/nothing-matches');
    await element.updateComplete;
    expect(queryByRole(element, 'listbox')).to.equal(null);
    // Tab inserts too.
    type(field, '/');
    await element.updateComplete;
    expect(getAllByRole(element, 'option')).to.have.length(3);
    press('Tab', { target: field });
    await element.updateComplete;
    expect(field.value).to.equal('We open at 9.');
  });

  it('issue 16: in Dutch the list is named in Dutch and the Dutch text goes in, else the English one', async () => {
    await withSnippets(inbox);
    const element = await editor(inbox);
    element.locale = 'nl';
    await element.updateComplete;
    const field = getByRole<HTMLTextAreaElement>(element, 'textbox', 'Antwoord');
    type(field, '/pricing');
    await element.updateComplete;
    getByRole(element, 'listbox', 'Standaardantwoorden');
    press('Enter', { target: field });
    await element.updateComplete;
    expect(field.value).to.equal('Hoi Bob Visitor, vanaf €29. – Ann Agent');
    type(field, '/privacy');
    await element.updateComplete;
    press('Enter', { target: field });
    await element.updateComplete;
    expect(field.value).to.equal('Our DPA is online.');
  });
});

import { expect } from '@open-wc/testing';
import {
  createInboxClient,
  createMemoryBackend,
  createMemoryPersistence,
  type InboxClient,
  type MemoryBackend,
  type Principal,
} from '@confab/core';
import type { ConfabApi, ConfabEventDetails, ConfabState } from './boot.js';
import {
  agentSeed,
  bootOf,
  chatElement,
  chatText,
  createFakeNetwork,
  findByRole,
  getByRole,
  loadWidget,
  queryByRole,
  removeWidget,
  sendAsVisitor,
  uniqueSite,
  waitFor,
  widgetClient,
  type FakeNetwork,
} from './testing/widget-page.js';

const ANNA: Principal = { kind: 'agent', agentId: 'agent-1' };

/** End to end: the real script tag, the real visitor client, the real engine in a memory backend. */
describe('chatting through the widget', () => {
  let memory: MemoryBackend;
  let network: FakeNetwork;
  const inboxes: InboxClient[] = [];

  async function setUp(availability: 'available' | 'away' = 'available') {
    memory = createMemoryBackend({ seed: [agentSeed('agent-1', 'Anna', availability)] });
    await memory.backend.ready;
    network = createFakeNetwork(memory);
  }

  /** Loads the widget, opens it and waits until it is connected. */
  async function openWidget(data: Record<string, string> = {}): Promise<ConfabApi> {
    const api = await loadWidget(network, data);
    await api.open();
    await waitFor(async () => (await api.getState()).connection === 'online', 'online');
    return api;
  }

  const shadow = () => chatElement()!.shadowRoot!;
  const chatConversations = () =>
    [...memory.backend.state.conversations.values()].filter((conversation) => conversation.channel === 'chat');
  const backendMessages = (conversationId: string) => memory.backend.state.messages.get(conversationId) ?? [];
  // The window's part loads on first open: until it is there, no message shows.
  const messageItem = (text: string) =>
    [...(chatElement()?.shadowRoot?.querySelectorAll('li') ?? [])].find(
      (item) => item.querySelector('.text')?.textContent === text,
    );
  const reply = (conversationId: string, text: string) =>
    memory.backend.execute(ANNA, { type: 'message.reply', conversationId, text });

  beforeEach(() => setUp());
  afterEach(async () => {
    for (const inbox of inboxes.splice(0)) inbox.close();
    await removeWidget();
  });

  it('W1 a visitor writes, the team gets it, the agent answers and the visitor reads it', async () => {
    const api = await openWidget();
    const events: Array<[string, unknown]> = [];
    const names = ['message-sent', 'conversation-started', 'message-received'] as const;
    for (const name of names) api.on(name, (detail: ConfabEventDetails[typeof name]) => events.push([name, detail]));

    await sendAsVisitor('Hello, do you ship to Belgium?');
    const conversation = await waitFor(() => chatConversations()[0], 'the chat in the inbox');
    expect(conversation.preview).to.equal('Hello, do you ship to Belgium?');
    await waitFor(() => messageItem('Hello, do you ship to Belgium?')?.dataset.delivery === 'sent', 'shown as sent');
    expect(messageItem('Hello, do you ship to Belgium?')!.textContent).to.contain('Sent');

    await reply(conversation.id, 'Yes, we do!');
    await waitFor(() => messageItem('Yes, we do!'), 'the reply in the widget');
    await expect(bootOf()!.host, 'axe: a conversation with messages').to.be.accessible();
    expect(messageItem('Yes, we do!')!.querySelector('.author')!.textContent).to.equal('Anna');
    await waitFor(
      () => shadow().querySelector('[aria-live="polite"]')?.textContent === 'New message from Anna: Yes, we do!',
      'announced politely',
    );

    const started = events.find(([name]) => name === 'conversation-started')?.[1] as { conversationId: string };
    expect(started.conversationId).to.equal(conversation.id);
    expect(events.find(([name]) => name === 'message-sent')?.[1]).to.deep.equal({
      conversationId: null,
      text: 'Hello, do you ship to Belgium?',
    });
    expect(events.find(([name]) => name === 'message-received')?.[1]).to.include({
      conversationId: conversation.id,
      text: 'Yes, we do!',
      author: 'agent',
    });
    expect((await api.getState()).conversationId).to.equal(conversation.id);

    await sendAsVisitor('Great, thanks');
    await waitFor(
      () => backendMessages(conversation.id).some((message) => message.text === 'Great, thanks'),
      'second message in the same conversation',
    );
    expect(chatConversations().length).to.equal(1);
  });

  it('W1 hostile text from anyone renders as text; only http, https and mailto become links', async () => {
    await openWidget();
    await sendAsVisitor('<img src=x onerror="window.__confabXss=1">');
    const conversation = await waitFor(() => chatConversations()[0], 'chat');
    const hostileReply =
      'See <script>window.__confabXss=2</script> javascript:alert(1) and https://example.com/a?b=1. Mail mailto:help@example.com';
    await reply(conversation.id, hostileReply);
    // The reply's own message item, not any text: the live region announces it before the list
    // shows it, and the view may still be moving from the new conversation to the confirmed one.
    await waitFor(() => messageItem(hostileReply), 'the reply in the conversation');
    await waitFor(() => messageItem('<img src=x onerror="window.__confabXss=1">'), 'the visitor message, as text');
    expect(shadow().querySelector('img, script:not([type])')).to.equal(null);
    const links = [...shadow().querySelectorAll('.text a')].map((link) => link.getAttribute('href'));
    expect(links).to.deep.equal(['https://example.com/a?b=1', 'mailto:help@example.com']);
    expect((window as unknown as { __confabXss?: number }).__confabXss).to.equal(undefined);
  });

  it('W1 typing indicators go both ways', async () => {
    const inbox = createInboxClient({
      transport: memory.transport(),
      token: memory.agentToken('agent-1'),
      persistence: createMemoryPersistence(),
    });
    inboxes.push(inbox);
    const api = await openWidget();
    await sendAsVisitor('Hi there');
    const conversation = await waitFor(() => chatConversations()[0], 'chat');
    await waitFor(() => inbox.status.get().ready && inbox.store.conversation(conversation.id), 'the inbox has it');
    // Typing is signalled for a confirmed conversation: before its ack arrives the window has none
    // to name (the race lost under load in Firefox, where the ack came after the keystroke).
    await waitFor(async () => (await api.getState()).conversationId === conversation.id, 'conversation confirmed');
    const field = getByRole(shadow(), 'textbox', 'Message') as HTMLTextAreaElement;
    field.value = 'I am wri';
    field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await waitFor(
      () =>
        inbox.typing
          .get()
          .some((signal) => signal.who === 'contact' && signal.typing && signal.conversationId === conversation.id),
      'the agent sees the visitor typing',
    );
    await inbox.send({ type: 'typing', conversationId: conversation.id, typing: true });
    await waitFor(() => chatText().includes('Anna is typing…'), 'the visitor sees the agent typing');
    await inbox.send({ type: 'typing', conversationId: conversation.id, typing: false });
    await waitFor(() => !chatText().includes('is typing'), 'typing stopped');
  });

  it('W1 the launcher badge counts team replies while the window is closed, and clears on open', async () => {
    const api = await openWidget();
    const counts: number[] = [];
    api.on('unread-count-changed', ({ unread }) => counts.push(unread));
    await sendAsVisitor('Anyone?');
    const conversation = await waitFor(() => chatConversations()[0], 'chat');
    await waitFor(async () => (await api.getState()).conversationId === conversation.id, 'conversation confirmed');
    await api.close();
    await reply(conversation.id, 'Yes!');
    await reply(conversation.id, 'How can I help?');
    const boot = bootOf()!;
    const launcher = await findByRole(boot.root, 'button', 'Open chat, 2 unread messages');
    expect(boot.badge!.hidden).to.equal(false);
    expect(boot.badge!.textContent).to.equal('2');
    expect((await api.getState()).unread).to.equal(2);
    launcher.click();
    await waitFor(async () => (await api.getState()).unread === 0, 'read on open');
    expect(boot.badge!.hidden).to.equal(true);
    expect(counts).to.deep.equal([1, 2, 0]);
  });

  it('W1 a first-time visitor costs the page no app and no connection until they open the chat; ready is said once', async () => {
    const readies: ConfabState[] = [];
    const onReady = (event: CustomEvent<ConfabState>) => readies.push(event.detail);
    document.addEventListener('confab-ready', onReady);
    try {
      const api = await loadWidget(network);
      // Idle time is up to 3 s after load where there is no requestIdleCallback (WebKit).
      await waitFor(() => readies.length, 'ready, said by the loader at idle time', 8000);
      expect(readies[0]).to.include({ open: false, unread: 0, connection: 'offline', availability: 'unknown' });
      const boot = bootOf()!;
      expect(boot.loading, 'the app is not asked for before intent').to.equal(false);
      expect(boot.app).to.equal(null);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(network.urls).to.deep.equal([]);
      expect((await api.getState()).connection).to.equal('offline');
      await api.open();
      await waitFor(async () => (await api.getState()).connection === 'online', 'online after open');
      expect(network.urls.length).to.equal(1);
      expect(readies.length, 'the app did not say ready again').to.equal(1);
    } finally {
      document.removeEventListener('confab-ready', onReady);
    }
  });

  it('W2 a returning visitor connects without opening, and the badge shows replies that came while away', async () => {
    const site = uniqueSite();
    const api = await openWidget({ site });
    await sendAsVisitor('Are you open on Sunday?');
    const conversation = await waitFor(() => chatConversations()[0], 'chat');
    await waitFor(async () => (await api.getState()).conversationId === conversation.id, 'confirmed');
    await new Promise((resolve) => setTimeout(resolve, 1800));
    await removeWidget();
    await reply(conversation.id, 'Yes, from 10 to 4.');

    // The loader asks the list of databases at idle time; the app it then loads does not ask again.
    let listed = 0;
    const databases = IDBFactory.prototype.databases;
    IDBFactory.prototype.databases = function () {
      listed++;
      return databases.call(this);
    };
    const again = await loadWidget(network, { site });
    const launcher = await findByRole(bootOf()!.root, 'button', 'Open chat, 1 unread message').finally(
      () => (IDBFactory.prototype.databases = databases),
    );
    expect(listed, 'the list of databases, asked once').to.equal(1);
    expect((await again.getState()).open).to.equal(false);
    expect(bootOf()!.badge!.textContent).to.equal('1');
    launcher.click();
    await waitFor(() => messageItem('Yes, from 10 to 4.'), 'the reply in the window');
    await waitFor(async () => (await again.getState()).unread === 0, 'read');
  });

  it('W2 the history survives a reload: several conversations, newest first, and "New conversation"', async () => {
    const site = uniqueSite();
    const api = await openWidget({ site });
    await sendAsVisitor('First question');
    await waitFor(async () => (await api.getState()).conversationId, 'first confirmed');
    getByRole(shadow(), 'button', 'Your conversations').click();
    (await findByRole(shadow(), 'button', 'New conversation')).click();
    await waitFor(() => !chatText().includes('First question'), 'an empty conversation');
    await sendAsVisitor('Second question');
    await waitFor(() => chatConversations().length === 2, 'two chats in the inbox');
    await waitFor(
      async () =>
        (await api.getState()).conversationId === chatConversations().find((c) => c.preview === 'Second question')?.id,
      'second confirmed',
    );
    // The client saves its snapshot shortly after changes settle.
    await new Promise((resolve) => setTimeout(resolve, 1800));

    await removeWidget();
    network.down();
    const again = await loadWidget(network, { site });
    await again.open();
    await waitFor(
      () => chatText().includes('Second question'),
      'the newest conversation, offline, from the saved state',
    );
    getByRole(shadow(), 'button', 'Your conversations').click();
    const threads = await waitFor(() => {
      const found = [...shadow().querySelectorAll('.thread .preview')].map((preview) => preview.textContent);
      return found.length === 2 ? found : null;
    }, 'two conversations listed');
    expect(threads).to.deep.equal(['Second question', 'First question']);
    await expect(bootOf()!.host, 'axe: the list of conversations').to.be.accessible();
    network.up();
  });

  it('W2 messages written offline wait in the outbox, survive a reload and are delivered once', async () => {
    const site = uniqueSite();
    const api = await openWidget({ site });
    await sendAsVisitor('Before the tunnel');
    const conversation = await waitFor(() => chatConversations()[0], 'chat');
    await waitFor(async () => (await api.getState()).conversationId === conversation.id, 'confirmed');
    await new Promise((resolve) => setTimeout(resolve, 1800));

    network.down();
    await waitFor(async () => (await api.getState()).connection === 'offline', 'offline');
    await sendAsVisitor('Written in the tunnel');
    await waitFor(
      () => messageItem('Written in the tunnel')?.textContent?.includes('Waiting for connection'),
      'shown as waiting',
    );
    expect(getByRole(shadow(), 'status').textContent).to.contain('Offline');

    await removeWidget();
    const again = await loadWidget(network, { site });
    await again.open();
    await waitFor(
      () => messageItem('Written in the tunnel')?.dataset.delivery === 'queued',
      'still waiting after the reload',
    );

    network.up();
    await waitFor(() => messageItem('Written in the tunnel')?.dataset.delivery === 'sent', 'delivered', 8000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(
      backendMessages(conversation.id).filter((message) => message.text === 'Written in the tunnel').length,
    ).to.equal(1);
  });

  it('W2 a first message written offline, before the server ever answered, is delivered once after a reload', async () => {
    const site = uniqueSite();
    network.down();
    const api = await loadWidget(network, { site });
    await api.open();
    await waitFor(() => widgetClient()?.status.get().storage === 'indexeddb', 'storage open');
    await sendAsVisitor('Hello from the train');
    await waitFor(() => messageItem('Hello from the train')?.dataset.delivery === 'queued', 'waiting');
    await removeWidget();
    const again = await loadWidget(network, { site });
    await again.open();
    await waitFor(() => messageItem('Hello from the train'), 'still shown after the reload');
    network.up();
    const conversation = await waitFor(() => chatConversations()[0], 'the chat reaches the inbox', 8000);
    await waitFor(() => messageItem('Hello from the train')?.dataset.delivery === 'sent', 'shown as sent', 8000);
    expect(
      backendMessages(conversation.id).filter((message) => message.text === 'Hello from the train').length,
    ).to.equal(1);
    expect(chatConversations().length).to.equal(1);
  });

  it('W4 S2 when nobody is available the widget says so, takes an email address, and updates live', async () => {
    await setUp('away');
    const api = await openWidget();
    await waitFor(() => chatText().includes('We are away'), 'away in the header');
    expect((await api.getState()).availability).to.equal('away');
    const changes: string[] = [];
    api.on('availability-changed', ({ availability }) => changes.push(availability));
    expect(chatText()).to.contain('We are away right now. Leave your email and we will get back to you.');
    await expect(bootOf()!.host, 'axe: the away notice and its form').to.be.accessible();
    const email = getByRole(shadow(), 'textbox', 'Email') as HTMLInputElement;
    email.value = 'visitor@example.com';
    getByRole(shadow(), 'button', 'Save').click();
    await waitFor(
      () => [...memory.backend.state.contacts.values()].some((contact) => contact.email === 'visitor@example.com'),
      'the email on the contact',
    );
    await waitFor(() => chatText().includes('Thanks! We will reply to visitor@example.com.'), 'confirmation');
    await waitFor(async () => (await api.getState()).identity?.email === 'visitor@example.com', 'identity in getState');
    expect((await api.getState()).identity).to.include({ email: 'visitor@example.com', verified: false });

    await memory.backend.execute(ANNA, { type: 'agent.setAvailability', availability: 'available' });
    await waitFor(() => chatText().includes('We are online'), 'available in the header');
    expect(changes).to.deep.equal(['available']);
  });

  it('I1 a title, welcome text, colour and away text changed in settings show in the open widget at once', async () => {
    await setUp('away');
    await openWidget();
    await waitFor(() => chatText().includes('We are away'), 'the away notice');
    const launcherColour = () => getComputedStyle(bootOf()!.host).getPropertyValue('--confab-color').trim();
    expect(launcherColour()).to.not.equal('#008060');

    await memory.backend.execute(ANNA, {
      type: 'settings.update',
      patch: {
        widget: {
          title: 'Acme help desk',
          welcome: 'Ask us about your order.',
          color: '#008060',
          awayMessage: 'Back on Monday. Leave your address.',
        },
      },
    });
    await waitFor(() => chatText().includes('Acme help desk'), 'the new title');
    await waitFor(() => chatText().includes('Ask us about your order.'), 'the new welcome text');
    await waitFor(() => chatText().includes('Back on Monday. Leave your address.'), 'the new away text');
    await waitFor(() => launcherColour() === '#008060', 'the new colour');
    expect(getByRole(shadow(), 'heading', 'Acme help desk')).to.exist;
  });

  it('W5 the bot answers first with quick replies; "Talk to a person" hands over to the team', async () => {
    await memory.backend.execute(ANNA, { type: 'settings.update', patch: { bot: { enabled: true } } });
    const api = await openWidget();
    const received: string[] = [];
    api.on('message-received', ({ author }) => received.push(author));
    await sendAsVisitor('Hi!');
    await waitFor(() => chatText().includes('I am the Confab bot'), 'the bot greeting');
    const conversation = await waitFor(() => chatConversations()[0], 'the chat in the inbox');
    const group = await findByRole(shadow(), 'group', 'Suggested replies');
    expect([...group.querySelectorAll('button')].map((button) => button.textContent)).to.deep.equal([
      'Pricing',
      'Opening hours',
      'Talk to a person',
    ]);
    getByRole(group, 'button', 'Talk to a person').click();
    await waitFor(() => memory.backend.state.conversations.get(conversation.id)?.bot === 'handed-over', 'handed over');
    expect(
      backendMessages(conversation.id).some(
        (message) => message.authorType === 'contact' && message.text === 'Talk to a person',
      ),
    ).to.equal(false);
    await waitFor(() => queryByRole(shadow(), 'group', 'Suggested replies') === null, 'quick replies gone');
    await waitFor(() => received.includes('bot'), 'bot messages reported');
  });

  it("W5 the bot greets as soon as the chat opens; a quick reply gets the team's answer, another question the team's fallback", async () => {
    await memory.backend.execute(ANNA, {
      type: 'settings.update',
      patch: {
        bot: {
          enabled: true,
          greeting: 'Hoi! Ik ben de bot van de bakkerij.',
          quickReplies: ['Openingstijden'],
          fallback: 'Dat weet ik niet; zal ik iemand van het team halen?',
          answers: [
            { keywords: ['openingstijden', 'open'], text: 'Wij zijn open van 7 tot 18 uur.', offerHandover: false },
          ],
        },
      },
    });
    await openWidget();
    // Before any message: the greeting and the team's quick replies, nothing sent yet.
    await waitFor(() => chatText().includes('Hoi! Ik ben de bot van de bakkerij.'), 'the greeting on open');
    expect(chatConversations()).to.deep.equal([]);
    const group = await findByRole(shadow(), 'group', 'Suggested replies');
    getByRole(group, 'button', 'Openingstijden').click();
    await waitFor(() => chatText().includes('Wij zijn open van 7 tot 18 uur.'), "the team's answer");
    const conversation = await waitFor(() => chatConversations()[0], 'the chat in the inbox');
    expect(backendMessages(conversation.id).map((message) => [message.authorType, message.text])).to.deep.equal([
      ['bot', 'Hoi! Ik ben de bot van de bakkerij.'],
      ['contact', 'Openingstijden'],
      ['bot', 'Wij zijn open van 7 tot 18 uur.'],
    ]);
    // The greeting is shown once: as the thread's first message now, not also as the welcome.
    expect(chatText().split('Hoi! Ik ben de bot van de bakkerij.').length).to.equal(2);
    await sendAsVisitor('Bezorgen jullie ook?');
    await waitFor(() => chatText().includes('Dat weet ik niet; zal ik iemand van het team halen?'), 'the fallback');
    const offered = await findByRole(shadow(), 'group', 'Suggested replies');
    expect([...offered.querySelectorAll('button')].map((button) => button.textContent)).to.deep.equal([
      'Talk to a person',
    ]);
    expect(memory.backend.state.conversations.get(conversation.id)?.bot).to.equal('active');
    await expect(bootOf()!.host).to.be.accessible();
  });

  it('W3 a blocked visitor keeps chatting as before, and nothing reaches the team', async () => {
    await openWidget();
    await sendAsVisitor('First');
    const conversation = await waitFor(() => chatConversations()[0], 'chat');
    await waitFor(() => messageItem('First')?.dataset.delivery === 'sent', 'sent');
    await memory.backend.execute(ANNA, { type: 'conversation.blockSender', conversationId: conversation.id });
    await sendAsVisitor('Are you there?');
    await waitFor(() => messageItem('Are you there?')?.dataset.delivery === 'sent', 'looks sent to the visitor');
    const stored = backendMessages(conversation.id).find((message) => message.text === 'Are you there?');
    expect(stored?.suppressed).to.equal(true);
    expect(queryByRole(shadow(), 'status')).to.equal(null);
  });

  it('W1 the optional pre-chat form asks name and email before the first message', async () => {
    const api = await openWidget({ prechat: '' });
    const name = (await findByRole(shadow(), 'textbox', 'Name')) as HTMLInputElement;
    name.value = 'Noor';
    (getByRole(shadow(), 'textbox', 'Email') as HTMLInputElement).value = 'noor@example.com';
    getByRole(shadow(), 'button', 'Start chat').click();
    await findByRole(shadow(), 'textbox', 'Message');
    await waitFor(
      () =>
        [...memory.backend.state.contacts.values()].some(
          (contact) => contact.name === 'Noor' && contact.email === 'noor@example.com',
        ),
      'profile saved',
    );
    await waitFor(async () => (await api.getState()).identity?.name === 'Noor', 'identity in getState');
  });

  it('T8 the widget reports a conversation the team closed, and writing reopens it', async () => {
    const api = await openWidget();
    const closed: string[] = [];
    api.on('conversation-closed', ({ conversationId }) => closed.push(conversationId));
    await sendAsVisitor('Thanks, bye');
    const conversation = await waitFor(() => chatConversations()[0], 'chat');
    await waitFor(async () => (await api.getState()).conversationId === conversation.id, 'confirmed');
    await memory.backend.execute(ANNA, {
      type: 'conversation.setStatus',
      conversationIds: [conversation.id],
      status: 'closed',
    });
    await waitFor(() => closed.length === 1, 'conversation-closed');
    expect(closed).to.deep.equal([conversation.id]);
    await waitFor(() => chatText().includes('This conversation is closed'), 'closed notice');
    await sendAsVisitor('One more thing');
    await waitFor(() => memory.backend.state.conversations.get(conversation.id)?.status === 'open', 'reopened');
  });

  it('W1 identify() with a site-signed token makes the visitor that verified contact', async () => {
    memory = createMemoryBackend({
      seed: [agentSeed('agent-1', 'Anna')],
      identities: { 'signed-by-the-site': { email: 'sam@example.com', name: 'Sam' } },
    });
    await memory.backend.ready;
    network = createFakeNetwork(memory);
    const api = await openWidget();
    await api.identify({ email: 'sam@example.com', name: 'Sam' }, 'signed-by-the-site');
    await waitFor(async () => (await api.getState()).identity?.verified, 'verified identity');
    expect((await api.getState()).identity).to.deep.equal({ email: 'sam@example.com', name: 'Sam', verified: true });
  });

  it('W1 a refused identity token or message fires "error"; a refused message offers "Try again"', async () => {
    const api = await openWidget();
    const errors: string[] = [];
    api.on('error', ({ code }) => errors.push(code));
    await api.identify({ email: 'eve@example.com' }, 'forged-token');
    await waitFor(() => errors.includes('unauthenticated'), 'the refused identity reported');
    await waitFor(async () => (await api.getState()).connection === 'online', 'online again');
    // Longer than the protocol allows (the field's maxlength stops typing; a script does not).
    await sendAsVisitor('x'.repeat(70_000));
    await waitFor(() => errors.includes('too-large') || errors.includes('invalid'), 'the refused message reported');
    const failed = await waitFor(
      () => shadow().querySelector<HTMLElement>('li[data-delivery="failed"]'),
      'shown as not sent',
    );
    expect(failed.textContent).to.contain('Not sent');
    expect(getByRole(failed, 'button', 'Try again')).to.exist;
  });

  it('W1 identify() without a token leaves name and email on the visitor (unverified)', async () => {
    const api = await openWidget();
    await api.identify({ email: 'kim@example.com', name: 'Kim' }, '');
    await waitFor(async () => (await api.getState()).identity?.email === 'kim@example.com', 'identity');
    expect((await api.getState()).identity).to.deep.equal({ email: 'kim@example.com', name: 'Kim', verified: false });
  });
});

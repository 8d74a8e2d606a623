import { expect } from '@open-wc/testing';
import type { InboxClient } from '@confab/core';
import {
  addWidgetScript,
  chatElement,
  confab,
  referenceAgent,
  referenceServer,
  removeWidget,
  sendAsVisitor,
  uniqueSite,
  waitFor,
} from './testing/widget-page.js';

/** The real script tag against the real reference server (started by web-test-runner.config.js). */
describe('the widget against the reference server', () => {
  let inbox: InboxClient | null = null;

  afterEach(async () => {
    inbox?.close();
    await removeWidget();
  });

  it('W1 a visitor chats with an agent over real WebSockets: the message reaches the inbox, the reply reaches the widget', async () => {
    const info = await referenceServer();
    await addWidgetScript({ server: info.url, site: uniqueSite() });
    const api = confab();
    await api.open();
    await waitFor(async () => (await api.getState()).connection === 'online', 'online', 8000);
    const question = `Do you roast on Tuesdays? ${Math.random().toString(36).slice(2, 8)}`;
    await sendAsVisitor(question);

    const agent = referenceAgent(info);
    inbox = agent;
    const conversation = await waitFor(
      () => [...agent.store.state.conversations.values()].find((candidate) => candidate.preview === question),
      'the chat in the inbox',
      8000,
    );
    expect(conversation.channel).to.equal('chat');
    await agent.send({ type: 'message.reply', conversationId: conversation.id, text: 'Every Tuesday, yes.' });
    await waitFor(
      () => chatElement()?.shadowRoot?.textContent?.includes('Every Tuesday, yes.'),
      'the reply in the widget',
      8000,
    );
    expect((await api.getState()).conversationId).to.equal(conversation.id);
  });
});

import { expect } from '@open-wc/testing';
import { createMemoryBackend, type MemoryBackend } from '@confab/core';
import { CHAT_START_WINDOW_MS, MAX_CHAT_STARTS_PER_WINDOW } from '@confab/core/engine';
import {
  agentSeed,
  chatElement,
  createFakeNetwork,
  getByRole,
  loadWidget,
  removeWidget,
  sendAsVisitor,
  waitFor,
  widgetClient,
  type FakeNetwork,
} from './testing/widget-page.js';

/** The messages a new chat's visitor writes before the chat is confirmed (issue 14, DESIGN §5). */
describe('the first messages of a new chat', () => {
  let memory: MemoryBackend;
  let network: FakeNetwork;

  beforeEach(async () => {
    memory = createMemoryBackend({ seed: [agentSeed('agent-1', 'Anna')] });
    await memory.backend.ready;
    network = createFakeNetwork(memory);
  });
  afterEach(() => removeWidget());

  const item = (text: string) =>
    [...chatElement()!.shadowRoot!.querySelectorAll<HTMLElement>('li')].find(
      (candidate) => candidate.querySelector('.text')?.textContent === text,
    );
  const serverTexts = (conversationId: string) =>
    (memory.backend.state.messages.get(conversationId) ?? [])
      .filter((message) => message.direction === 'inbound')
      .map((message) => message.text);

  it('a refused start shows it and the message written after it as failed, each with "Try again", and Try again sends both in order', async () => {
    const api = await loadWidget(network, {});
    await api.open();
    await waitFor(async () => (await api.getState()).connection === 'online', 'online');
    const client = widgetClient()!;
    for (let index = 0; index < MAX_CHAT_STARTS_PER_WINDOW; index += 1)
      await client.send({ type: 'visitor.startChat', text: `earlier chat ${index}` });
    (chatElement() as HTMLElement & { startNewConversation(): void }).startNewConversation();

    await sendAsVisitor('One chat too many');
    await waitFor(() => item('One chat too many'), 'the start shown');
    await sendAsVisitor('Are you there?');
    for (const text of ['One chat too many', 'Are you there?']) {
      const failed = await waitFor(
        () => (item(text)?.dataset.delivery === 'failed' ? item(text) : undefined),
        `${text} failed`,
      );
      expect(getByRole(failed!, 'button', 'Try again')).to.exist;
    }
    expect(memory.backend.state.conversations.size, 'nothing of it reached the server').to.equal(
      MAX_CHAT_STARTS_PER_WINDOW,
    );

    memory.advanceClock(CHAT_START_WINDOW_MS);
    getByRole(item('Are you there?')!, 'button', 'Try again').click();
    const conversation = await waitFor(
      () =>
        [...memory.backend.state.conversations.values()].find(
          (candidate) => serverTexts(candidate.id).length === 2 && serverTexts(candidate.id)[0] === 'One chat too many',
        ),
      'both delivered',
    );
    expect(serverTexts(conversation.id)).to.deep.equal(['One chat too many', 'Are you there?']);
    await waitFor(() => item('Are you there?')?.dataset.delivery === 'sent', 'shown as sent');
  });
});

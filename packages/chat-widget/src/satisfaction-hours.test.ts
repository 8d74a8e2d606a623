import { expect } from '@open-wc/testing';
import { activityNoteOf, createMemoryBackend, type MemoryBackend, type Principal } from '@confab/core';
import type { ConfabApi } from './boot.js';
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
  waitFor,
  type FakeNetwork,
} from './testing/widget-page.js';

const ANNA: Principal = { kind: 'agent', agentId: 'agent-1' };

/** Issue 17 end to end: the real script tag and visitor client, the real engine in a memory backend. */
describe('satisfaction and business hours in the widget (issue 17)', () => {
  let memory: MemoryBackend;
  let network: FakeNetwork;

  beforeEach(async () => {
    memory = createMemoryBackend({ seed: [agentSeed('agent-1', 'Anna')] });
    await memory.backend.ready;
    network = createFakeNetwork(memory);
  });
  afterEach(() => removeWidget());

  async function openWidget(data: Record<string, string> = {}): Promise<ConfabApi> {
    const api = await loadWidget(network, data);
    await api.open();
    await waitFor(async () => (await api.getState()).connection === 'online', 'online');
    return api;
  }

  const shadow = () => chatElement()!.shadowRoot!;
  const settings = (patch: object) => memory.backend.execute(ANNA, { type: 'settings.update', patch });

  /** A chat the visitor started and Anna closed; returns its id. */
  async function closedChat(): Promise<string> {
    await sendAsVisitor('Where is my order?');
    const conversation = await waitFor(
      () => [...memory.backend.state.conversations.values()].find((candidate) => candidate.channel === 'chat'),
      'the chat in the inbox',
    );
    await memory.backend.execute(ANNA, {
      type: 'conversation.setStatus',
      conversationIds: [conversation.id],
      status: 'closed',
    });
    return conversation.id;
  }

  it('after a close the visitor rates 1–5 by keyboard with a comment; it lands in Past feedback and as a team note', async () => {
    await settings({ satisfaction: { enabled: true } });
    await openWidget();
    const conversationId = await closedChat();
    const group = await findByRole(shadow(), 'group', 'How did we do? Rate this conversation from 1 to 5.');
    await expect(bootOf()!.host, 'axe: the rating form').to.be.accessible();
    const four = getByRole(group, 'radio', '4 out of 5') as HTMLInputElement;
    four.focus();
    four.click();
    (getByRole(shadow(), 'textbox', 'Anything to add? (optional)') as HTMLTextAreaElement).value = '  Fast help ';
    getByRole(shadow(), 'button', 'Send rating').click();
    await waitFor(() => chatText().includes('Thanks for your rating!'), 'thanks');
    expect(queryByRole(shadow(), 'group'), 'the form is gone').to.equal(null);
    expect(shadow().activeElement, 'focus waits in the message field').to.equal(
      getByRole(shadow(), 'textbox', 'Message'),
    );
    const feedback = [...memory.backend.state.feedback.values()];
    expect(feedback.map(({ kind, score, comment }) => ({ kind, score, comment }))).to.deep.equal([
      { kind: 'satisfaction', score: 4, comment: 'Fast help' },
    ]);
    const note = memory.backend.state.messages.get(conversationId)!.at(-1)!;
    expect(activityNoteOf(memory.backend.state, note)).to.deep.include({ type: 'rated', score: 4 });
    expect(chatText(), 'the team note is not the visitor’s').to.not.contain('rated this conversation');
  });

  it('asks in Dutch with the team’s own question, and not at all while ratings are off', async () => {
    await openWidget({ locale: 'nl' });
    await closedChat();
    await waitFor(() => chatText().includes('Dit gesprek is gesloten'), 'closed');
    expect(queryByRole(shadow(), 'radio'), 'off by default').to.equal(null);
    await settings({ satisfaction: { enabled: true, question: { en: 'Happy?', nl: 'Tevreden?' } } });
    const group = await findByRole(shadow(), 'group', 'Tevreden?');
    expect(getByRole(group, 'radio', '5 van 5')).to.exist;
    expect(getByRole(shadow(), 'button', 'Beoordeling versturen')).to.exist;
    await expect(bootOf()!.host, 'axe: the Dutch rating form').to.be.accessible();
  });

  it('S2/W4 outside business hours the team shows as away with the away text and the email form, though Anna is available', async () => {
    const api = await openWidget();
    await waitFor(() => chatText().includes('We are online'), 'available');
    // Open on no day at all: closed whatever the clock says.
    await settings({ hours: { enabled: true, timeZone: 'Europe/Amsterdam', week: [[], [], [], [], [], [], []] } });
    await waitFor(() => chatText().includes('We are away'), 'away by the hours');
    expect((await api.getState()).availability).to.equal('away');
    await sendAsVisitor('Anyone there?');
    await waitFor(() => getByRole(shadow(), 'textbox', 'Email'), 'the email form');
    const chat = await waitFor(
      () => [...memory.backend.state.conversations.values()].find((candidate) => candidate.channel === 'chat'),
      'the chat in the inbox',
    );
    expect(chat.assigneeId, 'G1: the chat waits for the opening').to.equal(null);
    await settings({ hours: { enabled: false } });
    await waitFor(() => chatText().includes('We are online'), 'available again');
  });
});

// Issue 17 in Chromium: a visitor rates a closed chat in the widget, by keyboard, and the agent
// sees the rating in the thread and in the contact's Past feedback (A6).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { conversationWith, eventually, openWidget, rowById, startJourney, view, visitorSays } from './harness.mjs';

describe('satisfaction journey', () => {
  let journey;
  before(async () => {
    journey = await startJourney('satisfaction');
  });
  after(async () => {
    await journey?.close();
  });

  it('a visitor rates the closed chat 4 of 5 with a comment; the agent sees it in the thread and in Past feedback', async () => {
    const agent = await journey.agent('agent-anna');
    // The admin turns ratings on (the settings section has its own tests).
    await agent.evaluate(() =>
      document
        .querySelector('confab-inbox')
        .client.send({ type: 'settings.update', patch: { satisfaction: { enabled: true } } }),
    );
    const { page: site } = await journey.visitor();
    const widget = await openWidget(site);
    await visitorSays(widget, 'Can I change my delivery address?');
    const conversation = await eventually(() => {
      const found = conversationWith(journey.server, 'Can I change my delivery address?');
      assert.ok(found);
      return found;
    });
    await view(agent, 'Chat').click();
    await rowById(agent, conversation.id).click();
    const thread = agent.getByRole('region', { name: 'Conversation' });
    await thread.getByRole('button', { name: 'Mark as closed' }).click();

    // Keyboard only: arrows move through the scores, Tab reaches the comment and the button.
    const group = widget.getByRole('group', { name: 'How did we do? Rate this conversation from 1 to 5.' });
    await group.waitFor();
    await group.getByRole('radio', { name: '1 out of 5' }).focus();
    for (let step = 0; step < 3; step += 1) await site.keyboard.press('ArrowRight');
    assert.ok(await group.getByRole('radio', { name: '4 out of 5' }).isChecked());
    await site.keyboard.press('Tab');
    await site.keyboard.type('Sorted in two minutes');
    await site.keyboard.press('Tab');
    await site.keyboard.press('Enter');
    await widget.getByText('Thanks for your rating!').waitFor();
    await journey.shot(site, 'visitor-rated');

    const feedback = await eventually(() => {
      const found = [...journey.server.backend.state.feedback.values()].find(
        (entry) => entry.conversationId === conversation.id,
      );
      assert.ok(found);
      return found;
    });
    assert.deepEqual([feedback.kind, feedback.score, feedback.comment], ['satisfaction', 4, 'Sorted in two minutes']);
    await thread.getByText(/rated this conversation 4\/5: “Sorted in two minutes”/).waitFor();
    const about = agent.getByRole('region', { name: 'About', exact: true });
    const toggle = about.getByRole('button', { name: /Past feedback/ });
    if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
    await about.getByText('Sorted in two minutes').waitFor();
    await journey.shot(agent, 'agent-sees-rating');
  });
});

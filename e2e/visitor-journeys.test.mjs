// Journeys across the widget, the server and the inbox: a visitor on the demo site and agents in
// the inbox, each in their own browser context.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  agentWrites,
  conversationWith,
  eventually,
  openWidget,
  row,
  rowById,
  startJourney,
  view,
  viewCount,
  visitorSays,
} from './harness.mjs';

const MINUTE = 60_000;

describe('visitor and agent journeys', () => {
  let journey;
  before(async () => {
    journey = await startJourney('visitor');
  });
  after(async () => {
    await journey?.close();
  });

  it('W1/V5/G1 a visitor writes, the chat appears live and routed, the agent replies, the visitor sees it', async () => {
    const agent = await journey.agent('agent-anna');
    const chatsBefore = await viewCount(agent, 'Chat');
    const { page: site } = await journey.visitor();
    const widget = await openWidget(site);
    await visitorSays(widget, 'Hi! Do you ship to Belgium?');
    await eventually(async () => assert.equal(await viewCount(agent, 'Chat'), chatsBefore + 1), {
      what: 'the Chat count to rise',
    });
    const conversation = await eventually(() => {
      const found = conversationWith(journey.server, 'Hi! Do you ship to Belgium?');
      assert.ok(found);
      return found;
    });
    assert.ok(conversation.assigneeId, 'G1: round-robin routing gave it to an available agent');
    const owner = journey.server.backend.state.agents.get(conversation.assigneeId);
    assert.equal(owner.availability, 'available');
    await view(agent, 'Chat').click();
    await row(agent, 'Do you ship to Belgium?').click();
    await journey.shot(agent, 'w1-agent-sees-chat');
    // The visitor closes the window; the reply raises the unread count on the launcher.
    await site.getByRole('button', { name: 'Close chat' }).first().click();
    await agentWrites(agent, 'Yes, we ship to Belgium in 2–3 days.');
    await eventually(
      async () => assert.equal(await site.evaluate(() => window.Confab.getState().then((state) => state.unread)), 1),
      { what: 'one unread reply' },
    );
    await journey.shot(site, 'w1-unread-badge');
    const reopened = await openWidget(site);
    await reopened.getByText('Yes, we ship to Belgium in 2–3 days.', { exact: true }).waitFor();
    await eventually(
      async () => assert.equal(await site.evaluate(() => window.Confab.getState().then((state) => state.unread)), 0),
      { what: 'unread cleared on open' },
    );
    await journey.shot(site, 'w1-visitor-sees-reply');
  });

  it('R1/R2 a comment with an @mention notifies the teammate and never reaches the visitor', async () => {
    const { page: site } = await journey.visitor();
    const frames = [];
    site.on('websocket', (socket) => socket.on('framereceived', (frame) => frames.push(String(frame.payload))));
    const widget = await openWidget(site);
    await visitorSays(widget, 'My grinder arrived without the lid.');
    const anna = await journey.agent('agent-anna');
    const ben = await journey.agent('agent-ben');
    await ben.evaluate(() => {
      window.__mentions = [];
      document.querySelector('confab-inbox').client.on('mention', (mention) => window.__mentions.push(mention));
    });
    await view(anna, 'Chat').click();
    await row(anna, 'without the lid').click();
    await agentWrites(anna, '@Ben Okafor can you send a replacement lid? secret-internal-7731', 'Comment');
    const conversation = conversationWith(journey.server, 'My grinder arrived without the lid.');
    await eventually(
      () => {
        const comment = journey.server.backend.state.messages.get(conversation.id).find((m) => m.kind === 'comment');
        assert.ok(comment, 'the comment is stored');
        assert.deepEqual(comment.mentions, ['agent-ben'], 'Ben is mentioned');
      },
      { what: 'the comment with its mention' },
    );
    await eventually(async () => assert.equal(await ben.evaluate(() => window.__mentions.length), 1), {
      what: 'Ben to be notified',
    });
    await agentWrites(anna, 'We are sending a new lid today.');
    await widget.getByText('We are sending a new lid today.', { exact: true }).waitFor();
    await journey.shot(anna, 'r1-comment-in-thread');
    await journey.shot(site, 'r2-visitor-without-comment');
    assert.equal(await widget.getByText('secret-internal-7731').count(), 0, 'the comment is not on the visitor page');
    assert.ok(!frames.join('\n').includes('secret-internal-7731'), 'no frame to the visitor carries the comment');
    const stored = await site.evaluate(async () => {
      const names = (await indexedDB.databases()).map((db) => db.name);
      const dump = [];
      for (const name of names) {
        const db = await new Promise((resolve, reject) => {
          const request = indexedDB.open(name);
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        for (const store of db.objectStoreNames) {
          const values = await new Promise((resolve) => {
            const request = db.transaction(store).objectStore(store).getAll();
            request.onsuccess = () => resolve(request.result);
          });
          dump.push(JSON.stringify(values));
        }
        db.close();
      }
      return dump.join('\n') + JSON.stringify(localStorage) + JSON.stringify(sessionStorage);
    });
    assert.ok(!stored.includes('secret-internal-7731'), 'no stored data of the visitor holds the comment');
  });

  it('T5/W3 a blocked visitor keeps chatting but nothing reaches the inbox; unblocking brings later messages back', async () => {
    const { page: site } = await journey.visitor();
    const widget = await openWidget(site);
    await visitorSays(widget, 'Buy cheap followers at spam.example');
    const agent = await journey.agent('agent-anna');
    await view(agent, 'Chat').click();
    await row(agent, 'cheap followers').click();
    const filteredBefore = await viewCount(agent, 'Filtered');
    await agent.getByRole('region', { name: 'Conversation' }).getByRole('button', { name: 'More' }).click();
    await agent.getByRole('menuitem', { name: 'Block sender' }).click();
    await eventually(async () => assert.equal(await viewCount(agent, 'Filtered'), filteredBefore + 1), {
      what: 'the chat to move to Filtered',
    });
    await visitorSays(widget, 'Hello? Still selling followers');
    await widget.getByText('Hello? Still selling followers', { exact: true }).waitFor();
    await journey.shot(site, 't5-blocked-visitor-still-chats');
    const conversation = conversationWith(journey.server, 'Buy cheap followers at spam.example');
    await eventually(() => {
      const later = journey.server.backend.state.messages
        .get(conversation.id)
        .find((m) => m.text === 'Hello? Still selling followers');
      assert.ok(later?.suppressed, 'stored for the visitor, suppressed for the team');
    });
    const agentState = await agent.evaluate(
      (id) =>
        document
          .querySelector('confab-inbox')
          .client.store.state.messages.get(id)
          .map((m) => m.text),
      conversation.id,
    );
    assert.ok(!agentState.includes('Hello? Still selling followers'), 'the agent never receives it');
    await view(agent, 'Filtered').click();
    await row(agent, 'cheap followers').click();
    await journey.shot(agent, 't5-in-filtered');
    await agent.getByRole('region', { name: 'Conversation' }).getByRole('button', { name: 'Unblock sender' }).click();
    await eventually(async () => assert.equal(await viewCount(agent, 'Filtered'), filteredBefore), {
      what: 'unblock to leave Filtered',
    });
    await visitorSays(widget, 'Sorry, I actually have a real question about beans.');
    await view(agent, 'Chat').click();
    await row(agent, 'real question about beans').waitFor();
  });

  it('S1/S2 with every agent away a new visitor sees the team is away and leaves an email; nobody is routed; an assigned chat stays', async () => {
    const anna = await journey.agent('agent-anna');
    const earlier = [...journey.server.backend.state.conversations.values()].find(
      (c) => c.assigneeId === 'agent-anna' && c.channel === 'chat',
    );
    assert.ok(earlier, 'Anna owns a chat from before');
    // Anna goes away through the inbox (S1); the rest of the team through the API.
    await anna.getByRole('switch', { name: 'Available' }).click();
    await eventually(() => assert.equal(journey.server.backend.state.agents.get('agent-anna').availability, 'away'), {
      what: 'Anna away',
    });
    for (const agent of journey.server.backend.state.agents.values()) {
      if (agent.availability === 'available')
        await journey.server.backend.execute(
          { kind: 'agent', agentId: agent.id },
          { type: 'agent.setAvailability', availability: 'away' },
        );
    }
    const { page: site } = await journey.visitor();
    const widget = await openWidget(site);
    await widget.getByText('We are away', { exact: false }).first().waitFor();
    await journey.shot(site, 's2-team-away');
    await widget.getByRole('textbox', { name: /email/i }).fill('visitor.away@example.com');
    await widget
      .getByRole('button', { name: /leave your email|send|save/i })
      .first()
      .click();
    await eventually(
      () => {
        const contact = [...journey.server.backend.state.contacts.values()].find(
          (c) => c.email === 'visitor.away@example.com',
        );
        assert.ok(contact, 'the email reached the team');
      },
      { what: 'the left email' },
    );
    await visitorSays(widget, 'Anyone there? I need a bulk quote.');
    const conversation = await eventually(() => {
      const found = conversationWith(journey.server, 'Anyone there? I need a bulk quote.');
      assert.ok(found);
      return found;
    });
    assert.equal(conversation.assigneeId, null, 'nobody is routed while everyone is away');
    assert.equal(
      journey.server.backend.state.conversations.get(earlier.id).assigneeId,
      'agent-anna',
      'Anna keeps her open chat',
    );
    for (const agent of journey.server.backend.state.agents.values()) {
      if (!agent.disabled)
        await journey.server.backend.execute(
          { kind: 'agent', agentId: agent.id },
          { type: 'agent.setAvailability', availability: 'available' },
        );
    }
  });

  it('W5/V9/T11 a bot conversation sits in Bots, cannot be closed before 30 minutes of visitor inactivity, and hands over on request', async () => {
    await journey.server.backend.execute(
      { kind: 'agent', agentId: 'agent-anna' },
      { type: 'settings.update', patch: { bot: { enabled: true } } },
    );
    const { page: site } = await journey.visitor();
    const widget = await openWidget(site);
    await visitorSays(widget, 'What are your opening hours?');
    await widget.getByRole('button', { name: 'Talk to a person' }).waitFor();
    await journey.shot(site, 'w5-bot-greets');
    const conversation = await eventually(() => {
      const found = conversationWith(journey.server, 'What are your opening hours?');
      assert.ok(found);
      return found;
    });
    const agent = await journey.agent('agent-anna');
    await view(agent, 'Bots').click();
    await rowById(agent, conversation.id).click();
    const thread = agent.getByRole('region', { name: 'Conversation' });
    await thread.getByRole('button', { name: 'Mark as closed' }).click();
    await thread.getByText('30 minutes', { exact: false }).first().waitFor();
    assert.equal(
      journey.server.backend.state.conversations.get(conversation.id).status,
      'open',
      'T11 refused the close',
    );
    await journey.shot(agent, 't11-close-refused');
    await journey.advanceClock(31 * MINUTE);
    await agent.reload();
    await agent.getByRole('listbox', { name: 'Conversations' }).waitFor();
    await view(agent, 'Bots').click();
    await rowById(agent, conversation.id).click();
    await agent.getByRole('region', { name: 'Conversation' }).getByRole('button', { name: 'Mark as closed' }).click();
    await eventually(
      () => assert.equal(journey.server.backend.state.conversations.get(conversation.id).status, 'closed'),
      { what: 'the close after 30 minutes' },
    );

    // A second visitor asks for a person: the bot hands over to routing (G1).
    const { page: other } = await journey.visitor();
    const otherWidget = await openWidget(other);
    await visitorSays(otherWidget, 'I need help with a wholesale order.');
    await otherWidget.getByRole('button', { name: 'Talk to a person' }).click();
    await eventually(
      () => {
        const handed = conversationWith(journey.server, 'I need help with a wholesale order.');
        assert.equal(handed.bot, 'handed-over');
        assert.ok(handed.assigneeId, 'routed to an available agent');
      },
      { what: 'the hand-over' },
    );
    await journey.server.backend.execute(
      { kind: 'agent', agentId: 'agent-anna' },
      { type: 'settings.update', patch: { bot: { enabled: false } } },
    );
  });

  it('W2 a message written offline survives a reload and arrives exactly once', async () => {
    const { page: site, chatOnline } = await journey.visitorBehindProxy();
    const widget = await openWidget(site);
    await visitorSays(widget, 'First message, online.');
    await eventually(() => assert.ok(conversationWith(journey.server, 'First message, online.')), {
      what: 'the first message',
    });
    chatOnline(false);
    await widget.getByText('Offline', { exact: false }).first().waitFor();
    await visitorSays(widget, 'Written while offline.');
    await widget.getByText('Written while offline.', { exact: true }).waitFor();
    await journey.shot(site, 'w2-offline-pending');
    await site.reload();
    const again = await openWidget(site);
    await again.getByText('Written while offline.', { exact: true }).waitFor();
    const conversation = conversationWith(journey.server, 'First message, online.');
    assert.ok(
      !journey.server.backend.state.messages.get(conversation.id).some((m) => m.text === 'Written while offline.'),
      'not delivered yet',
    );
    await journey.shot(site, 'w2-pending-after-reload');
    chatOnline(true);
    await eventually(
      () => {
        const copies = journey.server.backend.state.messages
          .get(conversation.id)
          .filter((m) => m.text === 'Written while offline.');
        assert.equal(copies.length, 1);
      },
      { what: 'the offline message to arrive once', timeoutMs: 30_000 },
    );
    await again.getByText('First message, online.', { exact: true }).waitFor();
    await eventually(
      async () => assert.equal(await again.getByText('Written while offline.', { exact: true }).count(), 1),
      { what: 'shown once' },
    );
    await journey.shot(site, 'w2-delivered-once');
  });

  it('keeps every token out of URLs and referrers, and no page threw', () => {
    const leaks = journey.requests.filter((request) => /token=/i.test(request.url) || /token=/i.test(request.referrer));
    assert.deepEqual(leaks, []);
    assert.deepEqual(journey.pageErrors, []);
  });
});

// Issue 20 item 11: one visitor created 258 conversations in 10 seconds. A visitor may now start
// at most 5 chats a minute and have at most 10 open at once; past that, a typed refusal (`rule`,
// rule `chat-limit`) and nothing is created.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryBackend } from '@confab/core';
import { CHAT_START_WINDOW_MS, MAX_CHAT_STARTS_PER_WINDOW, MAX_OPEN_CHATS_PER_VISITOR } from '@confab/core/engine';
import { NO_LIMITS } from '@confab/server';
import { connect, startSecurityServer } from './helpers.mjs';

const chatsOf = (state, contactId) =>
  [...state.conversations.values()].filter((c) => c.channel === 'chat' && c.contactId === contactId);

describe('Chats per visitor are limited (issue 20 item 11)', () => {
  let t;

  before(async () => {
    t = await startSecurityServer({ limits: NO_LIMITS });
  });

  after(() => t?.close());

  test(`a visitor starting chats as fast as it can gets ${MAX_CHAT_STARTS_PER_WINDOW} a minute, then typed refusals`, async () => {
    const peer = await connect(t.wsUrl, '');
    try {
      const contactId = peer.welcome.principal.contactId;
      const answers = [];
      for (let i = 0; i < 12; i += 1)
        answers.push(await peer.command(`start-${i}`, { type: 'visitor.startChat', text: `chat ${i}` }));
      const refused = answers.filter((answer) => answer.type === 'error');
      assert.equal(answers.length - refused.length, MAX_CHAT_STARTS_PER_WINDOW);
      for (const refusal of refused) {
        assert.equal(refusal.error.code, 'rule');
        assert.equal(refusal.error.rule, 'chat-limit');
      }
      assert.equal(chatsOf(t.server.backend.state, contactId).length, MAX_CHAT_STARTS_PER_WINDOW);
      // The chats it has still take messages.
      const first = answers[0].result.conversationId;
      const more = await peer.command('more', { type: 'visitor.message', conversationId: first, text: 'still here' });
      assert.equal(more.type, 'ack');
    } finally {
      peer.close();
    }
  });

  test(`at most ${MAX_OPEN_CHATS_PER_VISITOR} open chats at once, however slowly started; closing one makes room`, async () => {
    const memory = createMemoryBackend({
      seed: [
        {
          type: 'agent.upserted',
          agent: { id: 'agent-1', name: 'Ann', email: 'ann@team.example', availability: 'available', disabled: false },
        },
      ],
    });
    await memory.backend.ready;
    const created = await memory.backend.execute({ kind: 'system' }, { type: 'visitor.create' });
    const visitor = { kind: 'visitor', contactId: created.result.contactId };
    const start = (text) => memory.backend.execute(visitor, { type: 'visitor.startChat', text });
    const started = [];
    for (let i = 0; i < MAX_OPEN_CHATS_PER_VISITOR; i += 1) {
      memory.advanceClock(CHAT_START_WINDOW_MS / MAX_CHAT_STARTS_PER_WINDOW + 1);
      started.push((await start(`chat ${i}`)).result.conversationId);
    }
    memory.advanceClock(CHAT_START_WINDOW_MS);
    await assert.rejects(start('one too many'), (error) => error.code === 'rule' && error.rule === 'chat-limit');
    assert.equal(chatsOf(memory.backend.state, visitor.contactId).length, MAX_OPEN_CHATS_PER_VISITOR);
    await memory.backend.execute(
      { kind: 'agent', agentId: 'agent-1' },
      { type: 'conversation.setStatus', conversationIds: [started[0]], status: 'closed' },
    );
    assert.ok((await start('room again')).result.conversationId);
  });
});

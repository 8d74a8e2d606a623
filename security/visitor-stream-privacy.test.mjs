// Issue 20 item 4: a visitor's stream is the same whether or not comments and other people's
// events exist. On resume a visitor got a `conversation.upserted` at the sequence number of an
// agent's comment (the live path hid it), and `welcome.seq`, event numbers and acks counted the
// whole workspace's events. Now each visitor has their own numbered stream: the same story told
// in a quiet workspace and in a busy one (comments, assignments, other visitors) gives the visitor
// the same frames, live and on resume.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_LIMITS } from '@confab/server';
import { agentToken, connect, newVisitorWithChat, startSecurityServer } from './helpers.mjs';

/**
 * The frames as a visitor could compare them across two servers: ids become their order of first
 * appearance (the epoch is a random name of each server's log, as the session token is), times
 * become T (the two runs differ in nothing else a visitor may see).
 */
function comparable(frames) {
  const ids = new Map();
  const name = (value) => {
    if (!ids.has(value)) ids.set(value, `#${ids.size + 1}`);
    return ids.get(value);
  };
  const idKey = /(^id$|Id$|^cause$|Ids$|^sessionToken$|^epoch$)/;
  const walk = (value, key = '') => {
    if (Array.isArray(value)) return value.map((item) => walk(item, key));
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    if (typeof value === 'string' && idKey.test(key)) return name(value);
    if (typeof value === 'number' && value > 1e12) return 'T';
    return value;
  };
  return frames.filter((frame) => frame.type !== 'pong').map((frame) => walk(frame));
}

/**
 * One story, told on a fresh server: a visitor chats, an agent answers, the visitor goes away,
 * the agent answers again, the visitor comes back (resume) and writes once more. When `busy`,
 * the team also comments (with a mention), reassigns the chat and talks to another visitor,
 * both while the visitor is connected and while it is away.
 */
async function story(busy) {
  const t = await startSecurityServer({ limits: NO_LIMITS });
  try {
    const agent = await connect(t.wsUrl, await agentToken(t.url, 'agent-anna'));
    const noise = async (label) => {
      if (!busy) return;
      const other = await newVisitorWithChat(t.wsUrl, `other visitor ${label}`);
      await agent.command(`other-reply-${label}`, {
        type: 'message.reply',
        conversationId: other.conversationId,
        text: `to the other visitor ${label}`,
      });
      other.peer.close();
      await agent.command(`comment-${label}`, {
        type: 'message.comment',
        conversationId: chat,
        text: `internal note ${label}`,
        mentions: ['agent-ben'],
      });
      await agent.command(`assign-${label}`, {
        type: 'conversation.assign',
        conversationId: chat,
        assigneeId: label === 'live' ? 'agent-ben' : 'agent-anna',
      });
    };

    const visitor = await newVisitorWithChat(t.wsUrl, 'Where is my parcel?', 'start');
    const chat = visitor.conversationId;
    await agent.command('reply-1', { type: 'message.reply', conversationId: chat, text: 'Let me look.' });
    await noise('live');
    await agent.command('reply-2', { type: 'message.reply', conversationId: chat, text: 'It left today.' });
    await visitor.peer.alive();
    const live = visitor.peer.frames.slice();
    const lastSeq = Math.max(
      visitor.peer.welcome.seq,
      ...live.filter((f) => f.type === 'events').flatMap((f) => f.events.map((event) => event.seq)),
    );
    visitor.peer.close();

    await noise('away');
    await agent.command('reply-3', { type: 'message.reply', conversationId: chat, text: 'Tracking: 12345.' });
    await noise('after');

    const back = await connect(t.wsUrl, visitor.peer.token, { resumeFrom: lastSeq });
    await back.command('thanks', { type: 'visitor.message', conversationId: chat, text: 'Thanks!' });
    await back.alive();
    const resumed = back.frames.slice();
    back.close();
    const fresh = await connect(t.wsUrl, visitor.peer.token);
    const snapshot = fresh.frames.find((frame) => frame.type === 'snapshot');
    fresh.close();
    agent.close();
    return { live, resumed, snapshotSeq: snapshot.snapshot.seq, welcomeSeq: fresh.welcome.seq };
  } finally {
    await t.close();
  }
}

describe('A visitor cannot tell whether comments or other people exist (issue 20 item 4)', () => {
  let quiet;
  let busy;

  test('the same story in a quiet and a busy workspace: the same frames live, on resume and in a snapshot', async () => {
    [quiet, busy] = [await story(false), await story(true)];
    assert.deepEqual(comparable(busy.live), comparable(quiet.live), 'live frames');
    assert.deepEqual(comparable(busy.resumed), comparable(quiet.resumed), 'resumed frames');
    assert.equal(busy.welcomeSeq, quiet.welcomeSeq, 'welcome.seq');
    assert.equal(busy.snapshotSeq, quiet.snapshotSeq, 'snapshot.seq');
  });

  test('a visitor’s numbers are their own: one after another, from its welcome on, without gaps', () => {
    const numbers = [...busy.live, ...busy.resumed]
      .filter((frame) => frame.type === 'events')
      .flatMap((frame) => frame.events.map((event) => event.seq));
    const first = busy.live.find((frame) => frame.type === 'welcome').seq + 1;
    assert.ok(numbers.length >= 4, `events: ${numbers.length}`);
    assert.deepEqual(
      numbers,
      numbers.map((_, index) => first + index),
    );
    const ack = busy.resumed.find((frame) => frame.type === 'ack' && frame.id === 'thanks');
    assert.equal(ack.seq, numbers[numbers.length - 1], 'the ack names the number of its last event');
  });
});

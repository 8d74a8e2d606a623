// Issue 20 item 3: email, forms and Messenger prove nothing of their sender. An inbound email or a
// form whose address was a verified visitor's was filed under that contact and pushed to their
// widget as if they wrote it ("Please send the invoice copy to ap@evil.example"), and a Cc became
// a participant copied on the team's replies. Now such mail stays with the team, marked "sender
// not verified" until a team member confirms or splits it; a visitor's browser gets chats only,
// live, in a snapshot and on resume; and a Cc is copied only once a team member says so.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createIdentityToken, DEMO_IDENTITY, DEMO_INGEST_TOKEN, NO_LIMITS } from '@confab/server';
import { senderNotVerified } from '@confab/core';
import { agentToken, connect, startSecurityServer } from './helpers.mjs';

const PHISH = 'Please send the invoice copy to ap@evil.example';
const FORM_PHISH = 'New bank account for my refunds: NL00 EVIL 0000 0000 00';
const identityFor = (email) =>
  createIdentityToken({ email, name: 'Kevin' }, DEMO_IDENTITY.secret, { audience: DEMO_IDENTITY.audience });

async function post(url, path, body) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_INGEST_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return JSON.parse(text);
}

/** Every frame a peer received, as text, after index `from`. */
const seenBy = (peer, from = 0) => peer.texts.slice(from).join('\n');

describe('Unauthenticated channels never write into a verified visitor’s browser (issue 20 item 3)', () => {
  let t;
  let kevin;
  let agent;
  let mail;
  let form;

  before(async () => {
    t = await startSecurityServer({ limits: NO_LIMITS, httpLimits: { burst: 100_000, perSecond: 100_000 } });
    kevin = await connect(t.wsUrl, '', { identity: await identityFor('kevin@example.com') });
    await kevin.command('start', { type: 'visitor.startChat', text: 'Hi, about order 4711' });
    agent = await connect(t.wsUrl, await agentToken(t.url));
    mail = (
      await post(t.url, '/api/channels/email/inbound', {
        from: 'Kevin@Example.com',
        to: ['support@confab.example'],
        cc: ['ap@evil.example'],
        subject: 'Invoice',
        text: PHISH,
        messageId: '<phish-1@evil.example>',
      })
    ).result.conversationId;
    form = (
      await post(t.url, '/api/channels/forms/submit', {
        formId: 'contact',
        fields: { email: 'kevin@example.com', message: FORM_PHISH },
      })
    ).result.conversationId;
    // Frames of one socket arrive in order: once Kevin's pong is back, anything fanned out to him
    // for the mail and the form has arrived too.
    await agent.next((f) => f.type === 'events' && JSON.stringify(f).includes(FORM_PHISH), {
      from: 0,
      what: 'the form',
    });
    await kevin.alive();
  });

  after(async () => {
    kevin?.close();
    agent?.close();
    await t?.close();
  });

  test('the mail and the form are filed under Kevin for the team, marked sender not verified', () => {
    const state = t.server.backend.state;
    for (const id of [mail, form]) {
      assert.equal(state.conversations.get(id).contactId, kevin.welcome.principal.contactId);
      const [message] = state.messages.get(id);
      assert.equal(senderNotVerified(state, message), true, `${id} is marked`);
    }
  });

  test('Kevin’s open widget got none of it, live', () => {
    const seen = seenBy(kevin);
    for (const secret of [PHISH, FORM_PHISH, mail, form]) assert.ok(!seen.includes(secret), `live: ${secret}`);
  });

  test('nor in a snapshot, nor on resume from before it arrived', async () => {
    const fresh = await connect(t.wsUrl, kevin.token);
    const resumed = await connect(t.wsUrl, kevin.token, { resumeFrom: kevin.welcome.seq });
    try {
      for (const peer of [fresh, resumed]) {
        const seen = seenBy(peer);
        for (const secret of [PHISH, FORM_PHISH, mail, form]) assert.ok(!seen.includes(secret), secret);
      }
      const snapshot = fresh.frames.find((f) => f.type === 'snapshot').snapshot;
      assert.deepEqual(
        snapshot.conversations.map((c) => c.channel),
        ['chat'],
      );
    } finally {
      fresh.close();
      resumed.close();
    }
  });

  test('Kevin cannot write into the mail’s conversation', async () => {
    const answer = await kevin.command('into-mail', { type: 'visitor.message', conversationId: mail, text: 'ok' });
    assert.equal(answer.type, 'error');
    assert.equal(answer.error.code, 'not-found');
  });

  test('a Cc is copied on replies only after a team member confirms it', async () => {
    const first = await agent.command('reply-1', { type: 'message.reply', conversationId: mail, text: 'Looking' });
    assert.equal(first.type, 'ack');
    const replyOf = (id) => t.server.backend.state.messages.get(mail).find((message) => message.id === id).email;
    assert.deepEqual(replyOf(first.result.messageId).cc, []);
    const refused = await agent.command('copy-bogus', {
      type: 'conversation.copyOnReplies',
      conversationId: mail,
      address: 'someone@else.example',
    });
    assert.equal(refused.type, 'error');
    assert.deepEqual([refused.error.code, refused.error.rule], ['rule', 'cc-check']);
    const copied = await agent.command('copy', {
      type: 'conversation.copyOnReplies',
      conversationId: mail,
      address: 'ap@evil.example',
    });
    assert.equal(copied.type, 'ack');
    const second = await agent.command('reply-2', { type: 'message.reply', conversationId: mail, text: 'Again' });
    assert.deepEqual(replyOf(second.result.messageId).cc, ['ap@evil.example']);
  });

  test('an agent confirms one sender and splits the other off; wrong targets get typed refusals', async () => {
    const state = t.server.backend.state;
    const chatMessage = state.messages.get(kevin.frames.find((f) => f.type === 'ack').result.conversationId)[0];
    const notNeeded = await agent.command('confirm-chat', {
      type: 'message.confirmSender',
      conversationId: chatMessage.conversationId,
      messageId: chatMessage.id,
    });
    assert.deepEqual([notNeeded.error?.code, notNeeded.error?.rule], ['rule', 'sender-check']);
    const missing = await agent.command('confirm-missing', {
      type: 'message.confirmSender',
      conversationId: mail,
      messageId: 'no-such-message',
    });
    assert.equal(missing.error?.code, 'not-found');
    const asVisitor = await kevin.command('confirm-by-visitor', {
      type: 'message.confirmSender',
      conversationId: mail,
      messageId: state.messages.get(mail)[0].id,
    });
    assert.equal(asVisitor.error?.code, 'forbidden');

    const confirmed = await agent.command('confirm', {
      type: 'message.confirmSender',
      conversationId: mail,
      messageId: state.messages.get(mail)[0].id,
    });
    assert.equal(confirmed.type, 'ack');
    assert.equal(senderNotVerified(state, state.messages.get(mail)[0]), false);

    const split = await agent.command('split', {
      type: 'message.splitSender',
      conversationId: form,
      messageId: state.messages.get(form)[0].id,
    });
    assert.equal(split.type, 'ack');
    const moved = state.conversations.get(split.result.conversationId);
    assert.equal(moved.contactId, split.result.contactId);
    assert.equal(state.contacts.get(moved.contactId).verified, false);
    assert.equal(state.conversations.has(form), false, 'the emptied conversation is gone');
    await kevin.alive();
    assert.ok(!seenBy(kevin).includes(FORM_PHISH));
  });

  test('mail the team sends to an address a visitor typed, and the answer, never reach that visitor', async () => {
    const mia = await connect(t.wsUrl, '');
    try {
      await mia.command('mia-start', { type: 'visitor.startChat', text: 'Can you mail me?' });
      await mia.command('mia-email', { type: 'visitor.setProfile', email: 'mia@example.com' });
      const composed = await agent.command('compose', {
        type: 'email.compose',
        to: 'mia@example.com',
        subject: 'Your answer',
        text: 'The answer is 42',
      });
      assert.equal(composed.type, 'ack');
      await post(t.url, '/api/channels/email/inbound', {
        from: 'mia@example.com',
        to: ['support@confab.example'],
        subject: 'Re: Your answer',
        text: 'Thanks for the answer',
        messageId: '<mia-reply@example.com>',
        inReplyTo: `<${composed.result.messageId}@confab>`,
      });
      await agent.next((f) => f.type === 'events' && JSON.stringify(f).includes('Thanks for the answer'), {
        from: 0,
        what: 'the reply',
      });
      await mia.alive();
      const seen = seenBy(mia);
      for (const secret of ['The answer is 42', 'Thanks for the answer', composed.result.conversationId])
        assert.ok(!seen.includes(secret), secret);
    } finally {
      mia.close();
    }
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createIdentityToken } from './auth/identity.js';
import { Peer, hello, startTestServer, sleep, type TestServer } from './testing/harness.test-util.js';

const SECRET = 'switch-secret';
const AUDIENCE = 'switch.example';
const sign = (email: string, name?: string) =>
  createIdentityToken({ email, ...(name ? { name } : {}) }, SECRET, { audience: AUDIENCE });

const contactOf = (principal: { kind: string; contactId?: string }) =>
  principal.kind === 'visitor' ? principal.contactId! : '';

/** A verified visitor with one chat: their socket, session token, contact and conversation. */
async function verifiedWithChat(t: TestServer, email: string, text: string) {
  const { peer, welcome } = await hello(t.wsUrl, '', { identity: await sign(email) });
  await peer.next('snapshot');
  peer.send({ v: 1, type: 'command', id: `start-${email}`, command: { type: 'visitor.startChat', text } });
  const ack = await peer.next('ack', (frame) => frame.id === `start-${email}`);
  return {
    peer,
    sessionToken: welcome.sessionToken!,
    contactId: contactOf(welcome.principal),
    conversationId: ack.result!.conversationId!,
    seq: ack.seq,
  };
}

describe('switching identity in one browser (issue 7 item 12)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ identity: { keys: [{ secret: SECRET }], audience: AUDIENCE } });
  });
  after(() => t.close());

  test("W2 A's session with B's identity token never turns A's contact into B: B gets a contact of their own and sees nothing of A", async () => {
    const a = await verifiedWithChat(t, 'ann@switch.example', 'secret-of-ann-1');
    a.peer.close();
    const { peer, welcome } = await hello(t.wsUrl, a.sessionToken, {
      identity: await sign('bob@switch.example', 'Bob'),
    });
    const snapshot = await peer.next('snapshot');
    const bobId = contactOf(welcome.principal);
    assert.notEqual(bobId, a.contactId, 'B is not A');
    assert.ok(welcome.sessionToken, 'B gets a session of their own');
    const ann = t.server.backend.state.contacts.get(a.contactId)!;
    assert.equal(ann.email, 'ann@switch.example', "A's contact keeps A's email");
    assert.equal(ann.verified, true);
    const bob = t.server.backend.state.contacts.get(bobId)!;
    assert.equal(bob.email, 'bob@switch.example');
    assert.equal(bob.verified, true);
    assert.equal(JSON.stringify(snapshot).includes('secret-of-ann-1'), false, "B's snapshot holds nothing of A");
    assert.deepEqual(snapshot.snapshot.conversations, []);
    peer.close();
    // A's own session still is A, with A's chat.
    const again = await hello(t.wsUrl, a.sessionToken);
    assert.equal(contactOf(again.welcome.principal), a.contactId);
    const annSnapshot = await again.peer.next('snapshot');
    assert.deepEqual(
      annSnapshot.snapshot.conversations.map((conversation) => conversation.id),
      [a.conversationId],
    );
    again.peer.close();
  });

  test("W2 A's session resuming with B's identity token gets B's full snapshot, not A's catch-up", async () => {
    const b = await verifiedWithChat(t, 'cleo@switch.example', 'cleo-history-1');
    b.peer.close();
    const a = await verifiedWithChat(t, 'dirk@switch.example', 'secret-of-dirk-1');
    a.peer.close();
    const { peer, welcome } = await hello(t.wsUrl, a.sessionToken, {
      identity: await sign('cleo@switch.example'),
      resumeFrom: a.seq,
    });
    assert.equal(contactOf(welcome.principal), b.contactId, 'the identity names the existing verified contact');
    const snapshot = await peer.next('snapshot');
    assert.deepEqual(
      snapshot.snapshot.conversations.map((conversation) => conversation.id),
      [b.conversationId],
      "B's history is all there",
    );
    assert.equal(JSON.stringify(peer.frames).includes('secret-of-dirk-1'), false);
    peer.close();
  });

  test('W2 an anonymous visitor who signs in keeps the chat they started before (the same person at the screen)', async () => {
    const { peer, welcome } = await hello(t.wsUrl, '');
    await peer.next('snapshot');
    peer.send({
      v: 1,
      type: 'command',
      id: 'anon-start',
      command: { type: 'visitor.startChat', text: 'before-login' },
    });
    const ack = await peer.next('ack', (frame) => frame.id === 'anon-start');
    peer.close();
    const signedIn = await hello(t.wsUrl, welcome.sessionToken!, { identity: await sign('erin@switch.example') });
    const snapshot = await signedIn.peer.next('snapshot');
    assert.equal(contactOf(signedIn.welcome.principal), contactOf(welcome.principal));
    assert.deepEqual(
      snapshot.snapshot.conversations.map((conversation) => conversation.id),
      [ack.result!.conversationId],
    );
    assert.equal(t.server.backend.state.contacts.get(contactOf(welcome.principal))?.verified, true);
    signedIn.peer.close();
  });

  test("W2 a socket cannot change identity: a second hello is refused, and the socket keeps only its first principal's events", async () => {
    const a = await verifiedWithChat(t, 'fay@switch.example', 'fay-1');
    const b = await verifiedWithChat(t, 'gus@switch.example', 'gus-1');
    a.peer.send({ v: 1, type: 'hello', token: b.sessionToken, identity: await sign('gus@switch.example') });
    const refusal = await a.peer.next('error');
    assert.equal(refusal.error.code, 'invalid');
    const { peer: agent } = await hello(t.wsUrl, t.agentToken);
    await agent.next('snapshot');
    for (const [id, conversationId, text] of [
      ['to-b', b.conversationId, 'reply-for-gus-only'],
      ['to-a', a.conversationId, 'reply-for-fay'],
    ] as const) {
      agent.send({ v: 1, type: 'command', id, command: { type: 'message.reply', conversationId, text } });
      await agent.next('ack', (frame) => frame.id === id);
    }
    await a.peer.next('events', (frame) => JSON.stringify(frame).includes('reply-for-fay'));
    await sleep(50);
    assert.equal(JSON.stringify(a.peer.frames).includes('reply-for-gus-only'), false);
    for (const peer of [a.peer, b.peer, agent]) peer.close();
  });

  test('W2 identity tokens that are empty, expired, for another site, or signed with another secret are refused out loud and attach nothing', async () => {
    const a = await verifiedWithChat(t, 'hal@switch.example', 'hal-1');
    a.peer.close();
    const bad = {
      empty: '',
      expired: await createIdentityToken({ email: 'hal@switch.example' }, SECRET, {
        audience: AUDIENCE,
        now: Date.now() - 7_200_000,
        expiresIn: 60,
      }),
      'another site': await createIdentityToken({ email: 'hal@switch.example' }, SECRET, { audience: 'other.example' }),
      'another secret': await createIdentityToken({ email: 'hal@switch.example' }, 'guessed', { audience: AUDIENCE }),
    };
    for (const [name, identity] of Object.entries(bad)) {
      const peer = await Peer.open(t.wsUrl);
      peer.send({ v: 1, type: 'hello', token: '', identity });
      const refusal = await peer.next('error');
      assert.equal(refusal.error.code, 'unauthenticated', name);
      const welcome = await peer.next('welcome');
      assert.notEqual(contactOf(welcome.principal), a.contactId, `${name}: not attached to the verified contact`);
      const snapshot = await peer.next('snapshot');
      assert.equal(JSON.stringify(snapshot).includes('hal-1'), false, `${name}: nothing of the verified contact`);
      peer.close();
    }
  });
});

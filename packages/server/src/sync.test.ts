import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Peer, hello, startTestServer, visitorWithChat, type TestServer, sleep } from './testing/harness.test-util.js';

describe('projection on the wire (DESIGN §1)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('R2 a visitor socket never receives comments, comment previews or another visitor’s data', async () => {
    const { peer: agent } = await hello(t.wsUrl, t.agentToken);
    await agent.next('snapshot');
    const first = await visitorWithChat(t.wsUrl, 'I am visitor one');
    const second = await visitorWithChat(t.wsUrl, 'I am visitor two, secret-two');

    agent.send({
      v: 1,
      type: 'command',
      id: 'c-1',
      command: {
        type: 'message.comment',
        conversationId: first.conversationId,
        text: 'internal-note-xyz',
        mentions: [],
      },
    });
    await agent.next('ack', (frame) => frame.id === 'c-1');
    agent.send({
      v: 1,
      type: 'command',
      id: 'r-1',
      command: { type: 'message.reply', conversationId: first.conversationId, text: 'public-reply-abc' },
    });
    await agent.next('ack', (frame) => frame.id === 'r-1');

    // The reply reaches visitor one; by then the comment (committed earlier) would have too.
    await first.peer.next('events', (frame) => JSON.stringify(frame).includes('public-reply-abc'));
    await sleep(100);
    const seenByFirst = JSON.stringify(first.peer.frames);
    assert.equal(seenByFirst.includes('internal-note-xyz'), false, 'no comment text');
    assert.equal(seenByFirst.includes('"kind":"comment"'), false, 'no comment message');
    assert.equal(seenByFirst.includes(second.conversationId), false, 'no other conversation');
    assert.equal(seenByFirst.includes('secret-two'), false, 'no other visitor text');
    assert.equal(seenByFirst.includes(second.contactId), false, 'no other contact');
    for (const { event } of first.peer.events()) {
      if (event.type === 'conversation.upserted') assert.equal(event.conversation.commentPreview, '');
      assert.notEqual(event.type, 'routing.advanced');
      assert.notEqual(event.type, 'mention.created');
    }
    const seenBySecond = JSON.stringify(second.peer.frames);
    assert.equal(seenBySecond.includes('public-reply-abc'), false);
    assert.equal(seenBySecond.includes(first.conversationId), false);

    // The agent sees everything.
    const seenByAgent = JSON.stringify(agent.frames);
    assert.ok(seenByAgent.includes('internal-note-xyz'));
    assert.ok(seenByAgent.includes('secret-two'));
    first.peer.close();
    second.peer.close();
    agent.close();
  });

  test('a visitor session token resumes the same visitor on a new socket, and another visitor’s conversation answers not-found', async () => {
    const first = await visitorWithChat(t.wsUrl, 'first');
    const second = await visitorWithChat(t.wsUrl, 'second');
    first.peer.close();
    const { peer, welcome } = await hello(t.wsUrl, first.sessionToken);
    assert.deepEqual(welcome.principal, { kind: 'visitor', contactId: first.contactId });
    assert.equal(welcome.sessionToken, undefined);
    const snapshot = await peer.next('snapshot');
    assert.deepEqual(
      snapshot.snapshot.conversations.map((conversation) => conversation.id),
      [first.conversationId],
    );
    assert.equal(
      snapshot.snapshot.contacts.every((contact) => contact.id === first.contactId),
      true,
    );
    peer.send({
      v: 1,
      type: 'command',
      id: 'steal',
      command: { type: 'visitor.message', conversationId: second.conversationId, text: 'hi' },
    });
    assert.equal((await peer.next('error', (frame) => frame.id === 'steal')).error.code, 'not-found');
    peer.close();
    second.peer.close();
  });
});

describe('idempotency by command id', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('the same command id sent twice has one effect and both acks are the same', async () => {
    const visitor = await visitorWithChat(t.wsUrl);
    const command = { type: 'visitor.message', conversationId: visitor.conversationId, text: 'only once please' };
    visitor.peer.send({ v: 1, type: 'command', id: 'dup-1', command });
    visitor.peer.send({ v: 1, type: 'command', id: 'dup-1', command });
    const firstAck = await visitor.peer.next('ack', (frame) => frame.id === 'dup-1');
    const secondAck = await visitor.peer.next('ack', (frame) => frame.id === 'dup-1');
    assert.deepEqual(firstAck, secondAck);
    const messages = t.server.backend.state.messages.get(visitor.conversationId) ?? [];
    assert.equal(messages.filter((message) => message.text === 'only once please').length, 1);
    visitor.peer.close();
  });

  test('twenty concurrent startChat commands with the same id from one visitor make one conversation', async () => {
    const { peer, welcome, sessionToken } = await (async () => {
      const opened = await hello(t.wsUrl, '');
      await opened.peer.next('snapshot');
      return { ...opened, sessionToken: opened.welcome.sessionToken! };
    })();
    const contactId = welcome.principal.kind === 'visitor' ? welcome.principal.contactId : '';
    // Some on the first socket, the rest on four more sockets of the same visitor, all at once.
    const others = await Promise.all([1, 2, 3, 4].map(async () => (await hello(t.wsUrl, sessionToken)).peer));
    const sockets = [peer, ...others];
    const command = { type: 'visitor.startChat', text: 'just one chat' };
    for (let index = 0; index < 20; index++)
      sockets[index % sockets.length]!.send({ v: 1, type: 'command', id: 'start-once', command });
    const acks = await Promise.all(
      sockets.flatMap((socket, socketIndex) =>
        Array.from({ length: 20 / sockets.length }, () =>
          socket.next('ack', (frame) => frame.id === 'start-once').then((ack) => ({ socketIndex, ack })),
        ),
      ),
    );
    assert.equal(acks.length, 20);
    const conversationIds = new Set(acks.map(({ ack }) => ack.result?.conversationId));
    assert.equal(conversationIds.size, 1);
    const mine = [...t.server.backend.state.conversations.values()].filter(
      (conversation) => conversation.contactId === contactId,
    );
    assert.equal(mine.length, 1);
    for (const socket of sockets) socket.close();
  });

  test('a command repeated after a server restart returns the first result and has no second effect', async () => {
    const restartDir = (await import('./testing/harness.test-util.js')).tempDataDir();
    const first = await startTestServer({ dataDir: restartDir });
    const visitor = await visitorWithChat(first.wsUrl);
    visitor.peer.send({
      v: 1,
      type: 'command',
      id: 'persisted',
      command: { type: 'visitor.message', conversationId: visitor.conversationId, text: 'across restarts' },
    });
    const ack = await visitor.peer.next('ack', (frame) => frame.id === 'persisted');
    await first.close();

    const second = await startTestServer({ dataDir: restartDir });
    try {
      const { peer } = await hello(second.wsUrl, visitor.sessionToken);
      await peer.next('snapshot');
      peer.send({
        v: 1,
        type: 'command',
        id: 'persisted',
        command: { type: 'visitor.message', conversationId: visitor.conversationId, text: 'across restarts' },
      });
      const again = await peer.next('ack', (frame) => frame.id === 'persisted');
      assert.equal(again.seq, ack.seq);
      const texts = (second.server.backend.state.messages.get(visitor.conversationId) ?? []).map(
        (message) => message.text,
      );
      assert.equal(texts.filter((text) => text === 'across restarts').length, 1);
      peer.close();
    } finally {
      await second.close();
      (await import('node:fs')).rmSync(restartDir, { recursive: true, force: true });
    }
  });
});

describe('resume and resync', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ retention: 20 });
  });
  after(() => t.close());

  test('an agent that resumes from its last seq gets exactly the events it missed, in order, without a snapshot', async () => {
    const { peer, welcome } = await hello(t.wsUrl, t.agentToken);
    await peer.next('snapshot');
    const lastApplied = welcome.seq;
    peer.close();
    await peer.closed;
    const visitor = await visitorWithChat(t.wsUrl, 'while you were away');
    const { peer: resumed, welcome: again } = await hello(t.wsUrl, t.agentToken, { resumeFrom: lastApplied });
    const catchUp = await resumed.next('events');
    const seqs = catchUp.events.map((event) => event.seq);
    assert.equal(seqs[0], lastApplied + 1);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
    assert.equal(seqs.at(-1), again.seq);
    assert.ok(JSON.stringify(catchUp).includes('while you were away'));
    await sleep(50);
    assert.equal(
      resumed.frames.some((frame) => frame.type === 'snapshot'),
      false,
    );
    resumed.close();
    visitor.peer.close();
  });

  test('an agent that resumes from before the retention window gets a full snapshot marked resync', async () => {
    const { peer, welcome } = await hello(t.wsUrl, t.agentToken);
    await peer.next('snapshot');
    peer.close();
    // More than 1.5 × retention events go by.
    for (let index = 0; index < 12; index++) (await visitorWithChat(t.wsUrl, `flood ${index}`)).peer.close();
    assert.ok(t.server.backend.seq - welcome.seq > 30);
    const { peer: resumed } = await hello(t.wsUrl, t.agentToken, { resumeFrom: welcome.seq });
    const snapshot = await resumed.next('snapshot');
    assert.equal(snapshot.resync, true);
    assert.equal(snapshot.snapshot.seq, t.server.backend.seq);
    assert.ok(JSON.stringify(snapshot).includes('flood 11'));
    resumed.close();
  });

  test('live events arrive in increasing seq order with no gaps for an agent', async () => {
    const { peer, welcome } = await hello(t.wsUrl, t.agentToken);
    await peer.next('snapshot');
    const visitors = await Promise.all([1, 2, 3, 4, 5].map((n) => visitorWithChat(t.wsUrl, `ordered ${n}`)));
    await sleep(100);
    const seqs = peer.events().map((event) => event.seq);
    assert.equal(seqs[0], welcome.seq + 1);
    for (let index = 1; index < seqs.length; index++) assert.equal(seqs[index], seqs[index - 1]! + 1);
    for (const visitor of visitors) visitor.peer.close();
    peer.close();
  });
});

describe('identity verification over hello', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ identity: { keys: [{ secret: 'site-secret' }], audience: 'shop.example' } });
  });
  after(() => t.close());

  test('a valid identity token makes the visitor a verified contact; a bad one is refused with a typed error and the visitor stays unverified', async () => {
    const { createIdentityToken } = await import('./auth/identity.js');
    const good = await createIdentityToken({ email: 'kim@customer.example', name: 'Kim' }, 'site-secret', {
      audience: 'shop.example',
    });
    const { peer, welcome } = await hello(t.wsUrl, '', { identity: good });
    const contactId = welcome.principal.kind === 'visitor' ? welcome.principal.contactId : '';
    const contact = t.server.backend.state.contacts.get(contactId);
    assert.equal(contact?.email, 'kim@customer.example');
    assert.equal(contact?.verified, true);
    peer.close();

    for (const bad of [
      await createIdentityToken({ email: 'boss@customer.example' }, 'wrong-secret', { audience: 'shop.example' }),
      await createIdentityToken({ email: 'boss@customer.example' }, 'site-secret', { audience: 'other.example' }),
      await createIdentityToken({ email: 'boss@customer.example' }, 'site-secret', {
        audience: 'shop.example',
        expiresIn: -120, // past the 60 s clock-skew allowance
      }),
    ]) {
      const opened = await Peer.open(t.wsUrl);
      opened.send({ v: 1, type: 'hello', token: '', identity: bad });
      const error = await opened.next('error');
      assert.equal(error.error.code, 'unauthenticated');
      const refusedWelcome = await opened.next('welcome');
      const refusedId = refusedWelcome.principal.kind === 'visitor' ? refusedWelcome.principal.contactId : '';
      const refusedContact = t.server.backend.state.contacts.get(refusedId);
      assert.equal(refusedContact?.verified, false);
      assert.notEqual(refusedContact?.email, 'boss@customer.example');
      opened.close();
    }
  });
});

describe('blocked visitors (T5, W3)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ identity: { keys: [{ secret: 'demo-identity-secret' }], audience: 'confab-demo' } });
  });
  after(() => t.close());

  test('W3 a blocked visitor keeps a working widget, but nothing they send reaches the agent', async () => {
    const { peer: agent } = await hello(t.wsUrl, t.agentToken);
    await agent.next('snapshot');
    const visitor = await visitorWithChat(t.wsUrl, 'before the block');
    agent.send({
      v: 1,
      type: 'command',
      id: 'block',
      command: { type: 'conversation.blockSender', conversationId: visitor.conversationId },
    });
    await agent.next('ack', (frame) => frame.id === 'block');
    await sleep(50);
    const heardBefore = agent.frames.length;

    visitor.peer.send({
      v: 1,
      type: 'command',
      id: 'after-1',
      command: { type: 'visitor.message', conversationId: visitor.conversationId, text: 'blocked-text-1' },
    });
    await visitor.peer.next('ack', (frame) => frame.id === 'after-1');
    visitor.peer.send({
      v: 1,
      type: 'command',
      id: 'after-2',
      command: { type: 'visitor.startChat', text: 'blocked-text-2' },
    });
    await visitor.peer.next('ack', (frame) => frame.id === 'after-2');
    await sleep(100);
    // The visitor sees their own messages (the events come before the ack).
    const seenByVisitor = JSON.stringify(visitor.peer.frames);
    assert.ok(seenByVisitor.includes('blocked-text-1') && seenByVisitor.includes('blocked-text-2'));
    const heardAfter = JSON.stringify(agent.frames.slice(heardBefore));
    assert.equal(heardAfter.includes('blocked-text-1'), false);
    assert.equal(heardAfter.includes('blocked-text-2'), false);
    // A fresh agent snapshot does not hold them either.
    const { peer: fresh } = await hello(t.wsUrl, t.agentToken);
    const snapshot = JSON.stringify(await fresh.next('snapshot'));
    assert.equal(snapshot.includes('blocked-text-1'), false);
    assert.equal(snapshot.includes('blocked-text-2'), false);
    fresh.close();
    agent.close();
    visitor.peer.close();
  });

  test('an unverified email a visitor types never merges them into a verified contact', async () => {
    const { createIdentityToken } = await import('./auth/identity.js');
    const verified = await hello(t.wsUrl, '', {
      identity: await createIdentityToken({ email: 'vip@customer.example' }, 'demo-identity-secret', {
        audience: 'confab-demo',
      }),
    });
    const verifiedId = verified.welcome.principal.kind === 'visitor' ? verified.welcome.principal.contactId : '';
    assert.equal(t.server.backend.state.contacts.get(verifiedId)?.verified, true);
    verified.peer.close();
    const visitor = await visitorWithChat(t.wsUrl, 'pretending');
    visitor.peer.send({
      v: 1,
      type: 'command',
      id: 'profile',
      command: { type: 'visitor.setProfile', email: 'vip@customer.example', name: 'Impostor' },
    });
    await visitor.peer.next('ack', (frame) => frame.id === 'profile');
    visitor.peer.close();
    const { peer, welcome } = await hello(t.wsUrl, visitor.sessionToken);
    assert.deepEqual(welcome.principal, { kind: 'visitor', contactId: visitor.contactId });
    const snapshot = await peer.next('snapshot');
    assert.deepEqual(
      snapshot.snapshot.conversations.map((conversation) => conversation.id),
      [visitor.conversationId],
    );
    assert.equal(t.server.backend.state.contacts.get(visitor.contactId)?.verified, false);
    peer.close();
  });
});

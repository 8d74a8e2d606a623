// Issue 7 item 10 (DESIGN §1 projection, §5 "a visitor token grants that visitor's own
// conversations and nothing else"): every HTTP route and every socket command type, tried by the
// wrong principal or with a wrong credential, against the real server. Every attempt is refused
// (401/403/404 or a typed error frame), nothing changes, and no refusal carries anyone else's data.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createIdentityToken, DEMO_IDENTITY, DEMO_INGEST_TOKEN, NO_LIMITS } from '@confab/server';
import {
  agentToken,
  connect,
  fingerprint,
  health,
  newVisitorWithChat,
  openPeer,
  startSecurityServer,
} from './helpers.mjs';

const ADMIN_TOKEN = 'admin-secret-for-the-matrix';
const MESSENGER = { appSecret: 'messenger-app-secret', verifyToken: 'messenger-verify-token' };
const unique = Math.random().toString(36).slice(2, 8);
/** What only visitor B (and the team) may ever see. */
const B = {
  email: `bea.secret.${unique}@private.example`,
  name: `Bea Secretname ${unique}`,
  text: `B-PRIVATE-CHAT-${unique}`,
  reply: `B-PRIVATE-REPLY-${unique}`,
  comment: `B-INTERNAL-COMMENT-${unique}`,
};

const AGENT_COMMANDS = [
  'conversation.assign',
  'conversation.setStatus',
  'conversation.trash',
  'conversation.restore',
  'conversation.deleteForever',
  'conversation.blockSender',
  'contact.unblock',
  'conversation.markSpam',
  'conversation.unfilter',
  'message.reply',
  'message.comment',
  'email.compose',
  'conversation.forward',
  'conversation.sendTranscript',
  'message.resend',
  'conversation.detachContact',
  'message.confirmSender',
  'message.splitSender',
  'conversation.copyOnReplies',
  'ticket.create',
  'ticket.update',
  'contact.update',
  'deal.create',
  'agent.setAvailability',
  'agent.setSignature',
  'settings.update',
  'view.save',
  'view.delete',
  'view.rename',
  'label.create',
  'label.update',
  'label.delete',
  'conversation.addLabel',
  'conversation.removeLabel',
  'viewing',
  'agent.invite',
  'agent.setRole',
  'agent.disable',
  'agent.enable',
];
/** Issue 12: what an agent may give only as an admin. */
const ADMIN_COMMANDS = [
  'settings.update',
  'agent.invite',
  'agent.setRole',
  'agent.disable',
  'agent.enable',
  'label.create',
  'label.update',
  'label.delete',
];
const VISITOR_COMMANDS = [
  'visitor.startChat',
  'visitor.message',
  'visitor.requestHuman',
  'visitor.rate',
  'visitor.setProfile',
];
const SHARED_COMMANDS = ['typing'];
const SYSTEM_COMMANDS = [
  'inbound.email',
  'inbound.messenger',
  'inbound.form',
  'visitor.create',
  'visitor.verify',
  'agent.create',
  'agent.activate',
  'agent.signedIn',
  'routing.routeWaiting',
  'visitor.typed',
];

const ALL_COMMANDS = [...AGENT_COMMANDS, ...VISITOR_COMMANDS, ...SHARED_COMMANDS, ...SYSTEM_COMMANDS];

/** A well-formed command of each type, aimed at B's records. */
function aimedAtB(type, target) {
  const { conversationId, contactId, ticketId, viewId, labelId, selfId } = target;
  const examples = {
    'conversation.assign': { conversationId, assigneeId: 'agent-anna' },
    'conversation.setStatus': { conversationIds: [conversationId], status: 'closed' },
    'conversation.trash': { conversationIds: [conversationId] },
    'conversation.restore': { conversationIds: [conversationId] },
    'conversation.deleteForever': { conversationIds: [conversationId] },
    'conversation.blockSender': { conversationId },
    'contact.unblock': { contactId },
    'conversation.markSpam': { conversationId },
    'conversation.unfilter': { conversationId },
    'message.reply': { conversationId, text: 'hijack' },
    'message.comment': { conversationId, text: 'hijack', mentions: [] },
    'email.compose': { to: B.email, subject: 'x', text: 'hijack' },
    'conversation.forward': { conversationId, to: 'attacker@evil.example' },
    'conversation.sendTranscript': { conversationId, to: 'attacker@evil.example' },
    'message.resend': { conversationId, messageId: 'any-message' },
    'conversation.detachContact': { conversationId },
    'message.confirmSender': { conversationId, messageId: 'any-message' },
    'message.splitSender': { conversationId, messageId: 'any-message' },
    'conversation.copyOnReplies': { conversationId, address: 'attacker@evil.example' },
    'ticket.create': { conversationId, name: 'hijack' },
    'ticket.update': { ticketId, name: 'hijack' },
    'contact.update': { contactId, email: 'attacker@evil.example' },
    'deal.create': { conversationId, name: 'hijack', amount: 1, currency: 'EUR' },
    'agent.setAvailability': { availability: 'away' },
    'agent.setSignature': { signature: 'hijack' },
    'settings.update': { patch: { widget: { title: 'hijacked' } } },
    'view.save': { name: 'hijack', filter: {} },
    'view.delete': { viewId },
    'view.rename': { viewId, name: 'hijack' },
    'label.create': { name: 'hijack', color: '#000000' },
    'label.update': { labelId, name: 'hijack' },
    'label.delete': { labelId },
    'conversation.addLabel': { conversationIds: [conversationId], labelId },
    'conversation.removeLabel': { conversationIds: [conversationId], labelId },
    'agent.invite': { email: 'attacker@evil.example', name: 'hijack', role: 'admin' },
    'agent.setRole': { agentId: 'agent-anna', role: 'agent' },
    'agent.disable': { agentId: 'agent-anna' },
    'agent.enable': { agentId: 'agent-ben' },
    'agent.create': { email: 'attacker@evil.example', name: 'hijack', role: 'admin' },
    'agent.activate': { agentId: 'agent-anna' },
    'agent.signedIn': { agentId: 'agent-anna' },
    typing: { conversationId, typing: true },
    viewing: { conversationId, viewing: true },
    'visitor.startChat': { text: 'an agent posing as a visitor' },
    'visitor.message': { conversationId, text: 'hijack' },
    'visitor.requestHuman': { conversationId },
    'visitor.rate': { conversationId, score: 1, comment: 'hijack' },
    'visitor.setProfile': { name: 'hijack' },
    'inbound.email': {
      from: B.email,
      to: ['support@confab.example'],
      subject: 'spoof',
      text: 'spoofed',
      messageId: `spoof-${unique}@evil.example`,
    },
    'inbound.messenger': { senderId: 'psid-sofia-rossi', text: 'spoofed', mid: `spoof-${unique}` },
    'inbound.form': { formId: 'contact', fields: { email: B.email, message: 'spoofed' } },
    'visitor.create': { name: 'ghost' },
    'visitor.verify': { contactId: selfId, email: B.email },
    'routing.routeWaiting': {},
    'visitor.typed': { conversationId },
  };
  return { type, ...examples[type] };
}

/** A typed B's address into their own profile (unverified): that copy is A's own and may come back. */
const typedByA = (texts) => texts.map((text) => text.replaceAll(B.email, '<A typed this>'));

/** Texts and ids of B that must never reach A. */
function assertNothingOfB(texts, where, { ids = [] } = {}) {
  for (const text of texts) {
    for (const secret of [B.email, B.name, B.text, B.reply, B.comment])
      assert.ok(!text.includes(secret), `${where} carries B's data (${secret}): ${text.slice(0, 300)}`);
    // Refusals echo the id the caller sent; nothing else may carry B's ids.
    if (!text.includes('"type":"error"'))
      for (const id of ids) assert.ok(!text.includes(id), `${where} carries B's id ${id}: ${text.slice(0, 300)}`);
  }
}

describe('Authorization matrix (issue 7 item 10)', () => {
  let t;
  let agent;
  let a;
  let b;
  let target;
  const covered = { commands: new Set(), routes: new Set(), attempts: 0 };

  before(async () => {
    t = await startSecurityServer({
      adminToken: ADMIN_TOKEN,
      messenger: MESSENGER,
      limits: NO_LIMITS,
      httpLimits: { burst: 100_000, perSecond: 100_000 },
    });
    agent = await connect(t.wsUrl, await agentToken(t.url));
    // B: a verified visitor with a chat, a reply and an internal comment.
    const identity = await createIdentityToken({ email: B.email, name: B.name }, DEMO_IDENTITY.secret, {
      audience: DEMO_IDENTITY.audience,
    });
    const bPeer = await connect(t.wsUrl, '', { identity });
    const started = await bPeer.command('b-start', { type: 'visitor.startChat', text: B.text });
    b = {
      peer: bPeer,
      contactId: bPeer.welcome.principal.contactId,
      conversationId: started.result.conversationId,
      token: bPeer.token,
    };
    assert.equal(
      (await agent.command('b-reply', { type: 'message.reply', conversationId: b.conversationId, text: B.reply })).type,
      'ack',
    );
    assert.equal(
      (
        await agent.command('b-comment', {
          type: 'message.comment',
          conversationId: b.conversationId,
          text: B.comment,
          mentions: [],
        })
      ).type,
      'ack',
    );
    const ticket = await agent.command('b-ticket', {
      type: 'ticket.create',
      conversationId: b.conversationId,
      name: `Ticket of ${B.name}`,
    });
    const view = await agent.command('b-view', { type: 'view.save', name: 'Team view', filter: {} });
    const label = await agent.command('b-label', { type: 'label.create', name: 'Team label', color: '#0366d6' });
    assert.equal(t.server.backend.state.contacts.get(b.contactId).email, B.email);
    // A: another visitor with a chat of their own.
    a = await newVisitorWithChat(t.wsUrl, 'A writes about A things');
    target = {
      conversationId: b.conversationId,
      contactId: b.contactId,
      ticketId: ticket.result?.ticketId ?? [...t.server.backend.state.tickets.keys()][0],
      viewId: view.result?.viewId ?? [...t.server.backend.state.views.keys()][0],
      labelId: label.result.labelId,
      selfId: a.contactId,
    };
  });
  after(async () => {
    const of = (prefix) => [...covered.commands].filter((entry) => entry.startsWith(prefix)).length;
    console.log(
      `# authorization matrix: socket command types tried as visitor A ${of('visitor→')}/${ALL_COMMANDS.length}, as an agent (visitor + system commands) ${of('agent→')}; HTTP routes ${covered.routes.size}: ${[...covered.routes].join(', ')}; ${covered.attempts} refused attempts`,
    );
    for (const peer of [agent, a?.peer, b?.peer]) peer?.close();
    await t?.close();
  });

  test('the matrix knows every command type protocol/commands.ts declares', () => {
    const source = readFileSync(new URL('../packages/core/src/protocol/commands.ts', import.meta.url), 'utf8');
    const declared = [...source.matchAll(/^\s+type: '([^']+)';$/gm)].map((match) => match[1]);
    assert.deepEqual([...new Set(declared)].sort(), [...ALL_COMMANDS].sort());
  });

  test("visitor A: every agent and system command aimed at B is forbidden; B's conversation answers as missing; nothing changes", async () => {
    const before = fingerprint(t.server);
    for (const type of [...AGENT_COMMANDS, ...SYSTEM_COMMANDS]) {
      const answer = await a.peer.command(`a-${type}`, aimedAtB(type, target));
      assert.equal(answer.type, 'error', type);
      assert.equal(answer.error.code, 'forbidden', `${type}: ${JSON.stringify(answer.error)}`);
      covered.commands.add(`visitor→${type}`);
      covered.attempts += 1;
    }
    for (const type of ['visitor.message', 'visitor.requestHuman', 'visitor.rate', 'typing']) {
      const answer = await a.peer.command(`a-${type}`, aimedAtB(type, target));
      assert.equal(answer.error?.code, 'not-found', `${type}: ${JSON.stringify(answer)}`);
      // The refusal for B's real conversation reads exactly as for one that never existed.
      const ghost = await a.peer.command(
        `a-ghost-${type}`,
        aimedAtB(type, { ...target, conversationId: 'no-such-conversation' }),
      );
      assert.equal(
        ghost.error.message.replace('no-such-conversation', '<id>'),
        answer.error.message.replace(b.conversationId, '<id>'),
      );
      covered.commands.add(`visitor→${type}`);
      covered.attempts += 2;
    }
    assert.deepEqual(fingerprint(t.server), before, 'seq and state unchanged');
    assertNothingOfB(a.peer.texts, "A's frames", { ids: [b.contactId, b.conversationId] });
  });

  test("visitor A's own commands stay A's: a new chat and a profile with B's email never open B's records, even after a resume from 0", async () => {
    const started = await a.peer.command('a-second-chat', aimedAtB('visitor.startChat', target));
    assert.equal(started.type, 'ack');
    assert.notEqual(started.result.conversationId, b.conversationId);
    const profile = await a.peer.command('a-profile', { type: 'visitor.setProfile', name: 'A', email: B.email });
    assert.equal(profile.type, 'ack', "an unverified address is accepted as A's own note");
    assert.equal(t.server.backend.state.contacts.get(b.contactId).email, B.email, "B's contact untouched");
    assert.notEqual(t.server.backend.state.conversations.get(b.conversationId).contactId, a.contactId);
    covered.commands.add('visitor→visitor.startChat').add('visitor→visitor.setProfile');
    // A fresh snapshot and a resume from the very first event: nothing of B's.
    const snapshotPeer = await connect(t.wsUrl, a.peer.token);
    const resumePeer = await connect(t.wsUrl, a.peer.token, { resumeFrom: 0 });
    const snapshot = snapshotPeer.frames.find((f) => f.type === 'snapshot').snapshot;
    assert.deepEqual(
      snapshot.contacts.map((c) => c.id),
      [a.contactId],
    );
    assert.ok(snapshot.conversations.every((c) => c.contactId === a.contactId));
    assert.ok(
      resumePeer.frames.some((f) => f.type === 'events'),
      'the resume replayed events',
    );
    for (const [name, peer] of [
      ['snapshot', snapshotPeer],
      ['resume from 0', resumePeer],
    ]) {
      // A's own email is now B's address as typed by A; the rest of B must not appear.
      assertNothingOfB(typedByA(peer.texts), name, { ids: [b.contactId, b.conversationId] });
      peer.close();
    }
  });

  test('an agent may not give visitor or system commands (inbound.*, visitor.create, visitor.verify)', async () => {
    const before = fingerprint(t.server);
    for (const type of [...VISITOR_COMMANDS, ...SYSTEM_COMMANDS]) {
      const answer = await agent.command(`agent-${type}`, aimedAtB(type, { ...target, selfId: b.contactId }));
      assert.equal(answer.error?.code, 'forbidden', `${type}: ${JSON.stringify(answer)}`);
      covered.commands.add(`agent→${type}`);
      covered.attempts += 1;
    }
    assert.deepEqual(fingerprint(t.server), before);
  });

  test('an agent who is not an admin may not give a settings or team command (issue 12)', async () => {
    const before = fingerprint(t.server);
    const ben = await connect(t.wsUrl, await agentToken(t.url, 'agent-ben'));
    assert.equal(t.server.backend.state.agents.get('agent-ben').role, 'agent');
    for (const type of ADMIN_COMMANDS) {
      const answer = await ben.command(`ben-${type}`, aimedAtB(type, target));
      assert.equal(answer.error?.code, 'forbidden', `${type}: ${JSON.stringify(answer)}`);
      covered.commands.add(`agent→${type}`);
      covered.attempts += 1;
    }
    ben.close();
    assert.deepEqual(fingerprint(t.server), before);
  });

  test('guessing ids: 400 sequential and neighbouring conversation ids from visitor A all answer not-found, alike', async () => {
    const before = fingerprint(t.server);
    const own = a.conversationId;
    const guesses = new Set();
    for (let n = 1; n <= 250; n += 1) guesses.add(`demo-${n.toString(36).padStart(3, '0')}`);
    // Ids are time + counter + random: neighbours of A's own id by counter and by last character.
    const counterAt = own.length - 14;
    for (let d = -60; d <= 60; d += 1) {
      const counter = parseInt(own.slice(counterAt - 4, counterAt), 36) + d;
      if (counter >= 0)
        guesses.add(own.slice(0, counterAt - 4) + counter.toString(36).padStart(4, '0') + own.slice(counterAt));
    }
    for (const c of '0123456789abcdefghijklmnopqrstuvwxyz') guesses.add(own.slice(0, -1) + c);
    for (const id of t.server.backend.state.conversations.keys()) if (guesses.size < 400) guesses.add(id);
    guesses.delete(own);
    const owned = new Set(
      [...t.server.backend.state.conversations.values()].filter((c) => c.contactId === a.contactId).map((c) => c.id),
    );
    let refused = 0;
    for (const id of guesses) {
      if (owned.has(id)) continue;
      const answer = await a.peer.command(`guess-${id}`, {
        type: 'visitor.message',
        conversationId: id,
        text: 'knock knock',
      });
      assert.equal(answer.error?.code, 'not-found', `${id}: ${JSON.stringify(answer)}`);
      assert.equal(answer.error.message, `No conversation ${id}`, 'the same answer whether it exists or not');
      refused += 1;
    }
    console.log(`# id enumeration: ${refused} guessed conversation ids refused (including every id that exists)`);
    covered.attempts += refused;
    assert.ok(refused >= 300);
    assert.deepEqual(fingerprint(t.server), before);
    assertNothingOfB(typedByA(a.peer.texts), "A's frames");
  });

  test('hello with a wrong, mangled, foreign, revoked or disabled token: unauthenticated, closed 4401, no data', async () => {
    const agentTok = await agentToken(t.url);
    const issued = await (
      await fetch(`${t.url}/api/admin/agent-tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ agentId: 'agent-dev', label: 'to revoke' }),
      })
    ).json();
    const disabledTok = (
      await (
        await fetch(`${t.url}/api/admin/agent-tokens`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ agentId: 'agent-ben', label: 'to disable' }),
        })
      ).json()
    ).token;
    assert.equal(
      (
        await fetch(`${t.url}/api/admin/agent-tokens/${issued.id}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      ).status,
      200,
    );
    // Visitor C, whose sessions get revoked.
    const c = await newVisitorWithChat(t.wsUrl, 'C was here');
    c.peer.close();
    assert.equal(
      (
        await fetch(`${t.url}/api/admin/visitors/${c.contactId}/revoke-sessions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      ).status,
      200,
    );
    const before = fingerprint(t.server);
    const bad = {
      'random agent-looking': `cfa_${'A'.repeat(43)}`,
      'random visitor-looking': `cfv_${'B'.repeat(43)}`,
      garbage: 'not-a-token',
      'whitespace only': '   ',
      'agent token, truncated': agentTok.slice(0, -1),
      'agent token, one more char': `${agentTok}x`,
      'agent token, upper-cased': agentTok.toUpperCase(),
      'agent token, padded': ` ${agentTok}`,
      "B's visitor token, truncated": b.token.slice(0, -2),
      'the stored hash of an agent token': createHash('sha256').update(agentTok).digest('hex'),
      'the admin token': ADMIN_TOKEN,
      'the ingest token': DEMO_INGEST_TOKEN,
      'an identity token as a session token': await createIdentityToken({ email: B.email }, DEMO_IDENTITY.secret, {
        audience: DEMO_IDENTITY.audience,
      }),
      'a 4096-character token': `cfa_${'x'.repeat(4092)}`,
      'a revoked agent token': issued.token,
      "C's revoked visitor session": c.peer.token,
    };
    const probe = async (name, token) => {
      const peer = openPeer(t.wsUrl);
      await peer.opened;
      peer.send({ v: 1, type: 'hello', token });
      const answer = await peer.next((f) => f.type === 'error' || f.type === 'welcome', { what: name });
      assert.equal(answer.type, 'error', `${name} was welcomed: ${JSON.stringify(answer)}`);
      assert.equal(answer.error.code, 'unauthenticated', name);
      assert.equal((await peer.whenClosed()).code, 4401, name);
      assert.ok(!peer.frames.some((f) => f.type === 'snapshot' || f.type === 'events'), `${name}: no data`);
      assertNothingOfB(peer.texts, name, { ids: [b.contactId, b.conversationId] });
      covered.attempts += 1;
    };
    for (const [name, token] of Object.entries(bad)) await probe(name, token);
    assert.deepEqual(fingerprint(t.server), before, 'refused hellos change nothing');
    // Disabling is an engine command (agent.disable): the state changes, then the hello changes nothing more.
    assert.equal(
      (
        await fetch(`${t.url}/api/admin/agents/agent-ben/disable`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      ).status,
      200,
    );
    const disabled = fingerprint(t.server);
    await probe("a disabled agent's token", disabledTok);
    assert.deepEqual(fingerprint(t.server), disabled, 'the refused hello changes nothing');
  });

  test('identity tokens that are expired, for another audience, signed with another secret or tampered never attach A to B', async () => {
    // Signed by hand as any JWT library would (header.payload.signature, HMAC-SHA256).
    const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const sign = (payload, secret = DEMO_IDENTITY.secret, header = { alg: 'HS256', typ: 'JWT' }) => {
      const input = `${part(header)}.${part(payload)}`;
      return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    };
    const nowS = Math.floor(Date.now() / 1000);
    const claimsOfB = { email: B.email, aud: DEMO_IDENTITY.audience, iat: nowS, exp: nowS + 600 };
    const valid = await createIdentityToken({ email: 'someone.else@example.com' }, DEMO_IDENTITY.secret, {
      audience: DEMO_IDENTITY.audience,
    });
    const [validHeader, , validSignature] = valid.split('.');
    const forged = {
      expired: await createIdentityToken({ email: B.email }, DEMO_IDENTITY.secret, {
        audience: DEMO_IDENTITY.audience,
        now: Date.now() - 7_200_000,
        expiresIn: 60,
      }),
      'another audience': await createIdentityToken({ email: B.email }, DEMO_IDENTITY.secret, {
        audience: 'other-site.example',
      }),
      'another secret': await createIdentityToken({ email: B.email }, 'not-the-secret', {
        audience: DEMO_IDENTITY.audience,
      }),
      "B's email with someone else's signature": `${validHeader}.${part(claimsOfB)}.${validSignature}`,
      unsigned: `${part({ alg: 'none', typ: 'JWT' })}.${part(claimsOfB)}.`,
      'signed with HS512': sign(claimsOfB, DEMO_IDENTITY.secret, { alg: 'HS512', typ: 'JWT' }),
      'a key id the server does not have': sign(claimsOfB, DEMO_IDENTITY.secret, { alg: 'HS256', kid: 'guessed' }),
      'exp as a string': sign({ ...claimsOfB, exp: 'never' }),
      empty: '',
    };
    for (const [name, identity] of Object.entries(forged)) {
      for (const token of ['', a.peer.token]) {
        const peer = openPeer(t.wsUrl);
        await peer.opened;
        peer.send({ v: 1, type: 'hello', token, identity });
        const welcome = await peer.next((f) => f.type === 'welcome', { what: `${name}: welcome` });
        const refusal = peer.frames.find((f) => f.type === 'error');
        assert.equal(refusal?.error.code, 'unauthenticated', `${name}: the identity is refused out loud`);
        assert.notEqual(welcome.principal.contactId, b.contactId, `${name}: not attached to B`);
        if (token) assert.equal(welcome.principal.contactId, a.contactId);
        await peer.next((f) => f.type === 'snapshot', { from: 0 });
        assertNothingOfB(typedByA(peer.texts), name, { ids: [b.contactId, b.conversationId] });
        peer.close();
        covered.attempts += 1;
      }
    }
    assert.equal(t.server.backend.state.contacts.get(b.contactId).email, B.email);
  });

  test('every HTTP route refuses a missing, empty, wrong or borrowed credential with a typed 401/403/404; nothing changes', async () => {
    const agentTok = await agentToken(t.url);
    const before = fingerprint(t.server);
    const tokensBefore = JSON.stringify(await t.server.storage.listAgentTokens());
    const credentials = {
      none: undefined,
      empty: 'Bearer ',
      'Bearer only': 'Bearer',
      wrong: 'Bearer wrong-token',
      'Basic scheme': `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`,
      "visitor A's session": `Bearer ${a.peer.token}`,
      'an agent token': `Bearer ${agentTok}`,
      'admin token with a suffix': `Bearer ${ADMIN_TOKEN}x`,
    };
    const json = { 'content-type': 'application/json' };
    const routes = [
      [
        'POST',
        '/api/channels/email/inbound',
        {
          from: `${B.name} <${B.email}>`,
          to: 'support@confab.example',
          subject: 's',
          text: 'spoof',
          messageId: `m-${unique}`,
        },
        ['ingest'],
      ],
      ['POST', '/api/channels/forms/submit', { formId: 'contact', fields: { email: B.email } }, ['ingest']],
      ['POST', '/api/admin/agent-tokens', { agentId: 'agent-anna' }, ['admin']],
      ['GET', '/api/admin/agent-tokens', undefined, ['admin']],
      ['DELETE', '/api/admin/agent-tokens/tok_guess', undefined, ['admin']],
      ['POST', '/api/admin/agents/agent-anna/disable', undefined, ['admin']],
      ['POST', '/api/admin/agents/agent-ben/enable', undefined, ['admin']],
      ['POST', '/api/admin/agents', { email: 'attacker@evil.example', name: 'x', role: 'admin' }, ['admin']],
      ['GET', '/api/admin/agents', undefined, ['admin']],
      ['POST', '/api/admin/agents/agent-anna/tokens', {}, ['admin']],
      ['POST', '/api/admin/agents/agent-anna/role', { role: 'agent' }, ['admin']],
      ['POST', `/api/admin/visitors/${b.contactId}/revoke-sessions`, undefined, ['admin']],
      ['GET', '/api/admin/inbound-addresses', undefined, ['admin']],
      ['POST', '/api/admin/inbound-addresses', { address: 'attacker@evil.example' }, ['admin']],
      ['GET', '/api/admin/messenger-pages', undefined, ['admin']],
      ['POST', '/api/admin/messenger-pages', { pageId: '1234567890', pageToken: 'attacker-page-token' }, ['admin']],
      ['DELETE', '/api/admin/messenger-pages/1234567890', undefined, ['admin']],
      ['GET', '/api/admin/identity-keys', undefined, ['admin']],
      ['POST', '/api/admin/identity-keys', {}, ['admin']],
      ['DELETE', '/api/admin/identity-keys/kid_guess', undefined, ['admin']],
    ];
    for (const [method, path, body, needs] of routes) {
      const extra = needs.includes('admin')
        ? { 'the ingest token': `Bearer ${DEMO_INGEST_TOKEN}` }
        : { 'the admin token': `Bearer ${ADMIN_TOKEN}` };
      for (const [name, authorization] of Object.entries({ ...credentials, ...extra })) {
        const response = await fetch(`${t.url}${path}`, {
          method,
          headers: { ...json, ...(authorization ? { authorization } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        const text = await response.text();
        assert.equal(response.status, 401, `${method} ${path} with ${name}: ${response.status} ${text}`);
        assert.equal(JSON.parse(text).error.code, 'unauthenticated');
        assertNothingOfB([text], `${method} ${path}`, { ids: [b.conversationId] });
        covered.attempts += 1;
      }
      covered.routes.add(
        `${method} ${path.replace(/tok_guess|kid_guess|1234567890|agent-anna|agent-ben|[a-z0-9]{20,}/, ':id')}`,
      );
    }
    // Messenger: the signature is the credential.
    const webhook = JSON.stringify({
      object: 'page',
      entry: [
        {
          messaging: [
            {
              sender: { id: 'psid-attacker' },
              message: { mid: `mid-${unique}`, text: 'spoofed' },
              timestamp: Date.now(),
            },
          ],
        },
      ],
    });
    const signatures = {
      none: undefined,
      malformed: 'sha256=zz',
      'sha1 scheme': `sha1=${createHmac('sha1', MESSENGER.appSecret).update(webhook).digest('hex')}`,
      'another secret': `sha256=${createHmac('sha256', 'guess').update(webhook).digest('hex')}`,
      'signature of another body': `sha256=${createHmac('sha256', MESSENGER.appSecret).update(`${webhook} `).digest('hex')}`,
      'the verify token as secret': `sha256=${createHmac('sha256', MESSENGER.verifyToken).update(webhook).digest('hex')}`,
      'ingest bearer instead': undefined,
    };
    for (const [name, signature] of Object.entries(signatures)) {
      const headers = {
        ...json,
        ...(signature ? { 'x-hub-signature-256': signature } : {}),
        ...(name === 'ingest bearer instead' ? { authorization: `Bearer ${DEMO_INGEST_TOKEN}` } : {}),
      };
      const response = await fetch(`${t.url}/api/channels/messenger/webhook`, {
        method: 'POST',
        headers,
        body: webhook,
      });
      assert.equal(response.status, 401, `messenger webhook, ${name}`);
      assert.equal((await response.json()).error.code, 'unauthenticated');
      covered.attempts += 1;
    }
    covered.routes.add('POST /api/channels/messenger/webhook');
    for (const query of [
      'hub.mode=subscribe&hub.challenge=abc',
      'hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=abc',
      `hub.mode=subscribe&hub.verify_token=${MESSENGER.verifyToken}x&hub.challenge=abc`,
      `hub.mode=subscribe&hub.verify_token=${ADMIN_TOKEN}&hub.challenge=abc`,
    ]) {
      const response = await fetch(`${t.url}/api/channels/messenger/webhook?${query}`);
      const text = await response.text();
      assert.equal(response.status, 403, query);
      assert.ok(!text.includes('abc'), 'the challenge is not echoed');
      covered.attempts += 1;
    }
    covered.routes.add('GET /api/channels/messenger/webhook');
    // Test-only clock, off on this server.
    for (const method of ['GET', 'POST']) {
      const response = await fetch(`${t.url}/api/test/clock`, {
        method,
        headers: json,
        ...(method === 'POST' ? { body: JSON.stringify({ advanceMs: 86_400_000 }) } : {}),
      });
      assert.equal(response.status, 404);
      covered.routes.add(`${method} /api/test/clock`);
      covered.attempts += 1;
    }
    // Token ids cannot be probed without the admin token: every guess answers the same 401.
    for (let n = 0; n < 30; n += 1) {
      const response = await fetch(`${t.url}/api/admin/agent-tokens/tok_${n.toString(36).padStart(12, '0')}`, {
        method: 'DELETE',
      });
      assert.equal(response.status, 401);
      covered.attempts += 1;
    }
    assert.deepEqual(fingerprint(t.server), before, 'no command ran');
    assert.equal(JSON.stringify(await t.server.storage.listAgentTokens()), tokensBefore, 'no token issued or revoked');
    assert.deepEqual(await t.server.store.directory.listMessengerPages('default'), [], 'no Messenger page registered');
    assert.deepEqual(await t.server.store.directory.identityKeys('default'), [], 'no identity key created');
    // B's session still works and agent-anna is still active.
    const bAgain = await connect(t.wsUrl, b.token);
    assert.equal(bAgain.welcome.principal.contactId, b.contactId);
    bAgain.close();
    const annaAgain = await connect(t.wsUrl, agentTok);
    assert.equal(annaAgain.welcome.principal.kind, 'agent');
    annaAgain.close();
    assert.equal(await health(t.url), 200);
  });

  test("public routes hand out nothing private: /health, pages and demo sign-in carry none of B's data", async () => {
    for (const path of ['/health', '/', '/inbox/', '/site/', '/api/demo/session', '/api/nothing']) {
      const response = await fetch(`${t.url}${path}`);
      assertNothingOfB([await response.text()], path, { ids: [b.contactId, b.conversationId] });
      covered.routes.add(`GET ${path}`);
    }
    const identity = await fetch(`${t.url}/api/demo/identity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(identity.status, 400);
    covered.routes.add('POST /api/demo/identity');
  });
});

describe('Authorization without demo mode (issue 7 item 10)', () => {
  let t;
  before(async () => {
    t = await startSecurityServer({ demo: false });
  });
  after(() => t?.close());

  test('demo sign-in and demo identity do not exist; channels and admin are off without configured tokens, even with the demo tokens', async () => {
    const before = fingerprint(t.server);
    assert.equal((await fetch(`${t.url}/api/demo/session`)).status, 404);
    assert.equal((await fetch(`${t.url}/api/demo/session?agent=agent-anna`)).status, 404);
    const identity = await fetch(`${t.url}/api/demo/identity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'x@example.com' }),
    });
    assert.equal(identity.status, 404);
    for (const [path, body] of [
      [
        '/api/channels/email/inbound',
        { from: 'x@example.com', to: 'support@confab.example', subject: 's', text: 't', messageId: 'm' },
      ],
      ['/api/channels/forms/submit', { formId: 'f', fields: { a: 'b' } }],
      ['/api/admin/agent-tokens', { agentId: 'agent-anna' }],
    ]) {
      for (const authorization of [
        undefined,
        `Bearer ${DEMO_INGEST_TOKEN}`,
        'Bearer undefined',
        'Bearer null',
        'Bearer ',
      ]) {
        const response = await fetch(`${t.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: JSON.stringify(body),
        });
        assert.equal(response.status, 401, `${path} with ${authorization}`);
      }
    }
    const webhook = await fetch(`${t.url}/api/channels/messenger/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', '').update('{}').digest('hex')}`,
      },
      body: '{}',
    });
    assert.equal(webhook.status, 401, 'no app secret: the webhook is off (an empty secret is not a secret)');
    const verify = await fetch(
      `${t.url}/api/channels/messenger/webhook?hub.mode=subscribe&hub.verify_token=&hub.challenge=abc`,
    );
    assert.equal(verify.status, 403, 'no verify token configured: an empty one does not match');
    // Identity verification is off: an identity signed with the demo secret attaches nothing.
    const peer = openPeer(t.wsUrl);
    await peer.opened;
    peer.send({
      v: 1,
      type: 'hello',
      token: '',
      identity: await createIdentityToken({ email: 'emma.jansen@example.com' }, DEMO_IDENTITY.secret, {
        audience: DEMO_IDENTITY.audience,
      }),
    });
    const welcome = await peer.next((f) => f.type === 'welcome');
    assert.equal(peer.frames.find((f) => f.type === 'error')?.error.code, 'unauthenticated');
    assert.equal(t.server.backend.state.contacts.get(welcome.principal.contactId).verified, false);
    peer.close();
    assert.equal(
      t.server.backend.state.contacts.size,
      JSON.parse(before.state).contacts.length + 1,
      'only the new visitor was created',
    );
  });
});

// Issue 19, "Isolation (the part that must never fail)"; DESIGN §5 "workspaces never see each
// other". Two workspaces on one real server. An agent (token and signed-in session), a visitor, an
// ingest token and an admin token of workspace A try every socket frame type, every command, every
// HTTP route and every credential against workspace B: each is refused or stays inside A, no frame,
// error body or log line carries anything of B, and B's sequence and state do not change.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createIdentityToken, createLogger, messengerSignature, NO_LIMITS, WORKSPACE_HEADER } from '@confab/server';
import nodemailer from 'nodemailer';
import { connect, fingerprint, openPeer, startSecurityServer } from './helpers.mjs';

const ADMIN_TOKEN = 'operator-admin-token-for-isolation';
/** The server's one Messenger app: every workspace's pages send their webhooks signed with it. */
const MESSENGER_SECRET = 'messenger-app-secret-for-isolation';
const unique = Math.random().toString(36).slice(2, 8);
/** What only workspace B holds: none of it may reach anything of A. */
const B = {
  agentName: `Bravo Agentname ${unique}`,
  visitorName: `Bravo Visitorname ${unique}`,
  chat: `B-CHAT-${unique}`,
  reply: `B-REPLY-${unique}`,
  comment: `B-COMMENT-${unique}`,
  mailFrom: `customer.${unique}@bravo-customers.example`,
  mailSubject: `B-MAIL-SUBJECT-${unique}`,
  mailText: `B-MAIL-TEXT-${unique}`,
  viewName: `B-VIEW-${unique}`,
  labelName: `B-LABEL-${unique}`,
  messengerText: `B-MESSENGER-${unique}`,
  pageToken: `B-PAGE-TOKEN-${unique}`,
};
/** The same email has an account in each workspace, with its own password. */
const SHARED_EMAIL = `same.person.${unique}@agency.example`;
const PASSWORD = { alpha: 'alpha-password-1', bravo: 'bravo-password-2' };
/** A page the default workspace's widget may chat from (CONFAB_ALLOWED_ORIGINS). */
const DEFAULT_SITE_ORIGIN = 'https://default-site.example';
const ORIGIN = { alpha: 'https://alpha-shop.example', bravo: 'https://bravo-shop.example' };

/** Every command type protocol/commands.ts declares, aimed at B's ids. */
function commandsAimedAt(target) {
  const { conversationId, contactId, ticketId, viewId, labelId, agentId } = target;
  return [
    { type: 'conversation.assign', conversationId, assigneeId: agentId },
    { type: 'conversation.setStatus', conversationIds: [conversationId], status: 'closed' },
    { type: 'conversation.trash', conversationIds: [conversationId] },
    { type: 'conversation.restore', conversationIds: [conversationId] },
    { type: 'conversation.deleteForever', conversationIds: [conversationId] },
    { type: 'conversation.blockSender', conversationId },
    { type: 'contact.unblock', contactId },
    { type: 'conversation.markSpam', conversationId },
    { type: 'conversation.unfilter', conversationId },
    { type: 'message.reply', conversationId, text: 'hijack' },
    { type: 'message.comment', conversationId, text: 'hijack', mentions: [] },
    { type: 'conversation.forward', conversationId, to: 'attacker@evil.example' },
    { type: 'conversation.sendTranscript', conversationId, to: 'attacker@evil.example' },
    { type: 'conversation.detachContact', conversationId },
    { type: 'message.confirmSender', conversationId, messageId: 'any-message' },
    { type: 'message.splitSender', conversationId, messageId: 'any-message' },
    { type: 'conversation.copyOnReplies', conversationId, address: 'attacker@evil.example' },
    { type: 'ticket.create', conversationId, name: 'hijack' },
    { type: 'ticket.update', ticketId, name: 'hijack' },
    { type: 'contact.update', contactId, email: 'attacker@evil.example' },
    { type: 'deal.create', conversationId, name: 'hijack', amount: 1, currency: 'EUR' },
    { type: 'view.delete', viewId },
    { type: 'view.rename', viewId, name: 'hijack' },
    { type: 'label.update', labelId, name: 'hijack' },
    { type: 'label.delete', labelId },
    { type: 'conversation.addLabel', conversationIds: [conversationId], labelId },
    { type: 'conversation.removeLabel', conversationIds: [conversationId], labelId },
    { type: 'agent.setRole', agentId, role: 'agent' },
    { type: 'agent.disable', agentId },
    { type: 'agent.enable', agentId },
    { type: 'agent.activate', agentId },
    { type: 'agent.signedIn', agentId },
    { type: 'typing', conversationId, typing: true },
    { type: 'viewing', conversationId, viewing: true },
    { type: 'visitor.message', conversationId, text: 'hijack' },
    { type: 'visitor.requestHuman', conversationId },
    { type: 'visitor.verify', contactId, email: 'attacker@evil.example' },
  ];
}

/** No text may carry B's data; refusals may echo only the ids the caller itself sent. */
function assertNothingOfB(texts, where, { ids = [] } = {}) {
  for (const text of texts) {
    for (const secret of Object.values(B))
      assert.ok(!text.includes(secret), `${where} carries B's data (${secret}): ${text.slice(0, 300)}`);
    if (!text.includes('"error"'))
      for (const id of ids) assert.ok(!text.includes(id), `${where} carries B's id ${id}: ${text.slice(0, 300)}`);
  }
}

function logCapture() {
  const lines = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger('debug', stream), lines };
}

describe('Workspace isolation (issue 19)', () => {
  const log = logCapture();
  let t;
  /** Per workspace: its admin and ingest tokens, site, agent, agent token, visitor. */
  const ws = { alpha: {}, bravo: {} };
  let bravoHub;
  let bravoIds;
  const attempts = { frames: 0, commands: 0, routes: new Set() };

  const http = (path, { token, method = 'GET', body, headers = {} } = {}) =>
    fetch(`${t.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  /** A request expected to be refused or kept inside A; returns status and body text. */
  async function attempt(path, options = {}) {
    attempts.routes.add(
      `${options.method ?? 'GET'} ${path.replace(/[?].*/, '').replace(/\/(?:[a-z]+_[\w-]+|[\w]{16,})/g, '/:id')}`,
    );
    const response = await http(path, options);
    return { status: response.status, text: await response.text() };
  }

  before(async () => {
    t = await startSecurityServer({
      demo: false,
      adminToken: ADMIN_TOKEN,
      ingestToken: 'default-ingest-token',
      allowedOrigins: [DEFAULT_SITE_ORIGIN],
      logger: log.logger,
      limits: NO_LIMITS,
      httpLimits: { burst: 100_000, perSecond: 100_000 },
      smtpInboundPort: 0,
      messenger: { appSecret: MESSENGER_SECRET },
    });
    for (const id of ['alpha', 'bravo']) {
      const created = await (
        await http('/api/admin/workspaces', { token: ADMIN_TOKEN, method: 'POST', body: { id, name: id } })
      ).json();
      assert.equal(created.workspace.id, id);
      Object.assign(ws[id], { admin: created.adminToken, ingest: created.ingestToken });
      const site = await (
        await http('/api/admin/sites', { token: ws[id].admin, method: 'POST', body: { origins: [ORIGIN[id]] } })
      ).json();
      ws[id].site = site.siteKey;
      const hub = await t.server.workspaces.get(id);
      const agent = await hub.accounts.createAgent({
        email: SHARED_EMAIL,
        name: id === 'bravo' ? B.agentName : 'Alpha Agent',
        role: 'admin',
        password: PASSWORD[id],
      });
      ws[id].agentId = agent.id;
      const issued = await (
        await http(`/api/admin/agents/${agent.id}/tokens`, {
          token: ws[id].admin,
          method: 'POST',
          body: { label: 'x' },
        })
      ).json();
      ws[id].agentToken = issued.token;
      ws[id].agentTokenId = issued.id;
    }

    // B's business: a visitor chat through B's site, a reply, a comment, a view and an email.
    const bAgent = await connect(t.wsUrl, ws.bravo.agentToken);
    const bVisitor = await connect(t.wsUrl, '', { site: ws.bravo.site }, { origin: ORIGIN.bravo });
    assert.equal(
      (await bVisitor.command('b-profile', { type: 'visitor.setProfile', name: B.visitorName })).type,
      'ack',
    );
    const started = await bVisitor.command('b-start', { type: 'visitor.startChat', text: B.chat });
    const conversationId = started.result.conversationId;
    for (const [id, command] of [
      ['b-reply', { type: 'message.reply', conversationId, text: B.reply }],
      ['b-comment', { type: 'message.comment', conversationId, text: B.comment, mentions: [] }],
      ['b-ticket', { type: 'ticket.create', conversationId, name: 'B ticket' }],
      ['b-view', { type: 'view.save', name: B.viewName, filter: {} }],
      ['b-label', { type: 'label.create', name: B.labelName, color: '#0366d6' }],
    ])
      assert.equal((await bAgent.command(id, command)).type, 'ack', id);
    // Each team receives mail at its own address (SMTP and the ingest endpoints route by it).
    for (const id of ['alpha', 'bravo']) {
      const registered = await http('/api/admin/inbound-addresses', {
        token: ws[id].admin,
        method: 'POST',
        body: { address: `support@${id}.example` },
      });
      assert.equal(registered.status, 201);
    }
    const mail = await http('/api/channels/email/inbound', {
      token: ws.bravo.ingest,
      method: 'POST',
      body: {
        from: B.mailFrom,
        to: 'support@bravo.example',
        subject: B.mailSubject,
        text: B.mailText,
        messageId: `<b-${unique}@bravo.example>`,
      },
    });
    assert.equal(mail.status, 200);
    const page = await http('/api/admin/messenger-pages', {
      token: ws.bravo.admin,
      method: 'POST',
      body: { pageId: 'page-bravo', pageToken: B.pageToken },
    });
    assert.equal(page.status, 201);
    const key = await http('/api/admin/identity-keys', { token: ws.bravo.admin, method: 'POST', body: {} });
    assert.equal(key.status, 201);
    const { id: keyId, secret } = await key.json();
    ws.bravo.identityKey = { id: keyId, secret };
    const hook = await http('/api/admin/webhooks', {
      token: ws.bravo.admin,
      method: 'POST',
      body: { url: 'https://hooks.bravo.example/confab', events: ['message.created'] },
    });
    assert.equal(hook.status, 201);
    ws.bravo.webhookId = (await hook.json()).id;
    bravoHub = await t.server.workspaces.get('bravo');
    const state = bravoHub.backend.state;
    bravoIds = {
      conversationId,
      contactId: bVisitor.welcome.principal.contactId,
      ticketId: [...state.tickets.keys()][0],
      viewId: [...state.views.keys()].find((key) => state.views.get(key).name === B.viewName),
      labelId: state.settings.labels.find((label) => label.name === B.labelName).id,
      agentId: ws.bravo.agentId,
    };
    ws.bravo.visitorToken = bVisitor.token;
    ws.bravo.peers = [bAgent, bVisitor];
    const apiKey = await http('/api/admin/api-keys', {
      token: ws.bravo.admin,
      method: 'POST',
      body: { agentId: ws.bravo.agentId, scope: 'write' },
    });
    assert.equal(apiKey.status, 201);
    ws.bravo.apiKey = await apiKey.json();
    ws.alpha.visitor = await connect(t.wsUrl, '', { site: ws.alpha.site }, { origin: ORIGIN.alpha });
    assert.equal(
      (await ws.alpha.visitor.command('a-start', { type: 'visitor.startChat', text: 'alpha chat' })).type,
      'ack',
    );
  });

  after(async () => {
    console.log(
      `# workspace isolation: ${attempts.commands} commands and ${attempts.frames} hellos of A aimed at B, ${attempts.routes.size} HTTP routes: ${[...attempts.routes].join(', ')}`,
    );
    for (const peer of [...(ws.bravo.peers ?? []), ws.alpha.visitor]) peer?.close();
    await t?.close();
  });

  /** B's sequence number and whole state. */
  const bravoUnchanged = () => fingerprint({ backend: bravoHub.backend });
  const allIds = () => Object.values(bravoIds);

  test("A's agent sees nothing of B in its welcome and snapshot, and every command aimed at B's records is refused, changing nothing in B", async () => {
    const before = bravoUnchanged();
    // An agent's hello naming B's site still opens A: the token decides, the site is the widget's.
    const agent = await connect(t.wsUrl, ws.alpha.agentToken, { site: ws.bravo.site });
    attempts.frames += 1;
    assert.equal(agent.welcome.principal.agentId, ws.alpha.agentId);
    const snapshot = agent.frames.find((frame) => frame.type === 'snapshot').snapshot;
    assert.ok(!snapshot.conversations.some((conversation) => conversation.id === bravoIds.conversationId));
    for (const [index, command] of commandsAimedAt(bravoIds).entries()) {
      const answer = await agent.command(`a-agent-${index}`, command);
      attempts.commands += 1;
      assert.equal(answer.type, 'error', `${command.type} on B's records was accepted: ${JSON.stringify(answer)}`);
    }
    // The same ids in A's own workspace resolve to nothing of B's; B's sequence and state are as they were.
    assert.deepEqual(bravoUnchanged(), before);
    assertNothingOfB(agent.texts, "A agent's frames", { ids: allIds() });
    agent.close();
  });

  test("A's visitor cannot open B: its session with B's site is refused, B's site refuses A's origin, B's visitor session does not open in A", async () => {
    const before = bravoUnchanged();
    const refusals = [
      // A's visitor session naming B's site (from B's page): the session is A's.
      { token: ws.alpha.visitor.token, site: ws.bravo.site, origin: ORIGIN.bravo, code: 'unauthenticated' },
      // A new chat through B's site from A's page: B's site allows only B's origin.
      { token: '', site: ws.bravo.site, origin: ORIGIN.alpha, code: 'origin-not-allowed' },
      // B's visitor session without a site, from a page the default workspace allows: only through B's site.
      { token: ws.bravo.visitorToken, origin: DEFAULT_SITE_ORIGIN, code: 'forbidden' },
      // … and from a page nobody allows.
      { token: ws.bravo.visitorToken, origin: ORIGIN.alpha, code: 'origin-not-allowed' },
      // B's visitor session through A's site.
      { token: ws.bravo.visitorToken, site: ws.alpha.site, origin: ORIGIN.alpha, code: 'unauthenticated' },
      // A site key that does not exist.
      { token: '', site: 'site_does-not-exist', origin: ORIGIN.alpha, code: 'forbidden' },
    ];
    for (const { token, site, origin, code } of refusals) {
      const peer = openPeer(t.wsUrl, { origin });
      await peer.opened;
      peer.send({ v: 1, type: 'hello', token, ...(site ? { site } : {}) });
      const answer = await peer.next((frame) => frame.type === 'error' || frame.type === 'welcome', { from: 0 });
      attempts.frames += 1;
      assert.equal(answer.type, 'error', `${code}: ${JSON.stringify(answer)}`);
      assert.equal(answer.error.code, code);
      const closed = await peer.whenClosed();
      assert.ok(closed.code >= 4400 && closed.code < 4500, `closed with ${closed.code}`);
      assertNothingOfB(peer.texts, 'a refused hello', { ids: allIds() });
    }
    // Every command of A's own visitor aimed at B's ids: refused as missing or forbidden.
    const visitor = ws.alpha.visitor;
    for (const [index, command] of [...commandsAimedAt(bravoIds), { type: 'visitor.startChat', text: 'x' }].entries()) {
      if (command.type === 'visitor.startChat') continue;
      const answer = await visitor.command(`a-visitor-${index}`, command);
      attempts.commands += 1;
      assert.equal(answer.type, 'error', `${command.type}: ${JSON.stringify(answer)}`);
      assert.ok(['not-found', 'forbidden'].includes(answer.error.code), `${command.type}: ${answer.error.code}`);
    }
    assert.deepEqual(bravoUnchanged(), before);
    assertNothingOfB(visitor.texts, "A visitor's frames", { ids: allIds() });
  });

  test("A's ingest token files mail into A only; it opens no other route, and B's ingest token is B's", async () => {
    const before = bravoUnchanged();
    const alphaHub = await t.server.workspaces.get('alpha');
    const alphaSeq = alphaHub.backend.seq;
    // Mail for B's address with A's token is refused: B's mail is never filed into A.
    const forB = await attempt('/api/channels/email/inbound', {
      token: ws.alpha.ingest,
      method: 'POST',
      body: {
        from: 'someone@else.example',
        to: 'Support@Bravo.example',
        subject: 'hi',
        text: 'hello',
        messageId: `<a-for-b-${unique}@x>`,
      },
    });
    assert.equal(forB.status, 403, forB.text);
    assert.equal(alphaHub.backend.seq, alphaSeq);
    // Mail for A's own address goes to A, and its answer names A's records only.
    const mail = await attempt('/api/channels/email/inbound', {
      token: ws.alpha.ingest,
      method: 'POST',
      body: {
        from: 'someone@else.example',
        to: 'support@alpha.example',
        subject: 'hi',
        text: 'hello',
        messageId: `<a-${unique}@x>`,
      },
    });
    assert.equal(mail.status, 200);
    assert.ok(alphaHub.backend.seq > alphaSeq);
    // The same Message-ID as B's mail, with A's token: a new mail in A, not B's outcome.
    const replay = await attempt('/api/channels/email/inbound', {
      token: ws.alpha.ingest,
      method: 'POST',
      body: {
        from: 'x@y.example',
        to: 'a@b.example',
        subject: 's',
        text: 't',
        messageId: `<b-${unique}@bravo.example>`,
      },
    });
    assert.equal(replay.status, 200);
    assert.ok(
      !JSON.parse(replay.text).result?.conversationId ||
        !allIds().includes(JSON.parse(replay.text).result.conversationId),
    );
    const form = await attempt('/api/channels/forms/submit', {
      token: ws.alpha.ingest,
      method: 'POST',
      body: { formId: 'contact', fields: { email: 'f@x.example', message: 'form' } },
    });
    assert.equal(form.status, 200);
    // An ingest token is no admin token, and no agent or visitor credential.
    for (const path of ['/api/admin/agents', '/api/admin/sites', '/api/admin/workspaces'])
      assert.equal((await attempt(path, { token: ws.alpha.ingest })).status, 401, path);
    const peer = openPeer(t.wsUrl);
    await peer.opened;
    peer.send({ v: 1, type: 'hello', token: ws.alpha.ingest });
    attempts.frames += 1;
    assert.equal((await peer.next((frame) => frame.type === 'error', { from: 0 })).error.code, 'unauthenticated');
    assert.deepEqual(bravoUnchanged(), before);
    assertNothingOfB([forB.text, mail.text, replay.text, form.text, ...peer.texts], 'ingest answers', {
      ids: allIds(),
    });
  });

  test("B's address never files into A, nor A's into B: not by SMTP, not by another workspace's or the server's ingest token, not by registering it again", async () => {
    const before = bravoUnchanged();
    const alphaHub = await t.server.workspaces.get('alpha');
    const alphaBefore = fingerprint({ backend: alphaHub.backend });
    const texts = [];
    // A's admin cannot take B's address, nor learn whose it is.
    const taken = await attempt('/api/admin/inbound-addresses', {
      token: ws.alpha.admin,
      method: 'POST',
      body: { address: 'SUPPORT@bravo.example' },
    });
    assert.equal(taken.status, 409);
    texts.push(taken.text);
    const listed = await attempt('/api/admin/inbound-addresses', { token: ws.alpha.admin });
    assert.deepEqual(
      JSON.parse(listed.text).addresses.map((entry) => entry.address),
      ['support@alpha.example'],
    );
    texts.push(listed.text);
    // B's mail with A's token, or with the server's (the default workspace's) token: refused.
    for (const token of [ws.alpha.ingest, 'default-ingest-token']) {
      const answer = await attempt('/api/channels/email/inbound', {
        token,
        method: 'POST',
        body: {
          from: 'x@else.example',
          to: 'support@bravo.example',
          subject: 's',
          text: 't',
          messageId: `<x-${token}>`,
        },
      });
      assert.equal(answer.status, 403);
      texts.push(answer.text);
    }
    // Over SMTP each address reaches its own workspace only; an address nobody receives at is refused.
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: t.server.smtpInbound.port, ignoreTLS: true });
    try {
      await smtp.sendMail({ from: 'x@else.example', to: 'support@alpha.example', subject: 'for A', text: 'a' });
      await assert.rejects(
        smtp.sendMail({ from: 'x@else.example', to: 'support@charlie.example', subject: 'nobody', text: 'c' }),
        (error) => error.responseCode === 550,
      );
    } finally {
      smtp.close();
    }
    assert.notDeepEqual(fingerprint({ backend: alphaHub.backend }), alphaBefore, 'A got its mail');
    assert.deepEqual(bravoUnchanged(), before);
    assertNothingOfB(texts, 'address answers', { ids: allIds() });
  });

  test("A's admin token acts on A only: naming B is forbidden, B's ids are not found, workspaces are the operator's", async () => {
    const before = bravoUnchanged();
    const asB = { [WORKSPACE_HEADER]: 'bravo' };
    const token = ws.alpha.admin;
    const namingB = [
      ['GET', '/api/admin/agents'],
      ['POST', '/api/admin/agents', { email: 'x@evil.example', name: 'x', role: 'admin' }],
      ['POST', `/api/admin/agents/${bravoIds.agentId}/tokens`, { label: 'steal' }],
      ['POST', `/api/admin/agents/${bravoIds.agentId}/disable`, {}],
      ['POST', `/api/admin/agents/${bravoIds.agentId}/enable`, {}],
      ['POST', `/api/admin/agents/${bravoIds.agentId}/role`, { role: 'agent' }],
      ['POST', '/api/admin/agent-tokens', { agentId: bravoIds.agentId }],
      ['GET', '/api/admin/agent-tokens'],
      ['DELETE', `/api/admin/agent-tokens/${ws.bravo.agentTokenId}`],
      ['POST', `/api/admin/visitors/${bravoIds.contactId}/revoke-sessions`, {}],
      ['GET', '/api/admin/sites'],
      ['POST', '/api/admin/sites', { origins: ['https://evil.example'] }],
      ['POST', '/api/admin/ingest-tokens', { label: 'steal' }],
      ['GET', '/api/admin/inbound-addresses'],
      ['POST', '/api/admin/inbound-addresses', { address: 'steal@evil.example' }],
      ['GET', '/api/admin/messenger-pages'],
      ['POST', '/api/admin/messenger-pages', { pageId: 'page-steal', pageToken: 'steal-page-token' }],
      ['DELETE', '/api/admin/messenger-pages/page-bravo'],
      ['GET', '/api/admin/identity-keys'],
      ['POST', '/api/admin/identity-keys', {}],
      ['DELETE', `/api/admin/identity-keys/${ws.bravo.identityKey.id}`],
      ['GET', '/api/admin/webhooks'],
      ['POST', '/api/admin/webhooks', { url: 'https://evil.example/steal', events: ['message.created'] }],
      ['DELETE', `/api/admin/webhooks/${ws.bravo.webhookId}`],
      ['GET', `/api/admin/webhooks/${ws.bravo.webhookId}/deliveries`],
      ['GET', '/api/admin/api-keys'],
      ['POST', '/api/admin/api-keys', { agentId: bravoIds.agentId, scope: 'write' }],
      ['DELETE', `/api/admin/api-keys/${ws.bravo.apiKey.id}`],
    ];
    const texts = [];
    for (const [method, path, body] of namingB) {
      const answer = await attempt(path, { token, method, body, headers: asB });
      assert.equal(answer.status, 403, `${method} ${path} naming B: ${answer.text}`);
      texts.push(answer.text);
    }
    // Without the header, B's ids in A's workspace: not found, or nothing of B.
    const inA = [
      ['POST', `/api/admin/agents/${bravoIds.agentId}/tokens`, { label: 'steal' }, 404],
      ['POST', `/api/admin/agents/${bravoIds.agentId}/disable`, {}, 404],
      ['POST', `/api/admin/agents/${bravoIds.agentId}/role`, { role: 'agent' }, 404],
      ['POST', '/api/admin/agent-tokens', { agentId: bravoIds.agentId }, 404],
      ['DELETE', `/api/admin/agent-tokens/${ws.bravo.agentTokenId}`, undefined, 404],
      ['DELETE', `/api/admin/webhooks/${ws.bravo.webhookId}`, undefined, 404],
      ['GET', `/api/admin/webhooks/${ws.bravo.webhookId}/deliveries`, undefined, 404],
      ['DELETE', `/api/admin/api-keys/${ws.bravo.apiKey.id}`, undefined, 404],
      ['POST', '/api/admin/api-keys', { agentId: bravoIds.agentId, scope: 'write' }, 404],
    ];
    for (const [method, path, body, status] of inA) {
      const answer = await attempt(path, { token, method, body });
      assert.equal(answer.status, status, `${method} ${path} in A: ${answer.text}`);
      texts.push(answer.text);
    }
    const revoke = await attempt(`/api/admin/visitors/${bravoIds.contactId}/revoke-sessions`, {
      token,
      method: 'POST',
      body: {},
    });
    assert.equal(JSON.parse(revoke.text).revoked, 0);
    for (const path of [
      '/api/admin/agents',
      '/api/admin/agent-tokens',
      '/api/admin/sites',
      '/api/admin/webhooks',
      '/api/admin/api-keys',
    ]) {
      const answer = await attempt(path, { token });
      assert.equal(answer.status, 200);
      assert.ok(!answer.text.includes(ws.bravo.site) && !answer.text.includes(ws.bravo.agentTokenId));
      assert.ok(!answer.text.includes(ws.bravo.webhookId) && !answer.text.includes('hooks.bravo.example'));
      texts.push(answer.text);
    }
    for (const method of ['GET', 'POST']) {
      const answer = await attempt('/api/admin/workspaces', {
        token,
        method,
        ...(method === 'POST' ? { body: { id: 'mine' } } : {}),
      });
      assert.equal(answer.status, 403);
      texts.push(answer.text);
    }
    // B's credentials all still work after A's attempts.
    const bAgent = await connect(t.wsUrl, ws.bravo.agentToken);
    const bVisitor = await connect(t.wsUrl, ws.bravo.visitorToken, { site: ws.bravo.site }, { origin: ORIGIN.bravo });
    assert.equal(bVisitor.welcome.principal.contactId, bravoIds.contactId);
    bAgent.close();
    bVisitor.close();
    assert.ok(!bravoHub.backend.state.agents.get(bravoIds.agentId).disabled);
    assert.deepEqual(bravoUnchanged(), before);
    const ownHooks = await attempt('/api/admin/webhooks', { token: ws.bravo.admin });
    assert.deepEqual(
      JSON.parse(ownHooks.text).endpoints.map((endpoint) => endpoint.id),
      [ws.bravo.webhookId],
      "B's endpoint is still there",
    );
    // A's own API key (acting as A's agent) against B's records over the REST API: not found.
    const alphaKey = await attempt('/api/admin/api-keys', {
      token,
      method: 'POST',
      body: { agentId: ws.alpha.agentId, scope: 'write' },
    });
    assert.equal(alphaKey.status, 201);
    const restAsA = JSON.parse(alphaKey.text).key;
    for (const [method, path, body] of [
      ['GET', `/api/v1/conversations/${bravoIds.conversationId}`],
      ['POST', `/api/v1/conversations/${bravoIds.conversationId}/messages`, { text: 'from A' }],
      ['POST', `/api/v1/conversations/${bravoIds.conversationId}/close`],
      ['GET', `/api/v1/contacts/${bravoIds.contactId}`],
      ['PATCH', `/api/v1/contacts/${bravoIds.contactId}`, { name: 'Stolen' }],
      ['GET', `/api/v1/conversations?view=${bravoIds.viewId}`],
    ]) {
      const answer = await attempt(path, { token: restAsA, method, body });
      assert.equal(answer.status, 404, `${method} ${path} with A's API key: ${answer.text}`);
      texts.push(answer.text);
    }
    const listAsA = await attempt('/api/v1/conversations?limit=100', { token: restAsA });
    assert.equal(listAsA.status, 200);
    texts.push(listAsA.text);
    // B's API key still works: A's attempts revoked nothing.
    const rest = await attempt('/api/v1/conversations', { token: ws.bravo.apiKey.key });
    assert.equal(rest.status, 200);
    assert.ok(JSON.parse(rest.text).conversations.some((conversation) => conversation.id === bravoIds.conversationId));
    assertNothingOfB(texts, 'admin answers', { ids: [ws.bravo.site, ws.bravo.webhookId, ws.bravo.apiKey.id] });
  });

  test("B's Messenger page is B's: A cannot take, remove or see it, and its messages are filed into B only", async () => {
    const alphaHub = await t.server.workspaces.get('alpha');
    const alphaBefore = fingerprint({ backend: alphaHub.backend });
    const defaultBefore = fingerprint({ backend: t.server.backend });
    const texts = [];
    const taken = await attempt('/api/admin/messenger-pages', {
      token: ws.alpha.admin,
      method: 'POST',
      body: { pageId: 'page-bravo', pageToken: 'alpha-wants-this-page' },
    });
    assert.equal(taken.status, 409);
    const removed = await attempt('/api/admin/messenger-pages/page-bravo', { token: ws.alpha.admin, method: 'DELETE' });
    assert.equal(removed.status, 404);
    const listed = await attempt('/api/admin/messenger-pages', { token: ws.alpha.admin });
    assert.deepEqual(JSON.parse(listed.text).pages, []);
    texts.push(taken.text, removed.text, listed.text);
    // B's own listing shows its page but never its token.
    const own = await attempt('/api/admin/messenger-pages', { token: ws.bravo.admin });
    assert.deepEqual(
      JSON.parse(own.text).pages.map((page) => page.pageId),
      ['page-bravo'],
    );
    assert.ok(!own.text.includes(B.pageToken));

    // A message to B's page goes to B; one to a page nobody registered goes nowhere.
    const before = bravoHub.backend.seq;
    const body = (pageId, mid, text) =>
      JSON.stringify({
        object: 'page',
        entry: [
          { id: pageId, time: 1, messaging: [{ sender: { id: `psid-${mid}` }, timestamp: 1, message: { mid, text } }] },
        ],
      });
    const send = async (payload) => {
      const response = await fetch(`${t.url}/api/channels/messenger/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': messengerSignature(payload, MESSENGER_SECRET),
        },
        body: payload,
      });
      return { status: response.status, json: await response.json() };
    };
    const toB = await send(body('page-bravo', `b-${unique}`, B.messengerText));
    assert.equal(toB.status, 200);
    assert.ok(bravoHub.backend.seq > before, 'filed into B');
    const unknown = await send(body('page-unknown', `u-${unique}`, 'nobody'));
    assert.equal(unknown.json.results[0].error, 'unknown-page');
    assert.deepEqual(fingerprint({ backend: alphaHub.backend }), alphaBefore, 'nothing filed into A');
    assert.deepEqual(
      fingerprint({ backend: t.server.backend }),
      defaultBefore,
      'nothing filed into the default workspace',
    );
    assertNothingOfB(texts, 'Messenger page answers', { ids: allIds() });
  });

  test("an identity token signed with A's key is refused by B's site (as a bad signature is), and B's own key verifies there", async () => {
    const alphaKey = JSON.parse(
      (await attempt('/api/admin/identity-keys', { token: ws.alpha.admin, method: 'POST', body: {} })).text,
    );
    const listed = await attempt('/api/admin/identity-keys', { token: ws.alpha.admin });
    assert.deepEqual(
      JSON.parse(listed.text).keys.map((key) => key.id),
      [alphaKey.id],
      "A lists its own keys only, never B's",
    );
    assert.ok(!listed.text.includes(alphaKey.secret), 'a secret is shown once, when created');
    assert.equal(
      (
        await attempt(`/api/admin/identity-keys/${ws.bravo.identityKey.id}`, {
          token: ws.alpha.admin,
          method: 'DELETE',
        })
      ).status,
      404,
    );
    const email = `signed.visitor.${unique}@example.com`;
    const hello = async (key, site, origin) => {
      const identity = await createIdentityToken({ email }, key, { audience: 'confab' });
      const peer = openPeer(t.wsUrl, { origin });
      await peer.opened;
      peer.send({ v: 1, type: 'hello', token: '', site, identity });
      attempts.frames += 1;
      const welcome = await peer.next((frame) => frame.type === 'welcome', { from: 0 });
      await peer.next((frame) => frame.type === 'snapshot', { from: 0 });
      return { peer, welcome };
    };
    const before = bravoUnchanged();
    const crossed = await hello({ id: alphaKey.id, secret: alphaKey.secret }, ws.bravo.site, ORIGIN.bravo);
    const refusal = crossed.peer.frames.find((frame) => frame.type === 'error');
    assert.equal(refusal?.error.code, 'unauthenticated', "A's key is refused out loud");
    const contact = bravoHub.backend.state.contacts.get(crossed.welcome.principal.contactId);
    assert.ok(!contact || contact.email !== email, 'the visitor is not verified as the email');
    crossed.peer.close();
    assert.notDeepEqual(bravoUnchanged(), before, 'only a new unverified visitor');

    const own = await hello(ws.bravo.identityKey, ws.bravo.site, ORIGIN.bravo);
    assert.equal(
      own.peer.frames.find((frame) => frame.type === 'error'),
      undefined,
    );
    assert.equal(bravoHub.backend.state.contacts.get(own.welcome.principal.contactId)?.email, email);
    own.peer.close();
    // Removing A's key: A's site no longer verifies with it.
    assert.equal(
      (await attempt(`/api/admin/identity-keys/${alphaKey.id}`, { token: ws.alpha.admin, method: 'DELETE' })).status,
      200,
    );
  });

  test("an account belongs to one workspace: the same email signs in to each with its own password, and A's session reaches only A", async () => {
    const before = bravoUnchanged();
    const own = { origin: t.url };
    const signIn = (workspace, password) =>
      http('/api/auth/sign-in', { method: 'POST', body: { email: SHARED_EMAIL, password, workspace }, headers: own });
    assert.equal((await signIn('bravo', PASSWORD.alpha)).status, 401, "A's password does not open B");
    assert.equal(
      (await signIn('no-such-workspace', PASSWORD.alpha)).status,
      401,
      'an unknown workspace reads as a wrong password',
    );
    const signedIn = await signIn('alpha', PASSWORD.alpha);
    assert.equal(signedIn.status, 200);
    const cookie = signedIn.headers.get('set-cookie').split(';')[0];
    const session = await attempt('/api/auth/session', { headers: { cookie } });
    assert.equal(JSON.parse(session.text).agent.id, ws.alpha.agentId);
    // ?workspace= does not move a session to another workspace.
    const moved = await attempt('/api/auth/session?workspace=bravo', { headers: { cookie } });
    assert.equal(JSON.parse(moved.text).agent.id, ws.alpha.agentId);
    const invite = await attempt('/api/auth/invites', {
      method: 'POST',
      body: { agentId: bravoIds.agentId },
      headers: { cookie, ...own },
    });
    assert.equal(invite.status, 404);
    const peer = openPeer(t.wsUrl, { cookie, ...own });
    await peer.opened;
    peer.send({ v: 1, type: 'hello', token: 'confab-session-cookie' });
    const welcome = await peer.next((frame) => frame.type === 'welcome' || frame.type === 'error', { from: 0 });
    attempts.frames += 1;
    assert.equal(welcome.principal?.agentId, ws.alpha.agentId);
    await peer.next((frame) => frame.type === 'snapshot', { from: 0 });
    peer.close();
    assert.deepEqual(bravoUnchanged(), before);
    assertNothingOfB([session.text, moved.text, invite.text, ...peer.texts], "A's session", { ids: allIds() });
  });

  test('no log line of the whole run carries what B wrote or B’s names', () => {
    assert.ok(log.lines.length > 0);
    for (const line of log.lines)
      for (const secret of Object.values(B)) assert.ok(!line.includes(secret), `log line carries ${secret}: ${line}`);
    // Lines about B's workspace say so; refusals of A's attempts never name B's records.
    assert.ok(log.lines.some((line) => line.includes('"workspace":"bravo"')));
  });
});

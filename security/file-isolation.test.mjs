// Issue 16 with issue 19's isolation: files of workspace B are never served to anyone of
// workspace A — not its agent (token or signed-in session), its visitor or its admin token — and
// a file on a comment never reaches a visitor, in any frame or by its id. Nothing of B (a file's
// name or content) appears in an answer or a log line, and nothing of B changes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, NO_LIMITS } from '@confab/server';
import { connect, fingerprint, startSecurityServer } from './helpers.mjs';

const ADMIN_TOKEN = 'operator-admin-token-for-files';
const unique = Math.random().toString(36).slice(2, 8);
/** What only B's files hold. */
const B = {
  replyFileName: `bravo-contract-${unique}.txt`,
  replyFileText: `B-FILE-CONTENT-${unique}`,
  commentFileName: `bravo-internal-${unique}.txt`,
  commentFileText: `B-COMMENT-FILE-${unique}`,
};
const PASSWORD = 'alpha-password-1';
const ORIGIN = { alpha: 'https://alpha-shop.example', bravo: 'https://bravo-shop.example' };

describe('File isolation (issues 16 and 19)', () => {
  const lines = [];
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    }),
  );
  let t;
  const ws = { alpha: {}, bravo: {} };
  const files = {};
  let bravoHub;

  const http = (path, { token, method = 'GET', body, headers = {} } = {}) =>
    fetch(`${t.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      ...(body !== undefined ? { body } : {}),
    });
  const json = (path, token, body) =>
    http(path, { token, method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const upload = async (token, text, name) => {
    const response = await http('/api/files', {
      token,
      method: 'POST',
      body: Buffer.from(text),
      headers: { 'content-type': 'text/plain', 'x-confab-file-name': encodeURIComponent(name) },
    });
    assert.equal(response.status, 201);
    return response.json();
  };

  before(async () => {
    t = await startSecurityServer({
      demo: false,
      adminToken: ADMIN_TOKEN,
      logger,
      limits: NO_LIMITS,
      httpLimits: { burst: 100_000, perSecond: 100_000 },
    });
    for (const id of ['alpha', 'bravo']) {
      const created = await (await json('/api/admin/workspaces', ADMIN_TOKEN, { id, name: id })).json();
      ws[id].admin = created.adminToken;
      ws[id].site = (await (await json('/api/admin/sites', ws[id].admin, { origins: [ORIGIN[id]] })).json()).siteKey;
      const hub = await t.server.workspaces.get(id);
      const agent = await hub.accounts.createAgent({
        email: `agent@${id}.example`,
        name: `${id} agent`,
        role: 'admin',
        password: PASSWORD,
      });
      ws[id].agentToken = (await (await json(`/api/admin/agents/${agent.id}/tokens`, ws[id].admin, {})).json()).token;
      ws[id].agent = await connect(t.wsUrl, ws[id].agentToken);
      ws[id].visitor = await connect(t.wsUrl, '', { site: ws[id].site }, { origin: ORIGIN[id] });
      const started = await ws[id].visitor.command(`${id}-start`, { type: 'visitor.startChat', text: 'hello' });
      ws[id].conversationId = started.result.conversationId;
    }
    // B's files: one on a reply to B's visitor, one on a comment.
    files.reply = await upload(ws.bravo.agentToken, B.replyFileText, B.replyFileName);
    files.comment = await upload(ws.bravo.agentToken, B.commentFileText, B.commentFileName);
    const conversationId = ws.bravo.conversationId;
    const replied = await ws.bravo.agent.command('b-reply', {
      type: 'message.reply',
      conversationId,
      text: 'your contract',
      attachments: [files.reply],
    });
    assert.equal(replied.type, 'ack');
    const commented = await ws.bravo.agent.command('b-comment', {
      type: 'message.comment',
      conversationId,
      text: 'internal',
      mentions: [],
      attachments: [files.comment],
    });
    assert.equal(commented.type, 'ack');
    bravoHub = await t.server.workspaces.get('bravo');
    const signedIn = await http('/api/auth/sign-in', {
      method: 'POST',
      body: JSON.stringify({ email: 'agent@alpha.example', password: PASSWORD, workspace: 'alpha' }),
      headers: { 'content-type': 'application/json', origin: t.url },
    });
    assert.equal(signedIn.status, 200);
    ws.alpha.cookie = signedIn.headers.get('set-cookie').split(';')[0];
  });

  after(async () => {
    for (const side of Object.values(ws)) {
      side.agent?.close();
      side.visitor?.close();
    }
    await t?.close();
  });

  const assertNothingOfB = (texts, where) => {
    for (const text of texts)
      for (const secret of Object.values(B)) assert.ok(!text.includes(secret), `${where} carries ${secret}`);
  };

  test("B's own people get B's reply file: its agent and its visitor (the reference the others are refused against)", async () => {
    for (const token of [ws.bravo.agentToken, ws.bravo.visitor.token]) {
      const response = await http(`/api/files/${files.reply.id}`, { token });
      assert.equal(response.status, 200);
      assert.equal(await response.text(), B.replyFileText);
      assert.match(response.headers.get('content-disposition'), /^attachment;/);
    }
  });

  test("A's agent (token and session), A's visitor and A's admin token get 404 for each of B's files, with nothing of B", async () => {
    const before = fingerprint({ backend: bravoHub.backend });
    const credentials = {
      "A's agent token": { token: ws.alpha.agentToken },
      "A's agent session": { headers: { cookie: ws.alpha.cookie } },
      "A's visitor": { token: ws.alpha.visitor.token },
      "A's admin token": { token: ws.alpha.admin },
      "the operator's admin token": { token: ADMIN_TOKEN },
    };
    for (const [who, credential] of Object.entries(credentials))
      for (const file of [files.reply, files.comment])
        for (const method of ['GET', 'HEAD']) {
          const response = await http(`/api/files/${file.id}`, { ...credential, method });
          assert.equal(response.status, 404, `${who} ${method} ${file.name}`);
          assertNothingOfB([await response.text(), JSON.stringify([...response.headers])], who);
        }
    assert.deepEqual(fingerprint({ backend: bravoHub.backend }), before);
  });

  test("A cannot attach B's file to a message in A: it is not found there", async () => {
    const before = fingerprint({ backend: bravoHub.backend });
    const agentTry = await ws.alpha.agent.command('a-steal', {
      type: 'message.reply',
      conversationId: ws.alpha.conversationId,
      text: 'look',
      attachments: [files.reply],
    });
    const visitorTry = await ws.alpha.visitor.command('a-visitor-steal', {
      type: 'visitor.message',
      conversationId: ws.alpha.conversationId,
      text: 'look',
      attachments: [files.comment],
    });
    for (const refused of [agentTry, visitorTry]) {
      assert.equal(refused.type, 'error');
      assert.equal(refused.error.code, 'not-found');
    }
    assertNothingOfB([...ws.alpha.agent.texts, ...ws.alpha.visitor.texts], "A's frames");
    assert.deepEqual(fingerprint({ backend: bravoHub.backend }), before);
  });

  test("a comment's file never reaches B's own visitor: not in any frame, not by its id", async () => {
    const response = await http(`/api/files/${files.comment.id}`, { token: ws.bravo.visitor.token });
    assert.equal(response.status, 404);
    assert.ok(!(await response.text()).includes(B.commentFileText));
    // A fresh hello: the snapshot holds the whole conversation as the visitor may see it.
    const again = await connect(t.wsUrl, ws.bravo.visitor.token, { site: ws.bravo.site }, { origin: ORIGIN.bravo });
    for (const text of [...ws.bravo.visitor.texts, ...again.texts]) {
      assert.ok(!text.includes(files.comment.id), 'a frame names the comment’s file');
      assert.ok(!text.includes(B.commentFileName), 'a frame names the comment’s file');
    }
    assert.ok(
      again.texts.some((text) => text.includes(files.reply.id)),
      'the reply’s file is in the snapshot',
    );
    again.close();
  });

  test("another visitor of B's own site gets 404 for B's visitor's file, and cannot attach it", async () => {
    const other = await connect(t.wsUrl, '', { site: ws.bravo.site }, { origin: ORIGIN.bravo });
    const started = await other.command('other-start', { type: 'visitor.startChat', text: 'me too' });
    for (const file of [files.reply, files.comment]) {
      const response = await http(`/api/files/${file.id}`, { token: other.token });
      assert.equal(response.status, 404);
      assertNothingOfB([await response.text()], 'another visitor');
    }
    const stolen = await other.command('other-steal', {
      type: 'visitor.message',
      conversationId: started.result.conversationId,
      text: 'mine now',
      attachments: [files.reply],
    });
    assert.equal(stolen.type, 'error');
    assert.equal(stolen.error.code, 'not-found');
    assertNothingOfB(other.texts, "the other visitor's frames");
    other.close();
  });

  test('no log line carries the name or content of any of B’s files', () => {
    assert.ok(lines.length > 0);
    for (const line of lines) assertNothingOfB([line], 'a log line');
  });
});

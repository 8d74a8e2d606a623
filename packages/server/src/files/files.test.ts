// Issue 16, attachments over HTTP: upload with the sender's session, limits, sniffing, names, and
// files served only to those who may see a message that carries them — on SQLite (disk) and on
// PostgreSQL, against a real server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerFrame } from '@confab/core';
import { Peer, hello, startTestServer, visitorWithChat, type TestServer } from '../testing/harness.test-util.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../testing/postgres.test-util.js';
import { FILE_NAME_HEADER } from './file-routes.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
const PDF = Buffer.from('%PDF-1.7\n% a tiny document\n');

interface Uploaded {
  status: number;
  body: { id: string; name: string; type: string; size: number; error?: { code: string } };
}

async function upload(
  url: string,
  token: string,
  content: Buffer,
  type: string,
  name = 'photo.png',
): Promise<Uploaded> {
  const response = await fetch(`${url}/api/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type, [FILE_NAME_HEADER]: encodeURIComponent(name) },
    body: content,
  });
  return { status: response.status, body: (await response.json()) as Uploaded['body'] };
}

function download(url: string, token: string, id: string) {
  return fetch(`${url}/api/files/${id}`, { headers: { authorization: `Bearer ${token}` } });
}

async function until<T>(check: () => Promise<T>): Promise<NonNullable<T>> {
  for (let tries = 0; tries < 200; tries++) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('timed out');
}

async function command(peer: Peer, body: Record<string, unknown>) {
  const id = `cmd-${Math.random().toString(36).slice(2)}`;
  peer.send({ v: 1, type: 'command', id, command: body });
  return Promise.race([
    peer.next('ack', (frame) => frame.id === id),
    peer.next('error', (frame) => frame.id === id),
  ]) as Promise<Extract<ServerFrame, { type: 'ack' | 'error' }>>;
}

function suite(name: string, start: () => Promise<TestServer>) {
  describe(name, () => {
    let server: TestServer;
    let agent: Peer;
    before(async () => {
      server = await start();
      agent = (await hello(server.wsUrl, server.agentToken)).peer;
    });
    after(async () => {
      agent?.close();
      await server?.close();
    });

    test('a reply carries an uploaded image to its visitor; both sides download it with their own session', async () => {
      const visitor = await visitorWithChat(server.wsUrl);
      const uploaded = await upload(server.url, server.agentToken, PNG, 'image/png', 'Receipt.png');
      assert.equal(uploaded.status, 201);
      assert.deepEqual(
        { name: uploaded.body.name, type: uploaded.body.type, size: uploaded.body.size },
        { name: 'Receipt.png', type: 'image/png', size: PNG.length },
      );
      // What the client claims about the file is replaced by what was stored.
      const claimed = { id: uploaded.body.id, name: 'other.exe', type: 'application/zip', size: 1 };
      const ack = await command(agent, {
        type: 'message.reply',
        conversationId: visitor.conversationId,
        text: '',
        attachments: [claimed],
      });
      assert.equal(ack.type, 'ack');
      const shown = await visitor.peer.next('events', (frame) =>
        frame.events.some((e) => e.event.type === 'message.upserted' && e.event.message.attachments.length > 0),
      );
      const message = shown.events.find((e) => e.event.type === 'message.upserted')!.event as {
        message: { attachments: unknown[] };
      };
      assert.deepEqual(message.message.attachments, [
        { id: uploaded.body.id, name: 'Receipt.png', type: 'image/png', size: PNG.length },
      ]);

      for (const token of [visitor.sessionToken, server.agentToken]) {
        const response = await download(server.url, token, uploaded.body.id);
        assert.equal(response.status, 200);
        assert.deepEqual(Buffer.from(await response.arrayBuffer()), PNG);
        assert.equal(response.headers.get('content-type'), 'image/png');
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
        assert.match(response.headers.get('content-security-policy')!, /sandbox/);
        assert.match(response.headers.get('content-disposition')!, /^inline; filename="Receipt.png"/);
      }
      visitor.peer.close();
    });

    test('anything not a raster image downloads as an attachment; the visitor sends files too, a chat may start with one', async () => {
      const { peer, welcome } = await hello(server.wsUrl, '');
      await peer.next('snapshot');
      const token = welcome.sessionToken!;
      const pdf = await upload(server.url, token, PDF, 'application/pdf', 'Invoice 42.pdf');
      assert.equal(pdf.status, 201);
      const start = {
        v: 1,
        type: 'command',
        id: 'start-with-pdf',
        command: { type: 'visitor.startChat', text: '', attachments: [pdf.body] },
      };
      peer.send(start);
      const ack = await peer.next('ack', (frame) => frame.id === 'start-with-pdf');
      // Sent again (a reconnect): answered from its outcome, the same chat, not refused for its file.
      await until(async () => (await server.server.store.files('default').find(pdf.body.id))?.conversationId);
      peer.send(start);
      const again = await peer.next('ack', (frame) => frame.id === 'start-with-pdf');
      assert.equal(again.result?.conversationId, ack.result?.conversationId);
      for (const who of [token, server.agentToken]) {
        const response = await download(server.url, who, pdf.body.id);
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-disposition')!, /^attachment; filename="Invoice 42.pdf"/);
      }
      peer.close();
    });

    test('an upload that is too large, of a refused type or not what it claims is refused with a typed error', async () => {
      const big = await upload(server.url, server.agentToken, Buffer.alloc(2048, 1), 'text/plain', 'big.txt');
      assert.deepEqual([big.status, big.body.error?.code], [413, 'too-large']);
      for (const type of ['image/svg+xml', 'text/html', 'application/octet-stream']) {
        const refused = await upload(server.url, server.agentToken, Buffer.from('<svg/>'), type, 'x');
        assert.deepEqual([refused.status, refused.body.error?.code], [415, 'type-not-allowed'], type);
      }
      const fake = await upload(server.url, server.agentToken, Buffer.from('<script>alert(1)</script>'), 'image/png');
      assert.deepEqual([fake.status, fake.body.error?.code], [415, 'type-mismatch']);
      const anonymous = await fetch(`${server.url}/api/files`, {
        method: 'POST',
        headers: { 'content-type': 'image/png' },
        body: PNG,
      });
      assert.equal(anonymous.status, 401);
    });

    test('a page of another origin reads why an upload was refused; one signed in by cookie is answered to our own pages only', async () => {
      const origin = 'https://shop.example';
      const post = (headers: Record<string, string>) =>
        fetch(`${server.url}/api/files`, {
          method: 'POST',
          headers: { origin, 'content-type': 'image/png', [FILE_NAME_HEADER]: 'a.png', ...headers },
          body: PNG,
        });
      // No session yet (a widget before its welcome): the refusal says so, readable by the page.
      const anonymous = await post({});
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.headers.get('access-control-allow-origin'), origin);
      assert.equal(((await anonymous.json()) as Uploaded['body']).error?.code, 'unauthenticated');
      const bearer = await post({ authorization: `Bearer ${server.agentToken}` });
      assert.equal(bearer.status, 201);
      assert.equal(bearer.headers.get('access-control-allow-origin'), origin);
      const byCookie = await post({ cookie: 'confab_session=cs_not-a-session' });
      assert.equal(byCookie.headers.get('access-control-allow-origin'), null);
    });

    test('the same content uploaded twice is stored once (content-addressed per workspace)', async () => {
      const content = Buffer.concat([PNG, Buffer.from(`twice ${name}`)]);
      const first = await upload(server.url, server.agentToken, content, 'image/png', 'a.png');
      const second = await upload(server.url, server.agentToken, content, 'image/png', 'b.png');
      assert.notEqual(first.body.id, second.body.id);
      const files = server.server.store.files('default');
      const [a, b] = await Promise.all([files.find(first.body.id), files.find(second.body.id)]);
      assert.equal(a!.sha256, b!.sha256);
      if (server.server.store.kind === 'sqlite') {
        const blobs = readdirSync(join(server.dataDir, 'files', 'default', 'blobs'));
        assert.equal(blobs.filter((blob) => blob === a!.sha256).length, 1);
      }
    });

    test('names are sanitised: no path, no control or direction characters, no leading dots', async () => {
      const uploaded = await upload(
        server.url,
        server.agentToken,
        PNG,
        'image/png',
        '../../etc/.\u202egnp.exe\u0000<b>.png',
      );
      assert.equal(uploaded.status, 201);
      assert.equal(uploaded.body.name, 'gnp.exe_b_.png');
    });

    test("a comment's file never reaches the visitor: not in a frame, not by its id", async () => {
      const visitor = await visitorWithChat(server.wsUrl);
      const uploaded = await upload(server.url, server.agentToken, PNG, 'image/png', 'internal.png');
      const ack = await command(agent, {
        type: 'message.comment',
        conversationId: visitor.conversationId,
        text: 'see this',
        mentions: [],
        attachments: [uploaded.body],
      });
      assert.equal(ack.type, 'ack');
      assert.equal((await download(server.url, server.agentToken, uploaded.body.id)).status, 200);
      const response = await download(server.url, visitor.sessionToken, uploaded.body.id);
      assert.equal(response.status, 404);
      assert.doesNotMatch(await response.text(), /internal\.png/);
      // A reply after it: the visitor has seen every frame up to it.
      await command(agent, { type: 'message.reply', conversationId: visitor.conversationId, text: 'done' });
      await visitor.peer.next('events', (frame) =>
        frame.events.some((e) => e.event.type === 'message.upserted' && e.event.message.text === 'done'),
      );
      const frames = JSON.stringify(visitor.peer.frames);
      assert.ok(!frames.includes(uploaded.body.id) && !frames.includes('internal.png'));
      visitor.peer.close();
    });

    test("a visitor cannot download another visitor's file, nor attach a file someone else uploaded", async () => {
      const first = await visitorWithChat(server.wsUrl);
      const second = await visitorWithChat(server.wsUrl);
      const uploaded = await upload(server.url, first.sessionToken, PNG, 'image/png', 'mine.png');
      await command(first.peer, {
        type: 'visitor.message',
        conversationId: first.conversationId,
        text: '',
        attachments: [uploaded.body],
      });
      assert.equal((await download(server.url, first.sessionToken, uploaded.body.id)).status, 200);
      assert.equal((await download(server.url, second.sessionToken, uploaded.body.id)).status, 404);
      const stolen = await command(second.peer, {
        type: 'visitor.message',
        conversationId: second.conversationId,
        text: 'look',
        attachments: [uploaded.body],
      });
      assert.equal(stolen.type, 'error');
      assert.equal(stolen.type === 'error' && stolen.error.code, 'not-found');
      // A file nobody attached is served to nobody, not even its uploader.
      const loose = await upload(server.url, second.sessionToken, PNG, 'image/png');
      assert.equal((await download(server.url, second.sessionToken, loose.body.id)).status, 404);
      first.peer.close();
      second.peer.close();
    });

    test('"Delete forever" deletes the files of the conversation', async () => {
      const visitor = await visitorWithChat(server.wsUrl);
      // Content no other test stored: its blob goes with its one record.
      const content = Buffer.concat([PNG, Buffer.from(`gone ${name}`)]);
      const uploaded = await upload(server.url, server.agentToken, content, 'image/png', 'gone.png');
      await command(agent, {
        type: 'message.reply',
        conversationId: visitor.conversationId,
        text: 'x',
        attachments: [uploaded.body],
      });
      await command(agent, { type: 'conversation.trash', conversationIds: [visitor.conversationId] });
      const deleted = await command(agent, {
        type: 'conversation.deleteForever',
        conversationIds: [visitor.conversationId],
      });
      assert.equal(deleted.type, 'ack');
      const files = server.server.store.files('default');
      await until(async () => (await files.find(uploaded.body.id)) === null);
      assert.equal((await download(server.url, server.agentToken, uploaded.body.id)).status, 404);
      if (server.server.store.kind === 'sqlite') {
        const blobs = join(server.dataDir, 'files', 'default', 'blobs');
        const sha256 = createHash('sha256').update(content).digest('hex');
        // The records go first (a download meanwhile finds no file rather than a missing blob).
        await until(async () => !existsSync(join(blobs, sha256)));
        assert.ok(readdirSync(blobs).length > 0, 'the other tests’ files stay');
      }
      visitor.peer.close();
    });
  });
}

suite('files on the embedded server (disk)', () => startTestServer({ uploadMaxBytes: 1024 }));

describe('files on PostgreSQL', () => {
  let postgres: ThrowawayPostgres;
  before(async () => {
    postgres = await startThrowawayPostgres();
  });
  after(() => postgres?.stop());
  suite('files on a server on PostgreSQL', async () =>
    startTestServer({ uploadMaxBytes: 1024, databaseUrl: await postgres.createDatabase() }),
  );
});

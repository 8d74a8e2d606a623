// Inbound email as mail servers send it (issue 17): raw MIME besides JSON, display names with
// commas, encoded words, charsets, HTML entities, and HTML bodies of a newsletter's size.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { postJson, startTestServer, type TestServer } from '../testing/harness.test-util.js';

const INGEST = { authorization: 'Bearer test-ingest' };

function unique(): string {
  return Math.random().toString(36).slice(2);
}

describe('channels: inbound email as mail servers send it', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());
  const url = () => `${t.url}/api/channels/email/inbound`;
  const postRaw = (raw: string | Buffer) =>
    fetch(url(), { method: 'POST', headers: { ...INGEST, 'content-type': 'message/rfc822' }, body: raw });
  const conversationOf = (conversationId: string) => {
    const state = t.server.backend.state;
    const conversation = state.conversations.get(conversationId)!;
    const messages = state.messages.get(conversationId) ?? [];
    const contact = state.contacts.get(conversation.contactId!)!;
    return { conversation, messages, contact };
  };

  test('V4 a display name with a comma, in From and in a To list, is one address (JSON)', async () => {
    const response = await postJson(
      url(),
      {
        from: '"Doe, Jane" <jane@customer.example>',
        to: '"Team, Support" <support@team.example>, "Sales \\"EU\\"" <sales@team.example>',
        subject: 'Commas',
        text: 'Hello',
        messageId: `<${unique()}@customer.example>`,
      },
      INGEST,
    );
    assert.equal(response.status, 200, JSON.stringify(response.json));
    const { conversation, contact, messages } = conversationOf(response.json.result.conversationId);
    assert.equal(contact.name, 'Doe, Jane');
    assert.equal(contact.email, 'jane@customer.example');
    assert.equal(conversation.subject, 'Commas');
    assert.deepEqual(messages[0]!.email?.to, ['support@team.example', 'sales@team.example']);
  });

  test('V4 encoded words in names and subjects are decoded; HTML entities never reach the text (JSON)', async () => {
    const response = await postJson(
      url(),
      {
        from: '=?ISO-8859-1?Q?J=F6rg_M=FCller?= <joerg@customer.example>',
        to: 'support@team.example',
        subject: '=?UTF-8?B?UmVjaG51bmcgZsO8ciBNw6Ryeg==?=',
        html: '<p>Tom &amp; Jerry &mdash; 5 &lt; 6 &euro;&nbsp;10</p><script>alert(1)</script><style>p{}</style>',
        messageId: `<${unique()}@customer.example>`,
      },
      INGEST,
    );
    assert.equal(response.status, 200, JSON.stringify(response.json));
    const { conversation, contact, messages } = conversationOf(response.json.result.conversationId);
    assert.equal(contact.name, 'Jörg Müller');
    assert.equal(conversation.subject, 'Rechnung für März');
    assert.equal(messages[0]!.text, 'Tom & Jerry — 5 < 6 € 10');
  });

  test('V4 a 100 KB HTML newsletter is accepted; past 256 KiB the html field is refused with 413 and its path', async () => {
    const row = '<tr><td style="padding:8px;font-family:Arial,sans-serif;color:#333">Spring sale: 20% off</td></tr>';
    const html = `<table>${row.repeat(Math.ceil(100_000 / row.length))}</table>`;
    assert.ok(html.length >= 100_000);
    const accepted = await postJson(
      url(),
      { from: 'news@shop.example', to: 'support@team.example', subject: 'Sale', html, messageId: `<${unique()}@shop>` },
      INGEST,
    );
    assert.equal(accepted.status, 200, JSON.stringify(accepted.json));
    const { messages } = conversationOf(accepted.json.result.conversationId);
    assert.match(messages[0]!.text, /^Spring sale: 20% off/);
    assert.equal(messages[0]!.email?.html, html);

    const tooLong = await postJson(
      url(),
      {
        from: 'news@shop.example',
        to: 'support@team.example',
        html: 'x'.repeat(256 * 1024 + 1),
        messageId: `<${unique()}@shop>`,
      },
      INGEST,
    );
    assert.equal(tooLong.status, 413);
    assert.equal(tooLong.json.error.path, 'html');
  });

  test('V4 a raw MIME message (message/rfc822): multipart, quoted-printable Latin-1, encoded subject, threading, retries count once', async () => {
    const id = unique();
    const first = [
      'From: "Doe, Jane" <jane.raw@customer.example>',
      'To: "Team, Support" <support@team.example>',
      'Cc: =?UTF-8?Q?Bj=C3=B6rn?= <bjorn@customer.example>',
      '=?UTF-8?Q?Subject:_x?=',
      'Subject: =?UTF-8?Q?Caf=C3=A9_order_=E2=80=94_broken?=',
      `Message-ID: <${id}@customer.example>`,
      'Date: Thu, 03 Dec 2026 10:00:00 +0100',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=ISO-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Mijn caf=E9 kwam kapot aan. Kunt u helpen?',
      '--b1',
      'Content-Type: text/html; charset=UTF-8',
      '',
      '<p>Mijn caf&eacute; kwam kapot aan. Kunt u helpen?</p>',
      '--b1--',
      '',
    ].join('\r\n');
    const response = await postRaw(first);
    const body = (await response.json()) as { result: { conversationId: string } };
    assert.equal(response.status, 200, JSON.stringify(body));
    const conversationId = body.result.conversationId;
    const { conversation, contact, messages } = conversationOf(conversationId);
    assert.equal(conversation.channel, 'email');
    assert.equal(conversation.subject, 'Café order — broken');
    assert.equal(contact.name, 'Doe, Jane');
    assert.equal(messages[0]!.text, 'Mijn café kwam kapot aan. Kunt u helpen?');
    assert.match(messages[0]!.email!.html!, /caf&eacute;/);
    assert.deepEqual(messages[0]!.email?.cc, ['bjorn@customer.example']);

    // The mail server retries: still one message.
    assert.equal((await postRaw(first)).status, 200);
    assert.equal(conversationOf(conversationId).messages.length, 1);

    // A reply threads by In-Reply-To; a base64 body and an attachment do not get in the way.
    const reply = [
      'From: jane.raw@customer.example',
      'To: support@team.example',
      'Subject: Re: Cafe order',
      `Message-ID: <${unique()}@customer.example>`,
      `In-Reply-To: <${id}@customer.example>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b2"',
      '',
      '--b2',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('Hier is een foto 📷').toString('base64'),
      '--b2',
      'Content-Type: image/jpeg; name="photo.jpg"',
      'Content-Disposition: attachment; filename="photo.jpg"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.alloc(2048, 7).toString('base64'),
      '--b2--',
      '',
    ].join('\r\n');
    assert.equal((await postRaw(reply)).status, 200);
    const thread = conversationOf(conversationId).messages;
    assert.equal(thread.length, 2);
    assert.equal(thread[1]!.text, 'Hier is een foto 📷');
  });

  test('V4 raw mail without Message-ID counts once when retried; Bcc mail is addressed by Delivered-To', async () => {
    const raw = ['From: x@customer.example', 'Delivered-To: support@team.example', 'Subject: No id', '', 'Hi'].join(
      '\r\n',
    );
    const first = await postRaw(raw);
    const body = (await first.json()) as { result: { conversationId: string } };
    assert.equal(first.status, 200, JSON.stringify(body));
    const seq = t.server.backend.seq;
    assert.equal((await postRaw(raw)).status, 200);
    assert.equal(t.server.backend.seq, seq, 'the retry changed nothing');
    assert.deepEqual(conversationOf(body.result.conversationId).messages[0]!.email?.to, ['support@team.example']);
  });

  test('V4 raw refusals are typed: no From is 400 with its path, an empty body 400, the token is still required', async () => {
    const noFrom = await postRaw(['To: support@team.example', 'Subject: ?', '', 'Hi'].join('\r\n'));
    assert.equal(noFrom.status, 400);
    assert.equal(((await noFrom.json()) as { error: { path: string } }).error.path, 'from');
    assert.equal((await postRaw('')).status, 400);
    const anonymous = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822' },
      body: 'From: a@b.example\r\n\r\nHi',
    });
    assert.equal(anonymous.status, 401);
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { messengerSignature } from './messenger.js';
import { parseInboundEmail } from './email.js';
import { postJson, startTestServer, type TestServer } from '../testing/harness.test-util.js';

const INGEST = { authorization: 'Bearer test-ingest' };

function email(overrides: Record<string, unknown> = {}) {
  return {
    from: 'Carla Customer <carla@customer.example>',
    to: 'support@team.example',
    subject: 'My order',
    text: 'Where is my order?',
    messageId: `<m-${Math.random().toString(36).slice(2)}@customer.example>`,
    date: '2025-01-02T10:00:00Z',
    ...overrides,
  };
}

function messengerBody(mid: string, text: string, senderId = 'psid-1') {
  return {
    object: 'page',
    entry: [
      {
        id: 'page-1',
        time: 1700000000000,
        messaging: [
          { sender: { id: senderId }, recipient: { id: 'page-1' }, timestamp: 1700000000000, message: { mid, text } },
        ],
      },
    ],
  };
}

describe('channels: email', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());
  const url = () => `${t.url}/api/channels/email/inbound`;

  test('V4 an inbound email with the ingest token becomes an email conversation', async () => {
    const response = await postJson(url(), email({ subject: 'Hello email', cc: ['dan@customer.example'] }), INGEST);
    assert.equal(response.status, 200);
    const conversation = t.server.backend.state.conversations.get(response.json.result.conversationId);
    assert.equal(conversation?.channel, 'email');
    assert.equal(conversation?.subject, 'Hello email');
    assert.equal(conversation?.filtered, null);
  });

  test('refusals are typed: 401 without or with a wrong token, 415 for another content type, 400 with the field path, 413 when too large', async () => {
    const none = await postJson(url(), email());
    assert.equal(none.status, 401);
    assert.equal(none.json.error.code, 'unauthenticated');
    assert.equal((await postJson(url(), email(), { authorization: 'Bearer nope' })).status, 401);

    const text = await fetch(url(), {
      method: 'POST',
      headers: { ...INGEST, 'content-type': 'text/plain' },
      body: 'hi',
    });
    assert.equal(text.status, 415);
    assert.equal(((await text.json()) as { error: { code: string } }).error.code, 'unsupported-media-type');

    const missingFrom = await postJson(url(), email({ from: undefined }), INGEST);
    assert.equal(missingFrom.status, 400);
    assert.deepEqual([missingFrom.json.error.code, missingFrom.json.error.path], ['invalid', 'from']);
    const badTo = await postJson(url(), email({ to: ['not an address'] }), INGEST);
    assert.equal(badTo.json.error.path, 'to[0]');
    const badJson = await postJson(url(), '{"from": ', INGEST);
    assert.deepEqual([badJson.status, badJson.json.error.code], [400, 'invalid']);

    const huge = await postJson(url(), email({ text: 'x'.repeat(2 * 1024 * 1024) }), INGEST);
    assert.equal(huge.status, 413);
    assert.equal(huge.json.error.code, 'too-large');
    const longText = await postJson(url(), email({ text: 'x'.repeat(70_000) }), INGEST);
    assert.deepEqual([longText.status, longText.json.error.path], [413, 'text']);
  });

  test('a reply threads into its conversation by inReplyTo, and a repeated Message-ID is stored once', async () => {
    const first = email({ messageId: '<thread-1@customer.example>' });
    const opened = await postJson(url(), first, INGEST);
    const reply = await postJson(
      url(),
      email({ messageId: '<thread-2@customer.example>', inReplyTo: '<thread-1@customer.example>', text: 'Any news?' }),
      INGEST,
    );
    assert.equal(reply.json.result.conversationId, opened.json.result.conversationId);
    const again = await postJson(url(), first, INGEST);
    assert.equal(again.status, 200);
    const messages = t.server.backend.state.messages.get(opened.json.result.conversationId) ?? [];
    assert.equal(messages.filter((message) => message.direction === 'inbound').length, 2);
  });

  test('V10 an email from a role-based address lands in Filtered', async () => {
    const response = await postJson(url(), email({ from: 'noreply@vendor.example' }), INGEST);
    assert.equal(response.status, 200);
    assert.equal(
      t.server.backend.state.conversations.get(response.json.result.conversationId)?.filtered,
      'role-address',
    );
  });

  test('V10 bulk mail (List-Unsubscribe) is marked promotional and lands in Filtered', async () => {
    const response = await postJson(
      url(),
      email({ from: 'deals@shop.example', headers: { 'List-Unsubscribe': '<mailto:u@shop.example>' } }),
      INGEST,
    );
    assert.equal(
      t.server.backend.state.conversations.get(response.json.result.conversationId)?.filtered,
      'promotional',
    );
  });

  test('the payload parser keeps names, lowercases addresses, strips Message-ID brackets and reads html-only mail as text', () => {
    const command = parseInboundEmail({
      from: 'Eve <EVE@Example.COM>',
      to: ['a@b.example'],
      subject: 's',
      html: '<p>Hi <b>there</b></p><script>x()</script>',
      messageId: '<id@x>',
    });
    assert.equal(command.from, 'eve@example.com');
    assert.equal(command.fromName, 'Eve');
    assert.equal(command.messageId, 'id@x');
    assert.equal(command.text, 'Hi there');
  });
});

describe('channels: Messenger and forms', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ messenger: { appSecret: 'app-secret', verifyToken: 'verify-me' } });
    // The webhook files a page's messages into the workspace that registered the page (issue 19).
    const registered = await postJson(
      `${t.url}/api/admin/messenger-pages`,
      { pageId: 'page-1', pageToken: 'page-1-access-token' },
      { authorization: 'Bearer test-admin' },
    );
    assert.equal(registered.status, 201);
  });
  after(() => t.close());
  const url = () => `${t.url}/api/channels/messenger/webhook`;

  test('V6 the verification challenge is echoed only for the right verify token', async () => {
    const ok = await fetch(`${url()}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), '1158201444');
    const wrong = await fetch(`${url()}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
    assert.equal(wrong.status, 403);
    assert.equal(((await wrong.json()) as { error: { code: string } }).error.code, 'forbidden');
  });

  test('V6 a signed webhook becomes a Messenger conversation; a retried delivery counts once; a later message threads', async () => {
    const body = JSON.stringify(messengerBody('mid.1', 'Hi from Messenger'));
    const signed = { 'x-hub-signature-256': messengerSignature(body, 'app-secret') };
    const first = await postJson(url(), body, signed);
    assert.equal(first.status, 200);
    const conversationId = first.json.results[0].conversationId as string;
    assert.equal(t.server.backend.state.conversations.get(conversationId)?.channel, 'messenger');
    assert.equal((await postJson(url(), body, signed)).status, 200);
    const next = JSON.stringify(messengerBody('mid.2', 'Second message'));
    const threaded = await postJson(url(), next, { 'x-hub-signature-256': messengerSignature(next, 'app-secret') });
    assert.equal(threaded.json.results[0].conversationId, conversationId);
    const texts = (t.server.backend.state.messages.get(conversationId) ?? []).map((message) => message.text);
    assert.deepEqual(
      texts.filter((text) => text === 'Hi from Messenger' || text === 'Second message'),
      ['Hi from Messenger', 'Second message'],
    );
  });

  test('a webhook with a missing or wrong signature is refused with 401 and changes nothing', async () => {
    const body = JSON.stringify(messengerBody('mid.evil', 'forged'));
    const seq = t.server.backend.seq;
    const attempts: Record<string, string>[] = [
      {},
      { 'x-hub-signature-256': messengerSignature(body, 'other-secret') },
      { 'x-hub-signature-256': 'sha256=zz' },
    ];
    for (const headers of attempts) {
      const response = await postJson(url(), body, headers);
      assert.equal(response.status, 401);
      assert.equal(response.json.error.code, 'unauthenticated');
    }
    // Signed for a different body.
    const tampered = await postJson(url(), body.replace('forged', 'Forged'), {
      'x-hub-signature-256': messengerSignature(body, 'app-secret'),
    });
    assert.equal(tampered.status, 401);
    assert.equal(t.server.backend.seq, seq);
  });

  test('echoes and receipts in a webhook are skipped', async () => {
    const body = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: 'p',
          time: 1,
          messaging: [
            {
              sender: { id: 'page' },
              recipient: { id: 'u' },
              timestamp: 1,
              message: { mid: 'e1', text: 'echo', is_echo: true },
            },
            { sender: { id: 'u' }, recipient: { id: 'p' }, timestamp: 1, read: { watermark: 1 } },
          ],
        },
      ],
    });
    const response = await postJson(url(), body, { 'x-hub-signature-256': messengerSignature(body, 'app-secret') });
    assert.deepEqual([response.status, response.json.received], [200, 0]);
  });

  test('V7 a form submission becomes a form conversation; a repeated submissionId counts once; refusals are typed', async () => {
    const formUrl = `${t.url}/api/channels/forms/submit`;
    const submission = {
      formId: 'contact-us',
      submissionId: 'sub-1',
      fields: { email: 'fran@customer.example', name: 'Fran', message: 'Call me' },
    };
    const response = await postJson(formUrl, submission, INGEST);
    assert.equal(response.status, 200);
    const conversationId = response.json.result.conversationId as string;
    assert.equal(t.server.backend.state.conversations.get(conversationId)?.channel, 'form');
    const again = await postJson(formUrl, submission, INGEST);
    assert.equal(again.json.result.conversationId, conversationId);
    const forms = [...t.server.backend.state.conversations.values()].filter(
      (conversation) => conversation.channel === 'form',
    );
    assert.equal(forms.length, 1);

    assert.equal((await postJson(formUrl, submission)).status, 401);
    const noFields = await postJson(formUrl, { formId: 'x' }, INGEST);
    assert.deepEqual([noFields.status, noFields.json.error.path], [400, 'fields']);
    const badField = await postJson(formUrl, { formId: 'x', fields: { a: { nested: true } } }, INGEST);
    assert.deepEqual([badField.status, badField.json.error.path], [400, 'fields.a']);
  });
});

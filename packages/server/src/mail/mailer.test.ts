import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hello, startTestServer, type TestServer, sleep } from '../testing/harness.test-util.js';
import { smtpSink } from '../testing/smtp-sink.test-util.js';

async function composeAndWait(t: TestServer, to: string, subject: string) {
  const { peer } = await hello(t.wsUrl, t.agentToken);
  await peer.next('snapshot');
  peer.send({
    v: 1,
    type: 'command',
    id: `compose-${subject}`,
    command: { type: 'email.compose', to, subject, text: 'Body of ' + subject },
  });
  const ack = await peer.next('ack', (frame) => frame.id === `compose-${subject}`);
  return { peer, ack };
}

describe('outbound email', () => {
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let t: TestServer;
  before(async () => {
    sink = await smtpSink();
    t = await startTestServer({ smtpUrl: `smtp://127.0.0.1:${sink.port}?ignoreTLS=true` });
  });
  after(async () => {
    await t.close();
    await sink.close();
  });

  test('C1 with CONFAB_SMTP_URL a composed email is sent through SMTP and then recorded as sent', async () => {
    const { peer, ack } = await composeAndWait(t, 'gina@customer.example', 'Quote');
    const messageId = ack.result!.messageId!;
    const conversationId = ack.result!.conversationId!;
    for (let waited = 0; waited < 5000 && t.server.storage.delivery(messageId)?.state !== 'sent'; waited += 20)
      await sleep(20);
    assert.equal(sink.messages.length, 1);
    assert.deepEqual(sink.messages[0]!.to, ['gina@customer.example']);
    assert.match(sink.messages[0]!.data, /Subject: Quote/);
    assert.match(sink.messages[0]!.data, /Body of Quote/);
    // The stored id is already `<id@host>`: the header carries one pair of angle brackets.
    assert.match(sink.messages[0]!.data, /^Message-ID: <[^<>\s]+>\r?$/im);
    assert.equal(t.server.storage.delivery(messageId)?.state, 'sent');
    // The message itself says sent, and the agent's socket heard it.
    await peer.next('events', (frame) =>
      frame.events.some(
        ({ event }) =>
          event.type === 'message.upserted' && event.message.id === messageId && event.message.delivery === 'sent',
      ),
    );
    const message = t.server.backend.state.messages
      .get(conversationId)
      ?.find((candidate) => candidate.id === messageId);
    assert.equal(message?.delivery, 'sent');
    peer.close();
  });
});

describe('outbound email without SMTP', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('C1 without SMTP a composed email stays queued and is never reported sent', async () => {
    const { peer, ack } = await composeAndWait(t, 'hal@customer.example', 'Unsent');
    await sleep(300);
    const message = t.server.backend.state.messages
      .get(ack.result!.conversationId!)
      ?.find((candidate) => candidate.id === ack.result!.messageId);
    assert.equal(message?.delivery, 'queued');
    assert.equal(t.server.storage.delivery(ack.result!.messageId!), null);
    assert.equal(t.server.storage.pendingEmails().length, 1);
    const health = (await (
      await fetch(`${t.url}/health?details`, { headers: { authorization: 'Bearer test-admin' } })
    ).json()) as { mail: { smtp: boolean; pending: number } };
    assert.deepEqual(health.mail, { smtp: false, pending: 1 });
    peer.close();
  });
});

describe('outbound email after a restart', () => {
  test('C1 email queued while SMTP was not configured is sent once the server restarts with SMTP, exactly once', async () => {
    const { tempDataDir } = await import('../testing/harness.test-util.js');
    const dataDir = tempDataDir();
    const first = await startTestServer({ dataDir });
    const { peer, ack } = await composeAndWait(first, 'ivy@customer.example', 'Later');
    peer.close();
    await first.close();

    const sink = await smtpSink();
    const second = await startTestServer({ dataDir, smtpUrl: `smtp://127.0.0.1:${sink.port}?ignoreTLS=true` });
    try {
      const messageId = ack.result!.messageId!;
      for (let waited = 0; waited < 5000 && second.server.storage.delivery(messageId)?.state !== 'sent'; waited += 20)
        await sleep(20);
      assert.equal(second.server.storage.delivery(messageId)?.state, 'sent');
      await second.server.mailer.idle();
      assert.equal(sink.messages.length, 1);
      assert.match(sink.messages[0]!.data, /Subject: Later/);
    } finally {
      await second.close();
      await sink.close();
      (await import('node:fs')).rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a failing SMTP server leaves the email queued with the error recorded, never sent', async () => {
    const t = await startTestServer({
      mailTransport: { sendMail: async () => Promise.reject(new Error('550 mailbox unavailable')) },
    });
    try {
      const { peer, ack } = await composeAndWait(t, 'jo@customer.example', 'Bounce');
      const messageId = ack.result!.messageId!;
      for (let waited = 0; waited < 3000 && !t.server.storage.delivery(messageId); waited += 20) await sleep(20);
      const delivery = t.server.storage.delivery(messageId);
      assert.equal(delivery?.state, 'queued');
      assert.match(delivery?.lastError ?? '', /550/);
      const message = t.server.backend.state.messages
        .get(ack.result!.conversationId!)
        ?.find((candidate) => candidate.id === messageId);
      assert.equal(message?.delivery, 'queued');
      peer.close();
    } finally {
      await t.close();
    }
  });
});

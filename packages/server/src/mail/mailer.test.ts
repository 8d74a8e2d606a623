import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hello, startTestServer, type TestServer, sleep } from '../testing/harness.test-util.js';
import { smtpSink, type SmtpSink } from '../testing/smtp-sink.test-util.js';
import { attemptsWithin } from './mailer.js';

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
    for (let waited = 0; waited < 5000 && (await t.server.storage.delivery(messageId))?.state !== 'sent'; waited += 20)
      await sleep(20);
    assert.equal(sink.messages.length, 1);
    assert.deepEqual(sink.messages[0]!.to, ['gina@customer.example']);
    assert.match(sink.messages[0]!.data, /Subject: Quote/);
    assert.match(sink.messages[0]!.data, /Body of Quote/);
    // The stored id is already `<id@host>`: the header carries one pair of angle brackets.
    assert.match(sink.messages[0]!.data, /^Message-ID: <[^<>\s]+>\r?$/im);
    assert.equal((await t.server.storage.delivery(messageId))?.state, 'sent');
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

describe('forward (T7) and transcript (T4) through a real SMTP server', () => {
  let sink: SmtpSink;
  let t: TestServer;
  before(async () => {
    sink = await smtpSink();
    t = await startTestServer({ smtpUrl: `smtp://127.0.0.1:${sink.port}?ignoreTLS=true` });
  });
  after(async () => {
    await t.close();
    await sink.close();
  });

  /** Waits for the sink to hold `count` messages for `to`, and returns the last one's data. */
  async function mailTo(to: string, count = 1): Promise<string> {
    for (let waited = 0; waited < 10_000; waited += 20) {
      const found = sink.messages.filter((message) => message.to.includes(to));
      if (found.length >= count) return found[count - 1]!.data;
      await sleep(20);
    }
    throw new Error(`no mail for ${to}`);
  }

  test("T7 a forward carries the latest email (the customer's) with the note; T4 a transcript carries the thread without comments (R2)", async () => {
    const inbound = await fetch(`${t.url}/api/channels/email/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-ingest' },
      body: JSON.stringify({
        from: 'Gina <gina@customer.example>',
        to: 'support@team.example',
        subject: 'Invoice 2024-17',
        text: 'The invoice amount looks wrong.',
        messageId: '<invoice-17@customer.example>',
      }),
    });
    const conversationId = ((await inbound.json()) as { result: { conversationId: string } }).result.conversationId;
    const agent = { kind: 'agent' as const, agentId: t.server.backend.state.agents.keys().next().value! };
    await t.server.backend.execute(agent, {
      type: 'message.comment',
      conversationId,
      text: 'INTERNAL: she is a key account',
      mentions: [],
    });
    await t.server.backend.execute(agent, {
      type: 'conversation.forward',
      conversationId,
      to: 'billing@team.example',
      note: 'Can you check this one?',
    });
    const forwarded = await mailTo('billing@team.example');
    assert.match(forwarded, /Subject: Fwd: Invoice 2024-17/i);
    assert.match(forwarded, /Can you check this one\?/);
    assert.match(forwarded, /The invoice amount looks wrong\./);
    assert.doesNotMatch(forwarded, /INTERNAL/);
    // The team's reply is now the latest email: a transcript carries the whole thread.
    await t.server.backend.execute(agent, {
      type: 'message.reply',
      conversationId,
      text: 'We are looking into it.',
    });

    await t.server.backend.execute(agent, {
      type: 'conversation.sendTranscript',
      conversationId,
      to: 'gina@customer.example',
    });
    // The reply went to her first; the transcript is her second email.
    const transcript = await mailTo('gina@customer.example', 2);
    assert.match(transcript, /The invoice amount looks wrong\./);
    assert.match(transcript, /We are looking into it\./);
    assert.doesNotMatch(transcript, /INTERNAL|key account/, 'a comment never leaves the team (R2)');
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
    assert.equal(await t.server.storage.delivery(ack.result!.messageId!), null);
    assert.equal((await t.server.storage.pendingEmails()).length, 1);
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
      for (
        let waited = 0;
        waited < 5000 && (await second.server.storage.delivery(messageId))?.state !== 'sent';
        waited += 20
      )
        await sleep(20);
      assert.equal((await second.server.storage.delivery(messageId))?.state, 'sent');
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
      for (let waited = 0; waited < 3000 && !(await t.server.storage.delivery(messageId)); waited += 20)
        await sleep(20);
      const delivery = await t.server.storage.delivery(messageId);
      assert.equal(delivery?.state, 'queued');
      assert.match(delivery?.lastError ?? '', /550/);
      // The thread hears why it is still queued.
      await peer.next('events', (frame) =>
        frame.events.some(
          ({ event }) =>
            event.type === 'message.upserted' &&
            event.message.id === messageId &&
            event.message.delivery === 'queued' &&
            /550 mailbox unavailable/.test(event.message.deliveryError ?? ''),
        ),
      );
      peer.close();
    } finally {
      await t.close();
    }
  });
});

describe('outbound email refused until its retry window ends', () => {
  let sink: SmtpSink;
  let t: TestServer;
  before(async () => {
    sink = await smtpSink();
    // A window shorter than the first backoff: the first refusal is final.
    t = await startTestServer({ smtpUrl: `smtp://127.0.0.1:${sink.port}?ignoreTLS=true`, emailRetryWindowMs: 1 });
  });
  after(async () => {
    await t.close();
    await sink.close();
  });

  test('C1 a refused email is marked failed with the server answer; sending it again delivers it once', async () => {
    sink.refuseRecipients = '550 5.1.1 No such user here';
    const { peer, ack } = await composeAndWait(t, 'kim@customer.example', 'Refused');
    const messageId = ack.result!.messageId!;
    const conversationId = ack.result!.conversationId!;
    const failed = await peer.next('events', (frame) =>
      frame.events.some(
        ({ event }) =>
          event.type === 'message.upserted' && event.message.id === messageId && event.message.delivery === 'failed',
      ),
    );
    const failedMessage = failed.events.find(({ event }) => event.type === 'message.upserted')!.event as {
      message: { deliveryError?: string };
    };
    assert.match(failedMessage.message.deliveryError ?? '', /^550 5\.1\.1 No such user here/);
    assert.equal((await t.server.storage.delivery(messageId))?.state, 'failed');
    assert.equal(sink.messages.length, 0);

    sink.refuseRecipients = null;
    peer.send({ v: 1, type: 'command', id: 'retry-1', command: { type: 'message.resend', conversationId, messageId } });
    await peer.next('ack', (frame) => frame.id === 'retry-1');
    await peer.next('events', (frame) =>
      frame.events.some(
        ({ event }) =>
          event.type === 'message.upserted' &&
          event.message.id === messageId &&
          event.message.delivery === 'sent' &&
          event.message.deliveryError === undefined,
      ),
    );
    await t.server.mailer.idle();
    assert.equal(sink.messages.length, 1);
    assert.deepEqual(sink.messages[0]!.to, ['kim@customer.example']);
    assert.match(sink.messages[0]!.data, /Subject: Refused/);

    // A delivered email is not sent again: the engine refuses, naming why.
    peer.send({ v: 1, type: 'command', id: 'retry-2', command: { type: 'message.resend', conversationId, messageId } });
    const refused = await peer.next('error', (frame) => frame.id === 'retry-2');
    assert.equal(refused.error.reason, 'delivery-not-failed');
    await t.server.mailer.idle();
    assert.equal(sink.messages.length, 1);
    peer.close();
  });
});

test('the retry window is counted in attempts: 24 hours of backoff up to 15 minutes', () => {
  const delay = (attempt: number) => Math.min(15 * 60_000, 1000 * 2 ** attempt);
  assert.equal(attemptsWithin(1, delay), 1);
  // 2 s + 4 s + … + 512 s = 1,022 s over nine waits, then 15 minutes each until 24 hours have passed.
  assert.equal(attemptsWithin(24 * 60 * 60 * 1000, delay), 10 + Math.floor((86_400 - 1_022) / 900));
});

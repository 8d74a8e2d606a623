// Issue 17: Cc, Bcc, the agent's signature and attachments on outbound email, through a real SMTP
// server (the envelope's recipients and the message's headers and MIME parts as it received them).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import type { ServerFrame } from '@confab/core';
import { hello, sleep, startTestServer, type Peer, type TestServer } from '../testing/harness.test-util.js';
import { smtpSink, type SmtpSink } from '../testing/smtp-sink.test-util.js';
import { FILE_NAME_HEADER } from '../files/file-routes.js';

const PDF = Buffer.from('%PDF-1.7\n% the quote, one page\n');

describe('Cc, Bcc, signature and attachments on outbound email (issue 17)', () => {
  let sink: SmtpSink;
  let t: TestServer;
  let peer: Peer;
  let commands = 0;
  before(async () => {
    sink = await smtpSink();
    t = await startTestServer({ smtpUrl: `smtp://127.0.0.1:${sink.port}?ignoreTLS=true` });
    ({ peer } = await hello(t.wsUrl, t.agentToken));
    await peer.next('snapshot');
  });
  after(async () => {
    peer.close();
    await t.close();
    await sink.close();
  });

  /** Sends a command over the agent's socket: its ack's result, or the refusal. */
  async function command(body: Record<string, unknown>) {
    const id = `c${++commands}`;
    peer.send({ v: 1, type: 'command', id, command: body });
    for (let waited = 0; waited < 5000; waited += 10) {
      const answer = peer.frames.find(
        (frame): frame is Extract<ServerFrame, { type: 'ack' | 'error' }> =>
          (frame.type === 'ack' || frame.type === 'error') && frame.id === id,
      );
      if (answer) return answer;
      await sleep(10);
    }
    throw new Error(`no answer to ${id}`);
  }

  /** The message the sink received for this envelope recipient (the `count`-th one). */
  async function mailTo(to: string, count = 1) {
    for (let waited = 0; waited < 10_000; waited += 20) {
      const found = sink.messages.filter((message) => message.to.includes(to));
      if (found.length >= count) return found[count - 1]!;
      await sleep(20);
    }
    throw new Error(`no mail for ${to}`);
  }

  async function emailThread(subject: string): Promise<string> {
    const response = await fetch(`${t.url}/api/channels/email/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-ingest' },
      body: JSON.stringify({
        from: 'Gina <gina@customer.example>',
        to: 'support@team.example',
        subject,
        text: 'Can I have a quote?',
        messageId: `<${subject.replace(/\W/g, '')}@customer.example>`,
      }),
    });
    return ((await response.json()) as { result: { conversationId: string } }).result.conversationId;
  }

  test('a reply goes to To, Cc and Bcc; the Bcc is in the envelope only, never in a header', async () => {
    const conversationId = await emailThread('Quote please');
    const ack = await command({
      type: 'message.reply',
      conversationId,
      text: 'Here is the quote.',
      cc: ['cfo@customer.example'],
      bcc: ['crm@team.example'],
    });
    assert.equal(ack.type, 'ack');
    const mail = await mailTo('gina@customer.example');
    assert.deepEqual([...mail.to].sort(), ['cfo@customer.example', 'crm@team.example', 'gina@customer.example']);
    const parsed = await simpleParser(mail.data);
    assert.equal(parsed.cc && !Array.isArray(parsed.cc) ? parsed.cc.text : '', 'cfo@customer.example');
    assert.equal(parsed.bcc, undefined);
    assert.doesNotMatch(mail.data, /crm@team\.example/i, 'the blind copy is nowhere in what was sent');
    assert.doesNotMatch(mail.data, /^bcc:/im);
  });

  test('compose sends its Cc and Bcc the same way; a bad address is refused, naming it, and nothing is sent', async () => {
    const before = sink.messages.length;
    const refused = await command({
      type: 'email.compose',
      to: 'ivy@prospect.example',
      cc: ['ok@prospect.example', 'not-an-address'],
      subject: 'Refused',
      text: 'x',
    });
    assert.equal(refused.type, 'error');
    assert.deepEqual(refused.type === 'error' && { reason: refused.error.reason, params: refused.error.params }, {
      reason: 'bad-address',
      params: { address: 'not-an-address' },
    });
    const ack = await command({
      type: 'email.compose',
      to: 'ivy@prospect.example',
      cc: ['boss@prospect.example'],
      bcc: ['archive@team.example'],
      subject: 'Offer',
      text: 'Our offer.',
    });
    assert.equal(ack.type, 'ack');
    const mail = await mailTo('ivy@prospect.example');
    assert.deepEqual([...mail.to].sort(), ['archive@team.example', 'boss@prospect.example', 'ivy@prospect.example']);
    assert.match(mail.data, /^Cc: boss@prospect\.example\r?$/im);
    assert.doesNotMatch(mail.data, /archive@team\.example/);
    await t.server.mailer.idle();
    assert.equal(sink.messages.length, before + 1, 'the refused compose sent nothing');
  });

  test("the agent's signature goes below an email reply, and files go as MIME parts", async () => {
    assert.equal((await command({ type: 'agent.setSignature', signature: 'Anna\nConfab support' })).type, 'ack');
    const upload = await fetch(`${t.url}/api/files`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${t.agentToken}`,
        'content-type': 'application/pdf',
        [FILE_NAME_HEADER]: encodeURIComponent('quote 17.pdf'),
      },
      body: PDF,
    });
    assert.equal(upload.status, 201);
    const file = await upload.json();
    const conversationId = await emailThread('Files please');
    const ack = await command({
      type: 'message.reply',
      conversationId,
      text: 'The quote is attached.',
      attachments: [file],
    });
    assert.equal(ack.type, 'ack');
    const mail = await mailTo('gina@customer.example', 2);
    const parsed = await simpleParser(mail.data);
    assert.equal(parsed.text?.trim(), 'The quote is attached.\n\n-- \nAnna\nConfab support');
    assert.equal(parsed.attachments.length, 1);
    assert.equal(parsed.attachments[0]!.filename, 'quote 17.pdf');
    assert.equal(parsed.attachments[0]!.contentType, 'application/pdf');
    assert.deepEqual(parsed.attachments[0]!.content, PDF);
    // The thread shows what was sent, and says sent.
    const messageId = ack.type === 'ack' ? ack.result!.messageId! : '';
    for (let waited = 0; waited < 5000 && (await t.server.storage.delivery(messageId))?.state !== 'sent'; waited += 20)
      await sleep(20);
    const message = t.server.backend.state.messages
      .get(conversationId)!
      .find((candidate) => candidate.id === messageId)!;
    assert.equal(message.delivery, 'sent');
    assert.match(message.text, /-- \nAnna\nConfab support$/);
  });

  test("a new email (compose, issue 16) carries its files as MIME parts; a file that is not the agent's is refused and nothing is sent", async () => {
    const upload = async (name: string, type: string, body: Buffer, token = t.agentToken) =>
      fetch(`${t.url}/api/files`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': type,
          [FILE_NAME_HEADER]: encodeURIComponent(name),
        },
        body,
      });
    const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
    const pdf = await upload('terms.pdf', 'application/pdf', PDF);
    const png = await upload('plan.png', 'image/png', PNG);
    assert.equal(pdf.status, 201);
    assert.equal(png.status, 201);
    const files = [(await pdf.json()) as { id: string }, (await png.json()) as { id: string }];

    const before = sink.messages.length;
    const refused = await command({
      type: 'email.compose',
      to: 'june@prospect.example',
      subject: 'Not mine',
      text: 'x',
      attachments: [{ id: `fil_${'n'.repeat(22)}`, name: 'x.pdf', type: 'application/pdf', size: 1 }],
    });
    assert.equal(refused.type, 'error');
    assert.equal(refused.type === 'error' && refused.error.code, 'not-found');

    const ack = await command({
      type: 'email.compose',
      to: 'june@prospect.example',
      subject: 'Terms and plan',
      text: 'Both attached.',
      attachments: files,
    });
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    const mail = await mailTo('june@prospect.example');
    const parsed = await simpleParser(mail.data);
    assert.equal(parsed.subject, 'Terms and plan');
    assert.deepEqual(
      parsed.attachments.map((part) => [part.filename, part.contentType, part.content.length]),
      [
        ['terms.pdf', 'application/pdf', PDF.length],
        ['plan.png', 'image/png', PNG.length],
      ],
    );
    assert.deepEqual(parsed.attachments[0]!.content, PDF);
    assert.deepEqual(parsed.attachments[1]!.content, PNG);
    await t.server.mailer.idle();
    assert.equal(sink.messages.length, before + 1, 'one email: the refused compose sent nothing');
    // The new conversation (Sent, V12) carries the files, served to the team.
    const conversationId = ack.type === 'ack' ? ack.result!.conversationId! : '';
    const [message] = t.server.backend.state.messages.get(conversationId)!;
    assert.deepEqual(
      message!.attachments.map((file) => file.name),
      ['terms.pdf', 'plan.png'],
    );
    const served = await fetch(`${t.url}/api/files/${files[0]!.id}`, {
      headers: { authorization: `Bearer ${t.agentToken}` },
    });
    assert.equal(served.status, 200);
  });
});

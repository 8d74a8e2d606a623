// Inbound email over the built-in SMTP listener (issue 17, CONFAB_SMTP_INBOUND_PORT): a real SMTP
// client (nodemailer) talks to the listener on loopback; what it files is read from the hub.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { InboundEmailCommand } from '@confab/core';
import { silentLogger } from '../logging.js';
import { startTestServer, type TestServer } from '../testing/harness.test-util.js';
import { startSmtpListener } from './smtp-listener.js';

const TEAM = 'support@confab.example';

function loopbackTransport(port: number) {
  const options: SMTPTransport.Options = { host: '127.0.0.1', port, secure: false, ignoreTLS: true };
  return nodemailer.createTransport(options);
}

function unique(): string {
  return Math.random().toString(36).slice(2);
}

describe('channels: inbound email over SMTP', () => {
  let t: TestServer;
  let transport: nodemailer.Transporter<SMTPTransport.SentMessageInfo>;
  before(async () => {
    t = await startTestServer({ smtpInboundPort: 0 });
    transport = loopbackTransport(t.server.smtpInbound!.port);
  });
  after(async () => {
    transport.close();
    await t.close();
  });

  const conversationsFrom = (address: string) => {
    const state = t.server.backend.state;
    return [...state.conversations.values()].filter(
      (conversation) => state.contacts.get(conversation.contactId ?? '')?.email === address,
    );
  };

  test('V4 mail for the team address becomes an email conversation; the same Message-ID twice is filed once', async () => {
    const from = `${unique()}@customer.example`;
    const messageId = `<${unique()}@customer.example>`;
    const mail = {
      from: `"Doe, Jane" <${from}>`,
      to: TEAM,
      subject: 'Über SMTP',
      text: 'Hello over SMTP',
      html: '<p>Hello over <b>SMTP</b> &amp; more</p>',
      messageId,
    };
    const info = await transport.sendMail(mail);
    assert.match(info.response, /^250/);
    // A sending server that did not hear our answer sends again: still one message.
    await transport.sendMail(mail);
    const [conversation, ...others] = conversationsFrom(from);
    assert.equal(others.length, 0);
    assert.equal(conversation!.channel, 'email');
    assert.equal(conversation!.subject, 'Über SMTP');
    const messages = t.server.backend.state.messages.get(conversation!.id)!;
    assert.equal(messages.length, 1);
    assert.equal(messages[0]!.text, 'Hello over SMTP');
    assert.match(messages[0]!.email!.html ?? '', /<b>SMTP<\/b>/);
    assert.equal(t.server.backend.state.contacts.get(conversation!.contactId!)!.name, 'Doe, Jane');
  });

  test('V4 mail that names the team only as Bcc is filed by its envelope recipient', async () => {
    const from = `${unique()}@customer.example`;
    await transport.sendMail({ from, to: 'someone@elsewhere.example', bcc: TEAM, subject: 'Bcc', text: 'Copy' });
    const [conversation] = conversationsFrom(from);
    assert.ok(conversation, 'filed');
    const [message] = t.server.backend.state.messages.get(conversation.id)!;
    assert.deepEqual(message!.email!.to, ['someone@elsewhere.example']);
  });

  test('mail for any other address is refused at RCPT with 550 and changes nothing (never relayed)', async () => {
    const before = t.server.backend.state.conversations.size;
    await assert.rejects(
      transport.sendMail({ from: 'x@customer.example', to: 'victim@elsewhere.example', subject: 'Relay?', text: 'x' }),
      (error: { responseCode?: number; response?: string }) =>
        error.responseCode === 550 && /No mailbox here/.test(error.response ?? ''),
    );
    assert.equal(t.server.backend.state.conversations.size, before);
  });

  test('mail is filed into the workspace that receives at its recipient address, never into another (issue 19)', async () => {
    const { storage, workspaces } = t.server;
    for (const id of ['shop-a', 'shop-b']) await storage.createWorkspace({ id, name: id, createdAt: Date.now() });
    await storage.addInboundAddress('shop-a', 'help@shop-a.example', Date.now());
    await storage.addInboundAddress('shop-b', 'help@shop-b.example', Date.now());
    const countOf = async (id: string) => (await workspaces.get(id)).backend.state.conversations.size;
    const before = {
      default: t.server.backend.state.conversations.size,
      a: await countOf('shop-a'),
      b: await countOf('shop-b'),
    };

    const from = `${unique()}@customer.example`;
    await transport.sendMail({ from, to: 'Help@Shop-A.example', subject: 'For A', text: 'only A' });
    assert.equal(await countOf('shop-a'), before.a + 1);
    assert.equal(await countOf('shop-b'), before.b);
    assert.equal(t.server.backend.state.conversations.size, before.default);
    // Mail to both teams: each files its own copy.
    await transport.sendMail({ from, to: ['help@shop-a.example', 'help@shop-b.example'], subject: 'Both', text: 'x' });
    assert.equal(await countOf('shop-a'), before.a + 2);
    assert.equal(await countOf('shop-b'), before.b + 1);
    // An address no workspace receives at is refused, not filed into the default workspace.
    await assert.rejects(
      transport.sendMail({ from, to: 'help@shop-c.example', subject: 'Nobody', text: 'x' }),
      (error: { responseCode?: number }) => error.responseCode === 550,
    );
    assert.equal(t.server.backend.state.conversations.size, before.default);
  });

  test('mail that cannot be filed (no From) is refused with 550 and the reason; nothing stored', async () => {
    const before = t.server.backend.state.conversations.size;
    await assert.rejects(
      transport.sendMail({
        envelope: { from: 'bounce@customer.example', to: [TEAM] },
        raw: `To: ${TEAM}\r\nSubject: No sender\r\nMessage-ID: <${unique()}@x>\r\n\r\nBody\r\n`,
      }),
      (error: { responseCode?: number; response?: string }) =>
        error.responseCode === 550 && /From/.test(error.response ?? ''),
    );
    assert.equal(t.server.backend.state.conversations.size, before);
  });
});

test('mail over the size limit is refused with 552 after its data; the next message is received', async () => {
  // The listener alone with a small limit: the server's is 25 MiB, slow to push through SMTP in a test.
  const filed: InboundEmailCommand[] = [];
  const listener = await startSmtpListener({
    port: 0,
    host: '127.0.0.1',
    maxBytes: 4096,
    accepts: async (address) => address === TEAM,
    ingest: async (command, recipients) => {
      assert.deepEqual(recipients, [TEAM]);
      filed.push(command);
    },
    logger: silentLogger(),
  });
  const transport = loopbackTransport(listener.port);
  try {
    await assert.rejects(
      transport.sendMail({ from: 'big@customer.example', to: TEAM, subject: 'Big', text: 'x'.repeat(8192) }),
      (error: { responseCode?: number }) => error.responseCode === 552,
    );
    assert.equal(filed.length, 0);
    await transport.sendMail({ from: 'small@customer.example', to: TEAM, subject: 'Small', text: 'Fits' });
    assert.deepEqual(
      filed.map((command) => [command.from, command.text]),
      [['small@customer.example', 'Fits']],
    );
  } finally {
    transport.close();
    await listener.close();
  }
});

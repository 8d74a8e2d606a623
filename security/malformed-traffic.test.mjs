// Issue 7 item 8 (DESIGN §5 "bad input gets a clear, typed error and changes nothing else"):
// hostile frames over a real WebSocket to the real server. Every frame gets a typed error frame
// (a code from protocol/errors.ts), the socket stays usable where it should, the server stays up,
// and the hub's seq and state are byte-for-byte what they were.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_FRAME_LENGTH, MAX_SHORT_LENGTH, MAX_TEXT_LENGTH } from '@confab/core';
import { NO_LIMITS } from '@confab/server';
import {
  ERROR_CODES,
  agentToken,
  connect,
  fingerprint,
  health,
  newVisitorWithChat,
  openPeer,
  printingFailures,
  seedFor,
  sleep,
  startSecurityServer,
} from './helpers.mjs';

const ANSWER = (frame) =>
  frame.type === 'error' || frame.type === 'pong' || frame.type === 'ack' || frame.type === 'welcome';

// ---- valid command examples, with the kind of each field ------------------------------------
// s string, n number, b boolean, a array, o object, e enum; `?` optional, `~` may be null.
const EMAIL = 'someone@example.com';
const COMMANDS = {
  'conversation.assign': [
    { conversationId: 'c1', assigneeId: 'a1' },
    { conversationId: 's', assigneeId: 's~' },
  ],
  'conversation.setStatus': [
    { conversationIds: ['c1'], status: 'open' },
    { conversationIds: 'a', status: 'e' },
  ],
  'conversation.trash': [{ conversationIds: ['c1'] }, { conversationIds: 'a' }],
  'conversation.restore': [{ conversationIds: ['c1'] }, { conversationIds: 'a' }],
  'conversation.deleteForever': [{ conversationIds: ['c1'] }, { conversationIds: 'a' }],
  'conversation.blockSender': [{ conversationId: 'c1' }, { conversationId: 's' }],
  'contact.unblock': [{ contactId: 'k1' }, { contactId: 's' }],
  'conversation.markSpam': [{ conversationId: 'c1' }, { conversationId: 's' }],
  'conversation.unfilter': [{ conversationId: 'c1' }, { conversationId: 's' }],
  'message.reply': [
    { conversationId: 'c1', text: 'hi', cc: [EMAIL], bcc: [] },
    { conversationId: 's', text: 's', cc: 'a?', bcc: 'a?' },
  ],
  'message.comment': [
    { conversationId: 'c1', text: 'hi', mentions: [] },
    { conversationId: 's', text: 's', mentions: 'a' },
  ],
  'email.compose': [
    { to: EMAIL, subject: 'x', text: 'y', cc: [EMAIL], bcc: [EMAIL] },
    { to: 's', subject: 's', text: 's', cc: 'a?', bcc: 'a?' },
  ],
  'conversation.forward': [
    { conversationId: 'c1', to: EMAIL, note: 'n' },
    { conversationId: 's', to: 's', note: 's?' },
  ],
  'conversation.sendTranscript': [
    { conversationId: 'c1', to: EMAIL },
    { conversationId: 's', to: 's' },
  ],
  'conversation.detachContact': [{ conversationId: 'c1' }, { conversationId: 's' }],
  'ticket.create': [
    { conversationId: 'c1', name: 't', properties: { a: 'b' } },
    { conversationId: 's', name: 's', properties: 'o?' },
  ],
  'ticket.update': [
    { ticketId: 't1', name: 't', properties: {} },
    { ticketId: 's', name: 's?', properties: 'o?' },
  ],
  'contact.update': [
    { contactId: 'k1', name: 'n', email: '', properties: {} },
    { contactId: 's', name: 's?', email: 's?', properties: 'o?' },
  ],
  'deal.create': [
    { conversationId: 'c1', name: 'd', amount: 5, currency: 'EUR', stage: 'new' },
    { conversationId: 's', name: 's', amount: 'n', currency: 's', stage: 's?' },
  ],
  'agent.setAvailability': [{ availability: 'away' }, { availability: 'e' }],
  'agent.setSignature': [{ signature: 'Anna' }, { signature: 's' }],
  'settings.update': [{ patch: {} }, { patch: 'o' }],
  'view.save': [
    { name: 'v', filter: {} },
    { name: 's', filter: 'o' },
  ],
  'view.delete': [{ viewId: 'v1' }, { viewId: 's' }],
  'view.rename': [
    { viewId: 'v1', name: 'n' },
    { viewId: 's', name: 's' },
  ],
  'label.create': [
    { name: 'n', color: '#0366d6' },
    { name: 's', color: 's' },
  ],
  'label.update': [
    { labelId: 'l1', name: 'n', color: '#000' },
    { labelId: 's', name: 's?', color: 's?' },
  ],
  'label.delete': [{ labelId: 'l1' }, { labelId: 's' }],
  'conversation.addLabel': [
    { conversationIds: ['c1'], labelId: 'l1' },
    { conversationIds: 'a', labelId: 's' },
  ],
  'conversation.removeLabel': [
    { conversationIds: ['c1'], labelId: 'l1' },
    { conversationIds: 'a', labelId: 's' },
  ],
  typing: [
    { conversationId: 'c1', typing: true },
    { conversationId: 's', typing: 'b' },
  ],
  viewing: [
    { conversationId: 'c1', viewing: true },
    { conversationId: 's', viewing: 'b' },
  ],
  'visitor.startChat': [{ text: 'hi' }, { text: 's' }],
  'visitor.message': [
    { conversationId: 'c1', text: 'hi' },
    { conversationId: 's', text: 's' },
  ],
  'visitor.requestHuman': [{ conversationId: 'c1' }, { conversationId: 's' }],
  'visitor.rate': [
    { conversationId: 'c1', score: 3, comment: 'c' },
    { conversationId: 's', score: 'n', comment: 's?' },
  ],
  'visitor.setProfile': [
    { name: 'n', email: EMAIL },
    { name: 's?', email: 's?' },
  ],
  'inbound.email': [
    { from: EMAIL, to: [EMAIL], subject: 's', text: 't', messageId: 'm1', date: 1 },
    { from: 's', to: 'a', subject: 's', text: 's', messageId: 's', date: 'n?' },
  ],
  'inbound.messenger': [
    { senderId: 'p1', text: 't', mid: 'm1' },
    { senderId: 's', text: 's', mid: 's' },
  ],
  'inbound.form': [
    { formId: 'f1', fields: { a: 'b' } },
    { formId: 's', fields: 'o' },
  ],
  'visitor.create': [{ name: 'n' }, { name: 's?' }],
  'visitor.verify': [
    { contactId: 'k1', email: EMAIL },
    { contactId: 's', email: 's' },
  ],
  'routing.routeWaiting': [{}, {}],
  'visitor.typed': [{ conversationId: 'c1' }, { conversationId: 's' }],
};
const COMMAND_TYPES = Object.keys(COMMANDS);

// Raw JSON that JSON.stringify cannot write: numbers past double range, and very deep nesting.
const HUGE = '@@HUGE@@';
const DEEP_ARRAYS = '@@DEEP_ARRAYS@@';
const DEEP_OBJECTS = '@@DEEP_OBJECTS@@';
function render(value) {
  return JSON.stringify(value)
    .replaceAll(`"${HUGE}"`, '1e400')
    .replaceAll(`"${DEEP_ARRAYS}"`, '['.repeat(10_000) + ']'.repeat(10_000))
    .replaceAll(`"${DEEP_OBJECTS}"`, '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000));
}

/** Values of the wrong type for a field of this kind (never a valid one). */
function wrongValuesFor(kind) {
  const base = kind[0];
  const pool = [
    fc.constant(HUGE),
    fc.constant(DEEP_ARRAYS),
    fc.constant(DEEP_OBJECTS),
    // Objects and arrays; for an object field only arrays: an object is its type (`{}` is a valid filter).
    fc
      .jsonValue({ maxDepth: 3 })
      .filter((value) => value !== null && typeof value === 'object' && (base !== 'o' || Array.isArray(value))),
    fc
      .array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 })
      .map((items) => (base === 'a' ? [...items, { not: 'a string' }] : items)),
  ];
  // Finite numbers are the right type for a number field (an amount of 0.1, a date of 2 ** 53):
  // whether one is in range is the field's rule, checked by the deal.create tests below.
  if (base !== 'n') pool.push(fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -0, 0.1));
  if (base !== 'b') pool.push(fc.boolean());
  if (!kind.includes('~')) pool.push(fc.constant(null));
  if (base !== 's' && base !== 'e') pool.push(fc.string({ maxLength: 20 }));
  if (base === 'e') pool.push(fc.constantFrom('OPEN', 'maybe', '', 'toString', '__proto__'));
  if (base === 'o') pool.push(fc.constant({ __proto__: null, constructor: 'x' }));
  return fc
    .oneof(...pool)
    .filter(
      (value) =>
        !(base === 'a' && Array.isArray(value) && value.every((item) => typeof item === 'string' && item.trim())),
    );
}

const validCommandFrame = fc
  .constantFrom(...COMMAND_TYPES)
  .map((type) => ({ v: 1, type: 'command', id: `fuzz-${type}`, command: { type, ...COMMANDS[type][0] } }));
const validFrame = fc.oneof(
  validCommandFrame,
  fc.constant({ v: 1, type: 'hello', token: '', resumeFrom: 3 }),
  fc.constant({ v: 1, type: 'ping' }),
);

/** Each arbitrary yields `{ category, text, expect }`: the frame's text and the code it must get. */
const categories = {
  notJson: fc
    .string({ unit: 'binary', minLength: 1, maxLength: 200 })
    .filter((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    })
    .map((text) => ({ text, expect: 'invalid' })),
  truncated: fc.tuple(validFrame, fc.double({ min: 0, max: 1, noNaN: true })).map(([frame, at]) => {
    const full = JSON.stringify(frame);
    return { text: full.slice(0, Math.max(1, Math.floor(at * (full.length - 1)))), expect: 'invalid' };
  }),
  notAnObject: fc
    .oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(DEEP_ARRAYS), fc.constant(HUGE))
    .filter((value) => value === null || typeof value !== 'object' || Array.isArray(value))
    .map((value) => ({ text: render(value), expect: 'invalid' })),
  wrongVersion: fc
    .tuple(validFrame, fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constantFrom(HUGE, 2, 0, '1', -1, 1.5, undefined)))
    .filter(([, version]) => version !== 1)
    .map(([frame, version]) => ({ text: render({ ...frame, v: version }), expect: 'unsupported-version' })),
  unknownFrameType: fc
    .oneof(
      fc.string({ maxLength: 20 }),
      fc.jsonValue({ maxDepth: 1 }),
      fc.constantFrom('HELLO', 'welcome', 'events', 'ack', '__proto__', 'constructor'),
    )
    .filter((type) => type !== 'hello' && type !== 'command' && type !== 'ping')
    .map((type) => ({
      text: render({ v: 1, type, id: 'x', command: { type: 'agent.setAvailability', availability: 'away' } }),
      expect: 'invalid',
    })),
  unknownCommand: fc
    .oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        'toString',
        '__proto__',
        'constructor',
        'hasOwnProperty',
        'valueOf',
        'message.Reply',
        'message.reply ',
        'admin.grant',
      ),
    )
    .filter((type) => !COMMAND_TYPES.includes(type))
    .map((type) => ({
      text: render({ v: 1, type: 'command', id: 'u1', command: { type, conversationId: 'c1', text: 'x' } }),
      expect: 'unknown-command',
    })),
  commandTypeNotAString: fc
    .oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(HUGE, DEEP_ARRAYS))
    .filter((type) => typeof type !== 'string')
    .map((type) => ({ text: render({ v: 1, type: 'command', id: 'u2', command: { type } }), expect: 'invalid' })),
  wrongFieldType: fc
    .constantFrom(...COMMAND_TYPES.flatMap((type) => Object.keys(COMMANDS[type][1]).map((field) => [type, field])))
    .chain(([type, field]) => wrongValuesFor(COMMANDS[type][1][field]).map((value) => [type, field, value]))
    .map(([type, field, value]) => ({
      text: render({ v: 1, type: 'command', id: `w-${type}`, command: { type, ...COMMANDS[type][0], [field]: value } }),
      expect: 'invalid',
    })),
  missingField: fc
    .constantFrom(
      ...COMMAND_TYPES.flatMap((type) =>
        Object.entries(COMMANDS[type][1])
          .filter(([, kind]) => !kind.includes('?'))
          .map(([field]) => [type, field]),
      ),
    )
    .map(([type, field]) => {
      const command = { type, ...COMMANDS[type][0] };
      delete command[field];
      return { text: render({ v: 1, type: 'command', id: `m-${type}`, command }), expect: 'invalid' };
    }),
  oversizedString: fc
    .constantFrom(
      ['message.reply', 'text', MAX_TEXT_LENGTH],
      ['visitor.message', 'text', MAX_TEXT_LENGTH],
      ['visitor.startChat', 'text', MAX_TEXT_LENGTH],
      ['message.comment', 'text', MAX_TEXT_LENGTH],
      ['conversation.forward', 'note', MAX_TEXT_LENGTH],
      ['ticket.create', 'name', MAX_SHORT_LENGTH],
      ['contact.update', 'name', MAX_SHORT_LENGTH],
      ['visitor.setProfile', 'name', MAX_SHORT_LENGTH],
      ['message.reply', 'conversationId', MAX_SHORT_LENGTH],
      ['email.compose', 'subject', MAX_SHORT_LENGTH],
      ['view.save', 'name', MAX_SHORT_LENGTH],
    )
    .chain(([type, field, max]) => fc.integer({ min: 1, max: 50 }).map((extra) => [type, field, max + extra]))
    .map(([type, field, length]) => ({
      text: render({
        v: 1,
        type: 'command',
        id: `o-${type}`,
        command: { type, ...COMMANDS[type][0], [field]: 'x'.repeat(length) },
      }),
      expect: 'too-large',
    })),
  pollutingKeys: fc
    .tuple(
      fc.constantFrom('__proto__', 'constructor', 'prototype'),
      fc.constantFrom('ticket.update', 'contact.update', 'ticket.create', 'inbound.form'),
    )
    .map(([key, type]) => {
      const field = type === 'inbound.form' ? 'fields' : 'properties';
      const command = { type, ...COMMANDS[type][0] };
      // Written by hand: an object literal's __proto__ would set the prototype, not a key.
      const text = render({ v: 1, type: 'command', id: `p-${type}`, command }).replace(
        new RegExp(`"${field}":\\{`),
        `"${field}":{"${key}":{"polluted":"yes","isAdmin":true},`,
      );
      return {
        text: text.includes(`"${key}"`) ? text : text.replace('"command":{', `"command":{"${field}":{"${key}":"x"},`),
        expect: 'invalid',
      };
    }),
  settingsPollution: fc.constantFrom('__proto__', 'constructor', 'prototype').map((key) => ({
    text: `{"v":1,"type":"command","id":"sp","command":{"type":"settings.update","patch":{"${key}":{"polluted":"yes"}}}}`,
    expect: 'invalid',
  })),
};

const categoryNames = Object.keys(categories);
const anyFrame = fc.oneof(
  ...categoryNames.map((category) => categories[category].map((frame) => ({ category, ...frame }))),
);

describe('Malformed traffic (issue 7 item 8)', () => {
  let t;
  let agent;
  let visitor;
  before(async () => {
    // Limits off for the random run: every frame must meet the validator, not the rate limiter.
    t = await startSecurityServer({ limits: NO_LIMITS });
    agent = await connect(t.wsUrl, await agentToken(t.url));
    visitor = await newVisitorWithChat(t.wsUrl, 'Hello from a visitor');
  });
  after(async () => {
    agent?.close();
    visitor?.peer.close();
    await t?.close();
  });

  test(
    '300 random malformed frames each get the typed error their flaw deserves; sockets stay usable; state unchanged',
    { timeout: 120_000 },
    async () => {
      const seed = seedFor('malformed frames');
      const before = fingerprint(t.server);
      const counts = Object.fromEntries(categoryNames.map((name) => [name, 0]));
      let bytes = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.boolean(),
          anyFrame,
          printingFailures(async (asAgent, { category, text, expect }) => {
            const peer = asAgent ? agent : visitor.peer;
            counts[category] += 1;
            bytes += text.length;
            const answer = await peer.ask(text, ANSWER, `answer to a ${category} frame`);
            assert.equal(
              answer.type,
              'error',
              `${category}: ${text.slice(0, 120)} → ${JSON.stringify(answer).slice(0, 200)}`,
            );
            assert.ok(ERROR_CODES.has(answer.error.code), `typed code: ${answer.error.code}`);
            assert.equal(
              answer.error.code,
              expect,
              `${category}: ${text.slice(0, 160)} → ${JSON.stringify(answer.error)}`,
            );
            assert.equal(typeof answer.error.message, 'string');
            assert.ok(answer.error.message.length < 400, 'the error message does not echo the frame');
            assert.ok(await peer.alive(), 'the socket still answers a ping');
          }),
        ),
        { seed, numRuns: 300, endOnFailure: true },
      );
      console.log(`# malformed frames: 300 sent (${bytes} characters): ${JSON.stringify(counts)}`);
      assert.deepEqual(fingerprint(t.server), before, 'seq and state unchanged');
      assert.equal(Object.prototype.polluted, undefined, 'Object.prototype not polluted');
      assert.equal({}.isAdmin, undefined);
      assert.equal(await health(t.url), 200);
      // Both sockets still do real work.
      const ack = await agent.command('after-fuzz-view', {
        type: 'view.save',
        name: 'After the fuzz',
        filter: { status: 'open' },
      });
      assert.equal(ack.type, 'ack');
      const sent = await visitor.peer.command('after-fuzz-msg', {
        type: 'visitor.message',
        conversationId: visitor.conversationId,
        text: 'still here',
      });
      assert.equal(sent.type, 'ack');
      assert.ok(t.server.backend.seq > before.seq);
    },
  );

  test(
    'oversized messages and frames: too-large (with the field), the socket survives; only a frame past ws maxPayload closes it (1009)',
    { timeout: 30_000 },
    async () => {
      const before = fingerprint(t.server);
      const { conversationId } = visitor;
      const cases = [
        [agent, { type: 'message.reply', conversationId, text: 'x'.repeat(MAX_TEXT_LENGTH + 1) }, 'command.text'],
        [
          visitor.peer,
          { type: 'visitor.message', conversationId, text: '€'.repeat(MAX_TEXT_LENGTH + 1) },
          'command.text',
        ],
        [agent, { type: 'ticket.create', conversationId, name: 'n'.repeat(MAX_SHORT_LENGTH + 1) }, 'command.name'],
        [
          agent,
          { type: 'conversation.trash', conversationIds: Array.from({ length: 5001 }, (_, i) => `c${i}`) },
          'command.conversationIds',
        ],
        [
          agent,
          {
            type: 'contact.update',
            contactId: visitor.contactId,
            properties: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, 'v'])),
          },
          'command.properties',
        ],
      ];
      for (const [peer, command, path] of cases) {
        const answer = await peer.command(`big-${command.type}`, command);
        assert.equal(answer.type, 'error');
        assert.deepEqual([answer.error.code, answer.error.path], ['too-large', path], command.type);
        assert.ok(await peer.alive());
      }
      // A frame over MAX_FRAME_LENGTH characters (but under ws's byte limit).
      const bigFrame = JSON.stringify({
        v: 1,
        type: 'command',
        id: 'big-frame',
        command: { type: 'message.reply', conversationId, text: 'y'.repeat(MAX_FRAME_LENGTH) },
      });
      const answer = await agent.ask(bigFrame, ANSWER);
      assert.equal(answer.error.code, 'too-large');
      assert.ok(await agent.alive());
      // Far past the limit: ws drops the socket (1009 message too big); the server stays up.
      const victim = await connect(t.wsUrl, await agentToken(t.url));
      victim.send('z'.repeat(MAX_FRAME_LENGTH * 4 + 1));
      const closed = await victim.whenClosed();
      assert.equal(closed.code, 1009);
      assert.equal(await health(t.url), 200);
      assert.deepEqual(fingerprint(t.server), before, 'nothing changed');
      // Exactly at the limit is fine.
      const atLimit = await visitor.peer.command('at-limit', {
        type: 'visitor.message',
        conversationId,
        text: 'x'.repeat(MAX_TEXT_LENGTH),
      });
      assert.equal(atLimit.type, 'ack');
    },
  );

  test(
    'binary frames, deep nesting, huge numbers and __proto__ keys: typed errors, nothing polluted, socket usable',
    { timeout: 30_000 },
    async () => {
      const before = fingerprint(t.server);
      const deep = (n) => '['.repeat(n) + ']'.repeat(n);
      const cases = [
        [() => agent.sendRaw(Buffer.from(JSON.stringify({ v: 1, type: 'ping' })), { binary: true }), 'invalid'],
        [() => agent.sendRaw(Buffer.from([0, 1, 2, 255, 254]), { binary: true }), 'invalid'],
        [() => agent.send(deep(10_000)), 'invalid'],
        [() => agent.send(deep(120_000)), 'invalid'],
        [() => agent.send(`{"v":1,"type":"command","id":"d","command":${deep(10_000)}}`), 'invalid'],
        [
          () =>
            agent.send(
              `{"v":1,"type":"command","id":"d","command":{"type":"message.reply","conversationId":${deep(10_000)},"text":"x"}}`,
            ),
          'invalid',
        ],
        [
          () =>
            agent.send(
              `{"v":1,"type":"command","id":"d","command":{"type":"view.save","name":"v","filter":${'{"status":'.repeat(10_000)}1${'}'.repeat(10_000)}}}`,
            ),
          'invalid',
        ],
        [() => agent.send('{"v":1e400,"type":"ping"}'), 'unsupported-version'],
        [() => agent.send('{"v":1.0000001,"type":"ping"}'), 'unsupported-version'],
        [() => agent.send('{"v":1,"type":"hello","token":"","resumeFrom":1e400}'), 'invalid'],
        [
          () =>
            agent.send(
              `{"v":1,"type":"command","id":"n","command":{"type":"deal.create","conversationId":"${visitor.conversationId}","name":"d","amount":1e400,"currency":"EUR"}}`,
            ),
          'invalid',
        ],
        [
          () =>
            agent.send(
              `{"v":1,"type":"command","id":"n","command":{"type":"deal.create","conversationId":"${visitor.conversationId}","name":"d","amount":-1e308,"currency":"EUR"}}`,
            ),
          'invalid',
        ],
        [
          () =>
            agent.send(
              `{"v":1,"type":"command","id":"n","command":{"type":"view.save","name":"v","filter":{"activityFrom":-1e400}}}`,
            ),
          'invalid',
        ],
        // A frame whose fields sit only on a __proto__ key is not a frame.
        [() => agent.send('{"__proto__":{"v":1,"type":"ping"}}'), 'unsupported-version'],
        [
          () =>
            agent.send(
              '{"v":1,"type":"command","id":"q","__proto__":{"command":{"type":"agent.setAvailability","availability":"away"}}}',
            ),
          'invalid',
        ],
        [
          () =>
            agent.send(
              '{"v":1,"type":"command","id":"q","command":{"__proto__":{"type":"agent.setAvailability","availability":"away"}}}',
            ),
          'invalid',
        ],
        [
          () =>
            agent.send(
              '{"v":1,"type":"command","id":"q","command":{"type":"agent.setAvailability","__proto__":{"availability":"away"}}}',
            ),
          'invalid',
        ],
        [
          () =>
            agent.send(
              `{"v":1,"type":"command","id":"q","command":{"type":"contact.update","contactId":"${visitor.contactId}","properties":{"__proto__":"x"}}}`,
            ),
          'invalid',
        ],
        // A second hello on a greeted socket.
        [() => agent.send({ v: 1, type: 'hello', token: 'cfa_whatever' }), 'invalid'],
      ];
      for (const [send, code] of cases) {
        const from = agent.frames.length;
        send();
        const answer = await agent.next(ANSWER, { from, what: `answer (${code})` });
        assert.equal(answer.type, 'error', JSON.stringify(answer).slice(0, 200));
        assert.equal(answer.error.code, code, `${send.toString().slice(6, 140)} → ${JSON.stringify(answer.error)}`);
        assert.ok(await agent.alive());
      }
      // The same with a __proto__ that is harmless on its own: a ping still answers.
      assert.equal((await agent.ask('{"v":1,"type":"ping","__proto__":{"polluted":"yes"}}', ANSWER)).type, 'pong');
      assert.equal(Object.prototype.polluted, undefined);
      assert.equal(await health(t.url), 200);
      assert.deepEqual(fingerprint(t.server), before, 'nothing changed');
    },
  );

  test('commands before hello are unauthenticated and change nothing; the socket can still say hello', async () => {
    const before = fingerprint(t.server);
    const peer = openPeer(t.wsUrl);
    await peer.opened;
    for (const command of [
      { type: 'agent.setAvailability', availability: 'away' },
      { type: 'visitor.startChat', text: 'sneaky' },
      { type: 'inbound.form', formId: 'f', fields: { a: 'b' } },
      { type: 'visitor.create' },
    ]) {
      const answer = await peer.command(`early-${command.type}`, command);
      assert.equal(answer.error.code, 'unauthenticated', command.type);
    }
    assert.deepEqual(fingerprint(t.server), before);
    peer.send({ v: 1, type: 'hello', token: visitor.peer.token });
    const welcome = await peer.next((f) => f.type === 'welcome');
    assert.equal(welcome.principal.contactId, visitor.contactId);
    peer.close();
  });

  test('a frame encoded twice (a JSON string holding a hello) is refused, not decoded past the Origin rule', async () => {
    // Regression: the gateway passed a parsed JSON string to the hub, which parsed it again, so a
    // hello from a disallowed origin, sent as a string, opened a visitor session.
    const before = fingerprint(t.server);
    const peer = openPeer(t.wsUrl, { origin: 'https://evil.example' });
    await peer.opened;
    const direct = await peer.ask({ v: 1, type: 'hello', token: '' }, ANSWER);
    assert.equal(direct.error.code, 'origin-not-allowed');
    const sneaky = openPeer(t.wsUrl, { origin: 'https://evil.example' });
    await sneaky.opened;
    const answer = await sneaky.ask(JSON.stringify(JSON.stringify({ v: 1, type: 'hello', token: '' })), ANSWER);
    assert.equal(answer.type, 'error');
    assert.equal(answer.error.code, 'invalid');
    const twice = await agent.ask(
      JSON.stringify(
        JSON.stringify({
          v: 1,
          type: 'command',
          id: 'dbl',
          command: { type: 'agent.setAvailability', availability: 'away' },
        }),
      ),
      ANSWER,
    );
    assert.equal(twice.error.code, 'invalid');
    assert.deepEqual(fingerprint(t.server), before, 'no visitor created, nothing changed');
    sneaky.close();
  });
});

describe('Floods past the rate limits (issue 7 item 8)', () => {
  let t;
  before(async () => {
    // The real frame limits; a small new-session burst so the flood stays short. HTTP: a burst of
    // 100 and a slow refill, so that how many of the flood's 160 requests find the bucket empty
    // does not depend on how fast this machine sends them (at 20 per second, a flood that took 3 s
    // to arrive on a busy machine refilled 60 tokens and only 6 requests got 429).
    t = await startSecurityServer({
      limits: { newVisitorBurst: 5, newVisitorPerSecond: 0.5 },
      httpLimits: { burst: 100, perSecond: 1 },
    });
  });
  after(() => t?.close());

  test(
    'a ping flood on one socket: a burst answered, then rate-limited refusals, then closed 1008; nothing changed',
    { timeout: 20_000 },
    async () => {
      const agent = await connect(t.wsUrl, await agentToken(t.url));
      const before = fingerprint(t.server);
      const from = agent.frames.length;
      for (let i = 0; i < 150; i += 1) agent.send({ v: 1, type: 'ping' });
      const { code } = await agent.whenClosed();
      const answers = agent.frames.slice(from);
      const pongs = answers.filter((f) => f.type === 'pong').length;
      const limited = answers.filter((f) => f.type === 'error' && f.error.code === 'rate-limited').length;
      console.log(`# ping flood: 150 sent, ${pongs} pong, ${limited} rate-limited, then closed ${code}`);
      assert.equal(code, 1008);
      assert.ok(limited >= 1 && pongs + limited < 150, `closed, not answered frame by frame (${pongs + limited})`);
      assert.deepEqual(fingerprint(t.server), before);
      const again = await connect(t.wsUrl, await agentToken(t.url));
      assert.ok(await again.alive(), 'a new connection works');
      again.close();
    },
  );

  test(
    'a command flood from one visitor over two sockets: acknowledged ones stored once each, refused ones not at all',
    { timeout: 30_000 },
    async () => {
      await sleep(1000);
      const { peer, conversationId } = await newVisitorWithChat(t.wsUrl, 'flood start');
      const second = await connect(t.wsUrl, peer.token);
      const countMessages = () =>
        t.server.backend.state.messages.get(conversationId).filter((m) => m.text.startsWith('flood-')).length;
      const seqBefore = t.server.backend.seq;
      const ids = [];
      for (let i = 0; i < 50; i += 1) {
        for (const [name, socket] of [
          ['a', peer],
          ['b', second],
        ]) {
          const id = `flood-${name}-${i}`;
          ids.push([id, socket]);
          socket.send({ v: 1, type: 'command', id, command: { type: 'visitor.message', conversationId, text: id } });
        }
      }
      const outcomes = await Promise.all(
        ids.map(([id, socket]) =>
          socket.next((f) => (f.type === 'ack' || f.type === 'error') && f.id === id, {
            from: 0,
            timeoutMs: 20_000,
            what: id,
          }),
        ),
      );
      const acked = outcomes.filter((f) => f.type === 'ack').map((f) => f.id);
      const limited = outcomes.filter((f) => f.type === 'error' && f.error.code === 'rate-limited').map((f) => f.id);
      console.log(
        `# visitor command flood: 100 sent over 2 sockets, ${acked.length} acknowledged, ${limited.length} rate-limited`,
      );
      assert.equal(acked.length + limited.length, 100);
      assert.ok(
        limited.length > 0,
        'the per-visitor limit spans both sockets (each socket alone stays under its own 60)',
      );
      assert.equal(countMessages(), acked.length, 'each acknowledged message stored once');
      const stored = new Set(t.server.backend.state.messages.get(conversationId).map((m) => m.text));
      for (const id of limited) assert.ok(!stored.has(id), `${id} was refused and is not stored`);
      for (const id of acked) assert.ok(stored.has(id), `${id} is stored`);
      assert.ok(t.server.backend.seq > seqBefore);
      await sleep(1200);
      assert.equal(
        (await peer.command('after-flood', { type: 'visitor.message', conversationId, text: 'calm again' })).type,
        'ack',
      );
      peer.close();
      second.close();
    },
  );

  test(
    'new-session flood from one address: refused with rate-limited and close 1013 past the burst; nothing else created',
    { timeout: 20_000 },
    async () => {
      await sleep(2000);
      const contactsBefore = t.server.backend.state.contacts.size;
      const outcomes = [];
      for (let i = 0; i < 10; i += 1) {
        const peer = openPeer(t.wsUrl);
        await peer.opened;
        const answer = await peer.ask({ v: 1, type: 'hello', token: '' }, ANSWER);
        if (answer.type === 'error') outcomes.push([answer.error.code, (await peer.whenClosed()).code]);
        else outcomes.push(['welcome']);
        peer.close();
      }
      const refused = outcomes.filter(([code]) => code === 'rate-limited');
      console.log(
        `# new-session flood: 10 hellos, ${outcomes.length - refused.length} welcomed, ${refused.length} refused`,
      );
      assert.ok(refused.length >= 3);
      for (const [, close] of refused) assert.equal(close, 1013);
      assert.equal(
        t.server.backend.state.contacts.size - contactsBefore,
        outcomes.length - refused.length,
        'one contact per welcome, none per refusal',
      );
      assert.equal(await health(t.url), 200);
    },
  );

  test('an HTTP flood on /api/ gets 429 with a typed body; /health stays 200', { timeout: 20_000 }, async () => {
    const statuses = await Promise.all(
      Array.from({ length: 160 }, () => fetch(`${t.url}/api/nothing`).then(async (r) => [r.status, await r.json()])),
    );
    const limited = statuses.filter(([status]) => status === 429);
    console.log(`# HTTP flood: 160 requests, ${limited.length} answered 429`);
    assert.ok(limited.length >= 40);
    for (const [, body] of limited) assert.equal(body.error.code, 'rate-limited');
    for (const [status, body] of statuses.filter(([s]) => s !== 429))
      assert.deepEqual([status, body.error.code], [404, 'not-found']);
    assert.equal(await health(t.url), 200);
  });
});

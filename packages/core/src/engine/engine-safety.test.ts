import { expect } from '@open-wc/testing';
import type { ConfabEvent } from '../protocol/events.js';
import { ConfabError } from '../protocol/errors.js';
import { MAX_SHORT_LENGTH, MAX_TEXT_LENGTH } from '../protocol/frames.js';
import { validateClientFrame, validateCommand } from '../protocol/validate.js';
import { applyEvent, execute, projectEvent, snapshotFor } from './engine.js';
import { executeOptimistic } from './optimistic.js';
import { asAgent, asVisitor, Inbox, MINUTE, SYSTEM } from './engine-harness.test-util.js';
import { createEngineState } from './state.js';

function thrown(run: () => unknown): ConfabError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfabError);
    return error as ConfabError;
  }
  throw new Error('expected a ConfabError');
}

/** A scenario touching most commands, recording every event. */
function busyInbox(): { inbox: Inbox; events: ConfabEvent[] } {
  const inbox = new Inbox();
  const events: ConfabEvent[] = [];
  const run = (principal: Parameters<Inbox['run']>[0], command: Parameters<Inbox['run']>[1]) => {
    const outcome = inbox.run(principal, command);
    events.push(...outcome.events);
    return outcome;
  };
  const agents: ConfabEvent[] = [
    {
      type: 'agent.upserted',
      agent: {
        id: 'anna',
        name: 'Anna',
        email: 'anna@team.example',
        availability: 'available',
        role: 'admin',
        invitePending: false,
        lastSeenAt: null,
        disabled: false,
      },
    },
    {
      type: 'agent.upserted',
      agent: {
        id: 'ben',
        name: 'Ben',
        email: 'ben@team.example',
        availability: 'available',
        role: 'admin',
        invitePending: false,
        lastSeenAt: null,
        disabled: false,
      },
    },
  ];
  inbox.apply(...agents);
  events.push(...agents);
  const visitor = run(SYSTEM, { type: 'visitor.create', name: 'Emma' }).result!['contactId']!;
  const chat = run(asVisitor(visitor), { type: 'visitor.startChat', text: 'hi' }).result!['conversationId']!;
  inbox.advance(MINUTE);
  run(asAgent('anna'), { type: 'message.reply', conversationId: chat, text: 'hello' });
  run(asAgent('anna'), { type: 'message.comment', conversationId: chat, text: 'note', mentions: ['ben'] });
  const email = run(SYSTEM, {
    type: 'inbound.email',
    from: 'liam@customer.example',
    to: [],
    cc: ['ava@customer.example'],
    subject: 'Order',
    text: 'Where?',
    messageId: '<o1@x>',
  }).result!['conversationId']!;
  run(asAgent('ben'), { type: 'ticket.create', conversationId: email, name: 'Order' });
  run(asAgent('ben'), { type: 'message.reply', conversationId: email, text: 'On its way' });
  run(asAgent('ben'), { type: 'email.compose', to: 'olivia@prospect.example', subject: 'Hi', text: 'Intro' });
  run(asAgent('anna'), { type: 'conversation.trash', conversationIds: [email] });
  run(asAgent('anna'), { type: 'conversation.deleteForever', conversationIds: [email] });
  run(asAgent('anna'), { type: 'conversation.blockSender', conversationId: chat });
  run(asVisitor(visitor), { type: 'visitor.message', conversationId: chat, text: 'blocked words' });
  run(asAgent('anna'), { type: 'settings.update', patch: { routing: { mode: 'least-open' } } });
  run(asAgent('anna'), { type: 'view.save', name: 'Mine open', filter: { assignee: 'me', status: 'open' } });
  return { inbox, events };
}

describe('engine: safety', () => {
  it('applies events idempotently: applying every event twice equals applying it once', () => {
    const { inbox, events } = busyInbox();
    const once = createEngineState();
    for (const event of events) applyEvent(once, event);
    const twice = createEngineState();
    for (const event of events) {
      applyEvent(twice, event);
      applyEvent(twice, event);
    }
    expect(twice).to.deep.equal(once);
    expect(once).to.deep.equal(inbox.state);
  });

  it('keeps messages ordered by time then id whatever order they arrive in, and replaces by id', () => {
    const state = createEngineState();
    const message = (id: string, createdAt: number, text = id) => ({
      id,
      conversationId: 'c',
      kind: 'reply' as const,
      direction: 'inbound' as const,
      authorType: 'contact' as const,
      authorId: 'p',
      text,
      createdAt,
      mentions: [],
      attachments: [],
    });
    for (const m of [message('b', 2), message('c', 3), message('a', 2), message('z', 1)])
      applyEvent(state, { type: 'message.upserted', message: m });
    applyEvent(state, { type: 'message.upserted', message: message('a', 2, 'edited') });
    expect(state.messages.get('c')!.map((m) => `${m.id}:${m.text}`)).to.deep.equal(['z:z', 'a:edited', 'b:b', 'c:c']);
    applyEvent(state, { type: 'message.removed', conversationId: 'c', messageId: 'b' });
    applyEvent(state, { type: 'message.removed', conversationId: 'c', messageId: 'b' });
    expect(state.messages.get('c')!.map((m) => m.id)).to.deep.equal(['z', 'a', 'c']);
  });

  it('snapshots agree with projected events for every principal', () => {
    const { inbox, events } = busyInbox();
    const principals = [
      asAgent('anna'),
      asAgent('ben'),
      asVisitor([...inbox.state.contacts.values()].find((c) => c.name === 'Emma')!.id),
      SYSTEM,
    ];
    for (const principal of principals) {
      const replica = createEngineState();
      for (const event of events) {
        const projected = projectEvent(inbox.state, principal, event);
        if (projected) applyEvent(replica, projected);
      }
      const fromEvents = snapshotFor(replica, { kind: 'agent', agentId: 'anna' }, 9);
      const snapshot = snapshotFor(inbox.state, principal, 9);
      if (principal.kind === 'system') {
        expect(snapshot.conversations).to.deep.equal([]);
        expect(fromEvents.conversations).to.deep.equal([]);
        continue;
      }
      // A replica built from projected events holds what the snapshot holds (settings aside for
      // the system principal; routing state is not part of a snapshot).
      expect(fromEvents.conversations).to.deep.equal(snapshot.conversations);
      expect(fromEvents.messages).to.deep.equal(snapshot.messages);
      expect(fromEvents.contacts.filter((c) => snapshot.contacts.some((s) => s.id === c.id))).to.deep.equal(
        snapshot.contacts,
      );
      expect(fromEvents.settings).to.deep.equal(snapshot.settings);
      expect(fromEvents.views).to.deep.equal(snapshot.views);
    }
  });

  it('R2 no projected event or snapshot for a visitor carries a comment, in any form', () => {
    const { inbox, events } = busyInbox();
    const visitor = [...inbox.state.contacts.values()].find((c) => c.name === 'Emma')!.id;
    for (const event of events) {
      const projected = projectEvent(inbox.state, asVisitor(visitor), event);
      if (projected === null) continue;
      expect([
        'conversation.upserted',
        'message.upserted',
        'message.removed',
        'contact.upserted',
        'agent.upserted',
        'settings.updated',
      ]).to.include(projected.type);
      expect(JSON.stringify(projected)).to.not.contain('"note"');
      expect(JSON.stringify(projected)).to.not.contain('commentPreview":"note');
    }
    expect(JSON.stringify(snapshotFor(inbox.state, asVisitor(visitor), 1))).to.not.contain('"note"');
    for (const event of events) expect(projectEvent(inbox.state, SYSTEM, event)).to.equal(null);
  });

  it('refuses commands from the wrong principal with forbidden, changing nothing', () => {
    const inbox = new Inbox();
    inbox.addAgent('anna');
    inbox.addAgent('gone', { disabled: true });
    const visitor = inbox.addVisitor();
    const id = inbox.startChat(visitor);
    expect(
      inbox.refuse(asVisitor(visitor), { type: 'conversation.assign', conversationId: id, assigneeId: null }).code,
    ).to.equal('forbidden');
    expect(inbox.refuse(asAgent('anna'), { type: 'visitor.startChat', text: 'hi' }).code).to.equal('forbidden');
    expect(
      inbox.refuse(asAgent('anna'), {
        type: 'inbound.email',
        from: 'a@b.example',
        to: [],
        subject: '',
        text: '',
        messageId: 'x',
      }).code,
    ).to.equal('forbidden');
    expect(inbox.refuse(SYSTEM, { type: 'message.reply', conversationId: id, text: 'hi' }).code).to.equal('forbidden');
    expect(inbox.refuse(asAgent('gone'), { type: 'message.reply', conversationId: id, text: 'hi' }).code).to.equal(
      'forbidden',
    );
    expect(inbox.refuse(asAgent('stranger'), { type: 'message.reply', conversationId: id, text: 'hi' }).code).to.equal(
      'forbidden',
    );
    expect(inbox.refuse(asVisitor('ghost'), { type: 'visitor.startChat', text: 'hi' }).code).to.equal('forbidden');
  });

  it('refuses malformed commands with typed errors naming the field', () => {
    const inbox = new Inbox();
    inbox.addAgent('anna');
    const anna = asAgent('anna');
    expect(inbox.refuse(anna, { type: 'conversation.explode' }).code).to.equal('unknown-command');
    expect(inbox.refuse(anna, { type: 42 }).path).to.equal('type');
    expect(inbox.refuse(anna, { type: 'message.reply', conversationId: 5, text: 'x' }).path).to.equal('conversationId');
    expect(inbox.refuse(anna, { type: 'message.reply', conversationId: 'c' }).path).to.equal('text');
    expect(inbox.refuse(anna, { type: 'message.reply', conversationId: 'c', text: '   ' }).path).to.equal('text');
    const huge = inbox.refuse(anna, {
      type: 'message.reply',
      conversationId: 'c',
      text: 'x'.repeat(MAX_TEXT_LENGTH + 1),
    });
    expect(huge.code).to.equal('too-large');
    expect(huge.path).to.equal('text');
    expect(
      inbox.refuse(anna, { type: 'ticket.create', conversationId: 'c', name: 'n'.repeat(MAX_SHORT_LENGTH + 1) }).code,
    ).to.equal('too-large');
    expect(
      inbox.refuse(anna, { type: 'conversation.setStatus', conversationIds: 'c1', status: 'closed' }).path,
    ).to.equal('conversationIds');
    expect(
      inbox.refuse(anna, { type: 'conversation.setStatus', conversationIds: ['c1', 7], status: 'closed' }).path,
    ).to.equal('conversationIds.1');
    expect(
      inbox.refuse(anna, { type: 'conversation.setStatus', conversationIds: ['c1'], status: 'snoozed' }).path,
    ).to.equal('status');
    expect(
      inbox.refuse(anna, { type: 'deal.create', conversationId: 'c', name: 'd', amount: Number.NaN, currency: 'EUR' })
        .path,
    ).to.equal('amount');
    expect(inbox.refuse(anna, null as unknown as object).code).to.equal('invalid');
    expect(inbox.refuse(anna, ['message.reply']).code).to.equal('invalid');
  });

  it('refuses prototype-pollution keys and never pollutes Object.prototype', () => {
    const inbox = new Inbox();
    inbox.addAgent('anna');
    const visitor = inbox.addVisitor();
    const id = inbox.startChat(visitor);
    const hostile = JSON.parse(
      `{"type":"contact.update","contactId":"${visitor}","properties":{"__proto__":{"polluted":"yes"}}}`,
    );
    expect(inbox.refuse(asAgent('anna'), hostile).path).to.equal('properties.__proto__');
    const settings = JSON.parse('{"type":"settings.update","patch":{"__proto__":{"polluted":"yes"}}}');
    expect(inbox.refuse(asAgent('anna'), settings).code).to.equal('invalid');
    const nested = JSON.parse(
      '{"type":"settings.update","patch":{"widget":{"constructor":{"prototype":{"polluted":"yes"}}}}}',
    );
    expect(inbox.refuse(asAgent('anna'), nested).code).to.equal('invalid');
    const form = JSON.parse('{"type":"inbound.form","formId":"f","fields":{"constructor":"x"}}');
    expect(inbox.refuse(SYSTEM, form).path).to.equal('fields.constructor');
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    // Extra keys are dropped, not carried into records.
    const extra = JSON.parse(
      `{"type":"message.reply","conversationId":"${id}","text":"hi","__proto__":{"admin":true},"kind":"comment"}`,
    );
    inbox.run(asAgent('anna'), extra);
    expect(inbox.messages(id).at(-1)!.kind).to.equal('reply');
  });

  it('validateCommand returns a clean copy without unknown fields', () => {
    const command = validateCommand({ type: 'typing', conversationId: 'c', typing: true, extra: 'x' });
    expect(command).to.deep.equal({ type: 'typing', conversationId: 'c', typing: true });
  });

  it('validateClientFrame checks hello, command and ping frames and the protocol version', () => {
    expect(validateClientFrame({ v: 1, type: 'ping' })).to.deep.equal({ v: 1, type: 'ping' });
    expect(validateClientFrame({ v: 1, type: 'hello', token: 't', resumeFrom: 4 })).to.deep.equal({
      v: 1,
      type: 'hello',
      token: 't',
      resumeFrom: 4,
    });
    const frame = validateClientFrame({
      v: 1,
      type: 'command',
      id: 'cmd-1',
      command: { type: 'visitor.startChat', text: 'hi' },
    });
    expect(frame).to.deep.equal({
      v: 1,
      type: 'command',
      id: 'cmd-1',
      command: { type: 'visitor.startChat', text: 'hi' },
    });
    expect(thrown(() => validateClientFrame({ v: 2, type: 'ping' })).code).to.equal('unsupported-version');
    expect(thrown(() => validateClientFrame({ type: 'ping' })).code).to.equal('unsupported-version');
    expect(thrown(() => validateClientFrame({ v: 1, type: 'shout' })).path).to.equal('type');
    expect(thrown(() => validateClientFrame({ v: 1, type: 'hello', token: 't', resumeFrom: -1 })).path).to.equal(
      'resumeFrom',
    );
    expect(
      thrown(() => validateClientFrame({ v: 1, type: 'command', id: '', command: { type: 'typing' } })).path,
    ).to.equal('id');
    expect(
      thrown(() => validateClientFrame({ v: 1, type: 'command', id: 'c', command: { type: 'nope' } })).code,
    ).to.equal('unknown-command');
    expect(
      thrown(() =>
        validateClientFrame({
          v: 1,
          type: 'command',
          id: 'c',
          command: { type: 'message.reply', conversationId: 'c', text: 1 },
        }),
      ).path,
    ).to.equal('command.text');
    expect(thrown(() => validateClientFrame('hello')).code).to.equal('invalid');
  });
});

describe('engine: optimistic execution for clients', () => {
  it("R1 executeOptimistic gives the same events as execute for a client's commands", () => {
    const run = (useOptimistic: boolean) => {
      const inbox = new Inbox();
      inbox.addAgent('anna');
      const visitor = inbox.addVisitor();
      const id = inbox.startChat(visitor);
      const command = { type: 'message.reply', conversationId: id, text: 'Hello' } as const;
      const context = { now: inbox.now, newId: inbox.newId };
      return useOptimistic
        ? executeOptimistic(inbox.state, asAgent('anna'), command, context)
        : execute(inbox.state, asAgent('anna'), command, context);
    };
    expect(run(true)).to.deep.equal(run(false));
  });

  it('T11 executeOptimistic applies the same rules and permissions, and leaves mail-only commands to the server', () => {
    const inbox = new Inbox();
    inbox.addAgent('anna');
    const visitor = inbox.addVisitor();
    inbox.run(asAgent('anna'), { type: 'settings.update', patch: { bot: { enabled: true } } });
    const id = inbox.startChat(visitor);
    const context = { now: inbox.now, newId: inbox.newId };
    expect(
      thrown(() =>
        executeOptimistic(
          inbox.state,
          asAgent('anna'),
          { type: 'conversation.setStatus', conversationIds: [id], status: 'closed' },
          context,
        ),
      ).rule,
    ).to.equal('T11');
    expect(
      thrown(() =>
        executeOptimistic(
          inbox.state,
          asVisitor(visitor),
          { type: 'conversation.trash', conversationIds: [id] },
          context,
        ),
      ).code,
    ).to.equal('forbidden');
    expect(
      executeOptimistic(
        inbox.state,
        asAgent('anna'),
        { type: 'conversation.sendTranscript', conversationId: id, to: 'a@b.example' },
        context,
      ),
    ).to.deep.equal({ events: [] });
  });
});

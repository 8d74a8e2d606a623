import type { ClientFrame } from '../protocol/frames.js';
import type { Transport } from '../transport/transport.js';
import { linkChecks } from './conformance-links.js';
import { assert, checkStateOrder, connectPeer, helloVisitor, random, sleep, transcript, type Peer } from './peer.js';

/** What the conformance suite needs from the backend under test. */
export interface ConformanceTarget {
  /** A new, unconnected transport to the backend. */
  transport(): Transport;
  /** A valid agent token on that backend. */
  agentToken: string;
  /**
   * Ends every open link from the backend's side, as a network failure or a server restart would
   * (not with a code of 4400–4499): each transport must report offline, come back by itself, and
   * its peer resumes.
   */
  breakLinks(): Promise<void> | void;
  /** How many links the backend holds open now (a link the client disconnected must go). */
  openLinks(): Promise<number> | number;
  /** Called once when the suite is done with this target. */
  dispose?(): Promise<void> | void;
}

export interface ConformanceCheck {
  name: string;
  run(): Promise<void>;
}

export interface ConformanceOptions {
  /** How long a check waits for a frame or a state before it fails. Default 5,000 ms. */
  timeoutMs?: number;
}

/** The test functions of your runner (mocha's globals, or `node:test`'s exports). */
export interface TestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>): void;
}

/** How a check opens peers: each on a new transport of the target unless one is given. */
export type OpenPeer = (transport?: Transport) => Promise<Peer>;
export type CheckBody = (
  target: ConformanceTarget,
  open: OpenPeer,
  options: Required<ConformanceOptions>,
) => Promise<void>;

/**
 * Registers the transport conformance suite with your test runner: ordering, idempotency, resume,
 * projection and typed errors, and the link itself (drops mid-stream, fatal closes, a clean
 * disconnect, a maximal frame, junk), checked frame by frame over your Transport against your
 * backend. The backend must accept new visitors (a hello with an empty token). A failure names
 * what was expected and shows the frames each peer sent and received.
 *
 * @example
 * // mocha (globals):
 * runTransportConformance(async () => ({ transport: () => myTransport(url), agentToken, breakLinks, openLinks }));
 * // node:test:
 * import { describe, it } from 'node:test';
 * runTransportConformance(makeTarget, { describe, it });
 */
export function runTransportConformance(
  makeTarget: () => Promise<ConformanceTarget>,
  api?: TestApi,
  options: ConformanceOptions = {},
): void {
  const runner = api ?? (globalThis as unknown as TestApi);
  runner.describe('transport conformance', () => {
    for (const check of transportConformanceChecks(makeTarget, options)) runner.it(check.name, check.run);
  });
}

/** The checks themselves, for runners that are neither mocha nor node:test. */
export function transportConformanceChecks(
  makeTarget: () => Promise<ConformanceTarget>,
  options: ConformanceOptions = {},
): ConformanceCheck[] {
  const settings = { timeoutMs: options.timeoutMs ?? 5000 };
  const withTarget = (body: CheckBody) => async () => {
    const target = await makeTarget();
    const peers: Peer[] = [];
    try {
      await body(
        target,
        async (transport = target.transport()) => {
          const peer = await connectPeer(transport, `peer ${peers.length + 1}`, settings.timeoutMs);
          peers.push(peer);
          return peer;
        },
        settings,
      );
      for (const peer of peers) checkStateOrder(peer);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error([message, 'What each peer saw:', ...peers.map((peer) => transcript(peer))].join('\n'), {
        cause: error,
      });
    } finally {
      for (const peer of peers) peer.transport.disconnect();
      await target.dispose?.();
    }
  };

  return [
    {
      name: 'answers hello with welcome, then a snapshot',
      run: withTarget(async (target, open) => {
        const agent = await open();
        agent.send({ v: 1, type: 'hello', token: target.agentToken });
        const welcome = await agent.next('welcome');
        assert(welcome.principal.kind === 'agent', 'the agent token signs in as an agent');
        const snapshot = await agent.next('snapshot');
        assert(snapshot.snapshot.seq === welcome.seq, 'the snapshot is at the welcome sequence number');
      }),
    },
    {
      name: 'delivers events in increasing sequence order and acknowledges every command',
      run: withTarget(async (target, open) => {
        const visitor = await helloVisitor(open);
        const agent = await open();
        agent.send({ v: 1, type: 'hello', token: target.agentToken });
        await agent.next('snapshot');
        const start = `conformance-${random()}`;
        visitor.send({ v: 1, type: 'command', id: start, command: { type: 'visitor.startChat', text: 'order 0' } });
        const ack = await visitor.next('ack', (frame) => frame.id === start);
        const conversationId = ack.result?.conversationId;
        assert(typeof conversationId === 'string', 'startChat answers with the conversation id');
        const ids: string[] = [];
        for (let i = 1; i <= 10; i += 1) {
          const id = `${start}-${i}`;
          ids.push(id);
          visitor.send({
            v: 1,
            type: 'command',
            id,
            command: { type: 'visitor.message', conversationId: conversationId!, text: `order ${i}` },
          });
        }
        const acks = await visitor.collect('ack', (frame) => ids.includes(frame.id), ids.length);
        assert(acks.map((a) => a.id).join() === ids.join(), 'acks come in the order the commands were sent');
        await agent.waitFor(() => agent.texts().includes('order 10'), 'the agent receives the last message');
        const seqs = agent.seqs();
        assert(
          seqs.every((seq, index) => index === 0 || seq > seqs[index - 1]),
          'event sequence numbers increase',
        );
        const order = agent.texts().filter((text) => text.startsWith('order '));
        assert(
          order.join('|') === Array.from({ length: 11 }, (_, i) => `order ${i}`).join('|'),
          'messages arrive in the order they were sent',
        );
      }),
    },
    {
      name: 'applies a command sent twice under one id once, and answers both',
      run: withTarget(async (_target, open) => {
        const visitor = await helloVisitor(open);
        const id = `twice-${random()}`;
        const frame: ClientFrame = {
          v: 1,
          type: 'command',
          id,
          command: { type: 'visitor.startChat', text: 'only once' },
        };
        visitor.send(frame);
        visitor.send(frame);
        const acks = await visitor.collect('ack', (ack) => ack.id === id, 2);
        assert(acks[0].seq === acks[1].seq, 'both answers name the same sequence number');
        assert(
          acks[0].result?.conversationId === acks[1].result?.conversationId,
          'both answers name the same conversation',
        );
        await sleep(100);
        const created = visitor.events().filter((event) => event.event.type === 'conversation.upserted');
        const conversations = new Set(
          created.map((event) => (event.event as { conversation: { id: string } }).conversation.id),
        );
        assert(conversations.size === 1, 'one conversation exists');
        assert(visitor.texts().filter((text) => text === 'only once').length === 1, 'one message exists');
      }),
    },
    {
      name: 'resumes from the last applied sequence number without a snapshot',
      run: withTarget(async (target, open) => {
        const agent = await open();
        agent.send({ v: 1, type: 'hello', token: target.agentToken });
        const snapshot = await agent.next('snapshot');
        const lastSeq = snapshot.snapshot.seq;
        agent.transport.disconnect();
        const visitor = await helloVisitor(open);
        const id = `resume-${random()}`;
        visitor.send({
          v: 1,
          type: 'command',
          id,
          command: { type: 'visitor.startChat', text: 'while the agent was away' },
        });
        await visitor.next('ack', (ack) => ack.id === id);
        const again = await open();
        again.send({ v: 1, type: 'hello', token: target.agentToken, resumeFrom: lastSeq });
        await again.next('welcome');
        await again.waitFor(() => again.texts().includes('while the agent was away'), 'the missed message arrives');
        assert(!again.frames.some((frame) => frame.type === 'snapshot'), 'no snapshot was needed');
        assert(
          again.seqs().every((seq) => seq > lastSeq),
          'only events after the resume point arrive',
        );
      }),
    },
    {
      name: 'names, in the welcome, the pending commands of a hello that were committed, with their causes',
      run: withTarget(async (_target, open) => {
        const visitor = await helloVisitor(open);
        const token = visitor.frames.find((frame) => frame.type === 'welcome')?.sessionToken ?? '';
        const lastSeq = (await visitor.next('snapshot')).snapshot.seq;
        const id = `lost-ack-${random()}`;
        visitor.send({ v: 1, type: 'command', id, command: { type: 'visitor.startChat', text: 'ack lost' } });
        const ack = await visitor.next('ack', (frame) => frame.id === id);
        visitor.transport.disconnect();
        // As if that ack had been lost: the replica resumes and asks after the command.
        const again = await open();
        const unknown = `never-sent-${random()}`;
        again.send({ v: 1, type: 'hello', token, resumeFrom: lastSeq, pending: [id, unknown] });
        const welcome = await again.next('welcome');
        assert(
          JSON.stringify(welcome.committed) === JSON.stringify([{ id, seq: ack.seq, result: ack.result }]),
          'the welcome names the committed command (as its ack did) and not the unknown one',
        );
        await again.waitFor(() => again.texts().includes('ack lost'), 'the missed message arrives');
        assert(
          again.events().some((event) => event.cause === id),
          'caught-up events name the visitor\u2019s own command as their cause',
        );
      }),
    },
    {
      name: 'never sends a visitor comments or other visitors\u2019 conversations',
      run: withTarget(async (target, open) => {
        const one = await helloVisitor(open);
        const other = await helloVisitor(open);
        const agent = await open();
        agent.send({ v: 1, type: 'hello', token: target.agentToken });
        await agent.next('snapshot');
        const id = `projection-${random()}`;
        one.send({ v: 1, type: 'command', id, command: { type: 'visitor.startChat', text: 'mine only' } });
        const ack = await one.next('ack', (frame) => frame.id === id);
        const conversationId = ack.result!.conversationId;
        const comment = `comment-${random()}`;
        const commentId = `c-${random()}`;
        await one.waitFor(() => one.texts().includes('mine only'), 'the visitor has its own message');
        const framesBefore = one.frames.length;
        agent.send({
          v: 1,
          type: 'command',
          id: commentId,
          command: { type: 'message.comment', conversationId, text: comment, mentions: [] },
        });
        await agent.next('ack', (frame) => frame.id === commentId);
        await sleep(100);
        assert(
          one.frames.length === framesBefore,
          'a comment sends the visitor nothing at all, not even an unchanged record',
        );
        const reply = `reply-${random()}`;
        agent.send({
          v: 1,
          type: 'command',
          id: `r-${random()}`,
          command: { type: 'message.reply', conversationId, text: reply },
        });
        await one.waitFor(() => one.texts().includes(reply), 'the visitor receives the reply');
        await sleep(50);
        assert(!JSON.stringify(one.frames).includes(comment), 'the visitor never receives the comment');
        assert(!JSON.stringify(other.frames).includes('mine only'), 'another visitor never receives the conversation');
      }),
    },
    {
      name: 'numbers a visitor\u2019s events in its own stream: comments and other visitors leave no gap, live or on resume',
      run: withTarget(async (target, open) => {
        const one = await helloVisitor(open);
        const token = one.frames.find((frame) => frame.type === 'welcome')?.sessionToken ?? '';
        const welcomeSeq = (await one.next('snapshot')).snapshot.seq;
        const other = await helloVisitor(open);
        const agent = await open();
        agent.send({ v: 1, type: 'hello', token: target.agentToken });
        await agent.next('snapshot');
        const command = async (peer: Peer, body: Extract<ClientFrame, { type: 'command' }>['command']) => {
          const id = `n-${random()}`;
          peer.send({ v: 1, type: 'command', id, command: body });
          return peer.next('ack', (frame) => frame.id === id);
        };
        const started = await command(one, { type: 'visitor.startChat', text: 'numbered' });
        const conversationId = started.result!.conversationId!;
        await command(other, { type: 'visitor.startChat', text: 'someone else' });
        await command(agent, { type: 'message.comment', conversationId, text: 'a note', mentions: [] });
        await command(agent, { type: 'message.reply', conversationId, text: 'first answer' });
        await one.waitFor(() => one.texts().includes('first answer'), 'the reply');
        const seqs = one.seqs();
        assert(
          seqs.every((seq, index) => seq === welcomeSeq + 1 + index),
          `the visitor\u2019s numbers follow its welcome without gaps (${welcomeSeq}: ${seqs.join(', ')})`,
        );
        assert(started.seq <= seqs[seqs.length - 1]!, 'its ack names a number of its own stream');
        const last = seqs[seqs.length - 1]!;
        one.transport.disconnect();
        await command(agent, { type: 'message.comment', conversationId, text: 'another note', mentions: [] });
        await command(other, { type: 'visitor.startChat', text: 'someone else again' });
        await command(agent, { type: 'message.reply', conversationId, text: 'second answer' });
        const again = await open();
        again.send({ v: 1, type: 'hello', token, resumeFrom: last });
        const welcome = await again.next('welcome');
        await again.waitFor(() => again.texts().includes('second answer'), 'the missed reply');
        const resumed = again.seqs();
        assert(
          resumed.every((seq, index) => seq === last + 1 + index) && welcome.seq === resumed[resumed.length - 1],
          `a resume continues the visitor\u2019s numbers (${last}: ${resumed.join(', ')}; welcome ${welcome.seq})`,
        );
      }),
    },
    {
      name: 'answers bad input with typed errors and keeps the connection usable',
      run: withTarget(async (target, open) => {
        const stranger = await open();
        stranger.send({ v: 1, type: 'hello', token: 'not-a-valid-token' });
        const refused = await stranger.next('error');
        assert(refused.error.code === 'unauthenticated', 'a wrong token is refused as unauthenticated');

        const agent = await open();
        agent.send({ v: 1, type: 'hello', token: target.agentToken });
        await agent.next('snapshot');
        agent.send({
          v: 1,
          type: 'command',
          id: 'unknown-1',
          command: { type: 'no.such.command' },
        } as unknown as ClientFrame);
        const unknown = await agent.next('error', (frame) => frame.id === 'unknown-1');
        assert(unknown.error.code === 'unknown-command', 'an unknown command is refused as unknown-command');
        agent.send({
          v: 1,
          type: 'command',
          id: 'bad-1',
          command: { type: 'conversation.assign', conversationId: 42 },
        } as unknown as ClientFrame);
        const invalid = await agent.next('error', (frame) => frame.id === 'bad-1');
        assert(invalid.error.code === 'invalid', 'a command of the wrong shape is refused as invalid');
        agent.send({
          v: 1,
          type: 'command',
          id: 'missing-1',
          command: { type: 'conversation.assign', conversationId: 'does-not-exist', assigneeId: null },
        });
        const missing = await agent.next('error', (frame) => frame.id === 'missing-1');
        assert(missing.error.code === 'not-found', 'a missing record is refused as not-found');
        agent.send({
          v: 1,
          type: 'command',
          id: 'view-1',
          command: { type: 'view.save', name: 'Still works', filter: { status: 'open' } },
        });
        await agent.next('ack', (frame) => frame.id === 'view-1');
      }),
    },
    ...linkChecks(withTarget),
  ];
}

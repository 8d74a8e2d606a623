// The link checks of the conformance suite: what a transport must get right about the link
// itself, whatever it carries. Most adapters get these from createLinkTransport; the checks hold
// any Transport to them.
import { MAX_TEXT_LENGTH, type ClientFrame } from '../protocol/frames.js';
import type { CheckBody, ConformanceCheck } from './conformance.js';
import { assert, eventually, helloVisitor, lastSeq, random, sleep, type Peer } from './peer.js';

/** How long "nothing happens" is watched for: long enough for a retry loop to show itself. */
const quietMs = (timeoutMs: number) => Math.min(1500, Math.max(200, Math.floor(timeoutMs / 3)));

const onlineCount = (peer: Peer) => peer.states.filter((state) => state === 'online').length;

export function linkChecks(withTarget: (body: CheckBody) => () => Promise<void>): ConformanceCheck[] {
  return [
    {
      name: 'survives links dropped mid-stream: offline, online again by itself, a new hello resumes, and a message sent meanwhile arrives once',
      run: withTarget(async (target, open) => {
        const visitor = await helloVisitor(open);
        const sessionToken = visitor.frames.find((frame) => frame.type === 'welcome')?.sessionToken ?? '';
        const agent = await open();
        agent.send({ v: 1, type: 'hello', token: target.agentToken });
        await agent.next('snapshot');
        const start = `drop-${random()}`;
        visitor.send({
          v: 1,
          type: 'command',
          id: start,
          command: { type: 'visitor.startChat', text: 'before the drop' },
        });
        const conversationId = (await visitor.next('ack', (frame) => frame.id === start)).result?.conversationId;
        assert(typeof conversationId === 'string', 'startChat answers with the conversation id');
        await agent.waitFor(() => agent.texts().includes('before the drop'), 'the agent to see the chat');
        const [visitorOnline, agentOnline] = [onlineCount(visitor), onlineCount(agent)];
        const [visitorStates, agentStates] = [visitor.states.length, agent.states.length];

        await target.breakLinks();
        await visitor.waitFor(
          () => visitor.states.slice(visitorStates).includes('offline'),
          "the visitor's transport to report offline",
        );
        await agent.waitFor(
          () => agent.states.slice(agentStates).includes('offline'),
          "the agent's transport to report offline",
        );

        // The agent comes back and replies, the visitor perhaps still away.
        await agent.waitFor(
          () => onlineCount(agent) > agentOnline && agent.states.at(-1) === 'online',
          "the agent's transport to come back online by itself",
        );
        agent.send({ v: 1, type: 'hello', token: target.agentToken, resumeFrom: lastSeq(agent) });
        await agent.collect('welcome', () => true, 2);
        const reply = `meanwhile ${random()}`;
        const replyId = `reply-${random()}`;
        agent.send({
          v: 1,
          type: 'command',
          id: replyId,
          command: { type: 'message.reply', conversationId, text: reply },
        });
        await agent.next('ack', (frame) => frame.id === replyId);

        await visitor.waitFor(
          () => onlineCount(visitor) > visitorOnline && visitor.states.at(-1) === 'online',
          "the visitor's transport to come back online by itself",
        );
        const snapshotsBefore = visitor.frames.filter((frame) => frame.type === 'snapshot').length;
        visitor.send({ v: 1, type: 'hello', token: sessionToken, resumeFrom: lastSeq(visitor) });
        await visitor.collect('welcome', () => true, 2);
        await visitor.waitFor(
          () => visitor.texts().includes(reply),
          'the reply written meanwhile to reach the visitor',
        );
        await sleep(100);
        assert(visitor.texts().filter((text) => text === reply).length === 1, 'the reply arrives exactly once');
        const seqs = visitor.seqs();
        assert(
          seqs.every((seq, index) => index === 0 || seq > seqs[index - 1]),
          'sequence numbers keep increasing across the drop (nothing twice, nothing out of order)',
        );
        assert(
          visitor.frames.filter((frame) => frame.type === 'snapshot').length === snapshotsBefore,
          'the visitor resumed without a new snapshot',
        );
      }),
    },
    {
      name: 'after a refused hello (a fatal close), reports one error and stays offline: no retry',
      run: withTarget(async (_target, open, { timeoutMs }) => {
        const stranger = await open();
        stranger.send({ v: 1, type: 'hello', token: `not-a-token-${random()}` });
        const errors = () => stranger.frames.filter((frame) => frame.type === 'error' && frame.id === undefined);
        await stranger.waitFor(
          () => errors().length > 0 && stranger.states.at(-1) === 'offline',
          'the refusal and the end of the link',
        );
        const states = stranger.states.length;
        await sleep(quietMs(timeoutMs));
        assert(
          stranger.states.length === states,
          `the transport does not reconnect after a fatal close (states: ${stranger.states.join(' → ')})`,
        );
        const reported = errors();
        assert(
          reported.length === 1 && reported[0].type === 'error' && reported[0].error.code === 'unauthenticated',
          `one error frame names the cause, unauthenticated (got ${reported.length})`,
        );
      }),
    },
    {
      name: 'after disconnect(), nothing runs: the backend closes the link and no state or frame is reported',
      run: withTarget(async (target, open, { timeoutMs }) => {
        const before = await target.openLinks();
        const agent = await open();
        agent.send({ v: 1, type: 'hello', token: target.agentToken });
        await agent.next('snapshot');
        agent.transport.disconnect();
        const [states, frames] = [agent.states.length, agent.frames.length];
        await eventually(async () => (await target.openLinks()) <= before, 'the backend to close the link', timeoutMs);
        // Others keep writing; none of it may reach the transport that was disconnected.
        const visitor = await helloVisitor(open);
        const id = `after-${random()}`;
        visitor.send({ v: 1, type: 'command', id, command: { type: 'visitor.startChat', text: 'after disconnect' } });
        await visitor.next('ack', (frame) => frame.id === id);
        await sleep(quietMs(timeoutMs));
        assert(
          agent.states.length === states,
          `no state is reported after disconnect (states: ${agent.states.join(' → ')})`,
        );
        assert(agent.frames.length === frames, 'no frame is delivered after disconnect');
      }),
    },
    {
      name: 'carries a frame as large as the protocol allows (a maximal text that JSON writes as six characters per character)',
      run: withTarget(async (_target, open) => {
        const visitor = await helloVisitor(open);
        const start = `max-${random()}`;
        visitor.send({
          v: 1,
          type: 'command',
          id: start,
          command: { type: 'visitor.startChat', text: 'a long one follows' },
        });
        const conversationId = (await visitor.next('ack', (frame) => frame.id === start)).result?.conversationId;
        assert(typeof conversationId === 'string', 'startChat answers with the conversation id');
        const text = `x${'\u0001'.repeat(MAX_TEXT_LENGTH - 1)}`;
        const id = `max-${random()}`;
        visitor.send({ v: 1, type: 'command', id, command: { type: 'visitor.message', conversationId, text } });
        await visitor.next('ack', (frame) => frame.id === id);
        await visitor.waitFor(() => visitor.texts().includes(text), 'the maximal message to come back whole');
      }),
    },
    {
      name: 'answers junk from the client with a typed error and keeps the link usable',
      run: withTarget(async (target, open) => {
        const agent = await open();
        agent.send({ v: 1, type: 'hello', token: target.agentToken });
        await agent.next('snapshot');
        agent.send({ v: 1, type: 'no-such-frame', id: 'junk-1' } as unknown as ClientFrame);
        const junk = await agent.next('error');
        assert(
          junk.error.code === 'invalid',
          `a frame of no known type is refused as invalid (got ${junk.error.code})`,
        );
        agent.send({
          v: 1,
          type: 'command',
          id: 'after-junk',
          command: { type: 'view.save', name: 'After junk', filter: {} },
        });
        await agent.next('ack', (frame) => frame.id === 'after-junk');
      }),
    },
  ];
}

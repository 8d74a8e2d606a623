// Issue 7 item 11 (SPEC R2: comments are never shown, sent or leaked to the contact in any form):
// random histories of visitor messages, agent replies and internal comments through the real
// server. Everything the visitor's sockets receive (live, after a resume, a fresh snapshot, a
// replay from the first event) and the transcript email must hold no comment text and no comment
// message id.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NO_LIMITS } from '@confab/server';
import {
  agentToken,
  connect,
  newVisitorWithChat,
  printingFailures,
  seedFor,
  sleep,
  startSecurityServer,
} from './helpers.mjs';

const RUNS = 25;

const step = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('visitor'), extra: fc.string({ maxLength: 12 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reply'), extra: fc.string({ maxLength: 12 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('comment'),
      extra: fc.string({ unit: 'grapheme', maxLength: 12 }),
      mention: fc.constantFrom(null, 'agent-anna', 'agent-ben'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reconnect') }) },
);

describe('Comments never reach visitors (issue 7 item 11, SPEC R2)', () => {
  let t;
  let agent;
  before(async () => {
    t = await startSecurityServer({ limits: NO_LIMITS });
    agent = await connect(t.wsUrl, await agentToken(t.url));
  });
  after(async () => {
    agent?.close();
    await t?.close();
  });

  test(
    `R2 ${RUNS} random histories: 0 comment texts or ids in live frames, resumes, snapshots, replays or the transcript`,
    { timeout: 180_000 },
    async () => {
      const seed = seedFor('comment histories');
      const totals = {
        runs: 0,
        comments: 0,
        replies: 0,
        visitorMessages: 0,
        reconnects: 0,
        visitorFrames: 0,
        transcripts: 0,
      };
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(step, { minLength: 3, maxLength: 12 }),
          printingFailures(async (steps) => {
            run += 1;
            const tag = `${run}-${Math.random().toString(36).slice(2, 7)}`;
            const visitor = await newVisitorWithChat(t.wsUrl, `hello ${tag}`);
            const { conversationId } = visitor;
            const sockets = [visitor.peer];
            let live = visitor.peer;
            const commentTexts = [];
            const replyTexts = [];
            for (const [index, action] of steps.entries()) {
              const marker = `${action.kind.toUpperCase()}-${tag}-${index}`;
              if (action.kind === 'visitor') {
                const answer = await live.command(`v-${tag}-${index}`, {
                  type: 'visitor.message',
                  conversationId,
                  text: `${marker} ${action.extra}`,
                });
                assert.equal(answer.type, 'ack', JSON.stringify(answer));
                replyTexts.push(marker);
                totals.visitorMessages += 1;
              } else if (action.kind === 'reply') {
                const answer = await agent.command(`r-${tag}-${index}`, {
                  type: 'message.reply',
                  conversationId,
                  text: `${marker} ${action.extra}`,
                });
                assert.equal(answer.type, 'ack', JSON.stringify(answer));
                replyTexts.push(marker);
                totals.replies += 1;
              } else if (action.kind === 'comment') {
                const id = `c-${tag}-${index}`;
                const mention = action.mention ? ` @${action.mention}` : '';
                const answer = await agent.command(id, {
                  type: 'message.comment',
                  conversationId,
                  text: `${marker}${mention} ${action.extra}`,
                  mentions: action.mention ? [action.mention] : [],
                });
                assert.equal(answer.type, 'ack', JSON.stringify(answer));
                commentTexts.push(marker);
                totals.comments += 1;
              } else {
                // Drop the socket and resume from the last sequence number the visitor saw.
                const seen = Math.max(
                  live.welcome.seq,
                  ...live.frames.filter((f) => f.type === 'events').flatMap((f) => f.events.map((e) => e.seq)),
                );
                live.close();
                live = await connect(t.wsUrl, visitor.peer.token, { resumeFrom: seen });
                sockets.push(live);
                totals.reconnects += 1;
              }
            }
            // Every reply reached the visitor on one of their sockets (the capture works), then
            // the transcript is mailed.
            const latest = replyTexts.at(-1) ?? `hello ${tag}`;
            for (
              let waited = 0;
              !sockets.some((socket) => socket.texts.some((text) => text.includes(latest)));
              waited += 20
            ) {
              assert.ok(waited < 5000, `the visitor never received ${latest}`);
              await sleep(20);
            }
            const transcript = await agent.command(`t-${tag}`, {
              type: 'conversation.sendTranscript',
              conversationId,
              to: `visitor-${tag}@example.com`,
            });
            assert.equal(transcript.type, 'ack', JSON.stringify(transcript));
            const queued = await agent.next(
              (f) =>
                f.type === 'events' &&
                f.events.some(
                  (e) =>
                    e.event.type === 'email.queued' &&
                    e.event.purpose === 'transcript' &&
                    e.event.conversationId === conversationId,
                ),
              { from: 0, what: 'the transcript email' },
            );
            const email = queued.events.find(
              (e) => e.event.type === 'email.queued' && e.event.purpose === 'transcript',
            ).event;
            totals.transcripts += 1;
            for (const marker of replyTexts)
              assert.ok(email.text.includes(marker), `the transcript holds the reply ${marker}`);
            // A fresh snapshot and a replay of everything since the first event.
            sockets.push(await connect(t.wsUrl, visitor.peer.token));
            sockets.push(await connect(t.wsUrl, visitor.peer.token, { resumeFrom: 0 }));

            const commentIds = t.server.backend.state.messages
              .get(conversationId)
              .filter((message) => message.kind === 'comment')
              .map((message) => message.id);
            assert.equal(commentIds.length, commentTexts.length, 'every comment was stored');
            const received = sockets.flatMap((socket) => socket.texts);
            totals.visitorFrames += received.length;
            const stored = (await t.server.storage.pendingEmails()).filter((mail) =>
              JSON.stringify(mail).includes(conversationId),
            );
            const everything = [...received, JSON.stringify(email), ...stored.map((mail) => JSON.stringify(mail))];
            for (const text of everything) {
              for (const marker of commentTexts)
                assert.ok(!text.includes(marker), `comment ${marker} reached the visitor: ${text.slice(0, 300)}`);
              for (const id of commentIds)
                assert.ok(!text.includes(id), `comment id ${id} reached the visitor: ${text.slice(0, 300)}`);
            }
            for (const socket of sockets) socket.close();
            totals.runs += 1;
          }),
        ),
        { seed, numRuns: RUNS, endOnFailure: true },
      );
      console.log(`# comment histories: ${JSON.stringify(totals)}`);
      assert.equal(totals.runs, RUNS);
      assert.ok(totals.comments > 0 && totals.transcripts === RUNS);
    },
  );
});

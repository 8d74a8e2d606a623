// The one storage contract (BackendStorage in @confab/core/backend) as a test suite: every
// implementation runs these same cases from a small test file of its own.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BackendStorage, CommitRecord } from '@confab/core/backend';
import type { ConfabEvent } from '@confab/core';
import { CommitRefusedError, type CommitRefusal } from './commit-refused.js';

/** One log under test, and the ways to reach it again. */
export interface LogFixture {
  storage: BackendStorage;
  /** Opens the same log again, as a restarted process would; absent where nothing outlives close. */
  reopen?: () => Promise<BackendStorage>;
  /** A second handle on the same log, as another process holds one; absent where none can exist. */
  another?: () => Promise<BackendStorage>;
  /** Closes every handle it opened and removes the log. */
  dispose(): Promise<void>;
}

export interface StorageSubject {
  /** A new, empty log. */
  fresh(): Promise<LogFixture>;
  /** What it promises beyond the basics; the cases it does not promise are skipped, saying why. */
  promises: {
    /** The log outlives close (LogFixture.reopen). */
    durable: boolean;
    /** Several handles, as several processes hold, share one log (LogFixture.another). */
    sharedHandles: boolean;
    /** Refuses a commit whose events overlap the log, storing none of it. */
    refusesOverlap: boolean;
    /** Checks every commit against the head; refuses with CommitRefusedError (gap, overlap, command-done, malformed). */
    typedRefusals: boolean;
  };
}

const viewRemoved = (viewId: string): ConfabEvent => ({ type: 'view.removed', viewId });

/** A command's record: one event per id in `views`, numbered from `firstSeq`. */
function record(commandId: string, firstSeq: number, views: string[], principalKey = 'agent:a1', at = 1): CommitRecord {
  const events = views.map((view, index) => ({ seq: firstSeq + index, cause: commandId, event: viewRemoved(view) }));
  return { principalKey, commandId, events, outcome: { ok: true, seq: firstSeq + views.length - 1 }, at };
}

async function seqs(storage: BackendStorage): Promise<number[]> {
  return (await storage.load({ recent: Number.MAX_SAFE_INTEGER })).events.map((event) => event.seq);
}

/** Registers the contract's tests for one implementation. */
export function storageContract(name: string, subject: StorageSubject): void {
  /** Runs `body` on a fresh log and disposes of it however the test ends. */
  const withLog = (body: (log: LogFixture) => Promise<void>) => async () => {
    const log = await subject.fresh();
    try {
      await body(log);
    } finally {
      await log.dispose();
    }
  };
  const { promises } = subject;
  const unless = (promised: boolean, why: string) => (promised ? {} : { skip: `${name} ${why}` });
  const reopen = (log: LogFixture) => {
    assert.ok(log.reopen, `${name} promises a durable log: its fixture can reopen it`);
    return log.reopen();
  };

  describe(`storage contract: ${name}`, () => {
    test(
      'a new log is empty and names its epoch',
      withLog(async ({ storage }) => {
        const log = await storage.load({ recent: 10 });
        assert.deepEqual(log.events, []);
        assert.equal(log.snapshot, null);
        assert.match(log.epoch, /^[0-9a-f]{16}$/);
      }),
    );

    test(
      'a commit stores its events and outcome together; load returns them in seq order with who caused them',
      withLog(async ({ storage }) => {
        await storage.commit({
          ...record('c1', 1, ['v1', 'v2']),
          outcome: { ok: true, seq: 2, result: { viewId: 'v2' } },
        });
        await storage.commit({
          principalKey: 'agent:a1',
          commandId: 'c2',
          events: [],
          outcome: { ok: false, error: { code: 'not-found', message: 'No such view' } },
          at: 1,
        });
        await storage.commit({
          ...record('c3', 3, ['v3'], 'system'),
          events: [{ seq: 3, cause: null, event: viewRemoved('v3') }],
        });
        const log = await storage.load({ recent: 10 });
        assert.deepEqual(log.events, [
          { seq: 1, cause: 'c1', event: viewRemoved('v1'), by: 'agent:a1' },
          { seq: 2, cause: 'c1', event: viewRemoved('v2'), by: 'agent:a1' },
          { seq: 3, cause: null, event: viewRemoved('v3'), by: 'system' },
        ]);
        const outcomes = await storage.outcomes('agent:a1', ['c1', 'c2', 'c3', 'never']);
        assert.deepEqual(outcomes.get('c1'), { ok: true, seq: 2, result: { viewId: 'v2' } });
        assert.deepEqual(outcomes.get('c2'), { ok: false, error: { code: 'not-found', message: 'No such view' } });
        assert.equal(outcomes.size, 2, "c3 is the system's, not this agent's; `never` was never committed");
        assert.deepEqual([...(await storage.outcomes('system', ['c3'])).keys()], ['c3']);
      }),
    );

    test(
      'hostile text comes back as it went in: NUL, a lone surrogate, right-to-left, emoji, quotes',
      withLog(async ({ storage }) => {
        const text = 'a\u0000b \ud800 \u202eevil\u202c 👩‍💻 "\'\\ </script>';
        await storage.commit(record('c1', 1, [text]));
        const [stored] = (await storage.load({ recent: 1 })).events;
        assert.deepEqual(stored!.event, viewRemoved(text));
      }),
    );

    test(
      'load returns the latest snapshot and the events after it, and at least the last `recent` events',
      withLog(async ({ storage }) => {
        for (let seq = 1; seq <= 10; seq++) await storage.commit(record(`c${seq}`, seq, [`v${seq}`]));
        await storage.saveSnapshot({ seq: 4, at: 5, engine: ['old'], streams: [] });
        await storage.saveSnapshot({ seq: 8, at: 9, engine: ['e1', 'e2'], streams: ['s1'] });
        const log = await storage.load({ recent: 0 });
        assert.deepEqual(log.snapshot, { seq: 8, at: 9, engine: ['e1', 'e2'], streams: ['s1'] });
        assert.deepEqual(
          log.events.map((event) => event.seq),
          [9, 10],
        );
        const withRecent = await storage.load({ recent: 5 });
        assert.deepEqual(
          withRecent.events.map((event) => event.seq),
          [6, 7, 8, 9, 10],
        );
      }),
    );

    test(
      'outcomes are deleted by age, only those older than the given time, and the events stay',
      withLog(async ({ storage }) => {
        for (const [seq, at] of [
          [1, 1_000],
          [2, 2_000],
          [3, 3_000],
        ] as const)
          await storage.commit(record(`c${seq}`, seq, [`v${seq}`], 'visitor:k1', at));
        assert.equal(await storage.forgetOutcomes(2_500), 2);
        assert.deepEqual([...(await storage.outcomes('visitor:k1', ['c1', 'c2', 'c3'])).keys()], ['c3']);
        assert.deepEqual(await seqs(storage), [1, 2, 3]);
      }),
    );

    test(
      'reopened after close, the log, its outcomes, its snapshot and its epoch are all there',
      unless(promises.durable, 'keeps nothing after close'),
      withLog(async (log) => {
        const { storage } = log;
        await storage.commit(record('c1', 1, ['v1', 'v2']));
        await storage.saveSnapshot({ seq: 2, at: 3, engine: ['e'], streams: ['s'] });
        const before = await storage.load({ recent: 10 });
        await storage.close();
        await assert.rejects(storage.commit(record('c2', 3, ['v3'])), 'a closed storage takes no commits');
        const reopened = await reopen(log);
        const after = await reopened.load({ recent: 10 });
        assert.deepEqual(after, before);
        assert.equal((await reopened.outcomes('agent:a1', ['c1'])).get('c1')?.ok, true);
      }),
    );

    test(
      'closing while a commit is under way stores the commit first',
      unless(promises.durable, 'keeps nothing after close'),
      withLog(async (log) => {
        const pending = log.storage.commit(record('last', 1, ['v']));
        await log.storage.close();
        await pending;
        const reopened = await reopen(log);
        assert.deepEqual(await seqs(reopened), [1]);
      }),
    );

    test(
      'two handles commit from the same head at once: exactly one wins, and the log holds only its events',
      unless(promises.sharedHandles, 'has one handle per log'),
      withLog(async (log) => {
        assert.ok(log.another, `${name} promises shared handles: its fixture opens another`);
        await log.storage.commit(record('c1', 1, ['v1']));
        const other = await log.another();
        const results = await Promise.allSettled([
          log.storage.commit(record('mine', 2, ['mine-a', 'mine-b'])),
          other.commit(record('theirs', 2, ['theirs'])),
        ]);
        const winners = results.flatMap((result, index) => (result.status === 'fulfilled' ? [index] : []));
        assert.equal(winners.length, 1, `exactly one commit wins: ${results.map((r) => r.status).join(', ')}`);
        const [winner, loser] = winners[0] === 0 ? ['mine', 'theirs'] : ['theirs', 'mine'];
        const loaded = await other.load({ recent: 10 });
        assert.deepEqual(
          loaded.events.slice(1).map((event) => event.cause),
          winner === 'mine' ? ['mine', 'mine'] : ['theirs'],
        );
        const outcomes = await log.storage.outcomes('agent:a1', ['mine', 'theirs']);
        assert.deepEqual([...outcomes.keys()], [winner]);
        assert.equal(outcomes.has(loser!), false);
      }),
    );

    test(
      'a commit that overlaps the log is refused and none of it is stored',
      unless(promises.refusesOverlap, 'takes what the hub numbers (the hub is its only writer)'),
      withLog(async ({ storage }) => {
        await storage.commit(record('c1', 1, ['v1']));
        const before = await storage.load({ recent: 10 });
        await assert.rejects(storage.commit(record('c2', 1, ['again', 'and-more'])));
        assert.deepEqual(await storage.load({ recent: 10 }), before);
        assert.equal((await storage.outcomes('agent:a1', ['c2'])).size, 0);
      }),
    );

    describe('refusals are typed and change nothing', () => {
      const refused = (reason: CommitRefusal) => (error: unknown) =>
        error instanceof CommitRefusedError && error.reason === reason;
      const cases: [string, CommitRefusal, CommitRecord][] = [
        ['a gap after the head', 'gap', record('c9', 5, ['v5'])],
        ['an overlap with the head', 'overlap', record('c9', 2, ['v2'])],
        ['a command id that has an outcome', 'command-done', record('c1', 3, ['v3'])],
        [
          'events numbered with a hole',
          'malformed',
          {
            ...record('c9', 3, ['a', 'b']),
            events: [
              { seq: 3, cause: 'c9', event: viewRemoved('a') },
              { seq: 5, cause: 'c9', event: viewRemoved('b') },
            ],
            outcome: { ok: true, seq: 5 },
          },
        ],
        ['an outcome naming another seq', 'malformed', { ...record('c9', 3, ['v3']), outcome: { ok: true, seq: 7 } }],
        [
          'a refusal with events',
          'malformed',
          { ...record('c9', 3, ['v3']), outcome: { ok: false, error: { code: 'internal', message: 'x' } } },
        ],
        ['no command id', 'malformed', { ...record('', 3, ['v3']) }],
        ['no principal key', 'malformed', record('c9', 3, ['v3'], '')],
        [
          'an event without a type',
          'malformed',
          { ...record('c9', 3, ['v3']), events: [{ seq: 3, cause: 'c9', event: {} as ConfabEvent }] },
        ],
        ['a time that is not a number', 'malformed', record('c9', 3, ['v3'], 'agent:a1', Number.NaN)],
        ['a time in fractions of a millisecond', 'malformed', record('c9', 3, ['v3'], 'agent:a1', 1.5)],
      ];
      for (const [what, reason, bad] of cases) {
        test(
          `${what} is refused as ${reason}`,
          unless(promises.typedRefusals, 'does not check records against the head'),
          withLog(async ({ storage }) => {
            await storage.commit(record('c1', 1, ['v1', 'v2']));
            const before = await storage.load({ recent: 10 });
            await assert.rejects(storage.commit(bad), refused(reason));
            assert.deepEqual(await storage.load({ recent: 10 }), before);
            assert.equal(
              (await storage.outcomes(bad.principalKey, [bad.commandId])).get(bad.commandId)?.ok ?? null,
              bad.commandId === 'c1' ? true : null,
            );
            // And the log takes the right next commit.
            await storage.commit(record('c10', 3, ['v3']));
            assert.deepEqual(await seqs(storage), [1, 2, 3]);
          }),
        );
      }
    });
  });
}

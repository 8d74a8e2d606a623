import pg from 'pg';
import { connectCounted, isUnreachable } from './postgres-pool.js';

/** confab_commit_at's arguments: the workspace, the head it was decided at, the events and outcomes (JSON). */
export interface OneStepCall {
  workspaceId: string;
  seq: number;
  events: string;
  answers: string;
}

/**
 * Sends one workspace's one-step commit (`confab_commit_at`) and resolves with its answer: true
 * once committed, false when it wrote nothing (its head moved, or its command id has an outcome).
 */
export type OneStepCommit = (call: OneStepCall) => Promise<boolean>;

/** Statements of one-step commits under way at once, per pool: more calls wait and go together. */
const MAX_STATEMENTS = 2;
/** Calls in one statement at most (a statement's size, and how long its head locks are held). */
const MAX_CALLS = 64;

const byPool = new WeakMap<pg.Pool, OneStepCommit>();

/**
 * The one-step commits of every workspace that shares `pool`, sent together: the calls asked for
 * in one event-loop turn, or while MAX_STATEMENTS statements are under way, go in one statement —
 * one round trip, one transaction and one WAL flush for all of them, where a lone command per
 * workspace otherwise costs each its own (a process serves many workspaces, each with a command
 * now and then). A call's answer is its own: one whose head moved wrote nothing and the others
 * commit. The calls are in workspace order, so two processes lock the head rows they share in the
 * same order. A statement that fails is sent again one call at a time, so each call gets its own
 * answer; a database that did not answer fails them all (their outcome is unknown).
 */
export function oneStepCommits(pool: pg.Pool): OneStepCommit {
  let commit = byPool.get(pool);
  if (!commit) byPool.set(pool, (commit = createOneStepCommits(pool)));
  return commit;
}

interface Call extends OneStepCall {
  resolve: (done: boolean) => void;
  reject: (error: unknown) => void;
}

function createOneStepCommits(pool: pg.Pool): OneStepCommit {
  const waiting: Call[] = [];
  let statements = 0;
  let scheduled = false;

  function schedule() {
    if (scheduled || statements >= MAX_STATEMENTS || !waiting.length) return;
    scheduled = true;
    // At the end of this turn: the calls of every hub that committed in it go together.
    setImmediate(sendWaiting);
  }

  function sendWaiting() {
    scheduled = false;
    const calls = takeCalls();
    statements++;
    void send(calls).finally(() => {
      statements--;
      schedule();
    });
  }

  /** The first waiting call of each workspace, in workspace order; a second one of a workspace waits for the next statement. */
  function takeCalls(): Call[] {
    waiting.sort((a, b) => (a.workspaceId < b.workspaceId ? -1 : a.workspaceId > b.workspaceId ? 1 : 0));
    const taken: Call[] = [];
    const later: Call[] = [];
    for (const call of waiting) {
      const previous = taken[taken.length - 1];
      if (taken.length < MAX_CALLS && previous?.workspaceId !== call.workspaceId) taken.push(call);
      else later.push(call);
    }
    waiting.splice(0, waiting.length, ...later);
    return taken;
  }

  async function send(calls: Call[]) {
    let answers: boolean[];
    try {
      answers = await statement(calls);
    } catch (error) {
      if (calls.length === 1 || isUnreachable(error)) {
        for (const call of calls) call.reject(error);
        return;
      }
      // Nothing of it was written: each call alone, for its own answer.
      await Promise.all(calls.map((call) => send([call])));
      return;
    }
    calls.forEach((call, index) => call.resolve(answers[index] === true));
  }

  async function statement(calls: Call[]): Promise<boolean[]> {
    const client = await connectCounted(pool);
    let broken: Error | undefined;
    try {
      // One statement is its own transaction: durable once it answers. Prepared once per
      // connection and number of calls; the values go as parameters, nothing to escape.
      const { rows } = await client.query<{ done: boolean[] }>({
        name: `confab-commit-at-${calls.length}`,
        text: `SELECT ARRAY[${calls.map((_, index) => `confab_commit_at($${index * 4 + 1}, $${index * 4 + 2}, $${index * 4 + 3}::json, $${index * 4 + 4}::json)`).join(', ')}] AS done`,
        values: calls.flatMap((call) => [call.workspaceId, call.seq, call.events, call.answers]),
      });
      return rows[0]!.done;
    } catch (error) {
      if (isUnreachable(error)) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  return (call) =>
    new Promise<boolean>((resolve, reject) => {
      waiting.push({ ...call, resolve, reject });
      schedule();
    });
}

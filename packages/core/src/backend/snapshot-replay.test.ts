import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { applyEvent, execute } from '../engine/engine.js';
import { MINUTE, T0 } from '../engine/engine-harness.test-util.js';
import { commandFor, stepArbitrary, type Step } from '../engine/random-commands.test-util.js';
import { createEngineState } from '../engine/state.js';
import { LazyMessages, type MessageChanges } from '../engine/lazy-messages.js';
import { STATE_SNAPSHOT_VERSION, deserializeEngineState, serializeEngineState } from '../engine/state-snapshot.js';
import { ConfabError } from '../protocol/errors.js';
import { demoSeed } from '../testing/demo-data.js';
import { principalKey } from './principal-key.js';
import { applyStored } from './replay.js';
import type { StoredEvent } from './types.js';
import { createVisitorStreams } from './visitor-streams.js';

/** Small enough that random logs cross it: resume windows cut in the middle of a snapshot. */
const KEEP = 5;

/** A log as the hub stores it: the demo seed, then the events of random commands that ran. */
function logOf(steps: Step[]): StoredEvent[] {
  const state = createEngineState();
  const log: StoredEvent[] = [];
  const add = (events: ReturnType<typeof demoSeed>, cause: string | null, by: string) => {
    for (const event of events) {
      applyEvent(state, event);
      log.push({ seq: log.length + 1, cause, event, by });
    }
  };
  add(demoSeed(T0), null, 'system');
  let now = T0;
  let counter = 0;
  for (const [index, step] of steps.entries()) {
    now += step.flag ? 31 * MINUTE : MINUTE;
    const next = commandFor(state, step);
    if (!next) continue;
    try {
      const { events } = execute(state, next.principal, next.command, { now, newId: () => `p${++counter}` });
      add(events, `command-${index}`, principalKey(next.principal));
    } catch (error) {
      expect(error).to.be.instanceOf(ConfabError);
    }
  }
  return log;
}

/** Replays `events` from an empty state, or from a snapshot of the first `cut` of them. */
function load(events: StoredEvent[], cut: number | null) {
  let state = createEngineState();
  let streams = createVisitorStreams(KEEP);
  if (cut !== null) {
    applyStored(state, streams, events.slice(0, cut));
    // Through text, as storage keeps it: nothing of the running objects survives.
    const engine = serializeEngineState(state).map((chunk) => JSON.parse(JSON.stringify(chunk)) as string);
    state = deserializeEngineState(engine);
    streams = createVisitorStreams(KEEP, streams.save());
  }
  applyStored(state, streams, events.slice(cut ?? 0));
  return { state, streams };
}

describe('backend: snapshots', () => {
  it('snapshot + tail builds the same engine state and visitor streams as a replay from the first event', () => {
    fc.assert(
      fc.property(fc.array(stepArbitrary, { minLength: 1, maxLength: 60 }), fc.nat(), (steps, cutAt) => {
        const events = logOf(steps);
        const cut = cutAt % (events.length + 1);
        const replayed = load(events, null);
        const loaded = load(events, cut);
        // Serialised, maps compare with their order, Sets as what they hold, every field at once.
        expect(serializeEngineState(loaded.state)).to.deep.equal(serializeEngineState(replayed.state));
        expect(loaded.state).to.deep.equal(replayed.state);
        expect(loaded.streams.save()).to.deep.equal(replayed.streams.save());
        // What a visitor resumes with after the snapshot is what it would have got without one.
        for (const contactId of replayed.state.contacts.keys()) {
          const now = replayed.streams.seqNow(contactId);
          expect(loaded.streams.seqNow(contactId)).to.equal(now);
          for (let from = Math.max(0, now - KEEP - 1); from <= now; from++)
            expect(loaded.streams.since(contactId, from)).to.deep.equal(replayed.streams.since(contactId, from));
        }
      }),
      { numRuns: 80, seed: 19 },
    );
  });

  it('messages kept apart load the same state, and each snapshot stores only the lists that changed', () => {
    fc.assert(
      fc.property(fc.array(stepArbitrary, { minLength: 1, maxLength: 60 }), fc.nat(), fc.nat(), (steps, a, b) => {
        const events = logOf(steps);
        const [first, second] = [a % (events.length + 1), b % (events.length + 1)].sort((x, y) => x - y);
        // The rows a storage keeps apart, one per conversation, and the snapshot they belong to.
        const rows = new Map<string, string>();
        let rowsSeq: number | null = null;
        const store = ({ base, changed, removed }: MessageChanges, seq: number) => {
          expect(base).to.equal(rowsSeq);
          if (base === null) rows.clear();
          for (const id of removed) rows.delete(id);
          for (const [id, text] of changed) rows.set(id, text);
          rowsSeq = seq;
        };
        const reads: string[] = [];
        const fromRows = (engine: string[], seq: number) =>
          deserializeEngineState(engine, {
            seq,
            text: (id) => {
              reads.push(id);
              return rows.get(id);
            },
          });

        let state = createEngineState();
        let streams = createVisitorStreams(KEEP);
        applyStored(state, streams, events.slice(0, first));
        // As the hub tracks them before its first snapshot: every list is new.
        const tracked = new LazyMessages();
        for (const [id, list] of state.messages) tracked.set(id, list);
        state.messages = tracked;
        // First snapshot: every list; then a load reads none until used, the next snapshot only changes.
        let engine = serializeEngineState(state, { messagesApart: true });
        store((state.messages as LazyMessages).takeChanges(first), first);
        state = fromRows(engine, first);
        expect(reads).to.deep.equal([]);
        streams = createVisitorStreams(KEEP, streams.save());
        applyStored(state, streams, events.slice(first, second));
        const changes = (state.messages as LazyMessages).takeChanges(second);
        expect(changes.base).to.equal(first);
        engine = serializeEngineState(state, { messagesApart: true });
        store(changes, second);
        state = fromRows(engine, second);
        applyStored(state, createVisitorStreams(KEEP, streams.save()), events.slice(second));

        const replayed = load(events, null);
        expect(serializeEngineState(state)).to.deep.equal(serializeEngineState(replayed.state));
      }),
      { numRuns: 60, seed: 19 },
    );
  });

  it('a snapshot whose messages are apart is refused without them, so the hub replays instead', () => {
    const state = createEngineState();
    state.messages.set('c1', []);
    const engine = serializeEngineState(state, { messagesApart: true });
    expect(() => deserializeEngineState(engine)).to.throw(/keeps its messages apart/);
  });

  it('a snapshot of another format is refused, so the hub replays the log instead of loading it wrong', () => {
    const chunks = serializeEngineState(createEngineState());
    const other = chunks.map((chunk) => chunk.replace(`"v":${STATE_SNAPSHOT_VERSION}`, '"v":99'));
    expect(() => deserializeEngineState(other)).to.throw(/format 99/);
    expect(() => deserializeEngineState(chunks.slice(1))).to.throw(/has no conversations/);
  });
});

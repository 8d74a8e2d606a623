import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerFrame } from '@confab/core';
import { frameText } from './frame-text.js';

const event = { type: 'agent.upserted', agent: { id: 'a1', name: 'Ann "A" \u2028', availability: 'away' } };

test('frame text: an events frame reads as JSON.stringify gives it, for every socket', () => {
  for (const seq of [1, 2, 99_999]) {
    const frame = {
      v: 1,
      type: 'events',
      events: [
        { seq, cause: null, event },
        { seq: seq + 1, cause: 'c-1', event },
      ],
    };
    assert.equal(frameText(frame as ServerFrame), JSON.stringify(frame));
  }
});

test('frame text: other frames and unusual shapes are serialised whole', () => {
  const frames = [
    { v: 1, type: 'ack', id: 'x', seq: 3 },
    { v: 1, type: 'events', events: [] },
    { v: 1, type: 'events', events: [{ seq: 1, event }] },
    { v: 1, type: 'events', events: [{ seq: 1, cause: 'c', event, extra: true }] },
    { v: 1, type: 'events', events: [{ seq: 1, cause: 'c', event }], more: true },
  ];
  for (const frame of frames) assert.equal(frameText(frame as unknown as ServerFrame), JSON.stringify(frame));
});

test('frame text: one event object is serialised once however many sockets it goes to', () => {
  let serialised = 0;
  const counted = {
    type: 'agent.upserted',
    toJSON() {
      serialised += 1;
      return { type: 'agent.upserted' };
    },
  };
  for (let socket = 0; socket < 1_000; socket++)
    assert.equal(
      frameText({
        v: 1,
        type: 'events',
        events: [{ seq: socket, cause: null, event: counted }],
      } as unknown as ServerFrame),
      `{"v":1,"type":"events","events":[{"seq":${socket},"cause":null,"event":{"type":"agent.upserted"}}]}`,
    );
  assert.equal(serialised, 1);
});

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createTurnWrites } from './turn-writes.js';

/** A stream that records each write that reaches it (a writev is one write of several chunks). */
function recordingSocket() {
  const writes: string[][] = [];
  const socket = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push([String(chunk)]);
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map(({ chunk }) => String(chunk)));
      done();
    },
  });
  return { socket, writes };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test('a socket’s first frame in a turn leaves at once; the rest of the turn’s frames leave together after it', async () => {
  const beforeWrite = createTurnWrites();
  const { socket, writes } = recordingSocket();
  for (const frame of ['events 1', 'ack 1', 'events 2', 'ack 2']) {
    beforeWrite(socket);
    socket.write(frame);
  }
  assert.deepEqual(writes, [['events 1']]);
  await nextTurn();
  assert.deepEqual(writes, [['events 1'], ['ack 1', 'events 2', 'ack 2']]);

  // The next turn starts afresh.
  beforeWrite(socket);
  socket.write('events 3');
  assert.deepEqual(writes.at(-1), ['events 3']);
});

test('a socket that awaits answers holds even its first frame of the turn: its events and ack leave in one write', async () => {
  const beforeWrite = createTurnWrites();
  const { socket, writes } = recordingSocket();
  beforeWrite(socket, true);
  socket.write('events');
  beforeWrite(socket, false);
  socket.write('ack');
  assert.deepEqual(writes, []);
  await nextTurn();
  assert.deepEqual(writes, [['events', 'ack']]);
});

test('a fan-out of one frame to each of many sockets corks none of them', async () => {
  const beforeWrite = createTurnWrites();
  const sockets = Array.from({ length: 100 }, recordingSocket);
  for (const { socket } of sockets) {
    beforeWrite(socket);
    socket.write('agent.upserted');
  }
  assert.ok(sockets.every(({ socket, writes }) => writes.length === 1 && socket.writableCorked === 0));
  await nextTurn();
});

test('ending a socket in the turn its frames were corked still sends them, in order', async () => {
  const beforeWrite = createTurnWrites();
  const { socket, writes } = recordingSocket();
  for (const frame of ['error', 'close']) {
    beforeWrite(socket);
    socket.write(frame);
  }
  socket.end();
  await nextTurn();
  assert.deepEqual(writes.flat(), ['error', 'close']);
});

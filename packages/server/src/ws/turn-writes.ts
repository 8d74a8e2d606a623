import type { Writable } from 'node:stream';

/**
 * Frames for one socket in one turn of the event loop leave in one write. A batch of commands on a
 * shared log answers with each command's events and ack at the same moment: one system call each
 * (on loopback, the receiver's TCP work too) was a socket's largest cost. A socket's first frame
 * in a turn goes at once, so a fan-out of one frame per socket is not held back; later frames in
 * the same turn are corked and leave together when the turn ends.
 */
export function createTurnWrites(): (socket: Writable) => void {
  const written = new Set<Writable>();
  const corked = new Set<Writable>();
  let flushQueued = false;
  const flush = () => {
    flushQueued = false;
    written.clear();
    for (const socket of corked) socket.uncork();
    corked.clear();
  };
  return function beforeWrite(socket) {
    if (!written.has(socket)) {
      written.add(socket);
      if (!flushQueued) {
        flushQueued = true;
        setImmediate(flush);
      }
      return;
    }
    if (corked.has(socket)) return;
    socket.cork();
    corked.add(socket);
  };
}

import type { Writable } from 'node:stream';

/**
 * Frames for one socket in one turn of the event loop leave in one write. A batch of commands on a
 * shared log answers with each command's events and ack at the same moment: one system call each
 * (on loopback, the receiver's TCP work too) was a socket's largest cost. A socket's first frame
 * in a turn goes at once, so a fan-out of one frame per socket is not held back, unless `hold`
 * says more will follow (the socket awaits answers to its commands); later frames in the same
 * turn are corked and leave together when the turn ends.
 */
export function createTurnWrites(): (socket: Writable, hold?: boolean) => void {
  const written = new Set<Writable>();
  const corked = new Set<Writable>();
  let flushQueued = false;
  const flush = () => {
    flushQueued = false;
    written.clear();
    for (const socket of corked) socket.uncork();
    corked.clear();
  };
  return function beforeWrite(socket, hold = false) {
    if (corked.has(socket)) return;
    if (!flushQueued) {
      flushQueued = true;
      setImmediate(flush);
    }
    if (!hold && !written.has(socket)) {
      written.add(socket);
      return;
    }
    socket.cork();
    corked.add(socket);
  };
}

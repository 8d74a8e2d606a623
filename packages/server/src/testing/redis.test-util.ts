// Test helper: a throwaway redis-server on a free loopback port, with nothing saved to disk. Its
// directory and process are gone once it stops, or once the test process ends in any way.
import { connect } from 'node:net';
import { startOnFreePort, type ThrowawayProcess } from './throwaway-process.test-util.js';

export interface ThrowawayRedis {
  port: number;
  /** `redis://127.0.0.1:<port>` */
  url: string;
  process: ThrowawayProcess;
  stop(): Promise<void>;
}

/** Sends one inline command and resolves with the first line of the answer (`+PONG`). */
export function redisCommand(port: number, command: string, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`redis on port ${port} did not answer`)));
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.setEncoding('utf8').on('data', (text: string) => {
      answer += text;
      const end = answer.indexOf('\r\n');
      if (end >= 0) {
        socket.end();
        resolve(answer.slice(0, end));
      }
    });
  });
}

/**
 * `redis-server` on a free port of 127.0.0.1 (or on `port`: a restart where clients expect it), no
 * snapshots, no append-only file.
 *
 * @example
 * const redis = await startThrowawayRedis();
 * after(() => redis.stop());
 */
export async function startThrowawayRedis(options: { port?: number } = {}): Promise<ThrowawayRedis> {
  const { process, port } = await startOnFreePort({
    ...options,
    name: 'redis',
    command: (port) => [
      'redis-server',
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', '{dir}'],
      ...['--save', '', '--appendonly', 'no'],
    ],
    stopSignal: 'SIGTERM',
    answers: async (port) => (await redisCommand(port, 'PING')) === '+PONG',
    portTaken: (output) => /Address already in use/i.test(output),
  });
  return { port, url: `redis://127.0.0.1:${port}`, process, stop: () => process.stop() };
}

// Test helper: a small TCP proxy on loopback between one server process and PostgreSQL or Redis,
// so a fault test can cut that one process off (a partition) or drop its connections.
import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /**
   * A partition: bytes stop flowing both ways on every connection, open or new, and nothing is
   * closed — the process and the database each wait for an answer that never comes.
   */
  cut(): void;
  /** Ends the partition: the connections held through it are dropped (bytes were lost), new ones flow. */
  heal(): void;
  /** Drops every open connection at once (a reset link); new ones flow. */
  reset(): void;
  close(): Promise<void>;
}

/** Listens on a free port of 127.0.0.1 and forwards each connection to `targetPort` there. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket | null; held: boolean }>();
  let partitioned = false;
  const drop = (pair: { client: Socket; upstream: Socket | null }) => {
    pair.client.destroy();
    pair.upstream?.destroy();
    pairs.delete(pair as never);
  };
  const server = createServer((client) => {
    const pair = { client, upstream: null as Socket | null, held: partitioned };
    pairs.add(pair);
    client.on('error', () => drop(pair));
    client.on('close', () => drop(pair));
    // Accepted during a partition: held open, never connected through.
    if (partitioned) return;
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    pair.upstream = upstream;
    upstream.on('error', () => drop(pair));
    upstream.on('close', () => drop(pair));
    client.on('data', (chunk) => {
      if (!pair.held) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!pair.held) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    cut() {
      partitioned = true;
      for (const pair of pairs) pair.held = true;
    },
    heal() {
      partitioned = false;
      for (const pair of [...pairs]) if (pair.held) drop(pair);
    },
    reset() {
      for (const pair of [...pairs]) drop(pair);
    },
    close() {
      for (const pair of [...pairs]) drop(pair);
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

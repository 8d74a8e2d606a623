// Shared by bench/widget.bench.mjs and the screenshot script: the reference server with demo
// data (fresh data directory) and Debian's Chromium through playwright-core.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url);

export async function startDemoServer() {
  const { startServer } = await import(new URL('packages/server/dist/index.js', root).href);
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-widget-'));
  const server = await startServer({ port: 0, dataDir, demo: true, quiet: true, log: () => {} });
  return {
    server,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export { launchChromium } from '../../../scripts/chromium.mjs';

/** An available agent of the demo data, to answer as. */
export function demoAgent(server) {
  const agents = [...server.backend.state.agents.values()].filter((agent) => !agent.disabled);
  return agents.find((agent) => agent.availability === 'available') ?? agents[0];
}

/** The newest chat conversation the server has. */
export function newestChat(server) {
  return [...server.backend.state.conversations.values()]
    .filter((c) => c.channel === 'chat')
    .sort((a, b) => b.startedAt - a.startedAt)[0];
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

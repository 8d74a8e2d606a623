// Many workspaces on one process (issue 19): the resident memory of a server whose store holds
// 1,000 workspaces with history (each the demo's 138 events: agents, contacts, conversations in
// every channel), none connected. Each workspace is used once (an email through its own ingest
// token, which loads its hub: snapshot or log, then the engine's state), then left idle; the server
// closes idle hubs with no links after CONFAB_WORKSPACE_IDLE_MINUTES (here BENCH_IDLE_MS).
//   server.workspaces.start.MB   RSS after start (only the default workspace loaded)
//   server.workspaces.loaded.MB  RSS once every workspace was used (hubs loaded, none evicted yet)
//   server.workspaces.idle.MB    RSS after the idle hubs were closed (budget ≤ 300 MB)
//   server.workspaces.loadPerSec first uses per second (each loads a hub, then commits an email)
// The server runs as a child process; this process seeds the store and plays the ingest clients.
// BENCH_WORKSPACES sets the count (default 1,000). Wall time about 2 minutes here.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? 1000);
/** Long enough that every hub is still loaded when the last first use is done. */
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 60_000);
const CONCURRENCY = 8;
const QUIET_MS = Number(process.env.BENCH_QUIET_MS ?? 30_000);

const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function residentMB(pid) {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match[1]) / 1024;
}

/** 1,000 workspaces, each with the demo's history and an ingest token `cfi_bench-<i>`. */
async function seed(dataDir) {
  const server = await import(pathToFileURL(join(root, 'packages/server/dist/index.js')).href);
  const { demoSeed } = await import(pathToFileURL(join(root, 'packages/core/dist/testing/index.js')).href);
  const storage = server.createSqliteStorage(dataDir);
  const at = Date.now();
  const events = demoSeed(at).map((event, index) => ({ seq: index + 1, cause: null, event }));
  for (let index = 0; index < WORKSPACES; index++) {
    const id = `ws-${index}`;
    await storage.createWorkspace({ id, name: id, createdAt: at });
    await storage.saveWorkspaceToken({
      tokenHash: server.hashToken(`cfi_bench-${index}`),
      workspaceId: id,
      purpose: 'ingest',
      label: 'bench',
      createdAt: at,
    });
    await storage
      .forWorkspace(id)
      .commit({ principalKey: 'system', commandId: 'seed', events, outcome: { ok: true, seq: events.length }, at });
  }
  await storage.close();
}

/** The server in a child process, with the idle time in ms (the binary takes whole minutes). */
function startChild(dataDir) {
  const script = `
    const { startServer, NO_LIMITS } = await import(${JSON.stringify(pathToFileURL(join(root, 'packages/server/dist/index.js')).href)});
    const server = await startServer({ port: 0, host: '127.0.0.1', dataDir: process.env.DATA_DIR, adminToken: 'bench-admin', metricsToken: 'bench-metrics',
      workspaceIdleMs: Number(process.env.IDLE_MS), limits: NO_LIMITS, httpLimits: { burst: 1e9, perSecond: 1e9 } });
    console.log('listening on ' + server.url);
    process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
    // Asked by the bench: a full collection, to tell memory still held from garbage not yet collected.
    process.on('message', (message) => { if (message === 'gc') { globalThis.gc(); process.send('collected'); } });`;
  const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    env: { ...process.env, DATA_DIR: dataDir, IDLE_MS: String(IDLE_MS) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1] });
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
}

/** The V8 heap in use (MB), from the server's own /metrics. */
async function heapUsedMB(url) {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer bench-metrics' } })).text();
  return Number(/^confab_nodejs_heap_size_used_bytes (\S+)$/m.exec(text)[1]) / 1024 / 1024;
}

async function loadedWorkspaces(url) {
  const health = await (
    await fetch(`${url}/health?details`, { headers: { authorization: 'Bearer bench-admin' } })
  ).json();
  return health.workspaces.loaded;
}

export async function run() {
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-bench-workspaces-'));
  const results = [];
  let child;
  try {
    await seed(dataDir);
    const started = await startChild(dataDir);
    child = started.child;
    const { url } = started;
    await sleep(1000);
    results.push({ metric: 'server.workspaces.start.MB', value: round(residentMB(child.pid)), unit: 'MB RSS' });

    let next = 0;
    const firstUses = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < WORKSPACES) {
          const index = next++;
          const response = await fetch(`${url}/api/channels/email/inbound`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer cfi_bench-${index}` },
            body: JSON.stringify({
              from: `customer${index}@customer.example`,
              to: 'support@team.example',
              subject: 'Hello',
              text: 'A first email to this workspace.',
              messageId: `<bench-${index}@customer.example>`,
            }),
          });
          await response.arrayBuffer();
          if (!response.ok) throw new Error(`ingest into ws-${index}: ${response.status}`);
        }
      }),
    );
    const seconds = (performance.now() - firstUses) / 1000;
    results.push({ metric: 'server.workspaces.loadPerSec', value: round(WORKSPACES / seconds), unit: 'first uses/s' });
    const loaded = await loadedWorkspaces(url);
    results.push({
      metric: 'server.workspaces.loaded.MB',
      value: round(residentMB(child.pid)),
      unit: `MB RSS with ${loaded} workspace hubs loaded, no links`,
    });
    results.push({
      metric: 'server.workspaces.loaded.heapMB',
      value: round(await heapUsedMB(url)),
      unit: 'MB V8 heap used',
    });

    // The idle hubs close within IDLE_MS plus one sweep (every IDLE_MS / 2).
    const deadline = performance.now() + IDLE_MS * 2 + 10_000;
    while ((await loadedWorkspaces(url)) > 1 && performance.now() < deadline) await sleep(1000);
    // V8 collects and gives memory back when the process has been quiet a while (its memory
    // reducer): the figure is taken after that, as on a server that had no traffic for a minute.
    await sleep(QUIET_MS);
    results.push({
      metric: 'server.workspaces.idle.MB',
      value: round(residentMB(child.pid)),
      unit: `MB RSS, ${WORKSPACES} workspaces with history, ${(await loadedWorkspaces(url)) - 1} of them loaded, none connected`,
    });
    results.push({
      metric: 'server.workspaces.idle.heapMB',
      value: round(await heapUsedMB(url)),
      unit: 'MB V8 heap used',
    });
    const collected = new Promise((resolve) => child.once('message', resolve));
    child.send('gc');
    await collected;
    results.push({
      metric: 'server.workspaces.idle.afterGc.heapMB',
      value: round(await heapUsedMB(url)),
      unit: 'MB V8 heap used after a full collection (what the closed hubs still hold)',
    });
    results.push({
      metric: 'server.workspaces.idle.afterGc.MB',
      value: round(residentMB(child.pid)),
      unit: 'MB RSS after a full collection',
    });
  } finally {
    if (child) {
      child.kill('SIGTERM');
      await new Promise((resolve) => {
        const timer = setTimeout(() => (child.kill('SIGKILL'), resolve()), 10_000);
        child.once('exit', () => (clearTimeout(timer), resolve()));
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await run()) console.log(JSON.stringify(line));
}

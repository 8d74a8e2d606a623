// Cold start with a long history (issue 19): the first `welcome` a fresh `confab-server` process
// sends for a log of 1,000,000 stored events. The log is generated once per run into a temporary
// directory by running the engine's own commands (visitors chatting with an agent: ~43 events a
// visitor). The first start has no snapshot: it replays the whole log (what every start did before
// snapshots), then writes one. The second start loads that snapshot plus the events after it.
// Wall time: about 2 minutes on a quiet 2-core machine (generating the log takes ~30 s of it).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const WebSocket = createRequire(join(root, 'packages/server/package.json'))('ws');
const EVENTS = Number(process.env.BENCH_COLD_START_EVENTS ?? 1_000_000);
const BIN = join(root, 'packages/server/dist/bin/confab-server.js');
const START_TIMEOUT_MS = 300_000;

/** Writes a log of at least `count` events the engine decided, in large transactions. */
async function generateLog(dir, count) {
  const { createEngineState, execute, applyEvent } = await import(
    pathToFileURL(join(root, 'packages/core/dist/engine/index.js')).href
  );
  const { createSqliteStorage } = await import(pathToFileURL(join(root, 'packages/server/dist/index.js')).href);
  const storage = createSqliteStorage(dir);
  const state = createEngineState();
  let seq = 0;
  let counter = 0;
  let now = Date.now() - 365 * 24 * 60 * 60 * 1000;
  let batch = [];
  const newId = () => `g${(++counter).toString(36)}`;
  const run = (principal, command) => {
    const { events, result } = execute(state, principal, command, { now: (now += 1000), newId });
    for (const event of events) {
      applyEvent(state, event);
      batch.push({ seq: ++seq, cause: null, event });
    }
    return result;
  };
  const flush = async () => {
    if (!batch.length) return;
    await storage.commit({
      principalKey: 'system',
      commandId: `gen-${seq}`,
      events: batch,
      outcome: { ok: true, seq },
      at: now,
    });
    batch = [];
  };
  const system = { kind: 'system' };
  const { agentId } = run(system, {
    type: 'agent.create',
    name: 'Bench Agent',
    email: 'bench@team.example',
    role: 'admin',
  });
  const agent = { kind: 'agent', agentId };
  for (let visitor = 0; seq < count; visitor++) {
    const { contactId } = run(system, { type: 'visitor.create' });
    const me = { kind: 'visitor', contactId };
    const { conversationId } = run(me, { type: 'visitor.startChat', text: `Hello, I am visitor ${visitor}` });
    for (let index = 0; index < 10; index++) {
      run(me, {
        type: 'visitor.message',
        conversationId,
        text: `Question ${index} about order ${visitor * 10 + index}, can you help?`,
      });
      run(agent, {
        type: 'message.reply',
        conversationId,
        text: `Answer ${index}: of course, let me look that up for you.`,
      });
    }
    if (batch.length >= 20_000) await flush();
  }
  await flush();
  await storage.close();
  return seq;
}

/** CPU time (user + system) a process used so far, in ms (Linux: /proc), or null. */
function cpuMs(pid) {
  try {
    // Fields 14 and 15 after the command name (in parentheses), in clock ticks of 10 ms.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * Starts the server over `dir`; resolves with ms from spawn to a new visitor's `welcome`, the CPU
 * ms the server had used by then (the same figure on a busy machine), and the ms its snapshot
 * write took when it wrote one.
 */
function timeToWelcome(dir, { waitForSnapshot }) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const profile = process.env.BENCH_SERVER_PROFILE;
    const child = spawn(process.execPath, [...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : []), BIN], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        CONFAB_DATA_DIR: dir,
        CONFAB_DEMO: '0',
        CONFAB_RATE_LIMITS: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let welcomeMs = null;
    let welcomeCpuMs = null;
    let snapshotWritten = false;
    const timer = setTimeout(() => finish(new Error(`no welcome in time: ${output.slice(-2000)}`)), START_TIMEOUT_MS);
    const finish = (error) => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      const written = /"ms":(\d+)[^\n]*"snapshot written"/.exec(output);
      child.once('exit', () =>
        error
          ? reject(error)
          : resolve({ welcomeMs, welcomeCpuMs, snapshotWriteMs: written ? Number(written[1]) : null }),
      );
    };
    const maybeDone = () => {
      if (welcomeMs !== null && (!waitForSnapshot || snapshotWritten)) finish();
    };
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (!snapshotWritten && output.includes('"snapshot written"')) {
        snapshotWritten = true;
        maybeDone();
      }
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match && !child.socketOpened) {
        child.socketOpened = true;
        const socket = new WebSocket(match[1].replace(/^http/, 'ws') + '/ws', { perMessageDeflate: false });
        socket.on('open', () => socket.send(JSON.stringify({ v: 1, type: 'hello', token: '' })));
        socket.on('message', (data) => {
          if (welcomeMs !== null || JSON.parse(String(data)).type !== 'welcome') return;
          welcomeMs = Math.round(performance.now() - started);
          welcomeCpuMs = cpuMs(child.pid);
          socket.terminate();
          maybeDone();
        });
        socket.on('error', (error) => finish(error));
      }
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => {
      if (welcomeMs === null) reject(new Error(`server exited (${code}): ${output.slice(-2000)}`));
    });
  });
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'confab-cold-start-'));
  try {
    const events = await generateLog(dir, EVENTS);
    const label = events >= 1_000_000 ? '1MEvents' : `${events}Events`;
    const replay = await timeToWelcome(dir, { waitForSnapshot: true });
    const loaded = await timeToWelcome(dir, { waitForSnapshot: false });
    return [
      {
        metric: `server.coldStart.${label}.replay.ms`,
        value: replay.welcomeMs,
        unit: 'ms (no snapshot yet: the whole log replayed and a first snapshot written)',
      },
      { metric: `server.coldStart.${label}.ms`, value: loaded.welcomeMs, unit: 'ms (snapshot + tail)' },
      { metric: `server.coldStart.${label}.cpu.ms`, value: loaded.welcomeCpuMs, unit: 'ms of server CPU until then' },
      { metric: `server.snapshot.write.${label}.ms`, value: replay.snapshotWriteMs, unit: 'ms to store the snapshot' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run directly: `node bench/server-cold-start.bench.mjs`.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await run()) console.log(JSON.stringify(line));
}

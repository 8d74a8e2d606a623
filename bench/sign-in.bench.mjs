// Sign-in figures for packages/server/README.md: the time of one password check (scrypt at the
// server's parameters) and how many sign-ins per second one server process answers — the rate
// anyone gets before backoff (backoff counts failures, so the right password never slows down;
// a guesser gets this rate for the first 5 failures per email, 20 per address).
// `npm run bench -- sign-in`, or directly: npx tsc -b && node bench/sign-in.bench.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@confab/server';
import { hashPassword, verifyPassword } from '../packages/server/dist/accounts/password.js';

async function passwordCheckMs() {
  const hash = await hashPassword('bench-password-1');
  const times = [];
  for (let i = 0; i < 9; i++) {
    const start = performance.now();
    await verifyPassword('bench-password-1', hash);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[4];
}

/** Right-password sign-ins over HTTP, `concurrency` at a time: answered per second. */
async function signInsPerSecond(server, concurrency, total = 32) {
  const signIn = async () => {
    const response = await fetch(`${server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ email: 'bench@team.example', password: 'bench-password-1' }),
    });
    if (response.status !== 200) throw new Error(`sign-in answered ${response.status}`);
  };
  let started = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < total) {
        started += 1;
        await signIn();
      }
    }),
  );
  return total / ((performance.now() - start) / 1000);
}

export async function run() {
  const results = [
    { metric: 'server.signIn.passwordCheck.ms', value: Math.round(await passwordCheckMs()), unit: 'ms' },
  ];
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-sign-in-bench-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir });
  try {
    await server.accounts.createAgent({
      email: 'bench@team.example',
      name: 'Bench',
      role: 'admin',
      password: 'bench-password-1',
    });
    const perSecond = await signInsPerSecond(server, 4);
    results.push({ metric: 'server.signIn.perSecond', value: Math.round(perSecond * 10) / 10, unit: 'sign-ins/s' });
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const line of await run()) console.log(JSON.stringify(line));
}

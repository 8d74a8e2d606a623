// Sign-in figures for packages/server/README.md: the time of one password check (scrypt at the
// server's parameters) and how many sign-ins per second one server process answers — the rate
// anyone gets before backoff (backoff counts failures, so the right password never slows down;
// a guesser gets this rate for the first 5 failures per email, 20 per address).
// Usage: npx tsc -b && node bench/sign-in.bench.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@confab/server';
import { hashPassword, verifyPassword } from '../packages/server/dist/accounts/password.js';

const hash = await hashPassword('bench-password-1');
const checks = [];
for (let i = 0; i < 10; i++) {
  const start = performance.now();
  await verifyPassword('bench-password-1', hash);
  checks.push(performance.now() - start);
}
checks.sort((a, b) => a - b);
console.log(
  `one password check: median ${checks[5].toFixed(0)} ms, min ${checks[0].toFixed(0)} ms (${checks.length} runs)`,
);

const dataDir = mkdtempSync(join(tmpdir(), 'confab-sign-in-bench-'));
const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: () => {} });
await server.accounts.createAgent({
  email: 'bench@team.example',
  name: 'Bench',
  role: 'admin',
  password: 'bench-password-1',
});
const signIn = () =>
  fetch(`${server.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ email: 'bench@team.example', password: 'bench-password-1' }),
  }).then((response) => {
    if (response.status !== 200) throw new Error(`sign-in answered ${response.status}`);
  });
for (const concurrency of [1, 4, 8]) {
  const total = 32;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next += 1;
        await signIn();
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  console.log(
    `sign-ins per second, ${concurrency} at a time: ${(total / seconds).toFixed(1)} (${total} sign-ins in ${seconds.toFixed(2)} s)`,
  );
}
await server.close();
rmSync(dataDir, { recursive: true, force: true });

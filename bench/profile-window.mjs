// `node bench/profile-window.mjs <file.cpuprofile> <startµs> <endµs> [top]`: where a process spent its
// CPU within one window of a V8 CPU profile (self time per function, GC and idle included), for
// comparing phases of a bench (server.bench prints its phases' windows when BENCH_SERVER_PROFILE is set).
import { readFileSync } from 'node:fs';

const [file, from, to, top = '20'] = process.argv.slice(2);
if (!file || !from || !to) {
  console.error('usage: node bench/profile-window.mjs <file.cpuprofile> <startµs> <endµs> [top]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map();
let time = profile.startTime;
let total = 0;
for (let index = 0; index < profile.samples.length; index += 1) {
  const delta = profile.timeDeltas[index];
  time += delta;
  if (time < Number(from) || time > Number(to)) continue;
  const { callFrame } = nodes.get(profile.samples[index]);
  const where = callFrame.url
    ? `${callFrame.url.replace(/^.*\/(packages|node_modules)\//, '$1/')}:${callFrame.lineNumber + 1}`
    : '';
  const key = `${callFrame.functionName || '(anonymous)'} ${where}`.trim();
  selfMicros.set(key, (selfMicros.get(key) ?? 0) + delta);
  total += delta;
}
const busy = total - (selfMicros.get('(idle)') ?? 0);
console.log(
  `window ${((Number(to) - Number(from)) / 1000).toFixed(0)} ms; sampled ${(total / 1000).toFixed(0)} ms, busy ${(busy / 1000).toFixed(0)} ms`,
);
for (const [key, micros] of [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
  console.log(
    `${(micros / 1000).toFixed(1).padStart(9)} ms  ${((micros / total) * 100).toFixed(1).padStart(5)} %  ${key}`,
  );

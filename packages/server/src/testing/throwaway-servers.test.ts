import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { startThrowawayPostgres } from './postgres.test-util.js';
import { redisCommand, startThrowawayRedis } from './redis.test-util.js';

/** Process ids whose command line names `text` (the throwaway directory is in every one of them). */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) assert.fail(`still not so after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a throwaway PostgreSQL gives each test its own database and leaves no process or directory once stopped', async () => {
  const cluster = await startThrowawayPostgres();
  const { dir } = cluster.process;
  try {
    assert.ok(processesMentioning(dir).length > 0, 'postgres runs with its data in the directory');
    const [first, second] = [await cluster.createDatabase(), await cluster.createDatabase()];
    assert.notEqual(first, second);
    const client = new pg.Client({ connectionString: first });
    await client.connect();
    await client.query('CREATE TABLE only_here (x int)');
    await client.end();
    const other = new pg.Client({ connectionString: second });
    await other.connect();
    const { rows } = await other.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_here'");
    await other.end();
    assert.equal(rows[0].n, 0, 'a new database is empty');
  } finally {
    await cluster.stop();
  }
  assert.deepEqual(processesMentioning(dir), []);
  assert.equal(existsSync(dir), false);
});

test('a test process killed with SIGKILL leaves no PostgreSQL or Redis and no directory behind', async () => {
  const harness = new URL('./postgres.test-util.js', import.meta.url).href;
  const redisHarness = new URL('./redis.test-util.js', import.meta.url).href;
  const script = `
    const { startThrowawayPostgres } = await import(${JSON.stringify(harness)});
    const { startThrowawayRedis } = await import(${JSON.stringify(redisHarness)});
    const cluster = await startThrowawayPostgres();
    const redis = await startThrowawayRedis();
    console.log(JSON.stringify([cluster.process.dir, redis.process.dir]));
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const dirs = await new Promise<string[]>((resolve, reject) => {
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      if (output.includes('\n')) resolve(JSON.parse(output) as string[]);
    });
    child.once('exit', (code) => reject(new Error(`the child ended first (${code}): ${output}`)));
  });
  for (const dir of dirs) assert.ok(processesMentioning(dir).length > 0, `${dir} is in use`);
  child.kill('SIGKILL');
  for (const dir of dirs) {
    await eventually(() => processesMentioning(dir).length === 0, `no process names ${dir}`);
    await eventually(() => !existsSync(dir), `${dir} is removed`);
  }
});

test('a throwaway Redis answers on its port and is gone once stopped', async () => {
  const redis = await startThrowawayRedis();
  const { dir } = redis.process;
  try {
    assert.equal(await redisCommand(redis.port, 'PING'), '+PONG');
    assert.equal(await redisCommand(redis.port, 'SET greeting hallo'), '+OK');
    assert.equal(await redisCommand(redis.port, 'EXISTS greeting'), ':1');
  } finally {
    await redis.stop();
  }
  assert.deepEqual(processesMentioning(dir), []);
  assert.equal(existsSync(dir), false);
  await assert.rejects(redisCommand(redis.port, 'PING'), 'nothing answers on its port any more');
});

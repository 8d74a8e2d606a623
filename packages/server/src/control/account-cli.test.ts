import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server.js';
import { tempDataDir } from '../testing/harness.test-util.js';
import { call, signIn } from '../testing/accounts.test-util.js';
import { controlFilePath } from './control-file.js';

const BIN = fileURLToPath(new URL('../bin/confab-server.js', import.meta.url));

/** Runs `confab-server …args` over `dataDir` with `input` on standard input. */
function cli(
  dataDir: string,
  args: string[],
  input = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, CONFAB_DATA_DIR: dataDir },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Starts the binary with `args` (CONFAB_DEMO unset) and resolves with its first output line and URL. */
function startBinary(dataDir: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, CONFAB_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' };
  delete env.CONFAB_DEMO;
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise<{ line: string; url: string; stop: () => Promise<void> }>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^(.*listening on (http:\/\/\S+).*)$/m.exec(output);
      if (match)
        resolve({
          line: match[1]!,
          url: match[2]!,
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
}

describe('modes of the confab-server binary', () => {
  test('it starts in production mode: no demo data, no demo sign-in; --demo starts the demo', async () => {
    for (const [args, demo] of [
      [[], false],
      [['--demo'], true],
    ] as const) {
      const dataDir = tempDataDir();
      const started = await startBinary(dataDir, [...args]);
      try {
        assert.equal(started.line.includes('(demo mode)'), demo, started.line);
        assert.equal((await fetch(`${started.url}/api/demo/session`)).status, demo ? 200 : 404);
        const status = (await (await fetch(`${started.url}/api/auth/session`)).json()) as { demo: boolean };
        assert.equal(status.demo, demo);
      } finally {
        await started.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  });
});

describe('confab-server create-agent and reset-password', () => {
  test('create-agent works while the server runs (through its control file) and the admin signs in at once', async () => {
    const dataDir = tempDataDir();
    const server = await startServer({ port: 0, host: '127.0.0.1', dataDir });
    try {
      assert.equal(statSync(controlFilePath(dataDir)).mode & 0o777, 0o600, 'control file readable by its owner only');
      const created = await cli(
        dataDir,
        ['create-agent', '--email', 'root@team.example', '--name', 'Root', '--role', 'admin'],
        'root-password-1\n',
      );
      assert.equal(created.code, 0, created.stderr);
      const { agentId } = JSON.parse(created.stdout) as { agentId: string };
      assert.equal(server.backend.state.agents.get(agentId)!.role, 'admin', 'the running engine knows the agent');
      await signIn(server.url, 'root@team.example', 'root-password-1');

      const reset = await cli(dataDir, ['reset-password', '--email', 'ROOT@team.example']);
      assert.equal(reset.code, 0, reset.stderr);
      const token = /#reset=(cfl_[A-Za-z0-9_-]+)/.exec(reset.stdout)![1];
      const set = await call(server.url, '/api/auth/set-password', { body: { token, password: 'root-password-2' } });
      assert.equal(set.status, 200);
      await signIn(server.url, 'root@team.example', 'root-password-2');

      const duplicate = await cli(
        dataDir,
        ['create-agent', '--email', 'root@team.example', '--name', 'Again', '--role', 'admin'],
        'another-password\n',
      );
      assert.notEqual(duplicate.code, 0);
      const weak = await cli(
        dataDir,
        ['create-agent', '--email', 'w@team.example', '--name', 'W', '--role', 'agent'],
        'short\n',
      );
      assert.notEqual(weak.code, 0);
      assert.match(weak.stderr, /at least 8 characters/);
      const inArgv = await cli(dataDir, [
        'create-agent',
        '--email',
        'x@team.example',
        '--name',
        'X',
        '--password',
        'secret-in-argv',
      ]);
      assert.notEqual(inArgv.code, 0);
      assert.match(inArgv.stderr, /unknown option --password/);
    } finally {
      await server.close();
    }
    assert.equal(existsSync(controlFilePath(dataDir)), false, 'the control file goes with the server');
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('create-agent on a stopped server appends through the engine; the next start has the admin', async () => {
    const dataDir = tempDataDir();
    const created = await cli(
      dataDir,
      ['create-agent', '--email', 'first@team.example', '--name', 'First', '--role', 'admin'],
      'first-password-1',
    );
    assert.equal(created.code, 0, created.stderr);
    const server = await startServer({ port: 0, host: '127.0.0.1', dataDir });
    try {
      const status = await call(server.url, '/api/auth/session', { method: 'GET' });
      assert.equal(status.body.setupNeeded, false);
      await signIn(server.url, 'first@team.example', 'first-password-1');
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

// Test helper: the real `confab-server` binary as a child process on 127.0.0.1, for crash tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/confab-server.js', import.meta.url));

export interface ChildServer {
  child: ChildProcess;
  /** `http://127.0.0.1:port` */
  url: string;
  wsUrl: string;
  /** Everything the server printed so far (for failure messages). */
  output(): string;
  /** The JSON log lines printed so far, parsed (standard output; other lines are skipped). */
  logLines(): Record<string, unknown>[];
  /** SIGKILL (no chance to flush or close anything); resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM; resolves with the exit code once the process is gone. */
  terminate(): Promise<number | null>;
}

/** The child's admin token: `/health?details` (its seq) is for the admin. */
export const CHILD_ADMIN_TOKEN = 'child-admin';

/** Starts `confab-server` on a free loopback port over `dataDir`; resolves once it listens. */
export function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<ChildServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        CONFAB_DATA_DIR: dataDir,
        CONFAB_DEMO: '0',
        CONFAB_RATE_LIMITS: 'off',
        CONFAB_ADMIN_TOKEN: CHILD_ADMIN_TOKEN,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    // A start is not what these tests measure: with two browsers beside them on two cores (load
    // 20–30) a process took over 10 s to print that it listens. A process that never starts still fails.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in 60 s: ${output}`));
    }, 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      stdout += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        const url = match[1]!;
        resolve({
          child,
          url,
          wsUrl: url.replace(/^http/, 'ws') + '/ws',
          output: () => output,
          logLines: () =>
            stdout
              .split('\n')
              .filter((line) => line.startsWith('{'))
              .map((line) => JSON.parse(line) as Record<string, unknown>),
          async kill() {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
            await exited;
          },
          terminate() {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}): ${output}`));
    });
  });
}

// Test helper: a database program (PostgreSQL, Redis) that lives no longer than the test process
// that started it, in a temporary directory removed with it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The guardian: a bash script that runs the program in the background and reads fd 3, a pipe from
 * the test process. When that pipe closes — `stop()` closed it, or the test process exited or was
 * killed, even by SIGKILL — or the program ends by itself, the guardian stops the program, waits
 * for it, prints what the program printed, and removes the directory. It ignores INT, TERM and
 * HUP, so only the pipe ends it: a killed test run leaves no process and no directory behind.
 */
const GUARDIAN = `
dir=$1; stop_signal=$2; shift 2
"$@" </dev/null >"$dir/output.log" 2>&1 3<&- &
program=$!
( while read -r -u 3 _; do :; done ) &
watcher=$!
trap '' INT TERM HUP
wait -n "$program" "$watcher"
kill -s "$stop_signal" "$program" 2>/dev/null
wait "$program"
status=$?
kill -s KILL "$watcher" 2>/dev/null
cat -- "$dir/output.log" 2>/dev/null
rm -rf -- "$dir"
exit "$status"
`;

export interface ThrowawayProcess {
  /** The temporary directory: the program's files and `output.log`; removed once it stops. */
  readonly dir: string;
  /** The process id of the guardian (the program is its child). */
  readonly guardianPid: number;
  /** Resolves with the guardian's exit status once it has stopped the program and removed the directory. */
  readonly exited: Promise<number | null>;
  /** What the program printed so far (for failure messages). */
  output(): string;
  /** Stops the program and removes its directory; resolves once both are done. */
  stop(): Promise<void>;
}

export interface ThrowawayOptions {
  /** Names the temporary directory (`confab-<name>-…`). */
  name: string;
  /** The program and its arguments; `{dir}` in an argument is replaced by the directory. */
  command: string[];
  /** How to stop the program: PostgreSQL's immediate shutdown is SIGQUIT, Redis stops on SIGTERM. */
  stopSignal: 'SIGQUIT' | 'SIGTERM' | 'SIGINT';
  /**
   * Run the program as `nobody` when this process is root (PostgreSQL refuses to run as root); the
   * directory is given to that user.
   */
  unprivileged?: boolean;
}

const isRoot = () => process.getuid?.() === 0;

/** The uid and gid of `nobody`, for a program that must not run as root. */
function nobody(): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Starts the program under a guardian; resolves at once (the caller waits until it answers). */
export function startThrowaway(options: ThrowawayOptions): ThrowawayProcess {
  const dir = mkdtempSync(join(tmpdir(), `confab-${options.name}-`));
  let command = options.command.map((arg) => arg.replaceAll('{dir}', dir));
  if (options.unprivileged && isRoot()) {
    const user = nobody();
    chownSync(dir, user.uid, user.gid);
    command = ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', ...command];
  }
  let guardian: ChildProcess;
  try {
    guardian = spawn('bash', ['-c', GUARDIAN, 'guardian', dir, options.stopSignal, ...command], {
      // fd 3 is the pipe the guardian watches; its standard output the program's output at the end.
      stdio: ['ignore', 'pipe', 'ignore', 'pipe'],
      // Its own process group: a signal to the test's group does not reach it; only the pipe ends it.
      detached: true,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const lifeline = guardian.stdio[3] as Socket;
  const finalOutput = guardian.stdout as Socket;
  let printed = '';
  finalOutput.setEncoding('utf8').on('data', (text: string) => (printed += text));
  // A test that forgets stop() still lets this process exit; the pipe closes then, and the guardian cleans up.
  guardian.unref();
  lifeline.unref();
  finalOutput.unref();
  const exited = new Promise<number | null>((resolve) => guardian.once('close', (code) => resolve(code)));
  let stopping: Promise<void> | null = null;
  return {
    dir,
    guardianPid: guardian.pid!,
    exited,
    output() {
      try {
        return readFileSync(join(dir, 'output.log'), 'utf8');
      } catch {
        return printed; // the directory is gone: the guardian printed the file first
      }
    },
    stop() {
      stopping ??= (async () => {
        guardian.ref();
        finalOutput.ref();
        lifeline.destroy();
        await exited;
      })();
      return stopping;
    },
  };
}

/** A TCP port on 127.0.0.1 that was free a moment ago (a program that then fails to bind it is started again). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throwaway program on a free port and waits until `answers(port)` resolves true. When the
 * program ends before it answers because another process took the port meanwhile, it starts again
 * on another port; any other early end is an error with the program's output.
 */
export async function startOnFreePort(
  options: Omit<ThrowawayOptions, 'command'> & {
    command: (port: number) => string[];
    answers: (port: number) => Promise<boolean>;
    /** Whether the output says the port was taken. */
    portTaken: (output: string) => boolean;
    timeoutMs?: number;
    /** This port and no other (a program started again where its clients expect it). */
    port?: number;
  },
): Promise<{ process: ThrowawayProcess; port: number }> {
  const deadline = performance.now() + (options.timeoutMs ?? 60_000);
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const started = startThrowaway({ ...options, command: options.command(port) });
    let ended = false;
    void started.exited.then(() => (ended = true));
    while (!ended) {
      if (await options.answers(port).catch(() => false)) return { process: started, port };
      if (performance.now() > deadline) {
        const output = started.output();
        await started.stop();
        throw new Error(`${options.name} did not answer on port ${port} in time:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await started.stop();
    const output = started.output();
    if (!options.portTaken(output) || attempt === 5)
      throw new Error(`${options.name} ended before it answered on port ${port}:\n${output}`);
  }
}

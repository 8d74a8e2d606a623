#!/usr/bin/env node
// `confab-server` — starts the reference server (default), or manages agents and tokens:
//   confab-server [--demo] [--mount=/path=dir]       start, in production mode unless --demo or CONFAB_DEMO=1;
//                                                    --mount serves a directory of your own at /path
//   confab-server create-workspace --id ID [--name N]
//                                                    a new workspace; prints its admin and ingest tokens
//   confab-server create-agent --email E --name N --role admin|agent [--workspace W]
//                                                    create an agent; the password comes on standard input
//   confab-server reset-password --email E [--workspace W]
//                                                    print a one-time link to set a new password
//   confab-server issue-agent-token <agentId> [label] print a new agent token (stored hashed)
//   confab-server list-agent-tokens [agentId]        list tokens (ids, never the tokens)
//   confab-server backup <file>                      online copy of the database (safe while serving)
//   confab-server migrate                            bring the schema up to date and exit
//   confab-server renew-epochs                       new epochs after restoring PostgreSQL (processes stopped)
//   confab-server --help | --version
import { createServerAuthenticator } from '../auth/authenticator.js';
import { createAgentCli, createWorkspaceCli, openCliStore, resetPasswordCli } from '../control/account-cli.js';
import { DEFAULT_WORKSPACE } from '../storage/workspace-directory.js';
import { readPassword } from '../control/read-password.js';
import { readFileSync } from 'node:fs';
import { CLOSE_CODES } from '@confab/core';
import { ConfigError, configFromEnv, helpText } from '../config.js';
import { createLogger } from '../logging.js';
import { startServer } from '../server.js';
import { backupDatabase } from '../storage/backup.js';
import { createSqliteStorage, defaultDataDir } from '../storage/sqlite-storage.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
/** After SIGTERM the process exits within this, whatever still hangs (systemd's default stop timeout is 90 s). */
const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(argv: string[]) {
  const [command, ...args] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(helpText(VERSION));
    return;
  }
  if (command === '--version' || command === '-v') {
    console.log(VERSION);
    return;
  }
  if (command === 'backup') {
    const [target, ...rest] = args;
    if (!target || rest.length > 0) throw new UsageError('usage: confab-server backup <file>');
    console.log(JSON.stringify(await backupDatabase(defaultDataDir(), target)));
    return;
  }
  if (command === 'renew-epochs') {
    // After restoring PostgreSQL in a way the server cannot tell (pg_restore --clean into the same database).
    const store = await openCliStore(process.env.CONFAB_DATA_DIR || defaultDataDir());
    try {
      console.log(JSON.stringify({ workspaces: await store.renewEpochs() }));
    } finally {
      await store.close();
    }
    return;
  }
  if (command === 'migrate') {
    const storage = createSqliteStorage(defaultDataDir());
    console.log(JSON.stringify({ file: storage.file, schema: storage.schemaVersion() }));
    await storage.close();
    return;
  }
  if (command === 'issue-agent-token' || command === 'list-agent-tokens') {
    const store = await openCliStore(process.env.CONFAB_DATA_DIR || defaultDataDir());
    try {
      const storage = await store.forWorkspace(DEFAULT_WORKSPACE);
      if (command === 'issue-agent-token') {
        const agentId = args[0];
        if (!agentId) throw new Error('usage: confab-server issue-agent-token <agentId> [label]');
        // Works while the server runs (SQLite in WAL mode takes a second writer); the server looks tokens up on every hello.
        const { id, token } = await createServerAuthenticator({ store: storage }).issueAgentToken(
          agentId,
          args[1] ?? 'cli',
        );
        console.log(JSON.stringify({ id, agentId, token }));
      } else {
        console.log(JSON.stringify(await storage.listAgentTokens(args[0]), null, 2));
      }
    } finally {
      await store.close();
    }
    return;
  }
  const dataDir = process.env.CONFAB_DATA_DIR || defaultDataDir();
  if (command === 'create-workspace') {
    console.log(JSON.stringify(await createWorkspaceCli(dataDir, args)));
    return;
  }
  if (command === 'create-agent') {
    console.log(JSON.stringify(await createAgentCli(dataDir, args, readPassword)));
    return;
  }
  if (command === 'reset-password') {
    const publicUrl =
      process.env.CONFAB_PUBLIC_URL?.split(',')[0]?.trim() || `http://localhost:${process.env.PORT || 4747}`;
    const { link } = await resetPasswordCli(dataDir, args, publicUrl);
    console.log(`Open this link to set a new password (it works once, for 72 hours):\n${String(link)}`);
    return;
  }
  const startArgs = command === 'start' ? args : argv;
  const mounts: Record<string, string> = {};
  for (const arg of startArgs) {
    const mount = /^--mount=(\/[^=]+)=(.+)$/.exec(arg);
    if (mount) mounts[mount[1]!] = mount[2]!;
    else if (arg !== '--demo')
      throw new UsageError(`unknown command or option ${arg} (confab-server --help lists them)`);
  }

  // The binary starts in production mode; `npm start` passes --demo (DESIGN §2, §6).
  const { options, logLevel } = configFromEnv(process.env, { demo: startArgs.includes('--demo') });
  const logger = createLogger(logLevel);
  const server = await startServer({ ...options, mounts, logger });
  logger.info(
    {
      url: server.url,
      demo: options.demo,
      version: VERSION,
      schema: server.storage.schemaVersion(),
      // A self-hoster who reaches the server by a domain name must list it, or every request is a 400.
      publicOrigins: options.publicOrigins ?? 'none: localhost, IP addresses and HOST only (set CONFAB_PUBLIC_URL)',
      metrics: options.metricsToken ? 'token' : options.demo ? 'open (demo)' : 'off',
    },
    // The URL is followed by a space: scripts that read it from the line stop there.
    `Confab server listening on ${server.url} (${options.demo ? 'demo mode' : 'production mode'})`,
  );
  if (options.demo) {
    // The demo's links, for a person at a terminal (the log line above carries the same URL).
    const lines = [
      `  index   ${server.url}/`,
      `  inbox   ${server.url}/inbox/`,
      `  site    ${server.url}/site/`,
      ...Object.keys(mounts).map((prefix) => `  ${prefix.slice(1).padEnd(7)} ${server.url}${prefix}/`),
      `  health  ${server.url}/health`,
    ];
    if (!options.ingestToken)
      lines.push('  ingest  Authorization: Bearer demo-ingest-token (demo only; set CONFAB_INGEST_TOKEN)');
    process.stderr.write(`${lines.join('\n')}\n`);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: sockets told to reconnect');
    setTimeout(() => {
      logger.error({ signal, deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown took too long: exiting now');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    // 1012: the server restarts; clients reconnect and resume, resending what was not acknowledged.
    server.close(CLOSE_CODES.serviceRestart).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.fatal({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** A command line the binary does not understand: said on standard error, exit code 2. */
class UsageError extends Error {}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`confab-server: ${error.message}\n`);
    process.exit(1);
  }
  console.error(`confab-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});

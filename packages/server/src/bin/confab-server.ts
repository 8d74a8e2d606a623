#!/usr/bin/env node
// `confab-server` — starts the reference server (default), or manages agents and tokens:
//   confab-server [--demo] [--mount=/path=dir]       start, in production mode unless --demo or CONFAB_DEMO=1;
//                                                    --mount serves a directory of your own at /path
//   confab-server create-agent --email E --name N --role admin|agent
//                                                    create an agent; the password comes on standard input
//   confab-server reset-password --email E           print a one-time link to set a new password
//   confab-server issue-agent-token <agentId> [label] print a new agent token (stored hashed)
//   confab-server list-agent-tokens [agentId]        list tokens (ids, never the tokens)
import { createServerAuthenticator } from '../auth/authenticator.js';
import { createAgentCli, resetPasswordCli } from '../control/account-cli.js';
import { readPassword } from '../control/read-password.js';
import { optionsFromEnv } from '../config.js';
import { startServer } from '../server.js';
import { createSqliteStorage, defaultDataDir } from '../storage/sqlite-storage.js';

async function main(argv: string[]) {
  const [command, ...args] = argv;
  if (command === 'issue-agent-token' || command === 'list-agent-tokens') {
    const storage = createSqliteStorage(process.env.CONFAB_DATA_DIR || defaultDataDir());
    try {
      if (command === 'issue-agent-token') {
        const agentId = args[0];
        if (!agentId) throw new Error('usage: confab-server issue-agent-token <agentId> [label]');
        // Works while the server runs (SQLite in WAL mode takes a second writer); the server looks tokens up on every hello.
        const { id, token } = createServerAuthenticator({ store: storage }).issueAgentToken(agentId, args[1] ?? 'cli');
        console.log(JSON.stringify({ id, agentId, token }));
      } else {
        console.log(JSON.stringify(storage.listAgentTokens(args[0]), null, 2));
      }
    } finally {
      await storage.close();
    }
    return;
  }
  const dataDir = process.env.CONFAB_DATA_DIR || defaultDataDir();
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
    else if (arg !== '--demo') throw new Error(`unknown command or option ${arg}`);
  }

  // The binary starts in production mode; `npm start` passes --demo (DESIGN §2, §6).
  const options = { ...optionsFromEnv(process.env, { demo: startArgs.includes('--demo') }), mounts };
  const server = await startServer(options);
  const lines = [
    `Confab server ${options.demo ? '(demo mode) ' : ''}listening on ${server.url}`,
    `  index   ${server.url}/`,
    `  inbox   ${server.url}/inbox/`,
    `  site    ${server.url}/site/`,
    ...Object.keys(mounts).map((prefix) => `  ${prefix.slice(1).padEnd(7)} ${server.url}${prefix}/`),
    `  health  ${server.url}/health`,
    `  data    ${server.storage.dir}`,
  ];
  // A self-hoster who reaches the server by a domain name must list it, or every request is a 400.
  lines.push(
    options.publicOrigins
      ? `  public  ${options.publicOrigins.join(', ')}`
      : '  names   localhost, IP addresses and HOST only; set CONFAB_PUBLIC_URL to serve a domain name',
  );
  if (options.demo && !process.env.CONFAB_INGEST_TOKEN)
    lines.push('  ingest  Authorization: Bearer demo-ingest-token (demo only; set CONFAB_INGEST_TOKEN)');
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

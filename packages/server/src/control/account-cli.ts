import { createBackend } from '@confab/core/backend';
import { createAccounts } from '../accounts/accounts.js';
import { createServerAuthenticator } from '../auth/authenticator.js';
import { accountLink } from '../http/auth-routes.js';
import { openServerStore, type ServerStore } from '../storage/open-storage.js';
import { DEFAULT_WORKSPACE } from '../storage/workspace-directory.js';
import { createWorkspace } from '../http/admin-routes.js';
import { readControlFile } from './control-file.js';

/** `--name value` pairs of a command line; a flag without a value is an error. */
export function parseFlags(args: string[], allowed: readonly string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]!;
    const value = args[i + 1];
    if (!name.startsWith('--') || !allowed.includes(name.slice(2)))
      throw new Error(`unknown option ${name} (options: ${allowed.map((flag) => `--${flag}`).join(' ')})`);
    if (value === undefined) throw new Error(`${name} needs a value`);
    flags[name.slice(2)] = value;
  }
  return flags;
}

/**
 * Sends a request to the running server of `dataDir` through its control file; null when no
 * server runs there (no file, or nothing answers at its URL).
 */
async function viaRunningServer(dataDir: string, path: string, body: unknown): Promise<Record<string, unknown> | null> {
  const control = readControlFile(dataDir);
  if (!control) return null;
  let response: Response;
  try {
    response = await fetch(`${control.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${control.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    return null; // a stale file of a server that crashed: nothing listens any more
  }
  const answer = (await response.json()) as Record<string, unknown> & { error?: { message: string } };
  if (!response.ok) throw new Error(answer.error?.message ?? `the server answered ${response.status}`);
  return answer;
}

/** The store the server of this data directory uses: SQLite there, or PostgreSQL with CONFAB_DATABASE_URL. */
export function openCliStore(dataDir: string): Promise<ServerStore> {
  return openServerStore({ dataDir, databaseUrl: process.env.CONFAB_DATABASE_URL });
}

/** The store of a stopped server, with the engine over it (commands run as they would in the server). */
async function withStoppedServer<T>(
  dataDir: string,
  workspaceId: string,
  work: (accounts: ReturnType<typeof createAccounts>) => Promise<T>,
) {
  const storage = await openCliStore(dataDir);
  try {
    const store = await storage.forWorkspace(workspaceId);
    const backend = createBackend({ storage: store, auth: createServerAuthenticator({ store }) });
    try {
      await backend.ready;
      return await work(createAccounts({ backend, store }));
    } finally {
      await backend.close();
    }
  } finally {
    await storage.close();
  }
}

/**
 * `confab-server create-workspace --id ID [--name N]`: a new workspace, its admin token and its
 * ingest token (each printed once). Written straight into the store, also while a server runs:
 * the server reads which workspaces exist at each use.
 */
export async function createWorkspaceCli(dataDir: string, args: string[], now: () => number = Date.now) {
  const flags = parseFlags(args, ['id', 'name']);
  if (!flags.id) throw new Error('usage: confab-server create-workspace --id ID [--name N]');
  const storage = await openCliStore(dataDir);
  try {
    return await createWorkspace({ directory: storage.directory, now }, flags.id, flags.name);
  } finally {
    await storage.close();
  }
}

/** `confab-server create-agent --email E --name N --role admin|agent`, the password from standard input. */
export async function createAgentCli(dataDir: string, args: string[], readPassword: () => Promise<string>) {
  const flags = parseFlags(args, ['email', 'name', 'role', 'workspace']);
  if (!flags.email || !flags.name)
    throw new Error('usage: confab-server create-agent --email E --name N --role admin|agent [--workspace W]');
  const workspace = flags.workspace ?? DEFAULT_WORKSPACE;
  const role = flags.role ?? 'agent';
  if (role !== 'admin' && role !== 'agent') throw new Error('--role is admin or agent');
  const password = await readPassword();
  const input = { email: flags.email, name: flags.name, role, password } as const;
  const answer =
    (await viaRunningServer(dataDir, '/api/control/agents', { ...input, workspace })) ??
    (await withStoppedServer(dataDir, workspace, async (accounts) => {
      const agent = await accounts.createAgent(input);
      return { agentId: agent.id, email: agent.email, role: agent.role };
    }));
  return answer;
}

/** `confab-server reset-password --email E`: prints a one-time link to set a new password. */
export async function resetPasswordCli(dataDir: string, args: string[], publicUrl: string) {
  const flags = parseFlags(args, ['email', 'workspace']);
  if (!flags.email) throw new Error('usage: confab-server reset-password --email E [--workspace W]');
  const email = flags.email;
  const workspace = flags.workspace ?? DEFAULT_WORKSPACE;
  return (
    (await viaRunningServer(dataDir, '/api/control/reset-links', { email, workspace })) ??
    (await withStoppedServer(dataDir, workspace, async (accounts) => {
      const agent = accounts.agentByEmail(email);
      if (!agent || agent.disabled) throw new Error(`No enabled agent has the email ${email}.`);
      const purpose = agent.invitePending ? 'invite' : 'reset';
      return { agentId: agent.id, link: accountLink(publicUrl, purpose, await accounts.createLink(agent.id, purpose)) };
    }))
  );
}

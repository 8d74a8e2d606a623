// Test helpers for accounts: a production-mode server (no demo data) with a movable clock and a
// first admin, and HTTP calls the way the inbox page makes them (Origin, cookie).
import { rmSync } from 'node:fs';
import type { AgentRole } from '@confab/core';
import { startServer, type RunningServer, type StartServerOptions } from '../server.js';
import { tempDataDir } from './harness.test-util.js';

export const ADMIN = { email: 'ada@team.example', name: 'Ada Admin', password: 'ada-password-1' };

export interface AccountsServer {
  server: RunningServer;
  url: string;
  wsUrl: string;
  adminId: string;
  /** Moves the server's clock forward. */
  advance(ms: number): void;
  /** An agent with a password, created as `confab-server create-agent` does. */
  createAgent(email: string, name: string, role: AgentRole, password: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * `manualClock`: the clock moves only with `advance`, for tests of time windows (a 1 s backoff)
 * that a slow request on a busy machine would otherwise outlast.
 */
export async function startAccountsServer(
  options: StartServerOptions = {},
  { manualClock = false }: { manualClock?: boolean } = {},
): Promise<AccountsServer> {
  const dataDir = tempDataDir('confab-accounts-');
  let offset = 0;
  const startedAt = Date.now();
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    adminToken: 'test-admin',
    now: manualClock ? () => startedAt + offset : () => Date.now() + offset,
    ...options,
  });
  const createAgent = async (email: string, name: string, role: AgentRole, password: string) => {
    const agent = await server.accounts.createAgent({ email, name, role, password });
    return agent.id;
  };
  const adminId = await createAgent(ADMIN.email, ADMIN.name, 'admin', ADMIN.password);
  return {
    server,
    url: server.url,
    wsUrl: server.url.replace(/^http/, 'ws') + '/ws',
    adminId,
    advance: (ms) => (offset += ms),
    createAgent,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  body: { error?: { code: string; message: string }; [key: string]: unknown };
  headers: Headers;
  /** `confab_session=…` from Set-Cookie, for the next request's Cookie header. */
  cookie: string | null;
}

/** A call as the inbox page makes it: JSON, the server's own Origin, the session cookie if any. */
export async function call(
  url: string,
  path: string,
  options: { method?: string; body?: unknown; cookie?: string | null; origin?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const origin = options.origin === undefined ? url : options.origin;
  if (origin !== null) headers.origin = origin;
  if (options.cookie) headers.cookie = options.cookie;
  const response = await fetch(url + path, {
    method: options.method ?? (options.body === undefined && path.endsWith('/session') ? 'GET' : 'POST'),
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const setCookie = response.headers.get('set-cookie');
  return {
    status: response.status,
    body: (await response.json()) as Answer['body'],
    headers: response.headers,
    cookie: setCookie ? setCookie.split(';')[0]! : null,
  };
}

/** Signs in and returns the session cookie; throws with the answer when refused. */
export async function signIn(url: string, email: string, password: string): Promise<string> {
  const answer = await call(url, '/api/auth/sign-in', { body: { email, password } });
  if (answer.status !== 200 || !answer.cookie) throw new Error(`sign-in refused: ${JSON.stringify(answer.body)}`);
  return answer.cookie;
}

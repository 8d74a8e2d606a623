import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Backend } from '@confab/core/backend';
import type { Accounts } from '../accounts/accounts.js';
import type { ServerAuthenticator } from '../auth/authenticator.js';
import type { Mailer } from '../mail/mailer.js';
import type { SqliteStorage } from '../storage/sqlite-storage.js';

/** What a route module needs of the running server. */
export interface RouteContext {
  backend: Backend;
  storage: SqliteStorage;
  auth: ServerAuthenticator;
  accounts: Accounts;
  mailer: Mailer;
  demo: boolean;
  trustProxy: boolean;
  now(): number;
  /** The server's own origins for a request (the Origin checks). */
  ownOrigins(req: IncomingMessage): readonly string[];
  /** Where links in email point: the first public URL, else the origin this request reached. */
  linkOrigin(req?: IncomingMessage): string;
  /** Closes the sockets opened with these agent sessions (by token hash). */
  closeSessionSockets(tokenHashes: Iterable<string>, code: number, reason: string): void;
}

/** A route module: answers and returns true when the path is one of its own. */
export type RouteHandler = (
  context: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) => Promise<boolean>;

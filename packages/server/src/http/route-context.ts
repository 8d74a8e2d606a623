import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '@confab/core';
import type { Backend } from '@confab/core/backend';
import type { Accounts } from '../accounts/accounts.js';
import type { ServerAuthenticator } from '../auth/authenticator.js';
import type { Mailer } from '../mail/mailer.js';
import type { WorkspaceStorage } from '../storage/sqlite-storage.js';
import type { WorkspaceDirectory } from '../storage/workspace-directory.js';
import type { WorkspaceHub, WorkspaceHubs } from '../workspaces/hubs.js';
import type { WebhookStore } from '../webhooks/webhook-store.js';
import type { ApiKeyStore } from '../api/api-keys.js';

/**
 * What a route module needs of the running server. `backend`, `storage`, `auth`, `accounts` and
 * `mailer` are one workspace's (the default one's until a route picks another with inWorkspace).
 */
export interface RouteContext {
  /** The workspace the fields below belong to. */
  workspaceId: string;
  backend: Backend;
  storage: WorkspaceStorage;
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
  /** The whole store: which workspaces exist, their sites and tokens (never one workspace's rows). */
  directory: WorkspaceDirectory;
  /** The hub of each workspace, loaded on use. */
  workspaces: WorkspaceHubs;
  /** Every workspace's webhook endpoints and deliveries (each call names its workspace). */
  webhooks: WebhookStore;
  /** Every workspace's REST API keys. */
  apiKeys: ApiKeyStore;
  /** Closes the sockets opened with these agent sessions or agent tokens (by token hash), on every process. */
  closeSessionSockets(tokenHashes: Iterable<string>, code: number, reason: string): void;
  /** Closes the sockets of an agent or visitor of a workspace, on every process of a cluster. */
  disconnectPrincipal(workspaceId: string, who: Principal, code: number, reason: string): void;
}

/** A route module: answers and returns true when the path is one of its own. */
export type RouteHandler = (
  context: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) => Promise<boolean>;

/** The context with one workspace's parts in place of the default's. */
export function inWorkspace(context: RouteContext, hub: WorkspaceHub): RouteContext {
  return {
    ...context,
    workspaceId: hub.id,
    backend: hub.backend,
    storage: hub.storage,
    auth: hub.auth,
    accounts: hub.accounts,
    mailer: hub.mailer,
  };
}
